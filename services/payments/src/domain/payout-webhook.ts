import { IdentifierSchema, MoneySchema } from '@payflow/shared';
import { z } from 'zod';
import type { ProviderPayoutReport } from './payout-provider';

/** The body of a payouts provider's webhook: one status change of one payout. */
export const PayoutWebhookSchema = z.strictObject({
  id: z.string().min(1).max(128),
  type: z.literal('payout.updated'),
  data: z.strictObject({
    payoutId: IdentifierSchema,
    providerReference: z.string().min(1).max(256),
    status: z.enum(['PENDING', 'SUCCEEDED', 'FAILED', 'UNCLAIMED']),
    amount: MoneySchema,
    code: z.string().max(64).optional(),
    reason: z.string().max(1000).optional(),
    at: z.iso.datetime({ offset: true }),
  }),
});
export type PayoutWebhook = z.output<typeof PayoutWebhookSchema>;

export function webhookFor(report: ProviderPayoutReport): PayoutWebhook {
  return { id: `evt_${report.payoutId}_${report.status}`, type: 'payout.updated', data: report };
}
