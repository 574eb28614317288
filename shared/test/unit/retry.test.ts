import { backoffDelay, sleep } from '../../src';

const options = { baseMs: 20, maxMs: 400 };
const highest = () => 0.999_999;

describe('backoffDelay', () => {
  it('waits up to the base before the first retry, doubling the cap each retry until the maximum', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((retry) => backoffDelay(retry, options, highest))).toEqual([
      19, 39, 79, 159, 319, 399, 399,
    ]);
  });

  it('draws the wait at random below that cap (full jitter), down to none at all', () => {
    expect(backoffDelay(3, options, () => 0)).toBe(0);
    expect(backoffDelay(3, options, () => 0.5)).toBe(40);
  });
});

describe('sleep', () => {
  it('resolves after about the time asked', async () => {
    const started = performance.now();
    await sleep(30);
    expect(performance.now() - started).toBeGreaterThanOrEqual(29);
  });
});
