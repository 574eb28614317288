import { describeIssues, observedHandler } from '@payflow/shared';
import { shortageReason, StockTaskInputSchema } from '../domain/catalogue';
import { logger, services } from '../wiring';

export type ReserveStockResult = { reserved: true } | { reserved: false; reason: string };

/**
 * The ReserveStock task: takes the order's quantities off the catalogue, all lines or none, before any payment
 * session exists. A line the catalogue cannot cover is a verdict (`reserved: false` with the customer's reason);
 * a transaction that lost a race throws StockBusy, which the state machine retries.
 */
async function reserveStock(event: unknown): Promise<ReserveStockResult> {
  const parsed = StockTaskInputSchema.safeParse(event);
  if (!parsed.success) throw new Error(`reserveStock input is not an order: ${describeIssues(parsed.error)}`);
  const { orderId, items } = parsed.data;
  const result = await services().catalogue.reserve(orderId, items, new Date().toISOString());
  if (result.reserved) {
    logger.info('Stock reserved', {
      orderId,
      already: result.already,
      lines: items.map(({ sku, quantity }) => ({ sku, quantity })),
    });
    return { reserved: true };
  }
  const reason = shortageReason(result.line, result.entry);
  logger.info('Stock not reserved', { orderId, sku: result.line.sku, reason });
  return { reserved: false, reason };
}

export const handler = observedHandler(reserveStock);
