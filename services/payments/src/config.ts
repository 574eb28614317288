/** Names and URLs the functions read from their environment (set in serverless.yml). */
export interface PaymentsConfig {
  invoicesTable: string;
  paymentsTable: string;
  sessionsTable: string;
  idempotencyTable: string;
  sessionExpiryQueueName: string;
  eventBusName: string;
  payPageUrl: string;
  /** How old a hold, a pending payment or an unsent event must be before the reconciler takes it over. */
  reconcileAfterSeconds: number;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value)
    throw new Error(`Environment variable ${name} is not set (see services/payments/serverless.yml)`);
  return value;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): PaymentsConfig {
  return {
    invoicesTable: required(env, 'INVOICES_TABLE'),
    paymentsTable: required(env, 'PAYMENTS_TABLE'),
    sessionsTable: required(env, 'SESSIONS_TABLE'),
    idempotencyTable: required(env, 'IDEMPOTENCY_TABLE'),
    sessionExpiryQueueName: required(env, 'SESSION_EXPIRY_QUEUE_NAME'),
    eventBusName: required(env, 'EVENT_BUS_NAME'),
    payPageUrl: required(env, 'PAY_PAGE_URL'),
    reconcileAfterSeconds: Number(env.RECONCILE_AFTER_SECONDS ?? 120),
  };
}
