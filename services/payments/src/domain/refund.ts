import { createHash } from 'node:crypto';
import { backoffDelay, formatMoney, sleep as wait, type Money } from '@payflow/shared';
import { LOST_RACE_BACKOFF } from './pay';
import type { BankProvider, RefundOutcome } from './bank';
import type { Payment, PaymentRefund } from './payment';

/**
 * A refund asked for: give this payment back, and why. Checkout's RefundRequested names its order: then only a
 * payment of that order's session qualifies (never an invoice payment). Without an order (an operator's refund)
 * any SUCCEEDED payment does.
 */
export interface RefundInstruction {
  paymentId: string;
  orderId?: string;
  amount: Money;
  reason: string;
}

/** One refund per payment: its id follows from the payment id, so every delivery of every request agrees on it. */
export function refundIdFor(paymentId: string): string {
  const digest = createHash('sha256').update(`refund\n${paymentId}`).digest('hex');
  return `ref_${digest.slice(0, 32)}`;
}

/**
 * Why this payment cannot be refunded as asked, in words for the log; undefined when it can be, or when its refund
 * is already claimed or made (then a repeated request resumes or acknowledges it, whatever it says).
 */
export function refusalToRefund(
  payment: Payment | undefined,
  request: RefundInstruction,
): string | undefined {
  if (!payment) return `Payment ${request.paymentId} was not found; there is nothing to refund`;
  if (payment.status === 'REFUNDING' || payment.status === 'REFUNDED') return undefined;
  if (payment.status !== 'SUCCEEDED') {
    return `Payment ${payment.paymentId} is ${payment.status}; only a SUCCEEDED payment can be refunded`;
  }
  const { subject } = payment;
  if (request.orderId !== undefined && subject.kind === 'invoice') {
    return `Payment ${payment.paymentId} paid invoice ${subject.invoiceId}, not order ${request.orderId}; nothing refunded`;
  }
  if (request.orderId !== undefined && subject.kind === 'session' && subject.orderId !== request.orderId) {
    return `Payment ${payment.paymentId} paid order ${subject.orderId}, not order ${request.orderId}; nothing refunded`;
  }
  const { amount } = payment;
  if (amount.currency !== request.amount.currency) {
    return `A refund in ${request.amount.currency} was asked for payment ${payment.paymentId} in ${amount.currency}`;
  }
  // An order's refund gives the whole payment back; an operator may give part of it.
  const whole = request.amount.amount === amount.amount;
  const part =
    request.orderId === undefined && request.amount.amount > 0 && request.amount.amount < amount.amount;
  if (!whole && !part) {
    return (
      `A refund of ${formatMoney(request.amount)} was asked for payment ${payment.paymentId} of ` +
      `${formatMoney(amount)}; ${request.orderId === undefined ? 'at most the whole payment' : 'only the whole payment'} is refunded`
    );
  }
  return undefined;
}

/** The payment with its refund claimed: REFUNDING, the refund id and the reason the money goes back. */
function claimRefund(payment: Payment, request: RefundInstruction, now: Date): Payment {
  const at = now.toISOString();
  return {
    ...payment,
    status: 'REFUNDING',
    reason: request.reason,
    refund: { refundId: refundIdFor(payment.paymentId), amount: request.amount, requestedAt: at },
    updatedAt: at,
  };
}

/** The claimed payment once the bank has given the money back. */
function completeRefund(payment: Payment, outcome: RefundOutcome, now: Date): Payment {
  const refund = payment.refund;
  if (!refund) throw new Error(`Payment ${payment.paymentId} has no refund claimed`);
  const at = now.toISOString();
  return {
    ...payment,
    status: 'REFUNDED',
    refund: { ...refund, refundedAt: at, providerReference: outcome.providerReference },
    updatedAt: at,
  };
}

/** How recording a refund ended: written, lost a race on the invoice ledger (retry), or no longer REFUNDING. */
export type RecordRefundResult = 'recorded' | 'conflict' | 'not-refunding';

export interface RefundStore {
  get(paymentId: string): Promise<Payment | undefined>;
  /** SUCCEEDED -> REFUNDING with the refund id and reason; false when the payment is no longer SUCCEEDED. */
  claim(claimed: Payment): Promise<boolean>;
  /** REFUNDING -> REFUNDED; for an invoice, the amount goes back on its ledger in the same transaction. */
  record(refunded: Payment): Promise<RecordRefundResult>;
  markPublished(paymentId: string, at: Date): Promise<void>;
}

export interface RefundDependencies {
  bank: BankProvider;
  store: RefundStore;
  /** Publishes PaymentRefunded with an event id derived from the refund id. */
  publishRefunded(payment: Payment): Promise<void>;
  now?: () => Date;
  sleep?: (milliseconds: number) => Promise<void>;
  random?: () => number;
  maxAttempts?: number;
}

/** `refunded`: this call refunded the payment (or published its refund); `already-refunded`: nothing left to do. */
export type RefundResult =
  | { outcome: 'refunded'; payment: Payment }
  | { outcome: 'already-refunded'; payment: Payment }
  | { outcome: 'refused'; reason: string };

/** The bank could not be reached; the payment stays REFUNDING and a retry asks again under the same refund id. */
class RefundBankError extends Error {
  override name = 'RefundBankError';
}

/**
 * Refunds a payment once, however often it is asked: claim it (SUCCEEDED -> REFUNDING), ask the bank with the
 * refund id as its idempotency key, record REFUNDED, publish PaymentRefunded. Each step starts from the payment as
 * stored, so a retry after a crash anywhere resumes where it stopped and the bank refunds once.
 */
export async function refundPayment(
  request: RefundInstruction,
  deps: RefundDependencies,
): Promise<RefundResult> {
  const { now = () => new Date(), sleep = wait, random = Math.random, maxAttempts = 12 } = deps;
  let bankOutcome: RefundOutcome | undefined;

  for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
    const payment = await deps.store.get(request.paymentId);
    const refusal = refusalToRefund(payment, request);
    if (refusal) return { outcome: 'refused', reason: refusal };
    const current = payment as Payment;

    if (current.status === 'SUCCEEDED') {
      // Lost to another delivery of the request: read again and carry on from its state.
      if (!(await deps.store.claim(claimRefund(current, request, now())))) continue;
    } else if (current.status === 'REFUNDED') {
      if (current.refund?.publishedAt) return { outcome: 'already-refunded', payment: current };
      return { outcome: 'refunded', payment: await publish(current, deps, now) };
    } else {
      bankOutcome ??= await askBank(deps.bank, current);
      const refunded = completeRefund(current, bankOutcome, now());
      const recorded = await deps.store.record(refunded);
      if (recorded === 'recorded')
        return { outcome: 'refunded', payment: await publish(refunded, deps, now) };
      // Full jitter on a lost ledger race, as payments do; 'not-refunding' is simply read again.
      if (recorded === 'conflict') await sleep(backoffDelay(attempt, LOST_RACE_BACKOFF, random));
    }
  }
  throw new Error(
    `Payment ${request.paymentId} kept changing while being refunded; the request will be retried`,
  );
}

async function askBank(bank: BankProvider, payment: Payment): Promise<RefundOutcome> {
  const refundId = payment.refund?.refundId as string;
  try {
    return await bank.refund({
      refundId,
      paymentId: payment.paymentId,
      ...(payment.providerReference ? { providerReference: payment.providerReference } : {}),
      amount: payment.refund?.amount ?? payment.amount,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new RefundBankError(
      `The bank did not answer the refund (${message}); payment ${payment.paymentId} stays REFUNDING and a retry asks again under refund ${refundId}`,
    );
  }
}

/** Publish, then note it: a crash in between publishes again with the same event id, which consumers dedupe. */
async function publish(payment: Payment, deps: RefundDependencies, now: () => Date): Promise<Payment> {
  await deps.publishRefunded(payment);
  const publishedAt = now();
  await deps.store.markPublished(payment.paymentId, publishedAt);
  return {
    ...payment,
    refund: { ...(payment.refund as PaymentRefund), publishedAt: publishedAt.toISOString() },
  };
}
