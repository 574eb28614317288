import { DEFAULT_PAYMENT_TIMEOUT_SECONDS } from './domain/payment';

/** Names and URLs the functions read from their environment (set in serverless.yml). */
export interface CheckoutConfig {
  ordersTable: string;
  idempotencyTable: string;
  stateMachineArn: string;
  paymentsApiUrl: string;
  paymentTimeoutSeconds: number;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value)
    throw new Error(`Environment variable ${name} is not set (see services/checkout/serverless.yml)`);
  return value;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): CheckoutConfig {
  const timeout = env.PAYMENT_TIMEOUT_SECONDS
    ? Number(env.PAYMENT_TIMEOUT_SECONDS)
    : DEFAULT_PAYMENT_TIMEOUT_SECONDS;
  return {
    ordersTable: required(env, 'ORDERS_TABLE'),
    idempotencyTable: env.IDEMPOTENCY_TABLE ?? '',
    stateMachineArn: env.STATE_MACHINE_ARN ?? '',
    paymentsApiUrl: env.PAYMENTS_API_URL ?? '',
    paymentTimeoutSeconds: timeout,
  };
}
