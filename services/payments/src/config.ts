import type { PayoutControls } from './domain/payout';
import { attemptLimits, type AttemptLimits, type LimitSettings } from './domain/throttle';
/** Names and URLs the functions read from their environment (set in serverless.yml). */
export interface PaymentsConfig {
  invoicesTable: string;
  paymentsTable: string;
  customersTable: string;
  payoutsTable: string;
  payoutLimitsTable: string;
  /** The approval threshold, the daily limit, the review window (README, "Payouts"). */
  payoutControls: PayoutControls;
  /** How long a payout may stay PENDING before the reconciler asks the provider (and again after each ask). */
  payoutPollSeconds: number;
  sessionsTable: string;
  idempotencyTable: string;
  sessionExpiryQueueName: string;
  eventBusName: string;
  payPageUrl: string;
  /** Failed attempts (declines, wrong access codes) per subject and window. */
  attemptsTable: string;
  limits: AttemptLimits;
  /** How old a hold, a pending payment or an unsent event must be before the reconciler takes it over. */
  reconcileAfterSeconds: number;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value)
    throw new Error(`Environment variable ${name} is not set (see services/payments/serverless.yml)`);
  return value;
}

/** An optional whole-number setting, as `{ [key]: value }` when set. */
function whole(env: NodeJS.ProcessEnv, name: string, key: keyof LimitSettings): LimitSettings {
  const value = env[name];
  if (value === undefined || value === '') return {};
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) {
    throw new Error(`${name} must be a whole number of at least 1, got ${value}`);
  }
  return { [key]: parsed };
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): PaymentsConfig {
  return {
    invoicesTable: required(env, 'INVOICES_TABLE'),
    paymentsTable: required(env, 'PAYMENTS_TABLE'),
    customersTable: required(env, 'CUSTOMERS_TABLE'),
    payoutsTable: required(env, 'PAYOUTS_TABLE'),
    payoutLimitsTable: required(env, 'PAYOUT_LIMITS_TABLE'),
    payoutControls: {
      approvalThreshold: Number(env.PAYOUT_APPROVAL_THRESHOLD ?? 100_000),
      dailyLimit: Number(env.PAYOUT_DAILY_LIMIT ?? 1_000_000),
      reviewWindowHours: 24,
    },
    payoutPollSeconds: Number(env.PAYOUT_POLL_SECONDS ?? 300),
    sessionsTable: required(env, 'SESSIONS_TABLE'),
    idempotencyTable: required(env, 'IDEMPOTENCY_TABLE'),
    sessionExpiryQueueName: required(env, 'SESSION_EXPIRY_QUEUE_NAME'),
    eventBusName: required(env, 'EVENT_BUS_NAME'),
    payPageUrl: required(env, 'PAY_PAGE_URL'),
    attemptsTable: required(env, 'ATTEMPTS_TABLE'),
    limits: attemptLimits({
      ...whole(env, 'DECLINES_PER_CARD', 'declinesPerCard'),
      ...whole(env, 'DECLINES_PER_CLIENT', 'declinesPerClient'),
      ...whole(env, 'WRONG_CODES_PER_INVOICE', 'wrongCodesPerInvoice'),
      ...whole(env, 'WRONG_CODES_PER_CLIENT', 'wrongCodesPerClient'),
    }),
    reconcileAfterSeconds: Number(env.RECONCILE_AFTER_SECONDS ?? 120),
  };
}
