import { priceOrder, quantitiesBySku, shortageReason, type CatalogueItem } from '../../src/domain/catalogue';

const gbp = (amount: number) => ({ amount, currency: 'GBP' });
const catalogue = new Map<string, CatalogueItem>(
  [
    { sku: 'TEAPOT-CAST-IRON', name: 'Cast-iron teapot', unitPrice: gbp(4800), available: 3 },
    { sku: 'MUG-STONEWARE', name: 'Stoneware mug', unitPrice: gbp(1200), available: 40 },
    { sku: 'TEA-ROOIBOS-EU', name: 'Rooibos', unitPrice: { amount: 700, currency: 'EUR' }, available: 9 },
  ].map((item) => [item.sku, item]),
);

describe('quantitiesBySku', () => {
  it('sums the quantities of lines with the same SKU', () => {
    expect(
      quantitiesBySku([
        { sku: 'TEAPOT-CAST-IRON', quantity: 3 },
        { sku: 'MUG-STONEWARE', quantity: 1 },
        { sku: 'TEAPOT-CAST-IRON', quantity: 3 },
      ]),
    ).toEqual(
      new Map([
        ['TEAPOT-CAST-IRON', 6],
        ['MUG-STONEWARE', 1],
      ]),
    );
  });
});

describe('priceOrder', () => {
  it('prices every line from the catalogue, one line per SKU, and totals them', () => {
    expect(
      priceOrder(
        [
          { sku: 'TEAPOT-CAST-IRON', quantity: 1 },
          { sku: 'MUG-STONEWARE', quantity: 2 },
          { sku: 'TEAPOT-CAST-IRON', quantity: 1 },
        ],
        catalogue,
      ),
    ).toEqual({
      ok: true,
      lines: [
        { sku: 'TEAPOT-CAST-IRON', name: 'Cast-iron teapot', quantity: 2, unitPrice: gbp(4800) },
        { sku: 'MUG-STONEWARE', name: 'Stoneware mug', quantity: 2, unitPrice: gbp(1200) },
      ],
      total: gbp(12000),
    });
  });
  it('refuses an unknown SKU, naming the line', () => {
    expect(
      priceOrder(
        [
          { sku: 'MUG-STONEWARE', quantity: 1 },
          { sku: 'NOT-SOLD', quantity: 1 },
        ],
        catalogue,
      ),
    ).toEqual({
      ok: false,
      problems: [{ path: 'body.items.1.sku', message: 'NOT-SOLD is not sold here' }],
    });
  });
  it('refuses an order in two currencies', () => {
    const priced = priceOrder(
      [
        { sku: 'MUG-STONEWARE', quantity: 1 },
        { sku: 'TEA-ROOIBOS-EU', quantity: 1 },
      ],
      catalogue,
    );
    expect(priced).toEqual({
      ok: false,
      problems: [
        {
          path: 'body.items',
          message: 'All items must be priced in one currency; this order mixes GBP, EUR.',
        },
      ],
    });
  });
  it('refuses more than 100 of one SKU once its lines are summed', () => {
    const priced = priceOrder(
      [
        { sku: 'MUG-STONEWARE', quantity: 60 },
        { sku: 'MUG-STONEWARE', quantity: 60 },
      ],
      catalogue,
    );
    expect(priced).toEqual({
      ok: false,
      problems: [
        {
          path: 'body.items.0.quantity',
          message: '120 × MUG-STONEWARE in all; at most 100 of one SKU per order',
        },
      ],
    });
  });
  it('answers with both totals when the total shown is not the catalogue total', () => {
    expect(priceOrder([{ sku: 'TEAPOT-CAST-IRON', quantity: 2 }], catalogue, gbp(2))).toEqual({
      ok: false,
      shown: gbp(2),
      total: gbp(9600),
    });
  });
  it('accepts the total shown when it is the catalogue total', () => {
    expect(priceOrder([{ sku: 'TEAPOT-CAST-IRON', quantity: 2 }], catalogue, gbp(9600)).ok).toBe(true);
  });
});

describe('shortageReason', () => {
  const line = { sku: 'TEAPOT-CAST-IRON', quantity: 4, unitPrice: gbp(4800) };
  it('says how many were asked and how many are left', () => {
    expect(shortageReason(line, catalogue.get('TEAPOT-CAST-IRON'))).toBe(
      'TEAPOT-CAST-IRON is out of stock (4 asked, 3 available).',
    );
  });
  it('says when the price changed since the order was priced', () => {
    expect(shortageReason({ ...line, unitPrice: gbp(4000) }, catalogue.get('TEAPOT-CAST-IRON'))).toMatch(
      /^The price of TEAPOT-CAST-IRON changed to 48\.00 GBP/,
    );
  });
  it('says when the SKU is no longer sold', () => {
    expect(shortageReason(line, undefined)).toBe('TEAPOT-CAST-IRON is not sold here.');
  });
});
