import {
  addressProblems,
  CheckoutRequestSchema,
  computeTotal,
  orderEventIds,
  orderIdFor,
  validateOrderDetails,
} from '../../src/domain/order';

const gbp = (amount: number) => ({ amount, currency: 'GBP' });
const items = [
  { sku: 'TEA-EARLGREY-100G', quantity: 2, unitPrice: gbp(650) },
  { sku: 'MUG-STONEWARE', quantity: 1, unitPrice: gbp(1200) },
];
const address = {
  name: 'Ada Lovelace',
  line1: '12 St James’s Square',
  city: 'London',
  postalCode: 'SW1Y 4JH',
  country: 'GB',
};

describe('computeTotal', () => {
  it('adds quantity x unit price in minor units', () => {
    expect(computeTotal(items)).toEqual({ ok: true, total: gbp(2500) });
  });
  it('refuses items in more than one currency, naming them', () => {
    expect(computeTotal([...items, { quantity: 1, unitPrice: { amount: 100, currency: 'EUR' } }])).toEqual({
      ok: false,
      reason: 'All items must be priced in one currency; this order mixes GBP, EUR.',
    });
  });
  it('refuses a total beyond safe integers', () => {
    const result = computeTotal([{ quantity: 100, unitPrice: gbp(Number.MAX_SAFE_INTEGER) }]);
    expect(result.ok).toBe(false);
  });
});

describe('validateOrderDetails', () => {
  const order = { items, shippingAddress: address, total: gbp(2500) };
  it('accepts a complete order and returns its recomputed total', () => {
    expect(validateOrderDetails(order)).toEqual({ valid: true, total: gbp(2500) });
  });
  it('rejects a total that is not the sum of the items', () => {
    expect(validateOrderDetails({ ...order, total: gbp(2400) })).toMatchObject({
      valid: false,
      reason: "The order's total 24.00 GBP is not the sum of its items (25.00 GBP).",
    });
  });
  it('rejects a zero total', () => {
    const free = [{ quantity: 1, unitPrice: gbp(0) }];
    expect(validateOrderDetails({ items: free, shippingAddress: address, total: gbp(0) })).toMatchObject({
      valid: false,
    });
  });
  it('rejects an incomplete address, naming what is missing', () => {
    expect(validateOrderDetails({ ...order, shippingAddress: { name: 'Ada', country: 'GB' } })).toMatchObject(
      {
        valid: false,
        reason: 'The shipping address has no line1, city, postalCode.',
      },
    );
  });
});

describe('addressProblems', () => {
  it('treats blank fields as missing', () => {
    expect(addressProblems({ ...address, city: '   ' })).toEqual(['the shipping address has no city']);
  });
  it('wants a two-letter country code', () => {
    expect(addressProblems({ ...address, country: 'United Kingdom' })).toEqual([
      'country "United Kingdom" is not a two-letter ISO 3166 code like GB',
    ]);
  });
});

describe('orderIdFor', () => {
  it('names the same order for the same key and request', () => {
    expect(orderIdFor('key-00000001', 'f1')).toBe(orderIdFor('key-00000001', 'f1'));
    expect(orderIdFor('key-00000001', 'f1')).toMatch(/^ord_[a-f0-9]{24}$/);
  });
  it('names another order for another key', () => {
    expect(orderIdFor('key-00000001', 'f1')).not.toBe(orderIdFor('key-00000002', 'f1'));
  });
  it('names another order when two customers reuse one key with their own requests', () => {
    expect(orderIdFor('key-00000001', 'customer-a')).not.toBe(orderIdFor('key-00000001', 'customer-b'));
  });
});

describe('orderEventIds', () => {
  it('derives one UUID per outcome from the order, the same on every call', () => {
    const ids = orderEventIds('ord_0123456789abcdef01234567');
    expect(orderEventIds('ord_0123456789abcdef01234567')).toEqual(ids);
    const values = Object.values(ids);
    expect(new Set(values).size).toBe(5);
    for (const id of values)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(orderEventIds('ord_0123456789abcdef01234568').OrderConfirmed).not.toBe(ids.OrderConfirmed);
  });
});

describe('CheckoutRequestSchema', () => {
  const customer = { id: 'c-1', email: 'a@example.com', channels: ['email'] };
  it('refuses a price sent by the buyer, naming the field', () => {
    const result = CheckoutRequestSchema.safeParse({
      customer,
      items: [{ sku: 'TEAPOT-CAST-IRON', quantity: 2, unitPrice: { amount: 1, currency: 'GBP' } }],
      shippingAddress: address,
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      [
        'items.0.unitPrice',
        "unitPrice is not accepted: prices come from the seller's catalogue; send sku and quantity",
      ],
    ]);
  });
  it('accepts SKU and quantity', () => {
    expect(
      CheckoutRequestSchema.safeParse({
        customer,
        items: [{ sku: 'TEAPOT-CAST-IRON', quantity: 2 }],
        shippingAddress: address,
      }).success,
    ).toBe(true);
  });
});
