/**
 * Checkout's paths through the local cloud: the real checkout API under serverless-offline, the real payments
 * service, the state machine in the local Step Functions, the bus, and the notification service's outbox. The paid
 * story, on the page, is in test/e2e/checkout-story. Run with a short payment timeout, e.g.:
 *   CHECKOUT_PAYMENT_TIMEOUT_SECONDS=6 PAYFLOW_TEST_SERVICES=checkout,payments,notification PAYFLOW_EDGE_PORT=4630 \
 *     npx jest --selectProjects integration --testPathPatterns checkout/test/integration
 */
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { orderEventIds } from '../../src/domain/order';
import { randomUUID } from 'node:crypto';
import {
  ANTARCTICA,
  busEventsFor,
  checkout,
  checkoutBody,
  checkoutEvents,
  DECLINED_CARD,
  emailsFor,
  expectContractual,
  history,
  paySession,
  readOrder,
  sfn,
  startCheckout,
  statesEntered,
  waitForFinal,
  waitForSession,
} from './local';

describe('a declined card', () => {
  it('ends CANCELLED and the customer is told', async () => {
    const body = checkoutBody();
    const started = await startCheckout(body);
    const awaiting = await waitForSession(started.orderId);
    const declined = await paySession(awaiting.payment.sessionId, DECLINED_CARD);
    expect(declined.body.status).toBe('FAILED');

    const order = await waitForFinal(started.orderId);
    expect(order).toMatchObject({
      status: 'CANCELLED',
      paymentStatus: 'DECLINED',
      shippingStatus: 'NOT_CHECKED',
    });
    expect(order.reason).toMatch(/declined/i);

    const events = await checkoutEvents(started.orderId);
    expect(events.map((event) => event['detail-type'])).toEqual(['OrderRejected']);
    expect(events[0]!.detail.data).toMatchObject({ stage: 'payment' });
    expectContractual(events);

    const emails = await emailsFor(body.customer.email);
    expect(emails.length).toBeGreaterThanOrEqual(1);

    const path = await statesEntered(started.executionArn);
    expect(path).toEqual(
      expect.arrayContaining([
        'PaymentOutcome',
        'CancelOrder',
        'ReleaseStockCancelled',
        'PublishOrderCancelled',
        'OrderCancelled',
      ]),
    );
    expect(path).not.toContain('CheckShipping');
  });
});

describe('an out-of-stock item', () => {
  it('ends REJECTED before any payment session exists', async () => {
    const body = checkoutBody({
      items: [
        { sku: 'TEA-EARLGREY-100G', quantity: 1 },
        { sku: 'KETTLE-COPPER', quantity: 1 },
      ],
    });
    const started = await startCheckout(body);
    const order = await waitForFinal(started.orderId);
    expect(order).toMatchObject({ status: 'REJECTED', paymentStatus: 'NOT_REQUESTED' });
    expect(order.reason).toBe('KETTLE-COPPER is out of stock (1 asked, 0 available).');
    expect(order.payment).toBeUndefined();

    const events = await checkoutEvents(started.orderId);
    expect(events.map((event) => event['detail-type'])).toEqual(['OrderRejected']);
    expect(events[0]!.detail.data).toMatchObject({ stage: 'stock' });
    expectContractual(events);
    // No session at payments: no payment event ever names this order.
    expect(
      (await busEventsFor(started.orderId)).filter((event) => event.source === 'payflow.payments'),
    ).toEqual([]);

    const path = await statesEntered(started.executionArn);
    expect(path).toEqual(
      expect.arrayContaining([
        'ReserveStock',
        'StockReserved',
        'NoteOutOfStock',
        'RejectOrder',
        'ReleaseStockRejected',
        'OrderRejected',
      ]),
    );
    expect(path).not.toContain('RequestPayment');
  });

  it('refuses an unknown SKU at the door, naming the line', async () => {
    const response = await checkout('POST', '/checkouts', {
      body: checkoutBody({ items: [{ sku: 'NOT-IN-THE-CATALOGUE', quantity: 1 }] }),
      key: randomUUID(),
    });
    expect(response.status).toBe(422);
    expect(response.body.errors).toEqual([
      { path: 'body.items.0.sku', message: 'NOT-IN-THE-CATALOGUE is not sold here' },
    ]);
  });
});

describe('order details that do not hold', () => {
  it('rejects an incomplete address with the missing fields named', async () => {
    const started = await startCheckout(
      checkoutBody({ shippingAddress: { name: 'Ada Lovelace', country: 'GB' } }),
    );
    const order = await waitForFinal(started.orderId);
    expect(order).toMatchObject({ status: 'REJECTED', paymentStatus: 'NOT_REQUESTED' });
    expect(order.reason).toBe('The shipping address has no line1, city, postalCode.');
    const events = await checkoutEvents(started.orderId);
    expect(events.map((event) => [event['detail-type'], event.detail.data.stage])).toEqual([
      ['OrderRejected', 'details'],
    ]);
    const path = await statesEntered(started.executionArn);
    expect(path).toEqual(expect.arrayContaining(['CheckOrderDetails', 'NoteInvalidOrder']));
    expect(path).not.toContain('ReserveStock');
  });

  it('answers 409 with both totals when the total shown is not the catalogue total', async () => {
    const response = await checkout('POST', '/checkouts', {
      body: checkoutBody({ total: { amount: 2400, currency: 'GBP' } }),
      key: randomUUID(),
    });
    expect(response.status).toBe(409);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body).toMatchObject({
      shownTotal: { amount: 2400, currency: 'GBP' },
      catalogueTotal: { amount: 2500, currency: 'GBP' },
    });
  });
});

describe('an address the carrier does not serve, after payment', () => {
  it('ends SHIPPING_UNAVAILABLE, asks payments for a refund and tells the customer', async () => {
    const body = checkoutBody({ shippingAddress: ANTARCTICA });
    const started = await startCheckout(body);
    const awaiting = await waitForSession(started.orderId);
    const paid = await paySession(awaiting.payment.sessionId);
    expect(paid.status).toBe(201);

    const order = await waitForFinal(started.orderId);
    expect(order).toMatchObject({
      status: 'SHIPPING_UNAVAILABLE',
      shippingStatus: 'UNAVAILABLE',
      paymentStatus: 'REFUND_REQUESTED',
    });
    expect(order.reason).toBe('Our carrier does not deliver to AQ.');

    const events = await checkoutEvents(started.orderId, 2);
    expect(events.map((event) => event['detail-type']).sort()).toEqual([
      'RefundRequested',
      'ShippingUnavailable',
    ]);
    expectContractual(events);
    const refund = events.find((event) => event['detail-type'] === 'RefundRequested')!;
    expect(refund.detail.data).toMatchObject({
      paymentId: paid.body.paymentId,
      amount: { amount: 2500, currency: 'GBP' },
    });

    const emails = await emailsFor(body.customer.email);
    expect(emails.length).toBeGreaterThanOrEqual(1);

    const path = await statesEntered(started.executionArn);
    expect(path).toEqual(
      expect.arrayContaining([
        'CheckShipping',
        'Shippable',
        'RecordShippingUnavailable',
        'PublishShippingUnavailable',
        'ShippingUnavailable',
      ]),
    );
    expect(path).not.toContain('ConfirmOrder');
  });
});

describe('no payment within the timeout', () => {
  it('ends PAYMENT_TIMED_OUT and the customer is told', async () => {
    const body = checkoutBody();
    const started = await startCheckout(body);
    const awaiting = await waitForSession(started.orderId);
    const deadline = Date.parse(awaiting.payment.expiresAt) - Date.now();
    if (deadline > 60_000) {
      throw new Error(
        'The payment timeout is long; run with CHECKOUT_PAYMENT_TIMEOUT_SECONDS=6 (see the README)',
      );
    }
    const order = await waitForFinal(started.orderId, deadline + 30_000);
    expect(order).toMatchObject({ status: 'PAYMENT_TIMED_OUT', paymentStatus: 'TIMED_OUT' });
    const events = await checkoutEvents(started.orderId);
    expect(events.map((event) => event['detail-type'])).toEqual(['PaymentTimedOut']);
    expectContractual(events);
    const path = await statesEntered(started.executionArn);
    expect(path).toEqual(
      expect.arrayContaining([
        'RequestPayment',
        'RecordPaymentTimedOut',
        'PublishPaymentTimedOut',
        'OrderTimedOut',
      ]),
    );

    // Paying the expired session is refused by payments, and the order stays timed out.
    const late = await paySession(awaiting.payment.sessionId);
    expect(late.status).toBeGreaterThanOrEqual(400);
    expect((await readOrder(started.orderId)).status).toBe('PAYMENT_TIMED_OUT');
  });

  it('times the task out itself (States.Timeout) when payments never reports', async () => {
    // The execution's input as the API builds it, but with a session far longer than the task's own timeout.
    const orderId = `ord_${randomUUID().replace(/-/g, '').slice(0, 24)}`;
    const body = checkoutBody();
    const { executionArn } = await sfn().send(
      new StartExecutionCommand({
        stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:payflow-checkout-local',
        name: orderId,
        input: JSON.stringify({
          order: {
            orderId,
            createdAt: new Date().toISOString(),
            customer: body.customer,
            shippingAddress: body.shippingAddress,
            items: [
              {
                sku: 'TEA-EARLGREY-100G',
                name: 'Earl Grey tea, 100 g',
                quantity: 2,
                unitPrice: { amount: 650, currency: 'GBP' },
              },
              {
                sku: 'MUG-STONEWARE',
                name: 'Stoneware mug',
                quantity: 1,
                unitPrice: { amount: 1200, currency: 'GBP' },
              },
            ],
            total: { amount: 2500, currency: 'GBP' },
            eventIds: orderEventIds(orderId),
          },
          correlationId: `test-${orderId}`,
          payment: { sessionSeconds: 600, taskTimeoutSeconds: 2 },
        }),
      }),
    );
    const order = await waitForFinal(orderId);
    expect(order.status).toBe('PAYMENT_TIMED_OUT');
    const events = await history(executionArn!);
    const timedOut = events.find((event) => event.type === 'TaskTimedOut');
    expect(timedOut?.taskTimedOutEventDetails?.error).toBe('States.Timeout');
  });
});

describe('a duplicated payment event', () => {
  it('completes the task once; the copy is acknowledged as stale', async () => {
    const body = checkoutBody();
    const started = await startCheckout(body);
    const awaiting = await waitForSession(started.orderId);
    const paid = await paySession(awaiting.payment.sessionId);
    await waitForFinal(started.orderId);
    const succeeded = (await busEventsFor(started.orderId)).find(
      (event) => event['detail-type'] === 'PaymentSucceeded',
    );
    expect(succeeded).toBeDefined();
    expect(succeeded!.detail.data.paymentId).toBe(paid.body.paymentId);

    // The same event again, as EventBridge's at-least-once delivery may bring it: straight to the function.
    const response = await fetch(
      'http://localhost:3301/2015-03-31/functions/payflow-checkout-local-completePaymentTask/invocations',
      {
        method: 'POST',
        body: JSON.stringify(succeeded),
      },
    );
    const result = (await response.json()) as Record<string, unknown>;
    expect(result).toMatchObject({ result: 'ignored', why: 'this payment already completed the order' });

    const events = await history(started.executionArn);
    expect(
      events.filter(
        (event) =>
          event.type === 'TaskSucceeded' &&
          event.taskSucceededEventDetails?.resource === 'invoke.waitForTaskToken',
      ),
    ).toHaveLength(1);
    const order = await readOrder(started.orderId);
    expect(order.status).toBe('CONFIRMED');
    expect((await checkoutEvents(started.orderId)).map((event) => event['detail-type'])).toEqual([
      'OrderConfirmed',
    ]);
  });
});

describe('POST /checkouts idempotency and bad input', () => {
  it('replays the same key and body, refuses the same key with another body, requires a key', async () => {
    const key = randomUUID();
    const body = checkoutBody();
    const first = await checkout('POST', '/checkouts', { body, key });
    const again = await checkout('POST', '/checkouts', { body, key });
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.body.orderId).toBe(first.body.orderId);
    expect(again.headers.get('idempotent-replayed')).toBe('true');

    const other = await checkout('POST', '/checkouts', { body: checkoutBody(), key });
    expect(other.status).toBe(422);

    const missing = await checkout('POST', '/checkouts', { body });
    expect(missing.status).toBe(400);
    expect(missing.body.detail).toMatch(/Idempotency-Key/);
  });

  it('answers 409 while the same key is still in flight', async () => {
    // Requests that overlap the first one's work see its in-flight record; a few rounds make an overlap certain.
    const statuses: number[] = [];
    const orderIds = new Set<string>();
    for (let round = 0; round < 5 && !statuses.includes(409); round += 1) {
      const key = randomUUID();
      const body = checkoutBody();
      const responses = await Promise.all(
        [1, 2, 3, 4, 5].map(() => checkout('POST', '/checkouts', { body, key })),
      );
      statuses.push(...responses.map((response) => response.status));
      const ids = new Set(responses.filter((r) => r.status === 202).map((r) => r.body.orderId as string));
      expect(ids.size).toBe(1);
      ids.forEach((id) => orderIds.add(id));
      const conflict = responses.find((response) => response.status === 409);
      if (conflict) expect(conflict.body.detail).toMatch(/still being processed/);
    }
    expect(statuses).toContain(409);
    expect(statuses.every((status) => status === 202 || status === 409)).toBe(true);
  });

  it.each([
    ['malformed JSON', { raw: '{"customer":' }, 400],
    ['no body', { raw: '' }, 400],
    ['no items', { body: checkoutBody({ items: [] }) }, 422],
    [
      'a fractional quantity',
      {
        body: checkoutBody({
          items: [{ sku: 'MUG-STONEWARE', quantity: 1.5 }],
        }),
      },
      422,
    ],
    [
      'a quantity as a string',
      { body: checkoutBody({ items: [{ sku: 'MUG-STONEWARE', quantity: '1' }] }) },
      422,
    ],
    ['a card number', { body: { ...checkoutBody(), card: { number: '4242424242424242' } } }, 422],
    [
      'a customer without e-mail',
      { body: checkoutBody({ customer: { id: 'c-1', channels: ['email'] } }) },
      422,
    ],
    ['a huge body', { raw: JSON.stringify({ ...checkoutBody(), padding: 'x'.repeat(70 * 1024) }) }, 413],
  ])('refuses %s', async (_name, request, status) => {
    const response = await checkout('POST', '/checkouts', { ...request, key: randomUUID() });
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
  });

  it('answers 404 for an unknown order and 400 for a malformed id', async () => {
    expect((await checkout('GET', '/checkouts/ord_000000000000000000000000')).status).toBe(404);
    expect((await checkout('GET', '/checkouts/not-an-order')).status).toBe(400);
  });
});
