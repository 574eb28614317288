import { ConflictError, httpHandler } from '@payflow/shared';
import { CreateCustomerBodySchema, customerView, newCustomer } from '../domain/customer';
import { authorize } from '../guards';
import { tryAnnounceCustomer, logger, services } from '../wiring';

/**
 * POST /customers (scope payments/customers): registers one of the caller's customers, with how they want to hear
 * from us. The customer belongs to the caller's app client; an id already taken is 409 and nothing changes.
 */
export const handler = httpHandler(
  { body: CreateCustomerBodySchema, logger },
  async ({ body, headers, correlationId }) => {
    const principal = await authorize(headers, 'payments/customers');
    const customer = newCustomer(body, principal.clientId, new Date());
    if (!(await services().customers.create(customer, correlationId))) {
      throw new ConflictError(
        `A customer with id ${body.customerId} already exists; choose another id, or PATCH /customers/{id} to change it`,
      );
    }
    await tryAnnounceCustomer(customer, correlationId);
    logger.info('Customer registered', {
      customerId: customer.customerId,
      merchantId: customer.merchantId,
      channels: customer.channels,
    });
    return {
      statusCode: 201,
      headers: { location: `/customers/${customer.customerId}` },
      body: customerView(customer),
    };
  },
);
