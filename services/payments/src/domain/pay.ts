import {
  backoffDelay,
  DomainError,
  maskCard,
  sleep as wait,
  type CardInput,
  type Money,
  type NotificationChoice,
} from '@payflow/shared';
import type { BankOutcome, BankProvider } from './bank';
import {
  outcomeEvent,
  settledPayment,
  type BankAnswer,
  type OutboxEvent,
  type Payment,
  type PaymentStatus,
  type PaymentSubject,
  type ReceiptRequest,
} from './payment';

/** How a hold ended: written, lost a race (read again and retry), or this payment already exists. */
export type HoldResult = 'held' | 'lost-race' | 'payment-exists';

/**
 * The rules of one kind of thing a payment is applied to (an invoice, a payment session), as pure functions:
 * whether it can be paid, what it is, and how it changes when an amount is held, settled or held again.
 * `Change` is what the adapter writes, conditionally, in the same transaction as the payment.
 */
export interface PaymentRules<State, Change> {
  /** The target's key among payments' subjects ('invoice#<id>', 'session#<id>'), known before it is read. */
  subjectKey: string;
  notFound(): DomainError;
  refusal(state: State, amount: Money, now: Date): DomainError | undefined;
  subject(state: State): PaymentSubject;
  /** The change when a new payment holds its amount. */
  held(state: State, payment: Payment): Change;
  /** The change when the bank's answer settles a held payment. */
  settled(payment: Payment): Change;
  /** The change when a pending payment the bank accepts later takes its amount again. */
  reheld(state: State, payment: Payment): Change;
  /** No change to the target (a pending payment declined later: nothing was held). */
  unchanged: Change;
  /**
   * Whether the target may have a pending payment to complete (a hint the target keeps, never false while one
   * is pending); without it every payment looks, alongside its first read.
   */
  mayHavePending?(state: State): boolean;
  /** Where the receipt goes, decided from the target (an invoice's own contact details); default: as asked. */
  receipt?(state: State, requested: ReceiptRequest): NotificationChoice;
}

/** Reads and writes a target; it keeps no state and decides nothing. */
export interface PaymentTarget<State, Change> {
  read(): Promise<State | undefined>;
  /** One transaction: the target's change (conditional on the state it was computed from) and the new payment. */
  hold(change: Change, payment: Payment, supersedes?: Payment): Promise<HoldResult>;
  /**
   * One transaction: the payment from `from` to its new status, the target's change and the outbox event.
   * False when the payment had already left `from` (someone else settled it).
   */
  settle(settlement: Settlement<Change>): Promise<boolean>;
}

export interface Settlement<Change> {
  payment: Payment;
  from: PaymentStatus;
  change: Change;
  /** Recorded with the change; the publisher sends it and marks it sent. */
  outbox?: OutboxEvent;
}

export interface PaymentStore {
  get(paymentId: string): Promise<Payment | undefined>;
  /** The latest payment of this subject the bank left pending, for the same amount and card. */
  findPending(subjectKey: string, amount: Money, last4: string): Promise<Payment | undefined>;
  /**
   * Takes over a PROCESSING payment no request is working on (its request failed or ran out of time) until
   * `until`; false when one still is, or it is no longer PROCESSING.
   */
  claim(paymentId: string, until: Date, now: Date): Promise<boolean>;
  /** The request working on a PROCESSING payment stopped without an outcome: a retry may take it over at once. */
  clearInFlight(paymentId: string): Promise<void>;
}

/** Sends a payment's recorded event and marks it sent; the reconciler sends what this could not. */
export type OutboxPublisher = (paymentId: string, event: OutboxEvent) => Promise<void>;

export interface PaymentDependencies {
  bank: BankProvider;
  payments: PaymentStore;
  publish: OutboxPublisher;
  correlationId: string;
  now?: () => Date;
  sleep?: (milliseconds: number) => Promise<void>;
  random?: () => number;
  maxAttempts?: number;
  /** Refuses the attempt before anything is held (e.g. too many declines for this card); run with the first read. */
  admit?: () => Promise<void>;
  /**
   * Takes the publishing of the outcome to finish alongside the caller's own last writes (the caller awaits it
   * before it answers); without it the outcome is published before processPayment returns.
   */
  defer?: (work: Promise<void>) => void;
  /** Told about a step that failed after the money question was settled; the reconciler finishes it. */
  onDeferred?: (what: string, payment: Payment, error: unknown) => void;
  /** Told once per payment, by whoever recorded the bank's answer (this request or the reconciler): for metrics. */
  onSettled?: (payment: Payment) => void;
}

export interface PaymentRequest {
  /** Follows from the request's Idempotency-Key: the payment is the key's idempotency record. */
  paymentId: string;
  /** The request as a keyed fingerprint (no CVV in it): the same key with another request is refused. */
  fingerprint: string;
  /** Until when this request may run (its deadline): a repeat of it before then is told to wait. */
  inFlightUntil: Date;
  amount: Money;
  card: CardInput;
  /** A complete choice (sessions), or the channels asked for (invoices: their own contacts are used). */
  notification: NotificationChoice | ReceiptRequest;
}

/**
 * A payment's outcome. `before`: the target as read before this request's payment. `replayed`: the request was
 * made before and its payment is answered as it now stands, `current` being the target now. Neither when a retry
 * resumed an unfinished payment.
 */
export interface PaymentOutcome<State> {
  payment: Payment;
  before?: State;
  replayed?: boolean;
  current?: State;
}

/** A write that lost an optimistic-locking race tries again after up to 20 ms, doubling to at most 400 ms. */
export const LOST_RACE_BACKOFF = { baseMs: 20, maxMs: 400 };

/**
 * Pays a target: hold the amount with the PROCESSING payment (optimistic locking, bounded retries), ask the bank,
 * settle with the outcome's event in the same transaction (outbox), publish. The payment is its request's
 * idempotency record: a repeat answers the payment as it now stands (or resumes it if its request failed), the
 * key with another request is refused. A failure after the hold leaves a PROCESSING payment that the reconciler
 * resolves by asking the bank.
 */
export async function processPayment<State, Change>(
  target: PaymentTarget<State, Change>,
  rules: PaymentRules<State, Change>,
  request: PaymentRequest,
  deps: PaymentDependencies,
): Promise<PaymentOutcome<State>> {
  const { now = () => new Date(), sleep = wait, random = Math.random, maxAttempts = 12 } = deps;
  const card = maskCard(request.card.number);
  for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
    // Everything the decision needs is read at once: the target, a pending payment to complete, and (first time
    // round) this request's own payment and the card-testing counters. The adapters batch the reads.
    const findPending = () => deps.payments.findPending(rules.subjectKey, request.amount, card.last4);
    const [state, pendingSeen, earlier, refused] = await Promise.all([
      target.read(),
      rules.mayHavePending ? undefined : findPending(),
      attempt === 1 ? deps.payments.get(request.paymentId) : undefined,
      attempt === 1 ? deps.admit?.().then(noError, (error: unknown) => error) : undefined,
    ]);
    // A repeat is answered before any limit applies: it asks for nothing new.
    if (earlier) return repeated(target, rules, earlier, request, state, deps);
    if (refused) throw refused;
    if (state === undefined) throw rules.notFound();
    const refusal = rules.refusal(state, request.amount, now());
    // A target that keeps a hint is asked about a pending payment only when it may have one (rarely).
    const pending = rules.mayHavePending
      ? !refusal && rules.mayHavePending(state)
        ? await findPending()
        : undefined
      : pendingSeen;
    if (refusal) {
      // After a lost race: the request racing this one may have been its own repeat, which paid it.
      const started = attempt > 1 ? await deps.payments.get(request.paymentId) : undefined;
      if (started) return repeated(target, rules, started, request, undefined, deps);
      throw refusal;
    }
    const subject = rules.subject(state);
    const timestamp = now().toISOString();
    const payment: Payment = {
      paymentId: request.paymentId,
      status: 'PROCESSING',
      subject,
      amount: request.amount,
      card,
      notification: rules.receipt
        ? rules.receipt(state, request.notification)
        : (request.notification as NotificationChoice),
      ...(pending ? { supersedes: pending.paymentId } : {}),
      correlationId: deps.correlationId,
      fingerprint: request.fingerprint,
      inFlightUntil: request.inFlightUntil.toISOString(),
      createdAt: timestamp,
      updatedAt: timestamp,
    };
    const result = await target.hold(rules.held(state, payment), payment, pending);
    if (result === 'held') {
      return {
        payment: await chargeAndSettle(target, rules, payment, request.card, pending, deps),
        before: state,
      };
    }
    if (result === 'payment-exists') {
      // The same key arrived twice at once: the other request made the payment.
      const existing = await deps.payments.get(request.paymentId);
      if (existing) return repeated(target, rules, existing, request, undefined, deps);
    }
    // Full jitter, so payers racing for one invoice spread out instead of colliding again.
    await sleep(backoffDelay(attempt, LOST_RACE_BACKOFF, random));
  }
  throw new DomainError('Busy', 'This is being paid by several requests at once; please retry in a moment');
}

const noError = (): undefined => undefined;

/**
 * A request whose payment exists already: another request under its key is refused; one still being worked on
 * by the request that made it is to be waited for; one whose request failed before the bank's answer was
 * recorded is resumed (the bank answers a repeated charge with its first decision); anything else is answered as
 * the payment now stands (a 202 answered earlier gives way to the outcome once there is one).
 */
async function repeated<State, Change>(
  target: PaymentTarget<State, Change>,
  rules: PaymentRules<State, Change>,
  existing: Payment,
  request: PaymentRequest,
  current: State | undefined,
  deps: PaymentDependencies,
): Promise<PaymentOutcome<State>> {
  if (existing.fingerprint !== undefined && existing.fingerprint !== request.fingerprint) {
    throw new DomainError(
      'Invalid',
      'This Idempotency-Key was already used for a different request; use a new key for a new payment',
    );
  }
  if (existing.status !== 'PROCESSING') {
    return { payment: existing, replayed: true, ...(current !== undefined ? { current } : {}) };
  }
  if (!(await deps.payments.claim(existing.paymentId, request.inFlightUntil, deps.now?.() ?? new Date()))) {
    // Its own request is still at work (or just finished it): the answer is that request's.
    const now = await deps.payments.get(existing.paymentId);
    if (now && now.status !== 'PROCESSING') return { payment: now, replayed: true };
    throw new DomainError(
      'Busy',
      'A payment with this Idempotency-Key is still being processed; wait for it, then retry with the same key to get its result',
    );
  }
  const pending = existing.supersedes ? await deps.payments.get(existing.supersedes) : undefined;
  return { payment: await chargeAndSettle(target, rules, existing, request.card, pending, deps) };
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
    throw new DomainError(
      'ProviderUnavailable',
      `The bank did not answer (${message}); payment ${payment.paymentId} is on hold and will be resolved within minutes, ` +
        'or retry with the same Idempotency-Key',
    );
  }
}

/**
 * Asks the bank and records its answer. When this request stops without recording an answer (the bank did not
 * answer, the write failed), it says so on the payment, so that a retry takes it over at once instead of waiting
 * for this request's deadline.
 */
async function chargeAndSettle<State, Change>(
  target: PaymentTarget<State, Change>,
  rules: PaymentRules<State, Change>,
  payment: Payment,
  card: CardInput,
  pending: Payment | undefined,
  deps: PaymentDependencies,
): Promise<Payment> {
  const letGo = () =>
    deps.payments.clearInFlight(payment.paymentId).catch((error: unknown) => {
      deps.onDeferred?.('release of the request', payment, error);
    });
  let outcome: BankOutcome;
  try {
    outcome = await askBank(deps.bank, payment, card, pending);
  } catch (error) {
    await letGo();
    throw error;
  }
  const settled = await settle(target, rules.settled.bind(rules), payment, 'PROCESSING', outcome, deps);
  if (settled.status === 'PROCESSING') await letGo();
  return settled;
}

/**
 * Records the bank's answer with its event; then publishes it. A failure to record leaves the payment as it was
 * (the reconciler finishes it); a failure to publish leaves the event in the outbox (the reconciler sends it).
 */
export async function settle<Change>(
  target: Pick<PaymentTarget<unknown, Change>, 'settle'>,
  changeFor: (payment: Payment) => Change,
  payment: Payment,
  from: PaymentStatus,
  answer: BankAnswer,
  deps: Pick<PaymentDependencies, 'publish' | 'correlationId' | 'now' | 'onDeferred' | 'onSettled' | 'defer'>,
): Promise<Payment> {
  const now = deps.now ?? (() => new Date());
  const settled = settledPayment(payment, answer, now());
  const outbox = outcomeEvent(settled, payment.correlationId ?? deps.correlationId);
  try {
    const written = await target.settle({
      payment: settled,
      from,
      change: changeFor(settled),
      ...(outbox ? { outbox } : {}),
    });
    if (!written) return payment;
  } catch (error) {
    deps.onDeferred?.('settle', payment, error);
    return payment;
  }
  deps.onSettled?.(settled);
  if (outbox) {
    const publishing = deps.publish(settled.paymentId, outbox).catch((error: unknown) => {
      deps.onDeferred?.('publish', settled, error);
    });
    if (deps.defer) deps.defer(publishing);
    else await publishing;
  }
  return settled;
}
