import { ConflictError, httpHandler, IdentifierSchema, UnprocessableError } from '@payflow/shared';
import { z } from 'zod';
import { customerView, UpdateCustomerBodySchema, updatedCustomer } from '../domain/customer';
import { authorize, customerFor } from '../guards';
import { tryAnnounceCustomer, logger, services } from '../wiring';

/**
 * PATCH /customers/{customerId} (scope payments/customers): contact details and channel preferences. The result
 * must still have an address for every channel chosen (422 naming the field); a change made meanwhile is 409.
 */
export const handler = httpHandler(
  { body: UpdateCustomerBodySchema, path: z.strictObject({ customerId: IdentifierSchema }), logger },
  async ({ body, path, headers, correlationId }) => {
    const principal = await authorize(headers, 'payments/customers');
    const current = await customerFor(principal, path.customerId);
    const { customer, problems } = updatedCustomer(current, body, new Date());
    if (problems.length > 0) throw new UnprocessableError('The customer would be left incomplete', problems);
    if (!(await services().customers.replace(customer, correlationId))) {
      throw new ConflictError(`Customer ${path.customerId} was changed meanwhile; read it again and retry`);
    }
    await tryAnnounceCustomer(customer, correlationId);
    logger.info('Customer updated', {
      customerId: customer.customerId,
      fields: Object.keys(body),
      by: principal.subject,
    });
    return customerView(customer);
  },
);
