import type { ServiceMetrics } from '@payflow/shared';
import type { OrderStatus } from '../domain/order-record';

/** The statuses an order ends in: OrdersCompleted's `outcome` dimension. */
export type OrderOutcome = Extract<
  OrderStatus,
  'CONFIRMED' | 'REJECTED' | 'CANCELLED' | 'PAYMENT_TIMED_OUT' | 'SHIPPING_UNAVAILABLE'
>;

/**
 * One order reached its outcome: counted by the task that settles its stock (checkShipping when it ships,
 * releaseStock on every other path), once it succeeded, so a retried task does not count twice.
 */
export function countOrderOutcome(metrics: ServiceMetrics, outcome: OrderOutcome): void {
  metrics.count('OrdersCompleted', 1, { outcome });
}
