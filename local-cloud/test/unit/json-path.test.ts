import { readJsonPath } from '../../src/json-path';

const order = {
  detail: {
    orderId: 'ORD-1',
    'ship to': { country: 'FR' },
    items: [
      { sku: 'A-1', quantity: 2 },
      { sku: 'B-2', quantity: 1 },
    ],
    note: null,
  },
};

describe('readJsonPath', () => {
  it.each([
    ['$', order],
    ['$.detail.orderId', 'ORD-1'],
    ['$.detail.items[1].sku', 'B-2'],
    ["$.detail['ship to'].country", 'FR'],
    ["$['detail']['items'][0]['quantity']", 2],
    ['$.detail.note', null],
  ])('reads %s', (path, expected) => {
    expect(readJsonPath(path, order)).toEqual(expected);
  });

  it('gives undefined where the path points nowhere, or is not a path', () => {
    expect(readJsonPath('$.detail.missing.deeper', order)).toBeUndefined();
    expect(readJsonPath('$.detail.items[5]', order)).toBeUndefined();
    expect(readJsonPath('$.detail.orderId.x', order)).toBeUndefined();
    expect(readJsonPath('detail.orderId', order)).toBeUndefined();
    expect(readJsonPath('$.a', 'a string')).toBeUndefined();
  });

  it('gives every value a wildcard or descent selects, as an array even when there is one', () => {
    expect(readJsonPath('$.detail.items[*].sku', order)).toEqual(['A-1', 'B-2']);
    expect(readJsonPath('$..quantity', order)).toEqual([2, 1]);
    expect(readJsonPath('$.detail.items[*].sku', { detail: { items: [{ sku: 'A-1' }] } })).toEqual(['A-1']);
    expect(readJsonPath('$.detail.none[*]', { detail: { none: [] } })).toEqual([]);
  });

  it('reads the root of any value, and never evaluates a script in a path', () => {
    expect(readJsonPath('$', 'plain')).toBe('plain');
    expect(readJsonPath('$', null)).toBeNull();
    let evaluated = false;
    const spy = {
      get quantity() {
        evaluated = true;
        return 2;
      },
    };
    expect(readJsonPath('$.detail.items[?(@.quantity > 1)]', order)).toBeUndefined();
    expect(readJsonPath('$.items[?(@.quantity > 1)]', { items: [spy] })).toBeUndefined();
    expect(evaluated).toBe(false);
  });
});
