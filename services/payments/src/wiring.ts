import { createLogger, metrics, type Logger } from '@payflow/shared';
import type { Context } from 'aws-lambda';
import { createAttemptCounter } from './adapters/attempts';
import { createCustomerStore } from './adapters/customers';
import { payoutProvider } from './adapters/payout-provider';
import { createPayoutStore } from './adapters/payouts';
import { bankProvider } from './adapters/bank-provider';
import { createPaymentEvents } from './adapters/events';
import { countSettledPayment } from './adapters/metrics';
import { createExpiryQueue } from './adapters/expiry-queue';
import { createInvoiceReader, createInvoiceTarget } from './adapters/invoices';
import { createPaymentStore } from './adapters/payments-store';
import { createRefundStore } from './adapters/refunds';
import { createSessionStore, createSessionTarget } from './adapters/sessions';
import { readConfig, type PaymentsConfig } from './config';
import { invoiceRules } from './domain/invoice';
import type { Customer } from './domain/customer';
import type { Payout, PayoutOutboxEvent } from './domain/payout';
import type { PayoutDependencies } from './domain/payout-flow';
import type { OutboxPublisher, PaymentDependencies, PaymentRules, PaymentTarget } from './domain/pay';
import type { OutboxEvent, Payment, PaymentSubject } from './domain/payment';
import type { ReconcileDependencies } from './domain/reconcile';
import type { RefundDependencies } from './domain/refund';
import { sessionRules } from './domain/session';

export const logger: Logger = createLogger(process.env.POWERTOOLS_SERVICE_NAME || 'payments');

/** Everything a handler needs, built once per container from the environment. */
export function services() {
  cached ??= build(readConfig());
  return cached;
}
let cached: ReturnType<typeof build> | undefined;

function build(config: PaymentsConfig) {
  const readInvoice = createInvoiceReader(config.invoicesTable);
  const payments = createPaymentStore(config.paymentsTable);
  const sessions = createSessionStore(config.sessionsTable);
  const events = createPaymentEvents(config.eventBusName);
  const refundStore = createRefundStore(config, readInvoice);
  /** The reconciler's publisher: send the recorded event, then mark it sent. */
  const publish: OutboxPublisher = async (paymentId: string, event: OutboxEvent) => {
    await events.publishRecorded(event);
    await payments.markPublished(paymentId, event.id, new Date().toISOString());
  };
  /**
   * A paying request's publisher: send the recorded event and answer. The bus's delivery marks it sent
   * (markOutboxSent, on payments' own rule), so the request waits for no second write; an event that never
   * reached the bus stays unmarked and the reconciler sends it.
   */
  const announce: OutboxPublisher = (_paymentId: string, event: OutboxEvent) => events.publishRecorded(event);
  return {
    config,
    readInvoice,
    payments,
    sessions,
    events,
    publish,
    announce,
    customers: createCustomerStore(config.customersTable),
    payouts: createPayoutStore({
      payoutsTable: config.payoutsTable,
      limitsTable: config.payoutLimitsTable,
      customersTable: config.customersTable,
    }),
    expiryQueue: createExpiryQueue(config.sessionExpiryQueueName),
    attempts: createAttemptCounter(config.attemptsTable),
    refunds: { ...refundStore, get: payments.get },
    invoiceTarget: (invoiceId: string) => ({
      target: createInvoiceTarget(config, invoiceId, readInvoice),
      rules: invoiceRules(invoiceId),
    }),
    sessionTarget: (sessionId: string) => ({
      target: createSessionTarget(config, sessionId, sessions),
      rules: sessionRules(sessionId),
    }),
  };
}

/** The target a payment was applied to, with its rules, whatever its kind. */
function targetOf(subject: PaymentSubject): {
  target: PaymentTarget<unknown, unknown>;
  rules: PaymentRules<unknown, unknown>;
} {
  const built = services();
  const chosen =
    subject.kind === 'invoice'
      ? built.invoiceTarget(subject.invoiceId)
      : built.sessionTarget(subject.sessionId);
  return chosen as unknown as ReturnType<typeof targetOf>;
}

export async function paymentDependencies(correlationId: string): Promise<PaymentDependencies> {
  const { payments, announce } = services();
  return {
    bank: await bankProvider(),
    payments,
    publish: announce,
    correlationId,
    onDeferred: (what: string, payment: Payment, error: unknown) =>
      logger.warn(`Payment ${what} failed; the reconciler will finish it`, {
        paymentId: payment.paymentId,
        status: payment.status,
        error,
      }),
    onSettled: (payment: Payment) => countSettledPayment(metrics, payment),
  };
}

export async function reconcileDependencies(): Promise<ReconcileDependencies> {
  return {
    bank: await bankProvider(),
    publish: services().publish,
    targetOf: (payment: Payment) => targetOf(payment.subject),
    onSettled: (payment: Payment) => countSettledPayment(metrics, payment),
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

/** The payout flow's store, provider and outbox publisher (send the recorded event, then mark it sent). */
export function payoutDependencies(): PayoutDependencies {
  const { payouts, events } = services();
  return {
    store: payouts,
    provider: payoutProvider(),
    publish: async (payoutId: string, event: PayoutOutboxEvent) => {
      await events.publishPayoutEvent(event);
      await payouts.markPublished(payoutId, event.id);
    },
    onDeferred: (what: string, payout: Payout, error: unknown) =>
      logger.warn(`Payout ${what} failed; the reconciler will finish it`, {
        payoutId: payout.payoutId,
        status: payout.status,
        error,
      }),
  };
}

/** Until when this invocation may run (Lambda's deadline): a payment it holds is its own until then. */
export function requestDeadline(context: Pick<Context, 'getRemainingTimeInMillis'>): Date {
  return new Date(Date.now() + context.getRemainingTimeInMillis());
}

/**
 * Tells the bus a customer's channels and addresses as just stored (notification keeps its own copy), then marks the
 * change announced. The write recorded it as owed, so if this fails the reconciler announces it within a minute or so.
 */
export async function announceCustomer(customer: Customer, correlationId: string): Promise<void> {
  const { events, customers } = services();
  await events.customerChanged(customer, correlationId);
  await customers.announced(customer);
}

/** announceCustomer where the write already answers the request: a failure is logged and left to the reconciler. */
export async function tryAnnounceCustomer(customer: Customer, correlationId: string): Promise<void> {
  try {
    await announceCustomer(customer, correlationId);
  } catch (error) {
    logger.warn('Customer saved; its announcement to notification is left to the reconciler', {
      customerId: customer.customerId,
      version: customer.version,
      error: error instanceof Error ? error.message : String(error),
    });
  }
}
