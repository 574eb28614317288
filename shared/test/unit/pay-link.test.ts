import {
  accessCodeFor,
  isAccessCodeFor,
  isValidPayLinkToken,
  payLinkToken,
  payLinkUrl,
} from '../../src/auth/pay-link';

const key = 'a-test-key';
const now = new Date('2026-12-01T10:00:00Z');
const later = (days: number) => new Date(now.getTime() + days * 86_400_000);

describe('pay links', () => {
  it('open their own invoice until they expire', () => {
    const token = payLinkToken('INV-1', later(30), key);
    expect(isValidPayLinkToken(token, 'INV-1', key, now)).toBe(true);
    expect(isValidPayLinkToken(token, 'INV-1', key, later(31))).toBe(false);
  });
  it('open no other invoice, and nothing under another key', () => {
    const token = payLinkToken('INV-1', later(30), key);
    expect(isValidPayLinkToken(token, 'INV-2', key, now)).toBe(false);
    expect(isValidPayLinkToken(token, 'INV-1', 'another-key', now)).toBe(false);
  });
  it('cannot be extended by editing the expiry', () => {
    const [expires, signature] = payLinkToken('INV-1', later(1), key).split('.');
    const extended = `${(parseInt(expires!, 36) + 86_400 * 365).toString(36)}.${signature}`;
    expect(isValidPayLinkToken(extended, 'INV-1', key, now)).toBe(false);
  });
  it('refuse anything that is not a token', () => {
    for (const junk of ['', 'x', 'a.b', `${'z'.repeat(13)}.${'A'.repeat(43)}`]) {
      expect(isValidPayLinkToken(junk, 'INV-1', key, now)).toBe(false);
    }
  });
  it('put the invoice and token on the page URL', () => {
    expect(payLinkUrl('http://localhost:3000/', 'INV 1', 'abc.def')).toBe(
      'http://localhost:3000/?invoice=INV+1&token=abc.def',
    );
  });
});

describe('access codes', () => {
  it('are eight unambiguous characters, the same for the same invoice and key', () => {
    const code = accessCodeFor('INV-1', key);
    expect(code).toMatch(/^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$/);
    expect(accessCodeFor('INV-1', key)).toBe(code);
    expect(accessCodeFor('INV-2', key)).not.toBe(code);
    expect(accessCodeFor('INV-1', 'another-key')).not.toBe(code);
  });
  it('match as typed in any case, with or without spaces and dashes', () => {
    const code = accessCodeFor('INV-1', key);
    expect(isAccessCodeFor(code.toLowerCase().replace('-', ' '), 'INV-1', key)).toBe(true);
    expect(isAccessCodeFor(code.replace('-', ''), 'INV-1', key)).toBe(true);
    expect(isAccessCodeFor(code, 'INV-2', key)).toBe(false);
    expect(isAccessCodeFor('', 'INV-1', key)).toBe(false);
  });
});
