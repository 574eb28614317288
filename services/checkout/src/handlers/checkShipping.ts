import { describeIssues, metrics, observedHandler } from '@payflow/shared';
import { z } from 'zod';
import { countOrderOutcome } from '../adapters/metrics';
import { quoteShipping, type ShippingQuote } from '../domain/carrier';
import { ShippingAddressSchema } from '../domain/order';
import { logger } from '../wiring';

const InputSchema = z.object({ orderId: z.string(), shippingAddress: ShippingAddressSchema });

/** Task after a successful payment: asks the (simulated) carrier whether it delivers to the order's address. */
async function checkShipping(event: unknown): Promise<ShippingQuote> {
  const parsed = InputSchema.safeParse(event);
  if (!parsed.success) throw new Error(`checkShipping input is invalid: ${describeIssues(parsed.error)}`);
  const quote = quoteShipping(parsed.data.shippingAddress);
  logger.info('Shipping checked', { orderId: parsed.data.orderId, ...quote });
  // The order ships: confirmed next (every other path ends through releaseStock, which counts it there).
  if (quote.available) countOrderOutcome(metrics, 'CONFIRMED');
  return quote;
}

export const handler = observedHandler(checkShipping);
