/**
 * The first complete story, end to end through the local cloud: a bills file in, the invoice paid through the
 * payments API with "both", the customer told by e-mail and SMS (services/payments/test/e2e/first-story.browser
 * pays the same story on the page). Needs billing-ingest and payments running:
 * PAYFLOW_TEST_SERVICES=notification,payments,billing-ingest PAYFLOW_EDGE_PORT=4620 npx jest --selectProjects e2e \
 *   --testPathPatterns notification/test/e2e/first-story
 */
import { payLinkToken } from '@payflow/shared';
import { describeWithServices, uploadBillsFile } from '@payflow/local-cloud/src/testing';
import { randomInt, randomUUID } from 'node:crypto';
import { emailsTo, localEndpoint, smsTo, uniqueEmail, uniquePhone, waitFor } from '../support/local-cloud';

/** The payments HTTP API (serverless-offline); another address only when it runs on other ports. */
const PAYMENTS_API = process.env.PAYFLOW_PAYMENTS_URL ?? 'http://localhost:3200';

describeWithServices(['payments', 'billing-ingest'])(
  'bills file in, invoice paid through the API with its pay link, customer notified',
  () => {
    it('tells the customer the invoice is due, takes the payment, and confirms it by e-mail and SMS', async () => {
      const email = uniqueEmail('story');
      const phone = uniquePhone();
      const invoiceId = `9${String(randomInt(0, 100_000_000)).padStart(8, '0')}`;
      const today = new Date().toISOString().slice(0, 10);
      const csv = [
        'InvoiceID,CustomerName,Balance,IsProcessed,Email,Phone,DueDate,Currency',
        `${invoiceId},Grace Hopper,125.50,0,${email},${phone},2026-12-31,EUR`,
      ].join('\r\n');

      await uploadBillsFile(localEndpoint(), `bills-${today}.csv`, csv);

      // The bill itself is announced (InvoiceDue) on both channels the file gives. A reminder takes the paced lane,
      // behind whatever other tests queued there (a 1,000-row bills file, a low SES quota set by the lanes test):
      // minutes, not seconds, on a loaded machine.
      const [due] = await waitFor(
        'the invoice-due e-mail',
        async () => {
          const emails = await emailsTo(email);
          return emails.length > 0 && emails;
        },
        300_000,
      );
      expect(due!.subject).toContain(`Invoice ${invoiceId}: 125.50 EUR due`);
      await waitFor('the invoice-due SMS', async () => (await smsTo(phone)).length > 0);

      // The customer opens the invoice with the pay link their reminder carries (stage local's key).
      const payLink = payLinkToken(invoiceId, new Date(Date.now() + 3_600_000), 'local-pay-link-key');
      const invoice = await fetch(`${PAYMENTS_API}/invoices/${invoiceId}`, {
        headers: { 'x-pay-link': payLink },
      });
      expect(invoice.status).toBe(200);
      const paid = await fetch(`${PAYMENTS_API}/invoices/${invoiceId}/payments`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': randomUUID(),
          'x-pay-link': payLink,
        },
        body: JSON.stringify({
          amount: { amount: 12550, currency: 'EUR' },
          card: {
            number: '4242 4242 4242 4242',
            expiryMonth: 12,
            expiryYear: 2030,
            cvv: '987',
            holderName: 'Grace Hopper',
          },
          notification: { channels: ['email', 'sms'], email, phone },
        }),
      });
      expect(paid.status).toBe(201);

      const confirmation = await waitFor('the payment confirmation e-mail', async () =>
        (await emailsTo(email)).find(
          (sent) => sent.subject === `Payment received: 125.50 EUR for invoice ${invoiceId}`,
        ),
      );
      expect(confirmation.text).toContain('Card: Visa ending 4242');
      expect(confirmation.text).not.toContain('4242 4242 4242 4242');
      const text = await waitFor('the payment confirmation SMS', async () =>
        (await smsTo(phone)).find((sms) =>
          sms.message.includes(`payment of 125.50 EUR received for invoice ${invoiceId}`),
        ),
      );
      expect(text.message.length).toBeLessThanOrEqual(160);
    });
  },
);
