import { describeIssues, metrics, observedHandler } from '@payflow/shared';
import { z } from 'zod';
import { countOrderOutcome } from '../adapters/metrics';
import { StockTaskInputSchema } from '../domain/catalogue';
import { logger, services } from '../wiring';

/** The order's items, and the outcome the state (ReleaseStockRejected, ...) is about to record. */
const ReleaseStockInputSchema = StockTaskInputSchema.extend({
  outcome: z.enum(['REJECTED', 'CANCELLED', 'PAYMENT_TIMED_OUT', 'SHIPPING_UNAVAILABLE']).optional(),
});

/**
 * The ReleaseStock task, on every path that does not ship: gives back what the order reserved, exactly once.
 * An order that never reserved (rejected before the reservation) or was already released gives nothing back.
 */
async function releaseStock(event: unknown): Promise<{ released: boolean }> {
  const parsed = ReleaseStockInputSchema.safeParse(event);
  if (!parsed.success) throw new Error(`releaseStock input is not an order: ${describeIssues(parsed.error)}`);
  const { orderId, items, outcome } = parsed.data;
  const released = await services().catalogue.release(orderId, items, new Date().toISOString());
  logger.info(released ? 'Stock released' : 'No stock to release', { orderId, outcome });
  // Absent only for an execution started before the state machine named it.
  if (outcome) countOrderOutcome(metrics, outcome);
  return { released };
}

export const handler = observedHandler(releaseStock);
