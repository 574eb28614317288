import { httpHandler, IdentifierSchema, withCorrelationId } from '@payflow/shared';
import { z } from 'zod';
import { paymentView } from '../domain/payment';
import { authorize } from '../guards';
import { correlationIdOf, logger, services } from '../wiring';

const QuerySchema = z.strictObject({
  limit: z.coerce
    .number({ error: 'limit must be a number' })
    .int({ error: 'limit must be a whole number' })
    .min(1, { error: 'limit must be at least 1' })
    .max(100, { error: 'limit must be at most 100' })
    .default(20),
  cursor: z.string().min(1).max(2048).optional(),
});

/** GET /customers/{customerId}/payments?limit=&cursor=: a customer's payments, newest first. */
export const handler = httpHandler(
  { path: z.strictObject({ customerId: IdentifierSchema }), query: QuerySchema, logger },
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
