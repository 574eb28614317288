import { MetricUnit, type ServiceMetrics } from '@payflow/shared';
import { isDeclineByBank, type Payment } from '../domain/payment';
import type { ReconcileAction } from '../domain/reconcile';

/**
 * A payment whose bank answer was just recorded: PaymentsSucceeded with PaymentAmount (minor units) by currency, or
 * PaymentsDeclined when the bank declined the card. Pending answers wait for the reconciler; nothing about the card
 * or the payer is a dimension.
 */
export function countSettledPayment(metrics: ServiceMetrics, payment: Payment): void {
  if (payment.status === 'SUCCEEDED') {
    metrics.count('PaymentsSucceeded');
    metrics.add('PaymentAmount', MetricUnit.NoUnit, payment.amount.amount, {
      currency: payment.amount.currency,
    });
  } else if (isDeclineByBank(payment)) {
    metrics.count('PaymentsDeclined');
  }
}

/** ReconcilerActions by action for one run; `nothing` (another writer got there first) is not an action. */
export function countReconcilerActions(
  metrics: ServiceMetrics,
  actions: Partial<Record<ReconcileAction | 'failed', number>>,
): void {
  for (const [action, count] of Object.entries(actions)) {
    if (action !== 'nothing' && count) metrics.count('ReconcilerActions', count, { action });
  }
}
