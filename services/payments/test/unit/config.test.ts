import { attemptLimits } from '../../src/domain/throttle';
import { readConfig } from '../../src/config';

const env = {
  INVOICES_TABLE: 'payflow-invoices-local',
  PAYMENTS_TABLE: 'payflow-payments-local-payments',
  CUSTOMERS_TABLE: 'payflow-payments-local-customers',
  PAYOUTS_TABLE: 'payflow-payments-local-payouts',
  PAYOUT_LIMITS_TABLE: 'payflow-payments-local-payout-limits',
  SESSIONS_TABLE: 'payflow-payments-local-sessions',
  IDEMPOTENCY_TABLE: 'payflow-payments-local-idempotency',
  SESSION_EXPIRY_QUEUE_NAME: 'payflow-payments-local-session-expiry',
  EVENT_BUS_NAME: 'payflow-local',
  PAY_PAGE_URL: 'http://localhost:3000/',
  ATTEMPTS_TABLE: 'payflow-payments-local-attempts',
};

describe('readConfig', () => {
  it('reads every setting, with the default limits, reconcile age and payout controls when unset', () => {
    expect(readConfig(env)).toEqual({
      invoicesTable: 'payflow-invoices-local',
      paymentsTable: 'payflow-payments-local-payments',
      customersTable: 'payflow-payments-local-customers',
      payoutsTable: 'payflow-payments-local-payouts',
      payoutLimitsTable: 'payflow-payments-local-payout-limits',
      payoutControls: { approvalThreshold: 100_000, dailyLimit: 1_000_000, reviewWindowHours: 24 },
      payoutPollSeconds: 300,
      sessionsTable: 'payflow-payments-local-sessions',
      idempotencyTable: 'payflow-payments-local-idempotency',
      sessionExpiryQueueName: 'payflow-payments-local-session-expiry',
      eventBusName: 'payflow-local',
      payPageUrl: 'http://localhost:3000/',
      attemptsTable: 'payflow-payments-local-attempts',
      limits: attemptLimits(),
      reconcileAfterSeconds: 120,
    });
  });

  it('takes the limits, the reconcile age and the payout controls that are set', () => {
    const config = readConfig({
      ...env,
      DECLINES_PER_CARD: '3',
      DECLINES_PER_CLIENT: '100000',
      WRONG_CODES_PER_INVOICE: '4',
      WRONG_CODES_PER_CLIENT: '',
      RECONCILE_AFTER_SECONDS: '20',
      PAYOUT_APPROVAL_THRESHOLD: '5000',
      PAYOUT_DAILY_LIMIT: '20000',
      PAYOUT_POLL_SECONDS: '60',
    });
    expect(config.payoutControls).toEqual({
      approvalThreshold: 5000,
      dailyLimit: 20000,
      reviewWindowHours: 24,
    });
    expect(config.payoutPollSeconds).toBe(60);
    expect(config.limits).toEqual(
      attemptLimits({ declinesPerCard: 3, declinesPerClient: 100000, wrongCodesPerInvoice: 4 }),
    );
    expect(config.reconcileAfterSeconds).toBe(20);
  });

  it('names what is missing or wrong', () => {
    expect(() => readConfig({ ...env, ATTEMPTS_TABLE: undefined })).toThrow(
      'Environment variable ATTEMPTS_TABLE is not set (see services/payments/serverless.yml)',
    );
    expect(() => readConfig({ ...env, DECLINES_PER_CARD: '0' })).toThrow(
      'Environment variable DECLINES_PER_CARD must be a whole number of at least 1, got "0"',
    );
    expect(() => readConfig({ ...env, RECONCILE_AFTER_SECONDS: 'soon' })).toThrow(
      'Environment variable RECONCILE_AFTER_SECONDS must be a positive number, got "soon"',
    );
  });
});
