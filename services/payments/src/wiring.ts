import { createLogger, type Logger } from '@payflow/shared';
import { bankProvider } from './adapters/bank-provider';
import { createPaymentEvents } from './adapters/events';
import { createExpiryQueue } from './adapters/expiry-queue';
import { createInvoiceReader } from './adapters/invoices';
import { createPaymentStore } from './adapters/payments-store';
import { createRefundStore } from './adapters/refunds';
import { createSessionStore } from './adapters/sessions';
import { readConfig, type PaymentsConfig } from './config';
import type { PaymentDependencies } from './domain/pay';
import type { Payment } from './domain/payment';
import type { RefundDependencies } from './domain/refund';

export const logger: Logger = createLogger(process.env.POWERTOOLS_SERVICE_NAME || 'payments');

/** Everything a handler needs, built once per container from the environment. */
export function services() {
  cached ??= build(readConfig());
  return cached;
}
let cached: ReturnType<typeof build> | undefined;

function build(config: PaymentsConfig) {
  const readInvoice = createInvoiceReader(config.invoicesTable);
  return {
    config,
    readInvoice,
    payments: createPaymentStore(config.paymentsTable),
    sessions: createSessionStore(config.sessionsTable),
    events: createPaymentEvents(config.eventBusName),
    expiryQueue: createExpiryQueue(config.sessionExpiryQueueName),
    refunds: createRefundStore(config, readInvoice),
  };
}

export async function paymentDependencies(correlationId: string): Promise<PaymentDependencies> {
  const { payments, events } = services();
  return {
    bank: await bankProvider(),
    payments,
    publishOutcome: (payment: Payment) => events.paymentSettled(payment, correlationId),
  };
}

export async function refundDependencies(correlationId: string): Promise<RefundDependencies> {
  const { refunds, events } = services();
  return {
    bank: await bankProvider(),
    store: refunds,
    publishRefunded: (payment: Payment) => events.paymentRefunded(payment, correlationId),
  };
}

/** The caller's correlation id if it sent one, else this request's id. */
export function correlationIdOf(headers: Record<string, string | undefined>, requestId: string): string {
  const given = headers['x-correlation-id']?.trim();
  return given && /^[\w.:\-/]{1,128}$/.test(given) ? given : requestId;
}
