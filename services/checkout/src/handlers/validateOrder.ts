import { describeIssues, MoneySchema, observedHandler } from '@payflow/shared';
import { z } from 'zod';
import {
  OrderLineSchema,
  ShippingAddressSchema,
  validateOrderDetails,
  type OrderVerdict,
} from '../domain/order';
import { logger } from '../wiring';

/** The parts of the order this check reads; the rest of the order (customer, ids) passes through unread. */
const OrderDetailsSchema = z.object({
  items: z.array(OrderLineSchema).min(1),
  shippingAddress: ShippingAddressSchema,
  total: MoneySchema,
});

/** Task of the Validate state's first branch: totals recomputed from the items, and an address complete enough to ship. */
async function validateOrder(event: unknown): Promise<OrderVerdict> {
  const parsed = OrderDetailsSchema.safeParse(event);
  if (!parsed.success) {
    // The API validated the shape already; a malformed task input is a bug in the definition, not a customer error.
    throw new Error(`validateOrder input is not an order: ${describeIssues(parsed.error)}`);
  }
  const verdict = validateOrderDetails(parsed.data);
  const orderId = (event as { orderId?: unknown }).orderId;
  logger.info('Order details checked', {
    orderId,
    valid: verdict.valid,
    ...(verdict.valid ? {} : { reason: verdict.reason }),
  });
  return verdict;
}

export const handler = observedHandler(validateOrder);
