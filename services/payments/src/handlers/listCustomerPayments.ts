import { httpHandler, IdentifierSchema, withCorrelationId } from '@payflow/shared';
import { z } from 'zod';
import { paymentView } from '../domain/payment';
import { authorize } from '../guards';
import { PageQuerySchema } from '../page-query';
import { correlationIdOf, logger, services } from '../wiring';

/** GET /customers/{customerId}/payments?limit=&cursor=: a customer's payments, newest first. */
export const handler = httpHandler(
  { path: z.strictObject({ customerId: IdentifierSchema }), query: PageQuerySchema, logger },
  async ({ path, query, headers, context }) => {
    withCorrelationId(logger, correlationIdOf(headers, context.awsRequestId));
    // A customer's whole history is for operators (scope payments/admin).
    await authorize(headers, 'payments/admin');
    const page = await services().payments.listByCustomer(path.customerId, query.limit, query.cursor);
    return {
      customerId: path.customerId,
      payments: page.payments.map(paymentView),
      nextCursor: page.nextCursor,
    };
  },
);
