import { createLogger, type Logger } from '@payflow/shared';
import { createOrderStore } from './adapters/orders';
import { createPaymentsApi } from './adapters/payments-api';
import { createWorkflow } from './adapters/step-functions';
import { readConfig, type CheckoutConfig } from './config';

export const logger: Logger = createLogger(process.env.POWERTOOLS_SERVICE_NAME || 'checkout');

/** Everything a handler needs, built once per container from the environment. */
export function services() {
  cached ??= build(readConfig());
  return cached;
}
let cached: ReturnType<typeof build> | undefined;

function build(config: CheckoutConfig) {
  return {
    config,
    orders: createOrderStore(config.ordersTable),
    workflow: createWorkflow(config.stateMachineArn),
    paymentsApi: createPaymentsApi(config.paymentsApiUrl),
  };
}

const correlationIdPattern = /^[\w.:\-/]{1,128}$/;

/** The caller's correlation id if it sent a usable one, else this request's id. */
export function correlationIdOf(headers: Record<string, string | undefined>, requestId: string): string {
  const given = headers['x-correlation-id']?.trim();
  return given && correlationIdPattern.test(given) ? given : requestId;
}
