/**
 * The console after the README's checkout walk-through, in headless Chromium: checkout, payments and notification
 * running under the local cloud (the whole of `npm start`, or the jest integration project's), the console on :3000.
 * A paid order's execution shows the confirmed path; a declined card the cancelled path and the state that decided
 * it; a receipt SES refused lands in the notifications DLQ and, once SES is back, redrive sends it; the receipt is
 * found by recipient.
 * Screenshots go to test-artifacts/console/.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { callApi, describeWithServices, servicesRunning } from '../../../src/testing';
import {
  axeViolations,
  containsText,
  describeViolations,
  hasClass,
  hasCount,
  isVisible,
  lacksText,
  launch,
  openConsole,
  screenshot,
} from './browser';

const CHECKOUT_API = 'http://localhost:3300';
const PAYMENTS_API = 'http://localhost:3200';
const NOTIFICATIONS_DLQ = 'payflow-notification-local-notifications-dlq';
const GOOD_CARD = {
  number: '4242 4242 4242 4242',
  expiryMonth: 12,
  expiryYear: 2030,
  cvv: '987',
  holderName: 'Ada Lovelace',
};
const DECLINED_CARD = { ...GOOD_CARD, number: '4000 0000 0000 0002' };
const FINAL = ['CONFIRMED', 'REJECTED', 'CANCELLED', 'PAYMENT_TIMED_OUT', 'SHIPPING_UNAVAILABLE'];

async function until<T>(
  what: string,
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 60_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`Timed out waiting for ${what}; last seen ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

/** The local cloud's own switches (fault injection) on :4566. */
async function localCloud(method: string, path: string, body?: object) {
  const res = await fetch(`${process.env.AWS_ENDPOINT_URL}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body && JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}`);
}

/** POST /checkouts, pay its session with `card`, wait for the order's final status. */
async function checkoutPaidWith(card: typeof GOOD_CARD) {
  const email = `console-${randomUUID().slice(0, 8)}@example.com`;
  const started = await callApi(CHECKOUT_API, 'POST', '/checkouts', {
    key: randomUUID(),
    body: {
      customer: { id: `cust-${randomUUID().slice(0, 8)}`, email, channels: ['email'] },
      items: [
        { sku: 'TEA-EARLGREY-100G', quantity: 2 },
        { sku: 'MUG-STONEWARE', quantity: 1 },
      ],
      shippingAddress: {
        name: 'Ada Lovelace',
        line1: "12 St James's Square",
        city: 'London',
        postalCode: 'SW1Y 4JH',
        country: 'GB',
      },
    },
  });
  expect(started.status).toBe(202);
  const orderId = started.body.orderId as string;
  const readOrder = async () => (await callApi(CHECKOUT_API, 'GET', `/checkouts/${orderId}`)).body;
  const awaiting = await until(
    `the payment session of ${orderId}`,
    readOrder,
    (order) => Boolean(order.payment?.sessionId) || FINAL.includes(order.status),
  );
  await callApi(PAYMENTS_API, 'POST', `/payment-sessions/${awaiting.payment.sessionId}/pay`, {
    key: randomUUID(),
    body: { card },
  });
  const order = await until(`a final status of ${orderId}`, readOrder, (o) => FINAL.includes(o.status));
  return { orderId, email, status: order.status as string };
}

const STORY_SERVICES = ['checkout', 'payments', 'notification'];

let browser: Browser;
let page: Page | undefined;

beforeAll(async () => {
  if (servicesRunning(STORY_SERVICES)) browser = await launch();
});

afterAll(async () => {
  await browser?.close();
});

afterEach(async () => {
  await page?.context().close();
  page = undefined;
});

async function openOrderExecution(orderId: string) {
  page = await openConsole(browser, '#executions');
  await page.getByLabel('Search').fill(orderId);
  const row = page.locator('#executions-rows tr');
  await hasCount(row, 1, { timeout: 15_000 });
  await row.getByRole('button').click();
  await page.locator('#execution-graph svg').waitFor();
  return page;
}

const node = (p: Page, state: string) => p.locator(`#execution-graph .node[data-state="${state}"]`);

describeWithServices(STORY_SERVICES)('the console after a checkout', () => {
  it('shows a paid order on the confirmed path, its events, and its receipt found by recipient', async () => {
    const { orderId, email, status } = await checkoutPaidWith(GOOD_CARD);
    expect(status).toBe('CONFIRMED');
    const p = await openOrderExecution(orderId);
    for (const state of [
      'RequestPayment',
      'PaymentOutcome',
      'ConfirmOrder',
      'PublishOrderConfirmed',
      'OrderConfirmed',
    ])
      await hasClass(node(p, state), /visited/);
    await hasClass(node(p, 'OrderCancelled'), /unvisited/);
    await containsText(p.locator('#execution-facts'), 'SUCCEEDED');
    await containsText(p.locator('#execution-events'), 'OrderConfirmed', { timeout: 15_000 });
    await node(p, 'RequestPayment').click();
    const detail = await p.locator('#state-detail').textContent();
    expect(detail).not.toMatch(/4242 4242 4242 4242|eyJleGVjdXRpb25Bcm4i/);
    await screenshot(p, 'checkout-paid-confirmed-path');
    expect(describeViolations(await axeViolations(p))).toEqual([]);

    // The execution links to the customer's messages; the outbox finds them by recipient.
    await p.getByRole('button', { name: 'Messages' }).click();
    await p.getByLabel('Recipient').fill(email);
    const emails = p.locator('#outbox-emails > li');
    await until(
      'the receipt email',
      () => emails.count(),
      (n) => n > 0,
    );
    await isVisible(emails.first().locator('iframe[sandbox=""]'));
    await screenshot(p, 'checkout-receipt-email');
  });

  it('shows a declined card on the cancelled path and the state that decided it', async () => {
    const { orderId, status } = await checkoutPaidWith(DECLINED_CARD);
    expect(status).toBe('CANCELLED');
    const p = await openOrderExecution(orderId);
    await hasClass(node(p, 'OrderCancelled'), /visited/);
    await hasClass(node(p, 'OrderConfirmed'), /unvisited/);
    const decided = await p.locator('#execution-facts').getAttribute('data-decided');
    expect(decided).toBeTruthy();
    await hasClass(node(p, decided!), /decided/);
    await containsText(p.locator('#execution-facts'), `Decided at${decided}`);
    await screenshot(p, 'checkout-declined-cancelled-path');
  });

  it('shows a receipt SES refused in the notifications DLQ; once SES is back, redrive sends it and it leaves the DLQ', async () => {
    const id = randomUUID();
    const email = `console-dlq-${id.slice(0, 8)}@example.com`;
    // SES answers 503 to this recipient only: three receives of three SDK attempts each, then SQS parks it.
    // (A poison event would not do here: redriven, it fails again and comes straight back.)
    await localCloud('POST', '/_local/faults', {
      service: 'ses',
      operation: 'SendEmail',
      error: 'ServiceUnavailable',
      status: 503,
      count: 9,
      match: email,
    });
    await new EventBridgeClient({
      endpoint: process.env.AWS_ENDPOINT_URL,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }).send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: 'payflow-local',
            Source: 'payflow.payments',
            DetailType: 'PaymentSucceeded',
            Detail: JSON.stringify({
              id,
              version: 1,
              occurredAt: new Date().toISOString(),
              correlationId: `console-dlq-${id}`,
              data: {
                paymentId: `pay-${id.slice(0, 8)}`,
                invoiceId: `INV-${id.slice(0, 6)}`,
                amount: { amount: 1250, currency: 'EUR' },
                card: { brand: 'visa', last4: '4242' },
                notification: { channels: ['email'], email },
              },
            }),
          },
        ],
      }),
    );
    page = await openConsole(browser, '#queues');
    const row = page.locator(`tr[data-queue="${NOTIFICATIONS_DLQ}"]`);
    await until(
      'the refused receipt in the DLQ',
      async () => (await row.getAttribute('class')) ?? '',
      (c) => c.includes('dlq-alert'),
      240_000,
    );
    const peekDlq = () => page!.getByRole('button', { name: `Peek ${NOTIFICATIONS_DLQ}` }).click();
    await peekDlq();
    await containsText(page.locator('#queue-messages-list'), id);
    await screenshot(page, 'checkout-refused-receipt-in-dlq');

    await localCloud('DELETE', '/_local/faults');
    await page.getByRole('button', { name: `Redrive ${NOTIFICATIONS_DLQ}` }).click();
    await containsText(
      page.locator('#queues-message'),
      /[1-9]\d* message\(s\) moved back to payflow-notification-local-notifications/,
    );
    await peekDlq();
    await until(
      'a peek of the DLQ without the receipt',
      async () => (await page!.locator('#queue-messages-list').textContent()) ?? '',
      (text) => !text.includes(id),
      15_000,
    );

    // Sent once SES takes it, and found by recipient in the outbox.
    await page.locator('#tab-outbox').click();
    await page.getByLabel('Recipient').fill(email);
    const toHer = page.locator('#outbox-emails > li').filter({ hasText: email });
    await until(
      'the redriven receipt in the outbox',
      () => toHer.count(),
      (n) => n > 0,
    );
    await hasCount(toHer, 1);
  });

  it('shows the functions output live, by service, with correlation ids linking to events', async () => {
    page = await openConsole(browser, '#logs');
    await page.getByLabel('Service').selectOption('checkout');
    await lacksText(page.locator('#logs-list'), '');
    await isVisible(page.locator('#logs-list button').first());
    expect(describeViolations(await axeViolations(page))).toEqual([]);
  });
});
