import { httpHandler, IdentifierSchema } from '@payflow/shared';
import { z } from 'zod';
import { paymentView } from '../domain/payment';
import { authorize } from '../guards';
import { PageQuerySchema } from '../page-query';
import { logger, services } from '../wiring';

/** GET /customers/{customerId}/payments?limit=&cursor=: a customer's payments, newest first. */
export const handler = httpHandler(
  { path: z.strictObject({ customerId: IdentifierSchema }), query: PageQuerySchema, logger },
  async ({ path, query, headers }) => {
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
