import {
  ConflictError,
  HttpProblem,
  maskCard,
  type CardInput,
  type Money,
  type NotificationChoice,
} from '@payflow/shared';
import type { BankOutcome, BankProvider } from './bank';
import { subjectKey, type Payment, type PaymentSubject } from './payment';

/** How a reservation attempt ended: held, lost a race (read again and retry), or this payment already exists. */
export type ReserveResult = 'reserved' | 'conflict' | 'payment-exists';

/**
 * Something a payment can be applied to (an invoice, a payment session). `prepare` reads its current state and
 * throws an HttpProblem when it cannot be paid; `reserve` holds the amount and writes the PROCESSING payment in
 * one transaction, conditional on the state read; `settle` records the bank's answer, releasing the hold unless
 * the payment succeeded.
 */
export interface PaymentTarget<State> {
  subject: PaymentSubject;
  prepare(amount: Money): Promise<State>;
  reserve(state: State, payment: Payment, supersedes?: Payment): Promise<ReserveResult>;
  settle(payment: Payment): Promise<void>;
}

export interface PaymentStore {
  get(paymentId: string): Promise<Payment | undefined>;
  /** The latest payment of this subject the bank left pending, for the same amount and card. */
  findPending(subjectKey: string, amount: Money, last4: string): Promise<Payment | undefined>;
}

export interface PaymentDependencies {
  bank: BankProvider;
  payments: PaymentStore;
  /** Publishes PaymentSucceeded / PaymentFailed for a settled payment; safe to call twice for one payment. */
  publishOutcome(payment: Payment): Promise<void>;
  now?: () => Date;
  sleep?: (milliseconds: number) => Promise<void>;
  random?: () => number;
  maxAttempts?: number;
}

export interface PaymentRequest {
  paymentId: string;
  amount: Money;
  card: CardInput;
  notification: NotificationChoice;
}

/** The bank could not be reached or answered nonsense; the payment stays PROCESSING and a retry resumes it. */
export class BankUnavailableError extends HttpProblem {
  override name = 'BankUnavailableError';
  constructor(detail: string) {
    super(502, detail);
  }
}

const wait = (milliseconds: number) => new Promise<void>((resolve) => setTimeout(resolve, milliseconds));

/**
 * Pays a target: hold the amount with the payment record (optimistic locking, bounded retries), ask the bank,
 * settle, publish. A request whose payment already exists resumes it instead of charging again.
 */
export async function processPayment<State>(
  target: PaymentTarget<State>,
  request: PaymentRequest,
  deps: PaymentDependencies,
): Promise<Payment> {
  const { now = () => new Date(), sleep = wait, random = Math.random, maxAttempts = 12 } = deps;
  const card = maskCard(request.card.number);
  const key = subjectKey(target.subject);
  // A retry of a request whose payment was already started (crash, lost reply, failed publish) resumes it.
  const started = await deps.payments.get(request.paymentId);
  if (started) return resume(target, started, request.card, deps, now);

  for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
    const state = await target.prepare(request.amount);
    const pending = await deps.payments.findPending(key, request.amount, card.last4);
    const timestamp = now().toISOString();
    const payment: Payment = {
      paymentId: request.paymentId,
      status: 'PROCESSING',
      subject: target.subject,
      amount: request.amount,
      card,
      notification: request.notification,
      ...(pending ? { supersedes: pending.paymentId } : {}),
      createdAt: timestamp,
      updatedAt: timestamp,
    };
    const result = await target.reserve(state, payment, pending);
    if (result === 'reserved') return chargeAndSettle(target, payment, request.card, pending, deps, now);
    if (result === 'payment-exists') {
      const existing = await deps.payments.get(request.paymentId);
      if (existing) return resume(target, existing, request.card, deps, now);
    }
    // Full jitter, so payers racing for one invoice spread out instead of colliding again.
    await sleep(Math.floor(random() * Math.min(400, 10 * 2 ** attempt)));
  }
  throw new ConflictError(
    `${key.replace('#', ' ')} is being paid by several requests at once; please retry in a moment`,
  );
}

async function resume<State>(
  target: PaymentTarget<State>,
  existing: Payment,
  card: CardInput,
  deps: PaymentDependencies,
  now: () => Date,
): Promise<Payment> {
  if (existing.status === 'PROCESSING') {
    const pending = existing.supersedes ? await deps.payments.get(existing.supersedes) : undefined;
    return chargeAndSettle(target, existing, card, pending, deps, now);
  }
  // Settled earlier but the reply (or its event) may have been lost: publishing again is harmless (same event id).
  if (existing.status === 'SUCCEEDED' || existing.status === 'FAILED') await deps.publishOutcome(existing);
  return existing;
}

async function askBank(
  bank: BankProvider,
  payment: Payment,
  card: CardInput,
  pending: Payment | undefined,
): Promise<BankOutcome> {
  try {
    if (pending?.providerReference) {
      return await bank.confirmPending({
        providerReference: pending.providerReference,
        amount: payment.amount,
        card: payment.card,
      });
    }
    return await bank.charge({ paymentId: payment.paymentId, amount: payment.amount, card });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new BankUnavailableError(
      `The bank did not answer (${message}); payment ${payment.paymentId} is on hold: retry with the same Idempotency-Key`,
    );
  }
}

async function chargeAndSettle<State>(
  target: PaymentTarget<State>,
  payment: Payment,
  card: CardInput,
  pending: Payment | undefined,
  deps: PaymentDependencies,
  now: () => Date,
): Promise<Payment> {
  const outcome = await askBank(deps.bank, payment, card, pending);
  const settled: Payment = {
    ...payment,
    status: outcome.status === 'ACCEPTED' ? 'SUCCEEDED' : outcome.status === 'PENDING' ? 'PENDING' : 'FAILED',
    providerReference: outcome.providerReference,
    ...(outcome.status === 'DECLINED' ? { reason: outcome.reason, failureCode: outcome.code } : {}),
    ...(outcome.status === 'PENDING'
      ? { reason: 'The bank has not decided yet; pay the same amount again to complete it.' }
      : {}),
    updatedAt: now().toISOString(),
  };
  await target.settle(settled);
  if (settled.status !== 'PENDING') await deps.publishOutcome(settled);
  return settled;
}
