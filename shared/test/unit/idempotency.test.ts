import { createHash, createHmac } from 'node:crypto';
import {
  fingerprintKey,
  IdempotencyKeySchema,
  readIdempotencyKey,
  requestFingerprint,
} from '../../src/http/idempotency';
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
  const key = 'test-fingerprint-key';
  const body = {
    amount: { amount: 100, currency: 'EUR' },
    card: { number: '4242424242424242', expiryMonth: 12, expiryYear: 2030, cvv: '123' },
  };
  const fingerprint = (route: string, request: unknown, withKey = key) =>
    requestFingerprint(route, request, withKey);

  it('is the same for the same route and body, and differs for another route or another field', async () => {
    expect(await fingerprint('invoice:1', body)).toBe(await fingerprint('invoice:1', structuredClone(body)));
    expect(await fingerprint('invoice:2', body)).not.toBe(await fingerprint('invoice:1', body));
    expect(await fingerprint('invoice:1', { ...body, note: 'x' })).not.toBe(
      await fingerprint('invoice:1', body),
    );
    expect(
      await fingerprint('invoice:1', { ...body, card: { ...body.card, number: '5555555555554444' } }),
    ).not.toBe(await fingerprint('invoice:1', body));
    expect(await fingerprint('invoice:1', { ...body, card: { ...body.card, expiryMonth: 11 } })).not.toBe(
      await fingerprint('invoice:1', body),
    );
  });

  it('is keyed: another key gives another fingerprint, and it is not the plain SHA-256 of the request', async () => {
    expect(await fingerprint('invoice:1', body, 'another-key')).not.toBe(
      await fingerprint('invoice:1', body),
    );
    const { cvv: _cvv, ...card } = body.card;
    const plain = createHash('sha256')
      .update('invoice:1\n' + JSON.stringify({ ...body, card }))
      .digest('hex');
    expect(await fingerprint('invoice:1', body)).toMatch(/^[0-9a-f]{64}$/);
    expect(await fingerprint('invoice:1', body)).not.toBe(plain);
    expect(await fingerprint('invoice:1', body)).toBe(
      createHmac('sha256', key)
        .update('invoice:1\n' + JSON.stringify({ ...body, card }))
        .digest('hex'),
    );
  });

  it('leaves the CVV out at any depth: a CVV change gives the same fingerprint', async () => {
    expect(await fingerprint('invoice:1', { ...body, card: { ...body.card, cvv: '999' } })).toBe(
      await fingerprint('invoice:1', body),
    );
    const { cvv: _cvv, ...withoutCvv } = body.card;
    expect(await fingerprint('invoice:1', { ...body, card: withoutCvv })).toBe(
      await fingerprint('invoice:1', body),
    );
    const nested = (cvv: string) => ({
      payments: [{ method: { card: { CVV: cvv, number: '4242424242424242' } } }],
    });
    expect(await fingerprint('session:1', nested('123'))).toBe(
      await fingerprint('session:1', nested('4567')),
    );
  });

  it('fingerprints a raw JSON body as what it parses to, so its CVV is left out too', async () => {
    expect(await fingerprint('invoice:1', JSON.stringify(body))).toBe(await fingerprint('invoice:1', body));
    expect(
      await fingerprint('invoice:1', JSON.stringify({ ...body, card: { ...body.card, cvv: '000' } })),
    ).toBe(await fingerprint('invoice:1', body));
  });

  it('takes its key from PAYFLOW_FINGERPRINT_KEY, and says what to set when there is none', async () => {
    expect(await fingerprintKey({ PAYFLOW_FINGERPRINT_KEY: 'from-env' })).toBe('from-env');
    await expect(fingerprintKey({})).rejects.toThrow(
      /set PAYFLOW_FINGERPRINT_KEY \(locally\) or PAYFLOW_FINGERPRINT_KEY_PARAMETER/,
    );
    const saved = process.env.PAYFLOW_FINGERPRINT_KEY;
    process.env.PAYFLOW_FINGERPRINT_KEY = key;
    try {
      expect(await requestFingerprint('invoice:1', body)).toBe(await fingerprint('invoice:1', body));
    } finally {
      if (saved === undefined) delete process.env.PAYFLOW_FINGERPRINT_KEY;
      else process.env.PAYFLOW_FINGERPRINT_KEY = saved;
    }
  });
});
