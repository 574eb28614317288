import { z } from 'zod';
import { defineEventContract, type EventDataOf } from './contract';
import { IdentifierSchema, MoneySchema, NotificationChoiceSchema, ReasonSchema } from './common';

const source = 'payflow.payments';

/** Where a payout goes, as it may be shown: the kind and a masked form (never a full account number). */
export const MaskedPayoutDestinationSchema = z.strictObject({
  type: z.enum(['paypal', 'bank_account']),
  /** `g***@example.com` or `****1234`. */
  masked: z.string().min(1).max(320),
});
export type MaskedPayoutDestination = z.infer<typeof MaskedPayoutDestinationSchema>;

/** Every payout event names the payout, whom it pays, how much, where to and why. */
const payout = {
  payoutId: IdentifierSchema,
  customerId: IdentifierSchema,
  merchantId: IdentifierSchema,
  amount: MoneySchema,
  destination: MaskedPayoutDestinationSchema,
  /** The merchant's reference for the payout, shown to the customer. */
  reference: z.string().min(1).max(140),
  /** The customer's preferred channels and addresses, as stored with the customer when the payout was asked for. */
  notification: NotificationChoiceSchema,
};

/** A merchant or operator asked to pay a customer out; `status` says whether it waits for a second operator. */
export const PayoutRequested = defineEventContract({
  source,
  detailType: 'PayoutRequested',
  version: 1,
  schema: z.strictObject({
    ...payout,
    status: z.enum(['AWAITING_APPROVAL', 'SUBMITTING']),
    requestedBy: IdentifierSchema,
  }),
});

/** The provider paid the money out. */
export const PayoutSent = defineEventContract({
  source,
  detailType: 'PayoutSent',
  version: 1,
  schema: z.strictObject({ ...payout, providerReference: z.string().min(1).max(256) }),
});

/** No money reached the customer: the provider failed it, nobody claimed it, or an operator rejected it. */
export const PayoutFailed = defineEventContract({
  source,
  detailType: 'PayoutFailed',
  version: 1,
  schema: z.strictObject({
    ...payout,
    status: z.enum(['FAILED', 'UNCLAIMED', 'REJECTED']),
    reason: ReasonSchema,
  }),
});

export type PayoutRequestedData = EventDataOf<typeof PayoutRequested>;
export type PayoutSentData = EventDataOf<typeof PayoutSent>;
export type PayoutFailedData = EventDataOf<typeof PayoutFailed>;
