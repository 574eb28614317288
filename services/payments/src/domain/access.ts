import { isAccessCodeFor, isValidPayLinkToken } from '@payflow/shared';

/** What a customer shows to reach an invoice: the reminder's pay link token, or the reminder's access code. */
export type InvoiceCredential =
  { kind: 'pay-link'; token: string } | { kind: 'access-code'; code: string } | { kind: 'none' };

/** The billing page sends the pay link's token as `X-Pay-Link`, a typed access code as `X-Access-Code`. */
export function invoiceCredential(headers: Record<string, string | undefined>): InvoiceCredential {
  const token = headers['x-pay-link']?.trim();
  if (token) return { kind: 'pay-link', token };
  const code = headers['x-access-code']?.trim();
  if (code) return { kind: 'access-code', code: code.slice(0, 32) };
  return { kind: 'none' };
}

/** Whether the credential opens this invoice. Anything else answers exactly as an unknown invoice does. */
export function opensInvoice(
  credential: InvoiceCredential,
  invoiceId: string,
  key: string,
  now: Date,
): boolean {
  if (credential.kind === 'pay-link') return isValidPayLinkToken(credential.token, invoiceId, key, now);
  if (credential.kind === 'access-code') return isAccessCodeFor(credential.code, invoiceId, key);
  return false;
}
