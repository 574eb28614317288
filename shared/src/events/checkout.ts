import { z } from 'zod';
import { defineEventContract, type EventDataOf } from './contract';
import { IdentifierSchema, MoneySchema, OrderCustomerSchema, ReasonSchema } from './common';

const source = 'payflow.checkout';

const order = { orderId: IdentifierSchema, customer: OrderCustomerSchema, total: MoneySchema };

/** Paid and shippable: the end of the happy path. */
export const OrderConfirmed = defineEventContract({
  source,
  detailType: 'OrderConfirmed',
  version: 1,
  schema: z.strictObject({ ...order, paymentId: IdentifierSchema }),
});

/** The card or stock check failed, or the payment was declined; nothing was charged. */
export const OrderRejected = defineEventContract({
  source,
  detailType: 'OrderRejected',
  version: 1,
  schema: z.strictObject({
    ...order,
    stage: z.enum(['details', 'stock', 'payment']),
    reason: ReasonSchema,
  }),
});

/** Paid but cannot be shipped; a RefundRequested follows. */
export const ShippingUnavailable = defineEventContract({
  source,
  detailType: 'ShippingUnavailable',
  version: 1,
  schema: z.strictObject({ ...order, paymentId: IdentifierSchema, reason: ReasonSchema }),
});

/** The payment task's timeout fired before the customer paid the session. */
export const PaymentTimedOut = defineEventContract({
  source,
  detailType: 'PaymentTimedOut',
  version: 1,
  schema: z.strictObject({
    ...order,
    sessionId: IdentifierSchema.optional(),
    timeoutSeconds: z.number().int().positive(),
  }),
});

/** Checkout asks payments to give the money back for an order it cannot fulfil. */
export const RefundRequested = defineEventContract({
  source,
  detailType: 'RefundRequested',
  version: 1,
  schema: z.strictObject({
    ...order,
    paymentId: IdentifierSchema,
    amount: MoneySchema,
    reason: ReasonSchema,
  }),
});

export type OrderConfirmedData = EventDataOf<typeof OrderConfirmed>;
export type OrderRejectedData = EventDataOf<typeof OrderRejected>;
export type ShippingUnavailableData = EventDataOf<typeof ShippingUnavailable>;
export type PaymentTimedOutData = EventDataOf<typeof PaymentTimedOut>;
export type RefundRequestedData = EventDataOf<typeof RefundRequested>;
