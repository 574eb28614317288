import { eventContracts, isAccessCodeFor, isValidPayLinkToken } from '@payflow/shared';
import type { CustomerEvent } from '../../src/domain/customer-events';
import { messageViewOf } from '../../src/domain/message-view';
import { renderEmail, renderSms } from '../../src/domain/render';
import { invoiceAccessFor } from '../../src/adapters/pay-links';
import { catalogFromDisk } from '../support/catalog';
import { contractExample } from '../support/contract-fixtures';

const catalog = catalogFromDisk();

function invoiceDue(): CustomerEvent {
  const event = contractExample('InvoiceDue');
  return {
    source: eventContracts.InvoiceDue.source,
    detailType: 'InvoiceDue',
    detail: eventContracts.InvoiceDue.detailSchema.parse(event.detail),
  } as CustomerEvent;
}

describe("a reminder's pay link and access code", () => {
  const previous = process.env.PAYFLOW_PAY_LINK_KEY;
  beforeAll(() => {
    process.env.PAYFLOW_PAY_LINK_KEY = 'reminder-test-key';
  });
  afterAll(() => {
    process.env.PAYFLOW_PAY_LINK_KEY = previous;
  });

  it('are in the e-mail and the SMS, and open that invoice at payments', async () => {
    const event = invoiceDue();
    const invoiceId = (event.detail.data as { invoiceId: string }).invoiceId;
    const access = await invoiceAccessFor('http://localhost:3000/');
    const view = messageViewOf(event, access);
    const email = renderEmail(catalog, 'InvoiceDue', view);
    const sms = renderSms(catalog, 'InvoiceDue', view);

    const link = new URL(/Pay it here: (\S+)/.exec(email.text)![1]!);
    expect(link.origin + link.pathname).toBe('http://localhost:3000/');
    expect(link.searchParams.get('invoice')).toBe(invoiceId);
    expect(
      isValidPayLinkToken(link.searchParams.get('token')!, invoiceId, 'reminder-test-key', new Date()),
    ).toBe(true);
    const code = /access code: (\S+)/.exec(email.text)![1]!;
    expect(isAccessCodeFor(code, invoiceId, 'reminder-test-key')).toBe(true);
    // The HTML carries the same link (entity-escaped in the attribute, as a browser reads it back).
    const href = /href="([^"]+)"/
      .exec(email.html)![1]!
      .replace(/&#x([0-9A-F]+);/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    expect(href.replace(/&amp;/g, '&')).toBe(link.toString());
    expect(sms.text).toContain(link.toString());
  });

  it('are left out, with the old words, when no key is at hand', () => {
    const email = renderEmail(catalog, 'InvoiceDue', messageViewOf(invoiceDue()));
    expect(email.text).toContain('Pay it on the billing page with your invoice number.');
    expect(email.text).not.toContain('access code');
  });
});
