import { FirstSeenRows } from '../../src/domain/first-seen-rows';

describe('FirstSeenRows', () => {
  it('returns the first row of an id seen again, and nothing for a new id', () => {
    const seen = new FirstSeenRows();
    expect(seen.remember('17', 4)).toBeUndefined();
    expect(seen.remember('INV-17', 5)).toBeUndefined();
    expect(seen.remember('17', 9)).toBe(4);
    expect(seen.remember('17', 12)).toBe(4);
    expect(seen.remember('INV-17', 13)).toBe(5);
    expect(seen.size).toBe(2);
  });

  it('tells numbers written differently apart, as DynamoDB keys would', () => {
    const seen = new FirstSeenRows();
    expect(seen.remember('17', 2)).toBeUndefined();
    expect(seen.remember('017', 3)).toBeUndefined();
    expect(seen.remember('17.0', 4)).toBeUndefined();
  });

  it('keeps every one of 300,000 ids while growing, with no false duplicates', () => {
    const seen = new FirstSeenRows(16);
    let falseDuplicates = 0;
    for (let row = 1; row <= 150_000; row += 1) {
      if (seen.remember(String(row * 7), row) !== undefined) falseDuplicates += 1;
      if (seen.remember(`INV-${row}`, row + 150_000) !== undefined) falseDuplicates += 1;
    }
    expect(falseDuplicates).toBe(0);
    expect(seen.size).toBe(300_000);
    expect(seen.remember(String(7 * 99_999), 999_999)).toBe(99_999);
    expect(seen.remember('INV-150000', 999_999)).toBe(300_000);
  });

  it('stays near 12 bytes per slot: a million ids fit in about 24 MB', () => {
    const seen = new FirstSeenRows();
    for (let row = 1; row <= 1_000_000; row += 1) seen.remember(String(row), row);
    expect(seen.bytes).toBeLessThanOrEqual(2 ** 21 * 12);
  });
});
