import { createHash } from 'node:crypto';
import {
  addMoney,
  formatMoney,
  IdentifierSchema,
  MoneySchema,
  stableEventId,
  OrderCustomerSchema,
  type Money,
  type OrderCustomer,
} from '@payflow/shared';
import { z } from 'zod';

const MAX_ITEMS = 50;
export const MAX_QUANTITY = 100;

/** A SKU as the inventory table keys it: capitals, digits and dashes, e.g. TEA-EARLGREY-100G. */
const SkuSchema = z.string({ error: 'sku must be a string' }).regex(/^[A-Z0-9][A-Z0-9-]{1,63}$/, {
  error: 'sku must be 2-64 capitals, digits or dashes, e.g. TEA-EARLGREY-100G',
});

/** A line of an order as the state machine carries it: priced from the catalogue, one line per SKU. */
export const OrderLineSchema = z.object({
  sku: SkuSchema,
  name: z.string().min(1).max(200),
  quantity: z
    .number({ error: 'quantity must be a number' })
    .int({ error: 'quantity must be a whole number' })
    .min(1, { error: 'quantity must be at least 1' }),
  unitPrice: MoneySchema,
});
export type OrderLine = z.infer<typeof OrderLineSchema>;

/** What a buyer asks for: a SKU and how many. The price is the seller's (the catalogue), never the buyer's. */
const CheckoutItemSchema = z.strictObject({
  sku: SkuSchema,
  quantity: z
    .number({ error: 'quantity must be a number' })
    .int({ error: 'quantity must be a whole number' })
    .min(1, { error: 'quantity must be at least 1' })
    .max(MAX_QUANTITY, { error: `quantity must be at most ${MAX_QUANTITY}` }),
  unitPrice: z
    .never({
      error: "unitPrice is not accepted: prices come from the seller's catalogue; send sku and quantity",
    })
    .optional(),
});
export type CheckoutItem = z.infer<typeof CheckoutItemSchema>;

const addressLine = z
  .string({ error: 'must be a string' })
  .max(200, { error: 'must be at most 200 characters' });

/**
 * The shipping address as typed. Only its shape is checked at the door; whether it is complete enough to ship
 * is a rule of the order's validation (the workflow's "order details" check), which rejects with a reason.
 */
export const ShippingAddressSchema = z.strictObject({
  name: addressLine.optional(),
  line1: addressLine.optional(),
  line2: addressLine.optional(),
  city: addressLine.optional(),
  postalCode: addressLine.optional(),
  country: addressLine.optional(),
});
export type ShippingAddress = z.infer<typeof ShippingAddressSchema>;

/** POST /checkouts: no card here; the card is collected by the payment session. */
export const CheckoutRequestSchema = z.strictObject({
  customer: OrderCustomerSchema,
  items: z
    .array(CheckoutItemSchema, { error: 'items must be an array' })
    .min(1, { error: 'items must hold at least one item' })
    .max(MAX_ITEMS, { error: `items must hold at most ${MAX_ITEMS} items` }),
  shippingAddress: ShippingAddressSchema,
  /** The total the customer was shown; when given, it must equal the catalogue's total (409 otherwise). */
  total: MoneySchema.optional(),
});
export type CheckoutRequest = z.infer<typeof CheckoutRequestSchema>;

/** The ids of the events an execution may put, derived from the order so a retried PutEvents is deduplicated. */
export interface OrderEventIds {
  OrderConfirmed: string;
  OrderRejected: string;
  ShippingUnavailable: string;
  RefundRequested: string;
  PaymentTimedOut: string;
}

/** What the state machine receives and records: the customer's order, priced from the catalogue. */
export interface OrderInput {
  orderId: string;
  createdAt: string;
  customer: CheckoutRequest['customer'];
  shippingAddress: ShippingAddress;
  /** One line per SKU, quantities summed, prices from the catalogue. */
  items: OrderLine[];
  total: Money;
  eventIds: OrderEventIds;
}

export const OrderIdSchema = IdentifierSchema.regex(/^ord_[a-f0-9]{24}$/, {
  error: 'orderId looks like ord_ followed by 24 hexadecimal digits',
});

/**
 * The order id follows from the Idempotency-Key and the request's fingerprint: a retry names the same order (so a
 * retried StartExecution cannot start a second one), and two customers who reuse a key get different orders.
 */
export function orderIdFor(idempotencyKey: string, fingerprint: string): string {
  const digest = createHash('sha256').update(`checkout\n${idempotencyKey}\n${fingerprint}`).digest('hex');
  return `ord_${digest.slice(0, 24)}`;
}

export function orderEventIds(orderId: string): OrderEventIds {
  const id = (detailType: string) => stableEventId('checkout', orderId, detailType);
  return {
    OrderConfirmed: id('OrderConfirmed'),
    OrderRejected: id('OrderRejected'),
    ShippingUnavailable: id('ShippingUnavailable'),
    RefundRequested: id('RefundRequested'),
    PaymentTimedOut: id('PaymentTimedOut'),
  };
}

export type TotalResult = { ok: true; total: Money } | { ok: false; reason: string };

/** Sum of quantity x unit price, in integer minor units; every item must be in one currency. */
export function computeTotal(items: readonly Pick<OrderLine, 'quantity' | 'unitPrice'>[]): TotalResult {
  const [first] = items;
  if (!first) return { ok: false, reason: 'The order has no items.' };
  const currencies = [...new Set(items.map((item) => item.unitPrice.currency))];
  if (currencies.length > 1) {
    return {
      ok: false,
      reason: `All items must be priced in one currency; this order mixes ${currencies.join(', ')}.`,
    };
  }
  let total: Money = { amount: 0, currency: first.unitPrice.currency };
  for (const item of items) {
    total = addMoney(total, {
      amount: item.unitPrice.amount * item.quantity,
      currency: item.unitPrice.currency,
    });
  }
  if (!Number.isSafeInteger(total.amount)) return { ok: false, reason: 'The order total is too large.' };
  return { ok: true, total };
}

const requiredAddressFields = ['name', 'line1', 'city', 'postalCode', 'country'] as const;

/** What is missing or wrong in an address, in words the customer can fix; empty when it can be shipped to. */
export function addressProblems(address: ShippingAddress): string[] {
  const problems: string[] = [];
  const missing = requiredAddressFields.filter((field) => !address[field]?.trim());
  if (missing.length > 0) problems.push(`the shipping address has no ${missing.join(', ')}`);
  if (address.country?.trim() && !/^[A-Z]{2}$/.test(address.country.trim())) {
    problems.push(`country "${address.country}" is not a two-letter ISO 3166 code like GB`);
  }
  return problems;
}

export type OrderVerdict = { valid: true; total: Money } | { valid: false; reason: string; total?: Money };

/** The order-details check of the workflow: the total is the sum of its lines, and the address can be shipped to. */
export function validateOrderDetails(
  order: { items: readonly Pick<OrderLine, 'quantity' | 'unitPrice'>[] } & Pick<
    OrderInput,
    'shippingAddress' | 'total'
  >,
): OrderVerdict {
  const computed = computeTotal(order.items);
  if (!computed.ok) return { valid: false, reason: computed.reason };
  const { total } = computed;
  if (!sameMoney(order.total, total)) {
    return {
      valid: false,
      reason: `The order's total ${formatMoney(order.total)} is not the sum of its items (${formatMoney(total)}).`,
      total,
    };
  }
  if (total.amount === 0)
    return { valid: false, reason: 'The order total is zero; there is nothing to pay.', total };
  const problems = addressProblems(order.shippingAddress);
  if (problems.length > 0) {
    return { valid: false, reason: `${capitalise(problems.join('; '))}.`, total };
  }
  return { valid: true, total };
}

export function sameMoney(left: Money, right: Money): boolean {
  return left.amount === right.amount && left.currency === right.currency;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The notification choice payments needs for the session: the customer's own channels and addresses. */
export function notificationChoiceOf(customer: OrderCustomer) {
  return {
    channels: customer.channels,
    ...(customer.channels.includes('email') ? { email: customer.email } : {}),
    ...(customer.phone && customer.channels.includes('sms') ? { phone: customer.phone } : {}),
  };
}
