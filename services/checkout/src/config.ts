import { z } from 'zod';
import { DEFAULT_PAYMENT_TIMEOUT_SECONDS } from './domain/payment';

const setting = (name: string) =>
  z
    .string({ error: `Environment variable ${name} is not set (see services/checkout/serverless.yml)` })
    .min(1, {
      error: `Environment variable ${name} is empty (see services/checkout/serverless.yml)`,
    });

/** Names and URLs the functions read from their environment (set in serverless.yml); each function reads its own. */
const EnvironmentSchema = z.object({
  ORDERS_TABLE: setting('ORDERS_TABLE'),
  CATALOGUE_TABLE: setting('CATALOGUE_TABLE').optional(),
  IDEMPOTENCY_TABLE: setting('IDEMPOTENCY_TABLE').optional(),
  STATE_MACHINE_ARN: setting('STATE_MACHINE_ARN').optional(),
  PAYMENTS_API_URL: setting('PAYMENTS_API_URL').optional(),
  PAYMENTS_CLIENT_SECRET_NAME: setting('PAYMENTS_CLIENT_SECRET_NAME').optional(),
  TOKEN_URL: setting('TOKEN_URL').optional(),
  EVENT_BUS_NAME: setting('EVENT_BUS_NAME').optional(),
  PAYMENT_TIMEOUT_SECONDS: z.coerce.number().int().positive().default(DEFAULT_PAYMENT_TIMEOUT_SECONDS),
});

export interface CheckoutConfig {
  ordersTable: string;
  catalogueTable: string;
  idempotencyTable: string;
  stateMachineArn: string;
  paymentsApiUrl: string;
  paymentsClientSecretName: string;
  tokenUrl: string;
  eventBusName: string;
  paymentTimeoutSeconds: number;
}

/** The settings; one a function does not have throws when that function first uses it, naming the variable. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): CheckoutConfig {
  const parsed = EnvironmentSchema.safeParse(env);
  if (!parsed.success) throw new Error(parsed.error.issues.map((issue) => issue.message).join('; '));
  const values = parsed.data;
  const need = (value: string | undefined, name: string) => {
    if (!value)
      throw new Error(`Environment variable ${name} is not set (see services/checkout/serverless.yml)`);
    return value;
  };
  return {
    ordersTable: values.ORDERS_TABLE,
    get catalogueTable() {
      return need(values.CATALOGUE_TABLE, 'CATALOGUE_TABLE');
    },
    get idempotencyTable() {
      return need(values.IDEMPOTENCY_TABLE, 'IDEMPOTENCY_TABLE');
    },
    get stateMachineArn() {
      return need(values.STATE_MACHINE_ARN, 'STATE_MACHINE_ARN');
    },
    get paymentsApiUrl() {
      return need(values.PAYMENTS_API_URL, 'PAYMENTS_API_URL');
    },
    get paymentsClientSecretName() {
      return need(values.PAYMENTS_CLIENT_SECRET_NAME, 'PAYMENTS_CLIENT_SECRET_NAME');
    },
    get tokenUrl() {
      return need(values.TOKEN_URL, 'TOKEN_URL');
    },
    get eventBusName() {
      return need(values.EVENT_BUS_NAME, 'EVENT_BUS_NAME');
    },
    paymentTimeoutSeconds: values.PAYMENT_TIMEOUT_SECONDS,
  };
}
