import { httpHandler, IdentifierSchema, NotFoundError } from '@payflow/shared';
import { z } from 'zod';
import { payoutView } from '../domain/payout';
import { authorize, callerOf } from '../guards';
import { logger, services } from '../wiring';

/** GET /payouts/{payoutId}: the payout with its whole audit trail; another merchant's answers 404. */
export const handler = httpHandler(
  { path: z.strictObject({ payoutId: IdentifierSchema }), logger },
  async ({ path, headers }) => {
    const principal = await authorize(headers, ['payments/payouts', 'payments/admin']);
    const found = await services().payouts.get(path.payoutId);
    const caller = callerOf(principal);
    if (!found || !(caller.operator || found.payout.merchantId === caller.merchantId))
      throw new NotFoundError(`Payout ${path.payoutId} was not found`);
    return payoutView(found.payout);
  },
);
