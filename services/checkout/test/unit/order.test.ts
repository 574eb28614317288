import {
  addressProblems,
  computeTotal,
  orderIdFor,
  orderInputFor,
  TotalError,
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
    expect(
      computeTotal([...items, { sku: 'X-1', quantity: 1, unitPrice: { amount: 100, currency: 'EUR' } }]),
    ).toEqual({
      ok: false,
      reason: 'All items must be priced in one currency; this order mixes GBP, EUR.',
    });
  });
  it('refuses a total beyond safe integers', () => {
    const result = computeTotal([{ sku: 'X-1', quantity: 100, unitPrice: gbp(Number.MAX_SAFE_INTEGER) }]);
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
  it('rejects when the total the customer was shown differs', () => {
    expect(validateOrderDetails({ ...order, expectedTotal: gbp(2499) })).toMatchObject({
      valid: false,
      reason: 'The total shown (24.99 GBP) does not match the items (25.00 GBP); please review the basket.',
    });
  });
  it('rejects a zero total', () => {
    const free = [{ sku: 'X-1', quantity: 1, unitPrice: gbp(0) }];
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

describe('orderIdFor / orderInputFor', () => {
  it('names the same order for the same key, another for another key', () => {
    expect(orderIdFor('key-00000001')).toBe(orderIdFor('key-00000001'));
    expect(orderIdFor('key-00000001')).not.toBe(orderIdFor('key-00000002'));
    expect(orderIdFor('key-00000001')).toMatch(/^ord_[a-f0-9]{24}$/);
  });
  it('keeps the shown total apart from the computed one', () => {
    const input = orderInputFor(
      {
        customer: { id: 'c-1', email: 'a@example.com', channels: ['email'] },
        items,
        shippingAddress: address,
        total: gbp(1),
      },
      'ord_x',
      '2026-11-21T10:00:00.000Z',
    );
    expect(input.total).toEqual(gbp(2500));
    expect(input.expectedTotal).toEqual(gbp(1));
  });
  it('throws TotalError for mixed currencies', () => {
    expect(() =>
      orderInputFor(
        {
          customer: { id: 'c-1', email: 'a@example.com', channels: ['email'] },
          items: [...items, { sku: 'X-1', quantity: 1, unitPrice: { amount: 1, currency: 'EUR' } }],
          shippingAddress: address,
        },
        'ord_x',
        'now',
      ),
    ).toThrow(TotalError);
  });
});
