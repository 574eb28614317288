import { formatMoney, type Money } from '@payflow/shared';
import { z } from 'zod';
import {
  computeTotal,
  MAX_QUANTITY,
  OrderIdSchema,
  OrderLineSchema,
  sameMoney,
  type CheckoutItem,
  type OrderLine,
} from './order';

/** What the ReserveStock and ReleaseStock tasks receive: the order and its priced lines. */
export const StockTaskInputSchema = z.object({
  orderId: OrderIdSchema,
  items: z.array(OrderLineSchema).min(1),
});

/** The seller's catalogue entry for a SKU: what it is called, what it costs, how many are left to sell. */
export interface CatalogueItem {
  sku: string;
  name: string;
  unitPrice: Money;
  /** Units not reserved by any order. */
  available: number;
}

/** Why an order cannot be priced, field by field (the API answers 422 with these). */
interface PricingProblem {
  path: string;
  message: string;
}

export type PricedOrder =
  | { ok: true; lines: OrderLine[]; total: Money }
  | { ok: false; problems: PricingProblem[] }
  /** The buyer was shown another total than the catalogue's (the API answers 409 with both). */
  | { ok: false; shown: Money; total: Money; problems?: undefined };

/** Quantities summed per SKU, in the order the SKUs first appear: 3 + 3 teapots are 6 teapots. */
export function quantitiesBySku(items: readonly CheckoutItem[]): Map<string, number> {
  const quantities = new Map<string, number>();
  for (const item of items) quantities.set(item.sku, (quantities.get(item.sku) ?? 0) + item.quantity);
  return quantities;
}

/**
 * Prices an order from the catalogue: one line per SKU with the catalogue's name and unit price, and the total.
 * Unknown SKUs, a summed quantity over the per-SKU limit, or more than one currency are refused; when the buyer
 * sent the total they were shown, it must be the catalogue's.
 */
export function priceOrder(
  items: readonly CheckoutItem[],
  catalogue: ReadonlyMap<string, CatalogueItem>,
  shown?: Money,
): PricedOrder {
  const problems: PricingProblem[] = [];
  const lines: OrderLine[] = [];
  const quantities = quantitiesBySku(items);
  for (const [sku, quantity] of quantities) {
    const path = `body.items.${items.findIndex((item) => item.sku === sku)}.sku`;
    const entry = catalogue.get(sku);
    if (!entry) {
      problems.push({ path, message: `${sku} is not sold here` });
      continue;
    }
    if (quantity > MAX_QUANTITY) {
      problems.push({
        path: path.replace(/sku$/, 'quantity'),
        message: `${quantity} × ${sku} in all; at most ${MAX_QUANTITY} of one SKU per order`,
      });
      continue;
    }
    lines.push({ sku, name: entry.name, quantity, unitPrice: entry.unitPrice });
  }
  if (problems.length > 0) return { ok: false, problems };
  const computed = computeTotal(lines);
  if (!computed.ok) return { ok: false, problems: [{ path: 'body.items', message: computed.reason }] };
  if (shown && !sameMoney(shown, computed.total)) return { ok: false, shown, total: computed.total };
  return { ok: true, lines, total: computed.total };
}

/** The words a customer reads when the catalogue cannot cover a line of their order any more. */
export function shortageReason(
  line: Pick<OrderLine, 'sku' | 'quantity' | 'unitPrice'>,
  entry?: CatalogueItem,
) {
  if (!entry) return `${line.sku} is not sold here.`;
  if (!sameMoney(entry.unitPrice, line.unitPrice)) {
    return `The price of ${line.sku} changed to ${formatMoney(entry.unitPrice)} while the order was placed; please order again.`;
  }
  return `${line.sku} is out of stock (${line.quantity} asked, ${Math.max(0, entry.available)} available).`;
}
