import { IdempotencyKeySchema, readIdempotencyKey, requestFingerprint } from '../../src/http/idempotency';
import { BadRequestError } from '../../src/http/errors';

describe('Idempotency-Key', () => {
  it('wants 8 to 128 safe characters', () => {
    expect(IdempotencyKeySchema.safeParse(undefined).success).toBe(false);
    expect(IdempotencyKeySchema.safeParse('short').success).toBe(false);
    expect(IdempotencyKeySchema.safeParse('x'.repeat(129)).success).toBe(false);
    expect(IdempotencyKeySchema.safeParse('a b c d e f g').success).toBe(false);
    expect(IdempotencyKeySchema.safeParse('7d0e2c1a-5b4f-4c3e-9a8b-1f2e3d4c5b6a').success).toBe(true);
  });

  it('is a 400 that says what to send when missing', () => {
    expect(() => readIdempotencyKey({})).toThrow(BadRequestError);
    expect(() => readIdempotencyKey({})).toThrow(/Idempotency-Key header is required/);
    expect(readIdempotencyKey({ 'idempotency-key': ' order-0001 ' })).toBe('order-0001');
  });
});

describe('requestFingerprint', () => {
  it('is the same for the same route and body, and differs for another route or body', () => {
    const body = { amount: { amount: 100, currency: 'EUR' } };
    expect(requestFingerprint('invoice:1', body)).toBe(
      requestFingerprint('invoice:1', structuredClone(body)),
    );
    expect(requestFingerprint('invoice:2', body)).not.toBe(requestFingerprint('invoice:1', body));
    expect(requestFingerprint('invoice:1', { ...body, note: 'x' })).not.toBe(
      requestFingerprint('invoice:1', body),
    );
  });

  it('is a hash: a card number in the body does not appear in it', () => {
    expect(requestFingerprint('invoice:1', { card: { number: '4242424242424242' } })).toMatch(
      /^[0-9a-f]{64}$/,
    );
  });
});
