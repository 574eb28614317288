import { createHash, createHmac } from 'node:crypto';
import { z } from 'zod';
import { requestFingerprint } from '@payflow/shared';
import { payInvoiceBodySchema, paymentIdFor, stableEventId } from '../../src/domain/payment';

const now = () => new Date('2026-11-21T10:00:00Z');
const valid = {
  amount: { amount: 3000, currency: 'EUR' },
  card: { number: '4242424242424242', expiryMonth: 12, expiryYear: 2027, cvv: '123', holderName: 'Ada' },
  notification: { channels: ['email', 'sms'], email: 'ada@example.com', phone: '+447700900123' },
};
const problems = (input: unknown) => {
  const result = payInvoiceBodySchema(now).safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('a payment request', () => {
  it('accepts a valid card with email and SMS', () => {
    expect(problems(valid)).toEqual([]);
  });

  it.each([
    [
      'a card failing Luhn',
      { card: { ...valid.card, number: '4242424242424241' } },
      /card.number: .*check digit/,
    ],
    [
      'an expired card',
      { card: { ...valid.card, expiryMonth: 10, expiryYear: 2026 } },
      /card.expiryYear: card expired/,
    ],
    ['a fractional amount', { amount: { amount: 30.005, currency: 'EUR' } }, /amount.amount: .*whole number/],
    ['a zero amount', { amount: { amount: 0, currency: 'EUR' } }, /more than zero/],
    ['an unknown currency', { amount: { amount: 1, currency: 'EURO' } }, /ISO 4217/],
    ['an amount below the currency minimum', { amount: { amount: 49, currency: 'EUR' } }, /smallest payment/],
    ['no channel', { notification: { channels: [] } }, /at least one channel/],
    ['a CVV of the wrong length', { card: { ...valid.card, cvv: '12' } }, /cvv/],
  ])('refuses %s', (_what, change, message) => {
    expect(problems({ ...valid, ...change }).join('\n')).toMatch(message);
  });

  it('takes the channels alone: the receipt goes to the contact details on the bill', () => {
    expect(problems({ ...valid, notification: { channels: ['sms'] } })).toEqual([]);
  });

  it('refuses unknown fields, so a typo is not silently ignored', () => {
    expect(problems({ ...valid, amout: 1 }).join()).toMatch(/amout/);
  });
});

describe('idempotency helpers', () => {
  it('derives one payment id per key and scope, another for another key', () => {
    expect(paymentIdFor('invoice', 'key-00001')).toBe(paymentIdFor('invoice', 'key-00001'));
    expect(paymentIdFor('invoice', 'key-00001')).not.toBe(paymentIdFor('invoice', 'key-00002'));
    expect(paymentIdFor('invoice', 'key-00001')).not.toBe(paymentIdFor('session', 'key-00001'));
    expect(paymentIdFor('invoice', 'key-00001')).toMatch(/^pay_[0-9a-f]{32}$/);
  });

  it('fingerprints another request under the same key differently', async () => {
    expect(await requestFingerprint('invoice:1', valid, 'test-key')).not.toBe(
      await requestFingerprint('invoice:2', valid, 'test-key'),
    );
  });

  it('keeps no card digits in the fingerprint: a keyed digest that hashing card numbers cannot reverse', async () => {
    const fingerprint = await requestFingerprint('invoice:1', valid, 'test-key');
    const { cvv: _cvv, ...card } = valid.card;
    const body = JSON.stringify({ ...valid, card });
    expect(fingerprint).toBe(createHmac('sha256', 'test-key').update(`invoice:1\n${body}`).digest('hex'));
    // Without the key, hashing the request or the number (what a leak of the table would invite) finds nothing.
    expect(fingerprint).not.toBe(createHash('sha256').update(`invoice:1\n${body}`).digest('hex'));
    expect(fingerprint).not.toBe(createHash('sha256').update(valid.card.number).digest('hex'));
    expect(await requestFingerprint('invoice:1', valid, 'another-key')).not.toBe(fingerprint);
    expect(fingerprint).not.toContain(valid.card.number.slice(-4));
  });

  it('makes stable event ids that are UUIDs', () => {
    expect(stableEventId('pay_1', 'PaymentSucceeded')).toBe(stableEventId('pay_1', 'PaymentSucceeded'));
    expect(z.uuid().safeParse(stableEventId('pay_1', 'PaymentSucceeded')).success).toBe(true);
  });
});
