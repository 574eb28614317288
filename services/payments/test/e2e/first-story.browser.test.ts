/**
 * The first story as a customer lives it, in headless Chromium: a bills file arrives, the reminder e-mail lands in
 * the outbox with its pay link, the customer follows that link (nothing typed to find the invoice), pays on the
 * page, and the receipt e-mail follows. Needs billing-ingest and notification running beside payments (the whole
 * suite does). Screenshots go to test-artifacts/payments/.
 */
import path from 'node:path';
import { randomInt, randomUUID } from 'node:crypto';
import { chromiumForThisFile, describeWithServices, uploadBillsFile } from '@payflow/local-cloud/src/testing';
import { ENDPOINT } from '../integration/local';

const ARTIFACTS = path.resolve(__dirname, '../../../../test-artifacts/payments');

interface OutboxEmail {
  subject: string;
  text?: string;
}

async function emailsTo(address: string): Promise<OutboxEmail[]> {
  return (await (
    await fetch(`${ENDPOINT}/_local/emails?to=${encodeURIComponent(address)}`)
  ).json()) as OutboxEmail[];
}

async function waitForEmail(address: string, subject: RegExp, timeoutMs = 180_000): Promise<OutboxEmail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (await emailsTo(address)).find((email) => subject.test(email.subject));
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`No e-mail to ${address} matching ${subject}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

const browser = chromiumForThisFile(ARTIFACTS);

describeWithServices(['billing-ingest', 'notification'])('the first story, from the reminder e-mail', () => {
  it("pays the invoice through the reminder's pay link on the page and sends the receipt", async () => {
    const suffix = randomUUID().slice(0, 8);
    const email = `story-${suffix}@example.com`;
    const invoiceId = `8${String(randomInt(0, 100_000_000)).padStart(8, '0')}`;
    const csv = [
      'InvoiceID,CustomerName,Balance,IsProcessed,Email,Phone,DueDate,Currency',
      `${invoiceId},Grace Hopper,80.00,0,${email},,2026-12-31,EUR`,
    ].join('\r\n');
    await uploadBillsFile(ENDPOINT, `story-${suffix}.csv`, csv);

    // The reminder takes the paced lane, behind whatever the other tests queued there (a 5,000-row bills file, a
    // low SES quota set by the lanes test): minutes on a loaded machine (a CI run saw more than 3).
    const reminder = await waitForEmail(email, new RegExp(`Invoice ${invoiceId}`), 300_000);
    const link = /Pay it here: (\S+)/.exec(reminder.text ?? '')?.[1];
    expect(link).toBeDefined();
    expect(reminder.text).toMatch(/access code: [A-Z2-9]{4}-[A-Z2-9]{4}/);

    const page = await browser().newPage();
    try {
      await page.goto(link!);
      await page.locator('#invoice:not([hidden])').waitFor();
      await expect(page.locator('#invoice-number').textContent()).resolves.toBe(invoiceId);
      await expect(page.locator('#balance').textContent()).resolves.toMatch(/80\.00/);
      await page.getByLabel('Name on card').fill('Grace Hopper');
      await page.getByLabel('Card number').fill('4242 4242 4242 4242');
      await page.getByLabel('Expiry month').fill('12');
      await page.getByLabel('Expiry year').fill('30');
      await page.getByLabel('Security code (CVV)').fill('321');
      await page.getByRole('button', { name: 'Pay' }).click();
      await page.getByRole('heading', { name: 'Payment received' }).waitFor();
      await expect(page.locator('#balance').textContent()).resolves.toMatch(/0\.00/);
      await page.screenshot({
        path: path.join(ARTIFACTS, 'first-story-paid-from-reminder.png'),
        fullPage: true,
      });
    } finally {
      await page.close();
    }

    const receipt = await waitForEmail(email, /Payment received/);
    expect(receipt.subject).toContain(invoiceId);
  });
});
