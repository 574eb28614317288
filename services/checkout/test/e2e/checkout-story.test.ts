/**
 * The checkout story end to end, as a shopper lives it: an order placed at checkout, its payment session's pay link
 * opened in headless Chromium, the card typed into the billing page and submitted, the order confirmed by the state
 * machine and the confirmation e-mail in the outbox. Needs checkout, payments and notification (the whole suite):
 *   PAYFLOW_TEST_SERVICES=checkout,payments,notification PAYFLOW_EDGE_PORT=4630 npx jest --selectProjects e2e \
 *     --testPathPatterns checkout-story
 * Screenshots go to test-artifacts/checkout/.
 */
import path from 'node:path';
import { stableEventId } from '@payflow/shared';
import { chromiumForThisFile, describeWithServices } from '@payflow/local-cloud/src/testing';
import {
  checkoutBody,
  checkoutEvents,
  emailsTo,
  expectContractual,
  payments,
  startCheckout,
  statesEntered,
  until,
  waitForFinal,
  waitForSession,
} from '../integration/local';

const ARTIFACTS = path.resolve(__dirname, '../../../../test-artifacts/checkout');

const browser = chromiumForThisFile(ARTIFACTS);

describeWithServices(['checkout', 'payments', 'notification'])('a checkout paid at once', () => {
  it('ends CONFIRMED, with the payment made on the page recorded and an OrderConfirmed email', async () => {
    const body = checkoutBody();
    const started = await startCheckout(body);
    expect(started.status).toBe('PENDING');
    expect(started.total).toEqual({ amount: 2500, currency: 'GBP' });

    const awaiting = await waitForSession(started.orderId);
    expect(awaiting.status).toBe('AWAITING_PAYMENT');
    expect(awaiting.payment.payUrl).toContain(awaiting.payment.sessionId);
    const session = await payments('GET', `/payment-sessions/${awaiting.payment.sessionId}`);
    expect(session.body).toMatchObject({
      orderId: started.orderId,
      amount: { amount: 2500, currency: 'GBP' },
    });

    // The shopper follows the session's pay link: the page shows the order's amount, fixed, and takes the card.
    const page = await browser().newPage();
    let reference: string | undefined;
    try {
      await page.goto(awaiting.payment.payUrl);
      await page.locator('#invoice:not([hidden])').waitFor();
      await expect(page.locator('#invoice-number').textContent()).resolves.toBe(started.orderId);
      await expect(page.getByLabel(/^Amount/).inputValue()).resolves.toBe('25.00');
      await page.getByLabel('Name on card').fill('Ada Lovelace');
      await page.getByLabel('Card number').fill('4242 4242 4242 4242');
      await page.getByLabel('Expiry month').fill('12');
      await page.getByLabel('Expiry year').fill('30');
      await page.getByLabel('Security code (CVV)').fill('987');
      await page.getByLabel('Email address').fill(body.customer.email);
      await page.getByRole('button', { name: 'Pay' }).click();
      await page.getByRole('heading', { name: 'Payment received' }).waitFor();
      const detail = (await page.locator('#result-detail').textContent()) ?? '';
      expect(detail).toMatch(/25\.00 with visa ending 4242/);
      reference = /Reference (pay_\w+)\./.exec(detail)?.[1];
      await page.screenshot({ path: path.join(ARTIFACTS, 'checkout-paid-on-the-page.png'), fullPage: true });
    } finally {
      await page.close();
    }
    expect(reference).toBeDefined();

    const order = await waitForFinal(started.orderId);
    expect(order).toMatchObject({
      status: 'CONFIRMED',
      paymentStatus: 'SUCCEEDED',
      shippingStatus: 'AVAILABLE',
      total: { amount: 2500, currency: 'GBP' },
      executionArn: started.executionArn,
    });
    // The payment the page made is the one the order records.
    expect(order.payment.paymentId).toBe(reference);
    expect(order.history.map((change: { status: string }) => change.status)).toEqual([
      'PENDING',
      'AWAITING_PAYMENT',
      'PAID',
      'CONFIRMED',
    ]);
    expect(JSON.stringify(order)).not.toMatch(/taskToken/i);

    const events = await checkoutEvents(started.orderId);
    expect(events.map((event) => event['detail-type'])).toEqual(['OrderConfirmed']);
    expectContractual(events);
    // Derived from the order and the outcome, so a retried PutEvents carries the same id.
    expect(events[0]!.detail.id).toBe(stableEventId('checkout', started.orderId, 'OrderConfirmed'));

    // The payment's own receipt may come first: wait for the order's confirmation itself.
    const emails = await until(
      `the order confirmation e-mail to ${body.customer.email}`,
      () => emailsTo(body.customer.email),
      (sent) => sent.some((email) => /confirm/i.test(email.subject)),
      180_000,
    );
    expect(emails.map((email) => email.subject).join(' | ')).toMatch(/confirm/i);

    const statesPath = await statesEntered(started.executionArn);
    expect(statesPath).toEqual(
      expect.arrayContaining([
        'RecordOrder',
        'CheckOrderDetails',
        'ReserveStock',
        'RequestPayment',
        'PaymentOutcome',
        'RecordPaymentSucceeded',
        'CheckShipping',
        'ConfirmOrder',
        'PublishOrderConfirmed',
        'OrderConfirmed',
      ]),
    );
    expect(statesPath).not.toContain('CancelOrder');
  });
});
