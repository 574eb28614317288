import { createHash } from 'node:crypto';
import {
  createCardInputSchema,
  currencyDecimals,
  EmailSchema,
  NotificationChannelSchema,
  PhoneNumberSchema,
  stableEventId as derivedEventId,
  type PaymentFailedData,
  type PaymentSucceededData,
  MoneySchema,
  NotificationChoiceSchema,
  type MaskedCard,
  type Money,
  type NotificationChoice,
} from '@payflow/shared';
import { z } from 'zod';

/**
 * PROCESSING: the amount is held on the invoice or session while the bank is asked.
 * PENDING: the bank has not decided; paying the same amount again asks it again.
 * SUPERSEDED: a pending payment that a later attempt completed.
 * REFUNDING: a refund is claimed and the bank asked (under the refund id); REFUNDED: the money went back.
 */
export const paymentStatuses = [
  'PROCESSING',
  'SUCCEEDED',
  'FAILED',
  'PENDING',
  'SUPERSEDED',
  'REFUNDING',
  'REFUNDED',
] as const;
export type PaymentStatus = (typeof paymentStatuses)[number];

/** What a payment pays: an invoice, or a payment session for an order. */
export type PaymentSubject =
  | { kind: 'invoice'; invoiceId: string; customerId: string }
  | { kind: 'session'; sessionId: string; orderId: string; merchantId?: string; customerId?: string };

export function subjectKey(subject: PaymentSubject): string {
  return subject.kind === 'invoice' ? `invoice#${subject.invoiceId}` : `session#${subject.sessionId}`;
}

/** A payment as stored and returned: never more of the card than brand and last four digits. */
export interface Payment {
  paymentId: string;
  status: PaymentStatus;
  subject: PaymentSubject;
  amount: Money;
  card: MaskedCard;
  notification: NotificationChoice;
  reason?: string;
  failureCode?: string;
  providerReference?: string;
  /** The pending payment this one completed. */
  supersedes?: string;
  /** Set when a refund is claimed; `reason` then says why the money goes back. */
  refund?: PaymentRefund;
  /** The correlation id of the request that made it, for its events (also when the reconciler sends them). */
  correlationId?: string;
  /**
   * The request that made it, as a keyed fingerprint (an HMAC of the request without the CVV): the same
   * Idempotency-Key with another request is refused.
   */
  fingerprint?: string;
  /** While PROCESSING: the request that holds it may still be running until then (a repeat meanwhile waits). */
  inFlightUntil?: string;
  createdAt: string;
  updatedAt: string;
}

/** An event recorded with the change that causes it (transactional outbox), until the publisher sends it. */
export type OutboxEvent =
  | {
      detailType: 'PaymentSucceeded';
      id: string;
      occurredAt: string;
      correlationId: string;
      data: PaymentSucceededData;
    }
  | {
      detailType: 'PaymentFailed';
      id: string;
      occurredAt: string;
      correlationId: string;
      data: PaymentFailedData;
    };

/** What a payment paid, as its events name it: the invoice, or the order and its session. */
export function paidFor(payment: Payment) {
  const { subject } = payment;
  return subject.kind === 'invoice'
    ? { invoiceId: subject.invoiceId }
    : { orderId: subject.orderId, sessionId: subject.sessionId };
}

/** The event a settled payment announces (none while the bank has not decided); its id follows from the payment. */
export function outcomeEvent(payment: Payment, correlationId: string): OutboxEvent | undefined {
  const common = {
    paymentId: payment.paymentId,
    ...paidFor(payment),
    amount: payment.amount,
    card: payment.card,
    notification: payment.notification,
  };
  const occurredAt = payment.updatedAt;
  if (payment.status === 'SUCCEEDED') {
    return {
      detailType: 'PaymentSucceeded',
      id: stableEventId(payment.paymentId, 'PaymentSucceeded'),
      occurredAt,
      correlationId,
      data: common,
    };
  }
  if (payment.status === 'FAILED') {
    return {
      detailType: 'PaymentFailed',
      id: stableEventId(payment.paymentId, 'PaymentFailed'),
      occurredAt,
      correlationId,
      data: { ...common, reason: payment.reason ?? 'The payment failed.' },
    };
  }
  return undefined;
}

/** What the bank said, or that it never heard of the payment (it never reached the bank: nothing was taken). */
export type BankAnswer =
  | { status: 'ACCEPTED'; providerReference: string }
  | { status: 'PENDING'; providerReference: string }
  | { status: 'DECLINED'; providerReference?: string; code: string; reason: string };

/** The payment once the bank's answer is known. */
export function settledPayment(payment: Payment, answer: BankAnswer, now: Date): Payment {
  const status: PaymentStatus =
    answer.status === 'ACCEPTED' ? 'SUCCEEDED' : answer.status === 'PENDING' ? 'PENDING' : 'FAILED';
  // Settled (or pending at the bank): no request is working on it any more.
  const { reason: _reason, failureCode: _code, inFlightUntil: _inFlight, ...rest } = payment;
  return {
    ...rest,
    status,
    ...(answer.providerReference ? { providerReference: answer.providerReference } : {}),
    ...(answer.status === 'DECLINED' ? { reason: answer.reason, failureCode: answer.code } : {}),
    ...(answer.status === 'PENDING'
      ? { reason: 'The bank has not decided yet; pay the same amount again to complete it.' }
      : {}),
    updatedAt: now.toISOString(),
  };
}

/** A decline the bank made about the card (not a charge that never reached it, nor one voided by us). */
export function isDeclineByBank(payment: Payment): boolean {
  return (
    payment.status === 'FAILED' && payment.failureCode !== 'NOT_PROCESSED' && payment.failureCode !== 'VOIDED'
  );
}

/** The bank's answer for a payment it has no record of: the charge never reached it. */
export const NOT_RECEIVED_BY_BANK: BankAnswer = {
  status: 'DECLINED',
  code: 'NOT_PROCESSED',
  reason: 'The payment could not be completed and nothing was charged; please try again.',
};

/** The one refund a payment can have; its id follows from the payment id (see refundIdFor). */
export interface PaymentRefund {
  refundId: string;
  /** What goes back: the whole payment, or part of it (an operator's refund). */
  amount?: Money;
  requestedAt: string;
  /** Set with status REFUNDED. */
  refundedAt?: string;
  /** The bank's id for the refund. */
  providerReference?: string;
  /** When PaymentRefunded reached the bus; until then a retry publishes it (same event id). */
  publishedAt?: string;
}

export const PositiveMoneySchema = MoneySchema.refine((money) => money.amount > 0, {
  error: 'amount must be more than zero',
  path: ['amount'],
});

const cardInput = (now?: () => Date) => createCardInputSchema(now ? { now } : {});

/**
 * How a payer asks for an invoice's receipt: the channels. Receipts go to the invoice's own contact details from the
 * bills file; an address given here is used only when the bills file had none.
 */
const ReceiptRequestSchema = z.strictObject({
  channels: z.array(NotificationChannelSchema).min(1, { error: 'channels must name at least one channel' }),
  email: EmailSchema.optional(),
  phone: PhoneNumberSchema.optional(),
});
export type ReceiptRequest = z.output<typeof ReceiptRequestSchema>;

export function payInvoiceBodySchema(now?: () => Date) {
  return z.strictObject({
    amount: PositiveMoneySchema.refine((money) => money.amount >= minimumCharge(money.currency), {
      error: 'amount is below the smallest payment this currency allows (e.g. 0.50 EUR)',
      path: ['amount'],
    }),
    card: cardInput(now),
    notification: ReceiptRequestSchema,
  });
}

/** The smallest card payment taken, per currency (as card processors set them): 0.50 in most, 50 JPY. */
export function minimumCharge(currency: string): number {
  const major: Record<string, number> = { GBP: 0.3, JPY: 50, KRW: 500, HUF: 175, INR: 0.5 };
  let decimals: number;
  try {
    decimals = currencyDecimals(currency);
  } catch {
    return 0; // not a currency at all: the money schema says so
  }
  return Math.round((major[currency] ?? 0.5) * 10 ** decimals);
}
export type PayInvoiceBody = z.output<ReturnType<typeof payInvoiceBodySchema>>;

export function paySessionBodySchema(now?: () => Date) {
  return z.strictObject({
    card: cardInput(now),
    /** Required when the session was created without one. */
    notification: NotificationChoiceSchema.optional(),
  });
}
export type PaySessionBody = z.output<ReturnType<typeof paySessionBodySchema>>;

/**
 * The payment id follows from the Idempotency-Key, so the payment is also the key's idempotency record: a retry
 * finds the payment it started (and answers it as it now stands), another request under the key is refused.
 */
export function paymentIdFor(scope: string, idempotencyKey: string): string {
  const digest = createHash('sha256').update(`${scope}\n${idempotencyKey}`).digest('hex');
  return `pay_${digest.slice(0, 32)}`;
}

/** A stable UUID for an event about one thing, so a republished event has the same id and consumers dedupe it. */
export function stableEventId(...parts: string[]): string {
  return derivedEventId('payments', ...parts);
}

export interface PaymentView {
  paymentId: string;
  status: PaymentStatus;
  invoiceId?: string;
  sessionId?: string;
  orderId?: string;
  customerId?: string;
  amount: Money;
  card: MaskedCard;
  reason?: string;
  /** A declined payment's code and reason (seed 003's failCode / failReason). */
  failCode?: string;
  failReason?: string;
  refundId?: string;
  /** What the refund gave back: the whole payment, or part of it. */
  refundAmount?: Money;
  refundedAt?: string;
  createdAt: string;
  updatedAt: string;
}

export function paymentView(payment: Payment): PaymentView {
  const { subject } = payment;
  return {
    paymentId: payment.paymentId,
    status: payment.status,
    ...(subject.kind === 'invoice'
      ? { invoiceId: subject.invoiceId, customerId: subject.customerId }
      : {
          sessionId: subject.sessionId,
          orderId: subject.orderId,
          ...(subject.customerId ? { customerId: subject.customerId } : {}),
        }),
    amount: payment.amount,
    card: payment.card,
    ...(payment.reason ? { reason: payment.reason } : {}),
    ...(payment.status === 'FAILED'
      ? { failCode: payment.failureCode ?? 'DECLINED', failReason: payment.reason ?? 'The payment failed.' }
      : {}),
    ...(payment.refund
      ? { refundId: payment.refund.refundId, refundAmount: payment.refund.amount ?? payment.amount }
      : {}),
    ...(payment.refund?.refundedAt ? { refundedAt: payment.refund.refundedAt } : {}),
    createdAt: payment.createdAt,
    updatedAt: payment.updatedAt,
  };
}

/** HTTP status of a finished payment attempt: created, accepted-but-pending, or payment required (declined). */
export function paymentHttpStatus(status: PaymentStatus): number {
  // A refunded payment was taken first: its replay still says created.
  if (status === 'SUCCEEDED' || status === 'REFUNDING' || status === 'REFUNDED') return 201;
  if (status === 'FAILED') return 402;
  return 202;
}
