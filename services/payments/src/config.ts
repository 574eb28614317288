import {
  optionalWholeNumberSetting,
  positiveNumberSetting,
  readEnvironment,
  requiredSetting,
  wholeNumberSetting,
} from '@payflow/shared';
import type { PayoutControls } from './domain/payout';
import { attemptLimits, type AttemptLimits } from './domain/throttle';
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

/** The settings serverless.yml gives the functions. */
const SETTINGS = {
  INVOICES_TABLE: requiredSetting(),
  PAYMENTS_TABLE: requiredSetting(),
  CUSTOMERS_TABLE: requiredSetting(),
  PAYOUTS_TABLE: requiredSetting(),
  PAYOUT_LIMITS_TABLE: requiredSetting(),
  PAYOUT_APPROVAL_THRESHOLD: wholeNumberSetting(100_000),
  PAYOUT_DAILY_LIMIT: wholeNumberSetting(1_000_000),
  PAYOUT_POLL_SECONDS: positiveNumberSetting(300),
  SESSIONS_TABLE: requiredSetting(),
  IDEMPOTENCY_TABLE: requiredSetting(),
  SESSION_EXPIRY_QUEUE_NAME: requiredSetting(),
  EVENT_BUS_NAME: requiredSetting(),
  PAY_PAGE_URL: requiredSetting(),
  ATTEMPTS_TABLE: requiredSetting(),
  DECLINES_PER_CARD: optionalWholeNumberSetting(1),
  DECLINES_PER_CLIENT: optionalWholeNumberSetting(1),
  WRONG_CODES_PER_INVOICE: optionalWholeNumberSetting(1),
  WRONG_CODES_PER_CLIENT: optionalWholeNumberSetting(1),
  RECONCILE_AFTER_SECONDS: positiveNumberSetting(120),
};

export function readConfig(env: NodeJS.ProcessEnv = process.env): PaymentsConfig {
  const settings = readEnvironment(SETTINGS, env, 'services/payments/serverless.yml');
  return {
    invoicesTable: settings.INVOICES_TABLE,
    paymentsTable: settings.PAYMENTS_TABLE,
    customersTable: settings.CUSTOMERS_TABLE,
    payoutsTable: settings.PAYOUTS_TABLE,
    payoutLimitsTable: settings.PAYOUT_LIMITS_TABLE,
    payoutControls: {
      approvalThreshold: settings.PAYOUT_APPROVAL_THRESHOLD,
      dailyLimit: settings.PAYOUT_DAILY_LIMIT,
      reviewWindowHours: 24,
    },
    payoutPollSeconds: settings.PAYOUT_POLL_SECONDS,
    sessionsTable: settings.SESSIONS_TABLE,
    idempotencyTable: settings.IDEMPOTENCY_TABLE,
    sessionExpiryQueueName: settings.SESSION_EXPIRY_QUEUE_NAME,
    eventBusName: settings.EVENT_BUS_NAME,
    payPageUrl: settings.PAY_PAGE_URL,
    attemptsTable: settings.ATTEMPTS_TABLE,
    limits: attemptLimits({
      declinesPerCard: settings.DECLINES_PER_CARD,
      declinesPerClient: settings.DECLINES_PER_CLIENT,
      wrongCodesPerInvoice: settings.WRONG_CODES_PER_INVOICE,
      wrongCodesPerClient: settings.WRONG_CODES_PER_CLIENT,
    }),
    reconcileAfterSeconds: settings.RECONCILE_AFTER_SECONDS,
  };
}
