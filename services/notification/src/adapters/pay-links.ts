import { accessCodeFor, PAY_LINK_DAYS, payLinkKey, payLinkToken, payLinkUrl } from '@payflow/shared';
import type { InvoiceAccessFor } from '../domain/message-view';

/**
 * A reminder's pay link and access code, signed with payments' pay link key (PAYFLOW_PAY_LINK_KEY locally, the SSM
 * SecureString named by PAYFLOW_PAY_LINK_KEY_PARAMETER on AWS), read once per container and batch.
 */
export async function invoiceAccessFor(
  payPageUrl: string,
  now: () => Date = () => new Date(),
): Promise<InvoiceAccessFor> {
  const key = await payLinkKey();
  return (invoiceId) => {
    const expires = new Date(now().getTime() + PAY_LINK_DAYS * 86_400_000);
    return {
      payUrl: payLinkUrl(payPageUrl, invoiceId, payLinkToken(invoiceId, expires, key)),
      accessCode: accessCodeFor(invoiceId, key),
    };
  };
}
