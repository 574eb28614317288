import type { BankProvider } from './bank';
import { settle, type OutboxPublisher, type PaymentRules, type PaymentTarget } from './pay';
import { NOT_RECEIVED_BY_BANK, type BankAnswer, type OutboxEvent, type Payment } from './payment';

/** A payment that needs the reconciler: held without an outcome, pending at the bank, or settled but unannounced. */
export interface PaymentNeedingAttention {
  payment: Payment;
  /** The recorded event not yet sent, when the payment is settled. */
  outbox?: OutboxEvent;
}

/** What the reconciler did with one payment (for its log and metrics). */
export type ReconcileAction =
  | 'published'
  | 'settled'
  | 'released'
  | 'accepted-later'
  | 'declined-later'
  | 'voided'
  | 'still-pending'
  | 'nothing';

/** The target of a payment, with its rules, for whatever kind of thing it paid. */
type TargetOf = (payment: Payment) => {
  target: PaymentTarget<unknown, unknown>;
  rules: PaymentRules<unknown, unknown>;
};

export interface ReconcileDependencies {
  bank: BankProvider;
  publish: OutboxPublisher;
  targetOf: TargetOf;
  now?: () => Date;
  /** Told about each payment this run settles (see PaymentDependencies.onSettled). */
  onSettled?: (payment: Payment) => void;
}

/**
 * Resolves one payment so that every hold ends and every outcome is announced:
 * - settled but unannounced: its recorded event is sent (same id: consumers drop a repeat);
 * - held without an outcome (a crash, a failed write after the hold or after the bank): the bank is asked by the
 *   payment's idempotency key; its answer settles it, and a charge the bank never received is released;
 * - pending at the bank: asked again until it decides; an acceptance takes the amount again if it still fits,
 *   and is voided at the bank when it no longer does.
 */
export async function reconcilePayment(
  { payment, outbox }: PaymentNeedingAttention,
  deps: ReconcileDependencies,
): Promise<ReconcileAction> {
  const correlationId = payment.correlationId ?? `reconcile-${payment.paymentId}`;
  const settleDeps = {
    publish: deps.publish,
    correlationId,
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.onSettled ? { onSettled: deps.onSettled } : {}),
  };
  if (outbox && (payment.status === 'SUCCEEDED' || payment.status === 'FAILED')) {
    await deps.publish(payment.paymentId, outbox);
    return 'published';
  }
  const { target, rules } = deps.targetOf(payment);
  if (payment.status === 'PROCESSING') {
    const answer: BankAnswer = (await deps.bank.lookup(payment.paymentId)) ?? NOT_RECEIVED_BY_BANK;
    const settled = await settle(
      target,
      rules.settled.bind(rules),
      payment,
      'PROCESSING',
      answer,
      settleDeps,
    );
    if (settled.status === 'PROCESSING') return 'nothing';
    return answer === NOT_RECEIVED_BY_BANK ? 'released' : 'settled';
  }
  if (payment.status !== 'PENDING') return 'nothing';
  const answer = await deps.bank.lookup(payment.paymentId);
  if (!answer || answer.status === 'PENDING') return 'still-pending';
  if (answer.status === 'DECLINED') {
    await settle(target, () => rules.unchanged, payment, 'PENDING', answer, settleDeps);
    return 'declined-later';
  }
  const state = await target.read();
  const refusal = state === undefined ? rules.notFound() : rules.refusal(state, payment.amount, now(deps));
  if (state === undefined || refusal) {
    // Paid some other way meanwhile: the late acceptance is given back at the bank before it is recorded.
    await deps.bank.refund({
      refundId: `void-${payment.paymentId}`,
      paymentId: payment.paymentId,
      providerReference: answer.providerReference,
      amount: payment.amount,
    });
    const voided: BankAnswer = {
      status: 'DECLINED',
      providerReference: answer.providerReference,
      code: 'VOIDED',
      reason: `The bank accepted the payment late, when it was no longer due (${refusal?.message ?? 'gone'}); it was voided and nothing was charged.`,
    };
    await settle(target, () => rules.unchanged, payment, 'PENDING', voided, settleDeps);
    return 'voided';
  }
  await settle(target, () => rules.reheld(state, payment), payment, 'PENDING', answer, settleDeps);
  return 'accepted-later';
}

function now(deps: ReconcileDependencies): Date {
  return deps.now?.() ?? new Date();
}
