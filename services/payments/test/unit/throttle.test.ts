import { attemptLimits, buckets, retryAfterSeconds, slidingCount } from '../../src/domain/throttle';

const { declinesPerCard } = attemptLimits();
const at = (seconds: number) => new Date(seconds * 1000);

describe('the sliding window of failed attempts', () => {
  it('counts all of this bucket and the part of the previous one still inside the window', () => {
    expect(slidingCount(4, 10, 0.75)).toBeCloseTo(6.5);
  });
  it('lets attempts through below the limit and refuses at it, saying how long to wait', () => {
    const start = 15 * 60 * 1000; // the start of a bucket
    expect(retryAfterSeconds(declinesPerCard, { current: 9, previous: 0 }, at(start))).toBe(0);
    const wait = retryAfterSeconds(declinesPerCard, { current: 10, previous: 0 }, at(start + 60));
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(2 * 15 * 60);
  });
  it('forgets the previous bucket as the window slides past it', () => {
    const bucketSeconds = 15 * 60;
    const late = at(bucketSeconds * 1001 - 1); // near the end of a bucket
    expect(buckets(declinesPerCard, late).elapsed).toBeGreaterThan(0.99);
    expect(retryAfterSeconds(declinesPerCard, { current: 0, previous: 10 }, late)).toBe(0);
  });
  it('takes configured limits', () => {
    expect(attemptLimits({ declinesPerCard: 3 }).declinesPerCard.limit).toBe(3);
  });
});
