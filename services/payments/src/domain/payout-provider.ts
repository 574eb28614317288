import type { Money } from '@payflow/shared';

/** A destination as the caller gives it: in memory only until the provider has it (then a token and a mask). */
export type PayoutDestinationInput =
  | { type: 'paypal'; email: string }
  | { type: 'bank_account'; accountNumber: string; bankCode?: string | undefined; holderName: string };

/** Where a payout stands at the provider. */
export type ProviderPayoutStatus = 'PENDING' | 'SUCCEEDED' | 'FAILED' | 'UNCLAIMED';

/** What the provider says about one payout (by webhook or when asked). */
export interface ProviderPayoutReport {
  payoutId: string;
  providerReference: string;
  status: ProviderPayoutStatus;
  amount: Money;
  /** Why it failed or was not claimed. */
  code?: string;
  reason?: string;
  /** When the provider reached this status. */
  at: string;
}

export interface SubmitPayoutRequest {
  /** Our payout id: the provider's idempotency key, so a resubmission after a crash pays once. */
  payoutId: string;
  amount: Money;
  recipientToken: string;
  reference: string;
}

/**
 * The port every payouts provider adapter implements (the simulator here; PayPal Payouts or a bank's API on AWS):
 * recipients are registered once and paid by token, a payout is accepted as PENDING and decided later, the outcome
 * arrives by a signed webhook and can always be asked for by our payout id.
 */
export interface PayoutProvider {
  /** Keeps the full destination at the provider and gives back its token. */
  registerRecipient(destination: PayoutDestinationInput): Promise<{ recipientToken: string }>;
  /** Accepts a payout (PENDING); submitting the same payout id again returns the first answer. */
  submit(request: SubmitPayoutRequest): Promise<ProviderPayoutReport>;
  /** Where the payout stands, by our payout id; undefined when it never reached the provider. */
  lookup(payoutId: string): Promise<ProviderPayoutReport | undefined>;
}
