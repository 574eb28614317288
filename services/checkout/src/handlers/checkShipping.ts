import { describeIssues } from '@payflow/shared';
import { z } from 'zod';
import { quoteShipping, type ShippingQuote } from '../domain/carrier';
import { ShippingAddressSchema } from '../domain/order';
import { logger } from '../wiring';

const InputSchema = z.object({ orderId: z.string(), shippingAddress: ShippingAddressSchema });

/** Task after a successful payment: asks the (simulated) carrier whether it delivers to the order's address. */
export async function handler(event: unknown): Promise<ShippingQuote> {
  const parsed = InputSchema.safeParse(event);
  if (!parsed.success) throw new Error(`checkShipping input is invalid: ${describeIssues(parsed.error)}`);
  const quote = quoteShipping(parsed.data.shippingAddress);
  logger.info('Shipping checked', { orderId: parsed.data.orderId, ...quote });
  return quote;
}
