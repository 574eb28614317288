import { getParameter } from '@aws-lambda-powertools/parameters/ssm';
import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * A customer reaches an invoice with what its reminder gave them: a signed, expiring pay link scoped to that
 * invoice, or the invoice number with the reminder's access code. Both are derived from one key (locally
 * PAYFLOW_PAY_LINK_KEY; on AWS the SSM SecureString named by PAYFLOW_PAY_LINK_KEY_PARAMETER), so nothing is stored.
 */
export const PAY_LINK_KEY_ENV = 'PAYFLOW_PAY_LINK_KEY';
export const PAY_LINK_KEY_PARAMETER_ENV = 'PAYFLOW_PAY_LINK_KEY_PARAMETER';
/** How long a reminder's pay link works. */
export const PAY_LINK_DAYS = 30;

export async function payLinkKey(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const local = env[PAY_LINK_KEY_ENV];
  if (local) return local;
  const parameter = env[PAY_LINK_KEY_PARAMETER_ENV];
  if (!parameter) {
    throw new Error(
      `No pay link key: set ${PAY_LINK_KEY_ENV} (locally) or ${PAY_LINK_KEY_PARAMETER_ENV} to the name of an SSM SecureString`,
    );
  }
  const key = await getParameter(parameter, { decrypt: true, maxAge: 15 * 60 });
  if (!key) throw new Error(`The SSM parameter ${parameter} (the pay link key) is empty`);
  return key;
}

function mac(key: string, purpose: string, ...parts: string[]): Buffer {
  return createHmac('sha256', key)
    .update([purpose, ...parts].join('\n'))
    .digest();
}

/** `<expires, epoch seconds>.<signature>`: works for this invoice only, until it expires. */
export function payLinkToken(invoiceId: string, expiresAt: Date, key: string): string {
  const expires = Math.floor(expiresAt.getTime() / 1000).toString(36);
  return `${expires}.${mac(key, 'pay-link', invoiceId, expires).toString('base64url')}`;
}

/** True only for a token this key signed for this invoice that has not expired. */
export function isValidPayLinkToken(token: string, invoiceId: string, key: string, now: Date): boolean {
  const match = /^([0-9a-z]{1,12})\.([\w-]{43})$/.exec(token);
  if (!match) return false;
  const [, expires, signature] = match as unknown as [string, string, string];
  const expected = mac(key, 'pay-link', invoiceId, expires);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
  return parseInt(expires, 36) * 1000 > now.getTime();
}

/** Letters and digits a person reads off a letter without confusing them (no 0/O, 1/I/L). */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** The invoice's access code, printed in its reminder: 8 characters shown as `XXXX-XXXX`. */
export function accessCodeFor(invoiceId: string, key: string): string {
  const bytes = mac(key, 'access-code', invoiceId);
  let code = '';
  for (let i = 0; i < 8; i += 1) code += CODE_ALPHABET[bytes[i]! % CODE_ALPHABET.length];
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** Compares what a person typed (any case, spaces or dashes) with the invoice's code, in constant time. */
export function isAccessCodeFor(typed: string, invoiceId: string, key: string): boolean {
  const normalise = (code: string) => code.toUpperCase().replace(/[\s-]/g, '');
  const given = Buffer.from(normalise(typed));
  const expected = Buffer.from(normalise(accessCodeFor(invoiceId, key)));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The link a reminder carries: the billing page with the invoice and its token. */
export function payLinkUrl(pageUrl: string, invoiceId: string, token: string): string {
  const url = new URL(pageUrl);
  url.searchParams.set('invoice', invoiceId);
  url.searchParams.set('token', token);
  return url.toString();
}
