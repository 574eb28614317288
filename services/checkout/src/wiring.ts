import { createLogger, type Logger } from '@payflow/shared';
import { createCatalogue } from './adapters/catalogue';
import { createOrderStore } from './adapters/orders';
import { createOrderEvents } from './adapters/events';
import { createPaymentsApi } from './adapters/payments-api';
import { createPaymentsToken } from './adapters/payments-token';
import { createWorkflow } from './adapters/step-functions';
import { readConfig, type CheckoutConfig } from './config';

export const logger: Logger = createLogger(process.env.POWERTOOLS_SERVICE_NAME || 'checkout');

/** Everything a handler needs, built once per container from the environment. */
export function services() {
  cached ??= build(readConfig());
  return cached;
}
let cached: ReturnType<typeof build> | undefined;

/** Each adapter is made on first use, so a function builds (and needs the settings of) only what it uses. */
function build(config: CheckoutConfig) {
  let catalogue: ReturnType<typeof createCatalogue> | undefined;
  let orders: ReturnType<typeof createOrderStore> | undefined;
  let workflow: ReturnType<typeof createWorkflow> | undefined;
  let paymentsApi: ReturnType<typeof createPaymentsApi> | undefined;
  let events: ReturnType<typeof createOrderEvents> | undefined;
  return {
    config,
    get catalogue() {
      return (catalogue ??= createCatalogue(config));
    },
    get orders() {
      return (orders ??= createOrderStore(config.ordersTable));
    },
    get workflow() {
      return (workflow ??= createWorkflow(() => config.stateMachineArn));
    },
    get paymentsApi() {
      return (paymentsApi ??= createPaymentsApi(
        config.paymentsApiUrl,
        createPaymentsToken({ tokenUrl: config.tokenUrl, secretName: config.paymentsClientSecretName }),
      ));
    },
    get events() {
      return (events ??= createOrderEvents(config.eventBusName));
    },
  };
}
