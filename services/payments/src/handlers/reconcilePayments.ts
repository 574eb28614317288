import { metrics, observedHandler } from '@payflow/shared';
import { countReconcilerActions } from '../adapters/metrics';
import { reconcilePayment, type ReconcileAction } from '../domain/reconcile';
import { logger, reconcileDependencies, services } from '../wiring';

/** At most this many payments of each kind per run; a backlog is worked through run after run. */
const BATCH = 50;

export interface ReconcileSummary {
  checked: number;
  actions: Partial<Record<ReconcileAction | 'failed', number>>;
}

/**
 * Every minute (an EventBridge schedule): every hold ends and every outcome is announced. Holds older than
 * RECONCILE_AFTER_SECONDS (longer than a payment request can run) are settled by asking the bank, pending
 * payments are asked again, and settled payments whose event was not sent are published.
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
  const summary: ReconcileSummary = { checked: due.length, actions: {} };
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
  if (summary.checked > 0) logger.info('Reconciler run', { ...summary });
  countReconcilerActions(metrics, summary.actions);
  return summary;
}

export const handler = observedHandler(reconcilePayments);
