import { z } from 'zod';
import { defineEventContract, type EventDataOf } from './contract';
import {
  IdentifierSchema,
  MaskedCardSchema,
  MoneySchema,
  NotificationChoiceSchema,
  ReasonSchema,
} from './common';

const source = 'payflow.payments';

/** What was paid: an invoice (billing) or an order (checkout, through a payment session). */
const paidFor = {
  invoiceId: IdentifierSchema.optional(),
  orderId: IdentifierSchema.optional(),
  sessionId: IdentifierSchema.optional(),
};

/** Exactly one of invoiceId / orderId, so a consumer's rule can match on which one exists. */
function requireOneSubject(
  payment: { invoiceId?: string | undefined; orderId?: string | undefined },
  context: z.RefinementCtx,
) {
  const subjects = [payment.invoiceId, payment.orderId].filter((subject) => subject !== undefined);
  if (subjects.length !== 1) {
    context.addIssue({
      code: 'custom',
      path: ['invoiceId'],
      message: 'exactly one of invoiceId or orderId is required',
    });
  }
}

export const PaymentSucceeded = defineEventContract({
  source,
  detailType: 'PaymentSucceeded',
  version: 1,
  schema: z
    .strictObject({
      paymentId: IdentifierSchema,
      ...paidFor,
      amount: MoneySchema,
      card: MaskedCardSchema,
      notification: NotificationChoiceSchema,
    })
    .superRefine(requireOneSubject),
});

/** The card was declined or invalid; `reason` says why in words the customer can act on. */
export const PaymentFailed = defineEventContract({
  source,
  detailType: 'PaymentFailed',
  version: 1,
  schema: z
    .strictObject({
      paymentId: IdentifierSchema,
      ...paidFor,
      amount: MoneySchema,
      card: MaskedCardSchema,
      reason: ReasonSchema,
      notification: NotificationChoiceSchema,
    })
    .superRefine(requireOneSubject),
});

/** Nobody paid the session before it expired; no card was ever given. */
export const PaymentSessionExpired = defineEventContract({
  source,
  detailType: 'PaymentSessionExpired',
  version: 1,
  schema: z
    .strictObject({
      sessionId: IdentifierSchema,
      invoiceId: IdentifierSchema.optional(),
      orderId: IdentifierSchema.optional(),
      amount: MoneySchema,
      expiredAt: z.iso.datetime({ offset: true }),
      notification: NotificationChoiceSchema,
    })
    .superRefine(requireOneSubject),
});

/** Money went back to the card, e.g. after checkout found no shipping for a paid order. */
export const PaymentRefunded = defineEventContract({
  source,
  detailType: 'PaymentRefunded',
  version: 1,
  schema: z
    .strictObject({
      paymentId: IdentifierSchema,
      refundId: IdentifierSchema,
      ...paidFor,
      amount: MoneySchema,
      card: MaskedCardSchema,
      reason: ReasonSchema,
      notification: NotificationChoiceSchema,
    })
    .superRefine(requireOneSubject),
});

export type PaymentSucceededData = EventDataOf<typeof PaymentSucceeded>;
export type PaymentFailedData = EventDataOf<typeof PaymentFailed>;
export type PaymentSessionExpiredData = EventDataOf<typeof PaymentSessionExpired>;
export type PaymentRefundedData = EventDataOf<typeof PaymentRefunded>;
