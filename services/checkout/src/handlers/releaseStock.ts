import { describeIssues } from '@payflow/shared';
import { StockTaskInputSchema } from '../domain/catalogue';
import { logger, services } from '../wiring';

/**
 * The ReleaseStock task, on every path that does not ship: gives back what the order reserved, exactly once.
 * An order that never reserved (rejected before the reservation) or was already released gives nothing back.
 */
export async function handler(event: unknown): Promise<{ released: boolean }> {
  const parsed = StockTaskInputSchema.safeParse(event);
  if (!parsed.success) throw new Error(`releaseStock input is not an order: ${describeIssues(parsed.error)}`);
  const { orderId, items } = parsed.data;
  const released = await services().catalogue.release(orderId, items, new Date().toISOString());
  logger.info(released ? 'Stock released' : 'No stock to release', { orderId });
  return { released };
}
