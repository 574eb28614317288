import { metrics, observedHandler } from '@payflow/shared';
import { countReconcilerActions } from '../adapters/metrics';
import { reconcilePayout, type PayoutReconcileAction } from '../domain/payout-flow';
import { reconcilePayment, type ReconcileAction } from '../domain/reconcile';
import { announceCustomer, logger, payoutDependencies, reconcileDependencies, services } from '../wiring';

/** At most this many payments of each kind per run; a backlog is worked through run after run. */
const BATCH = 50;

export interface ReconcileSummary {
  checked: number;
  actions: Partial<Record<ReconcileAction | 'failed', number>>;
  payouts: { checked: number; actions: Partial<Record<PayoutReconcileAction | 'failed', number>> };
  customers: { checked: number; announced: number; failed: number };
}

/**
 * Every minute (an EventBridge schedule): every hold ends and every outcome is announced. Holds older than
 * RECONCILE_AFTER_SECONDS (longer than a payment request can run) are settled by asking the bank, pending
 * payments are asked again, and settled payments whose event was not sent are published; so are customers' changes.
 */
export async function reconcilePayments(): Promise<ReconcileSummary> {
  const { config, payments } = services();
  const deps = await reconcileDependencies();
  const now = Date.now();
  const settledBefore = new Date(now - config.reconcileAfterSeconds * 1000).toISOString();
  // A settled payment's event is normally sent at once; one still unsent after a few seconds is the outbox's.
  const unsentBefore = new Date(now - Math.min(30, config.reconcileAfterSeconds) * 1000).toISOString();
  const due = [
    ...(await payments.needingAttention('OUTBOX', unsentBefore, BATCH)),
    ...(await payments.needingAttention('HOLD', settledBefore, BATCH)),
    ...(await payments.needingAttention('PENDING', settledBefore, BATCH)),
  ];
  const summary: ReconcileSummary = {
    checked: due.length,
    actions: {},
    payouts: await reconcilePayouts(now, config.reconcileAfterSeconds, config.payoutPollSeconds),
    customers: await announceCustomers(unsentBefore),
  };
  for (const entry of due) {
    let action: ReconcileAction | 'failed';
    try {
      action = await reconcilePayment(entry, deps);
    } catch (error) {
      action = 'failed';
      logger.error('Could not reconcile a payment; the next run tries again', {
        paymentId: entry.payment.paymentId,
        status: entry.payment.status,
        error,
      });
    }
    summary.actions[action] = (summary.actions[action] ?? 0) + 1;
    if (action !== 'nothing' && action !== 'still-pending' && action !== 'failed') {
      logger.info('Payment reconciled', {
        paymentId: entry.payment.paymentId,
        from: entry.payment.status,
        action,
        correlation_id: entry.payment.correlationId,
      });
    }
  }
  if (summary.checked > 0 || summary.payouts.checked > 0 || summary.customers.checked > 0)
    logger.info('Reconciler run', { ...summary });
  countReconcilerActions(metrics, summary.actions);
  return summary;
}

/** Customers whose change was written but not announced (the publish failed, or the function died in between). */
async function announceCustomers(before: string): Promise<ReconcileSummary['customers']> {
  const owed = await services().customers.unannounced(before, BATCH);
  const summary = { checked: owed.length, announced: 0, failed: 0 };
  for (const { customer, correlationId } of owed) {
    try {
      await announceCustomer(customer, correlationId);
      summary.announced += 1;
      logger.info('Customer announced by the reconciler', {
        customerId: customer.customerId,
        version: customer.version,
        correlation_id: correlationId,
      });
    } catch (error) {
      summary.failed += 1;
      logger.error('Could not announce a customer; the next run tries again', {
        customerId: customer.customerId,
        version: customer.version,
        error,
      });
    }
  }
  return summary;
}

/**
 * Payouts: unsent events are sent, a released payout whose submission was not recorded is submitted again, and
 * every PENDING payout is asked about once it has waited `payoutPollSeconds` since it was last asked.
 */
async function reconcilePayouts(now: number, reconcileAfterSeconds: number, pollSeconds: number) {
  const { payouts } = services();
  const deps = payoutDependencies();
  const before = (seconds: number) => new Date(now - seconds * 1000).toISOString();
  const due = new Map(
    [
      ...(await payouts.unsent(before(Math.min(30, reconcileAfterSeconds)), BATCH)),
      ...(await payouts.needingAttention('SUBMIT', before(reconcileAfterSeconds), BATCH)),
      ...(await payouts.needingAttention('PENDING', before(pollSeconds), BATCH)),
    ].map((entry) => [entry.payout.payoutId, entry]),
  );
  const summary: ReconcileSummary['payouts'] = { checked: due.size, actions: {} };
  for (const entry of due.values()) {
    let action: PayoutReconcileAction | 'failed';
    try {
      action = await reconcilePayout(entry, deps);
    } catch (error) {
      action = 'failed';
      logger.error('Could not reconcile a payout; the next run tries again', {
        payoutId: entry.payout.payoutId,
        status: entry.payout.status,
        error,
      });
    }
    summary.actions[action] = (summary.actions[action] ?? 0) + 1;
    if (action === 'decided' || action === 'submitted') {
      logger.info('Payout reconciled', {
        payoutId: entry.payout.payoutId,
        from: entry.payout.status,
        action,
      });
    }
  }
  return summary;
}

export const handler = observedHandler(reconcilePayments);
