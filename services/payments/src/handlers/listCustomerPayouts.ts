import { httpHandler, IdentifierSchema } from '@payflow/shared';
import { z } from 'zod';
import { payoutView } from '../domain/payout';
import { authorize, customerFor } from '../guards';
import { PageQuerySchema } from '../page-query';
import { logger, services } from '../wiring';

/** GET /customers/{customerId}/payouts?limit=&cursor=: the caller's customer's payouts, newest first. */
export const handler = httpHandler(
  { path: z.strictObject({ customerId: IdentifierSchema }), query: PageQuerySchema, logger },
  async ({ path, query, headers }) => {
    const principal = await authorize(headers, ['payments/payouts', 'payments/admin']);
    await customerFor(principal, path.customerId);
    const page = await services().payouts.listByCustomer(path.customerId, query.limit, query.cursor);
    return {
      customerId: path.customerId,
      payouts: page.payouts.map(payoutView),
      nextCursor: page.nextCursor,
    };
  },
);
