/**
 * The billing web page end to end in headless Chromium: the page served by the local cloud on :3000 with the
 * headers of the CloudFront response headers policy (its CSP enforced), the API on :3200, a bill written with the
 * SDK. No test may see a CSP violation. Screenshots go to test-artifacts/payments/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { launchChromium } from '@payflow/local-cloud/src/testing';
import type { Browser, Page } from 'playwright-core';
import { accessCodeFor } from '@payflow/shared';
import { api, ensureInvoicesTable, LOCAL_PAY_LINK_KEY, payLinkFor, seedBill, type Bill } from './local';

const PAGE_URL = 'http://localhost:3000/';
const ARTIFACTS = path.resolve(__dirname, '../../../../test-artifacts/payments');

let browser: Browser;
let page: Page;
let bill: Bill;
/** What Chromium said about the page's content security policy (refused scripts, styles, requests, frames). */
let violations: string[];

const CSP_MESSAGE = /Content Security Policy|Trusted Type|TrustedHTML|TrustedScript/i;

function watchViolations(watched: Page) {
  watched.on('console', (message) => {
    if (CSP_MESSAGE.test(message.text())) violations.push(message.text());
  });
  watched.on('pageerror', (error) => {
    if (CSP_MESSAGE.test(error.message)) violations.push(error.message);
  });
}

beforeAll(async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await ensureInvoicesTable();
  bill = await seedBill(10000);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

beforeEach(async () => {
  violations = [];
  page = await browser.newPage();
  watchViolations(page);
  await page.goto(PAGE_URL);
});

afterEach(async () => {
  const name =
    expect
      .getState()
      .currentTestName?.replace(/[^\w]+/g, '-')
      .slice(0, 80) ?? 'page';
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
  await page.close();
  // Whatever the test did, the page itself never tripped its own policy.
  if (!expect.getState().currentTestName?.includes('enforces')) expect(violations).toEqual([]);
});

/** Seed 000's flow: the invoice number and the access code printed in the reminder. */
async function lookUp(invoiceId: string, code = accessCodeFor(invoiceId, LOCAL_PAY_LINK_KEY)) {
  await page.getByLabel('Invoice number').fill(invoiceId);
  await page.getByLabel(/Access code/).fill(code);
  await page.getByRole('button', { name: 'Look up' }).click();
  // Either the invoice or the server's problem appears.
  await page.locator('#invoice:not([hidden]), #lookup-error:not(:empty)').first().waitFor();
}

async function fillCard(number = '4242 4242 4242 4242', month = '12', year = '30') {
  await page.getByLabel('Name on card').fill('Grace Hopper');
  await page.getByLabel('Card number').fill(number);
  await page.getByLabel('Expiry month').fill(month);
  await page.getByLabel('Expiry year').fill(year);
  await page.getByLabel('Security code (CVV)').fill('321');
  // An invoice's receipt goes to the contact details on the bill: the page asks only for the channels.
  if (await page.getByLabel('Email address').isVisible()) {
    await page.getByLabel('Email address').fill('grace@example.com');
  }
}

describe("the billing page's headers", () => {
  it("answers the page, its files, config.json and a 404 with the distribution's security headers", async () => {
    for (const file of ['', 'app.js', 'styles.css', 'config.json', 'no-such-file']) {
      const response = await fetch(new URL(file, PAGE_URL));
      const header = (name: string) => response.headers.get(name);
      const csp = Object.fromEntries(
        (header('content-security-policy') ?? '')
          .split(/;\s*/)
          .map((d) => [d.split(' ')[0], d.split(' ').slice(1)]),
      );
      expect({ file, status: response.status }).toEqual({
        file,
        status: file === 'no-such-file' ? 404 : 200,
      });
      expect(csp).toMatchObject({
        'default-src': ["'none'"],
        'script-src': ["'self'"],
        'style-src': ["'self'"],
        'connect-src': ["'self'", 'http://localhost:3200'],
        'frame-ancestors': ["'none'"],
        'form-action': ["'none'"],
        'base-uri': ["'none'"],
      });
      expect(header('content-security-policy')).not.toMatch(/unsafe-/);
      expect(header('strict-transport-security')).toBe('max-age=63072000; includeSubDomains; preload');
      expect(header('x-frame-options')).toBe('DENY');
      expect(header('referrer-policy')).toBe('no-referrer');
      expect(header('x-content-type-options')).toBe('nosniff');
    }
  });

  it('enforces its CSP: an inline script and style slipped into the page, and a frame of it, are refused', async () => {
    // As an injection would: the page as served, its headers kept, with markup added to its HTML.
    await page.route(PAGE_URL, async (route) => {
      const response = await route.fetch();
      const injected = (await response.text()).replace(
        '</body>',
        '<script>document.title = "injected"</script><p id="styled" style="color: rgb(255, 0, 0)">x</p></body>',
      );
      await route.fulfill({ response, body: injected });
    });
    await page.goto(PAGE_URL);
    await page.locator('#styled').waitFor();
    await expect(page.title()).resolves.toBe('Pay your bill · Payflow');
    await expect(
      page.locator('#styled').evaluate((element) => getComputedStyle(element).color),
    ).resolves.not.toBe('rgb(255, 0, 0)');
    expect(violations.join('\n')).toMatch(/inline script.*script-src 'self'/s);
    expect(violations.join('\n')).toMatch(/inline style.*style-src 'self'/s);

    const framing = await browser.newPage();
    const refusedFrame = framing.waitForEvent('console', {
      predicate: (message) => /frame-ancestors/.test(message.text()),
      timeout: 10_000,
    });
    await framing.setContent(`<iframe src="${PAGE_URL}"></iframe>`);
    expect((await refusedFrame).text()).toMatch(
      /Framing 'http:\/\/localhost:3000\/' violates .*frame-ancestors 'none'.*blocked/s,
    );
    await framing.close();
  });
});

describe('the billing page', () => {
  it('looks up an invoice, pays part of it with email and SMS receipts, and shows the masked card and new balance', async () => {
    await lookUp(bill.invoiceId);
    await expect(page.locator('#customer-name').textContent()).resolves.toBe('Grace Hopper');
    await expect(page.locator('#balance').textContent()).resolves.toMatch(/100\.00/);
    await page.getByLabel('Amount (EUR)').fill('30.00');
    await fillCard();
    await page.getByLabel('Text message (SMS)').check();
    await page.getByRole('button', { name: 'Pay' }).dblclick();
    await page.getByRole('heading', { name: 'Payment received' }).waitFor();
    await expect(page.locator('#result-detail').textContent()).resolves.toMatch(
      /30\.00 with visa ending 4242/,
    );
    await expect(page.locator('#balance').textContent()).resolves.toMatch(/70\.00/);
    // The double click paid once.
    const history = await api('GET', `/customers/${bill.customerId}/payments`);
    expect(history.body.payments).toHaveLength(1);
    expect((await api('GET', `/invoices/${bill.invoiceId}`)).body.balance.amount).toBe(7000);
  });

  it('checks the card before sending anything, with messages next to the fields', async () => {
    await lookUp(bill.invoiceId);
    const requests: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST') requests.push(request.url());
    });
    await fillCard('4242 4242 4242 4241', '01', '20');
    await page.getByLabel('Amount (EUR)').fill('12.345');
    await page.getByRole('button', { name: 'Pay' }).click();
    await expect(page.locator('#card-number-error').textContent()).resolves.toMatch(/not valid/);
    await expect(page.locator('#expiry-error').textContent()).resolves.toMatch(/expired/);
    await expect(page.locator('#amount-error').textContent()).resolves.toMatch(/2 decimal places/);
    await expect(page.getByLabel('Card number').getAttribute('aria-invalid')).resolves.toBe('true');
    expect(requests).toEqual([]);
  });

  it('opens the invoice from its pay link without anything typed', async () => {
    await page.goto(`${PAGE_URL}?invoice=${bill.invoiceId}&token=${payLinkFor(bill.invoiceId)}`);
    await page.locator('#invoice:not([hidden])').waitFor();
    await expect(page.locator('#invoice-number').textContent()).resolves.toBe(bill.invoiceId);
    await expect(page.locator('#lookup-form').isHidden()).resolves.toBe(true);
  });

  it('answers a wrong access code exactly as an unknown invoice', async () => {
    await lookUp(bill.invoiceId, 'AAAA-AAAA');
    await expect(page.locator('#invoice').isHidden()).resolves.toBe(true);
    await expect(page.locator('#lookup-error').textContent()).resolves.toBe(
      `Invoice ${bill.invoiceId} was not found: check the invoice id on your bill`,
    );
  });

  it("shows the server's problem for an unknown invoice", async () => {
    await lookUp('NO-SUCH-INVOICE');
    await expect(page.locator('#lookup-error').textContent()).resolves.toMatch(
      /NO-SUCH-INVOICE was not found/,
    );
    await expect(page.locator('#pay-form').isHidden()).resolves.toBe(true);
  });

  it('shows a decline with its reason and keeps the balance', async () => {
    await lookUp(bill.invoiceId);
    // Read, not assumed: another test in this file may have paid part of the shared bill already.
    const before = (await api('GET', `/invoices/${bill.invoiceId}`)).body.balance.amount as number;
    expect(before).toBeGreaterThan(100);
    const shown = (before / 100).toFixed(2);
    await expect(page.locator('#balance').textContent()).resolves.toContain(shown);
    await page.getByLabel('Amount (EUR)').fill('1.00');
    await fillCard();
    await page.getByRole('button', { name: 'Pay' }).click();
    await page.getByRole('heading', { name: 'Payment declined' }).waitFor();
    await expect(page.locator('#result-detail').textContent()).resolves.toMatch(/declined/);
    // The page shows the invoice the decline answered with, and the server agrees: nothing was taken.
    await expect(page.locator('#balance').textContent()).resolves.toContain(shown);
    expect((await api('GET', `/invoices/${bill.invoiceId}`)).body.balance.amount).toBe(before);
  });

  it('disables paying when nothing is due', async () => {
    const paidBill = await seedBill(500);
    await api('POST', `/invoices/${paidBill.invoiceId}/payments`, {
      key: `browser-${paidBill.invoiceId}`,
      body: {
        amount: { amount: 500, currency: 'EUR' },
        card: { number: '4242424242424242', expiryMonth: 12, expiryYear: 2030, cvv: '321', holderName: 'G' },
        notification: { channels: ['email'], email: 'grace@example.com' },
      },
    });
    await lookUp(paidBill.invoiceId);
    await expect(page.getByRole('button', { name: 'Pay' }).isDisabled()).resolves.toBe(true);
    await expect(page.locator('#status').textContent()).resolves.toBe('paid');
  });

  it('says the order is closed on a session whose card was declined, and takes no other card', async () => {
    const session = await api('POST', '/payment-sessions', {
      body: {
        orderId: `ord-page-${Date.now()}`,
        amount: { amount: 2500, currency: 'EUR' },
        notification: { channels: ['email'], email: 'grace@example.com' },
      },
    });
    const declined = await api('POST', `/payment-sessions/${session.body.sessionId}/pay`, {
      key: `browser-declined-${session.body.sessionId}`,
      body: {
        card: { number: '4000000000000002', expiryMonth: 12, expiryYear: 2030, cvv: '321', holderName: 'G' },
      },
    });
    expect(declined.status).toBe(402);
    await page.goto(`${PAGE_URL}?session=${session.body.sessionId}`);
    await page.locator('#invoice:not([hidden])').waitFor();
    await expect(page.locator('#status').textContent()).resolves.toBe('declined');
    await expect(page.locator('#nothing-due').textContent()).resolves.toMatch(
      /^This order is closed: its card was declined/,
    );
    await expect(page.getByRole('button', { name: 'Pay' }).isDisabled()).resolves.toBe(true);
  });
});
