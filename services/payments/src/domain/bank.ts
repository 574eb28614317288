import type { CardInput, MaskedCard, Money } from '@payflow/shared';

/** What the bank said about one charge. `providerReference` is the bank's id for it. */
export type BankOutcome =
  | { status: 'ACCEPTED'; providerReference: string }
  | { status: 'PENDING'; providerReference: string }
  | { status: 'DECLINED'; providerReference: string; code: BankDeclineCode; reason: string };

type BankDeclineCode = 'DECLINED' | 'INSUFFICIENT_FUNDS' | 'CARD_DECLINED';

export interface ChargeRequest {
  /** Our payment id; a real provider uses it as its idempotency key, so a resumed charge is not taken twice. */
  paymentId: string;
  amount: Money;
  /** The full card, in memory only for the length of this call. */
  card: CardInput;
}

export interface RefundRequest {
  /** Our refund id; the bank's idempotency key, so a refund asked for again after a crash is made once. */
  refundId: string;
  paymentId: string;
  /** The bank's id for the charge being refunded. */
  providerReference?: string;
  amount: Money;
}

/** What the bank said about a refund; `providerReference` is the bank's id for it. */
export interface RefundOutcome {
  status: 'ACCEPTED';
  providerReference: string;
}

/** The port every bank adapter implements (the simulator locally, a card processor on AWS). */
export interface BankProvider {
  charge(request: ChargeRequest): Promise<BankOutcome>;
  /** Asks again about a charge the bank left pending. */
  confirmPending(pending: {
    providerReference: string;
    amount: Money;
    card: MaskedCard;
  }): Promise<BankOutcome>;
  /** Gives a charge back in full; asking again with the same refund id returns the first answer. */
  refund(request: RefundRequest): Promise<RefundOutcome>;
  /**
   * What the bank decided for our payment id (its idempotency key), as real providers answer a look-up by key;
   * undefined when the charge never reached it.
   */
  lookup(paymentId: string): Promise<BankOutcome | undefined>;
}

/** Where the simulated bank keeps what it decided per idempotency key (a real bank keeps its own). */
export interface BankDecisions {
  get(paymentId: string): Promise<StoredDecision | undefined>;
  /** Keeps the first decision for a payment id: returns it, whether it is this one or an earlier one. */
  putFirst(paymentId: string, decision: StoredDecision): Promise<StoredDecision>;
  /** Replaces a decision (a pending charge decided later). */
  put(paymentId: string, decision: StoredDecision): Promise<void>;
}

export interface StoredDecision {
  outcome: BankOutcome;
  /** What was asked for, as a bank records it. */
  amount?: Money;
  decidedAt: string;
}
