/**
 * What checkout refuses, through the local cloud (real checkout, payments and notification services, the state
 * machine, the bus): buyers' prices, overselling, paying an order that was decided, forged payment results.
 * Each test asserts what the customer and the order record show.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetQueueUrlCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { waitForLogLine } from '@payflow/local-cloud/src/testing';
import { randomUUID } from 'node:crypto';
import {
  busEventsFor,
  catalogueItem,
  checkout,
  checkoutBody,
  DECLINED_CARD,
  emailsTo,
  endpoint,
  paySession,
  payments,
  readOrder,
  startCheckout,
  stockOf,
  until,
  waitForFinal,
  waitForSession,
} from './local';

const bus = () =>
  new EventBridgeClient({
    endpoint: endpoint(),
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });

/** Emails can wait behind other tests' notifications in the shared queue. */
const emailsMatching = (address: string, subject: RegExp) =>
  until(
    `an email to ${address} matching ${subject}`,
    () => emailsTo(address),
    (emails) => emails.some((email) => subject.test(String(email.subject))),
    180_000,
  );

const paymentsEvents = async (orderId: string, detailType: string) =>
  (await busEventsFor(orderId)).filter(
    (event) => event.source === 'payflow.payments' && event['detail-type'] === detailType,
  );

describe('the seller sets the price', () => {
  it('refuses a unit price sent by the buyer, naming the field', async () => {
    const response = await checkout('POST', '/checkouts', {
      body: checkoutBody({
        items: [{ sku: 'TEAPOT-CAST-IRON', quantity: 2, unitPrice: { amount: 1, currency: 'GBP' } }],
      }),
      key: randomUUID(),
    });
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body.errors).toEqual([
      {
        path: 'body.items.0.unitPrice',
        message: "unitPrice is not accepted: prices come from the seller's catalogue; send sku and quantity",
      },
    ]);
  });

  it("charges the catalogue's price: the order, its session and the payment all say the catalogue total", async () => {
    const sku = await catalogueItem(5, { amount: 4800, currency: 'GBP' });
    const started = await startCheckout(checkoutBody({ items: [{ sku, quantity: 2 }] }));
    expect(started.total).toEqual({ amount: 9600, currency: 'GBP' });
    const awaiting = await waitForSession(started.orderId);
    expect(awaiting.items).toEqual([
      { sku, name: `Test item ${sku}`, quantity: 2, unitPrice: { amount: 4800, currency: 'GBP' } },
    ]);
    const session = await payments('GET', `/payment-sessions/${awaiting.payment.sessionId}`);
    expect(session.body.amount).toEqual({ amount: 9600, currency: 'GBP' });
    const paid = await paySession(awaiting.payment.sessionId);
    expect(paid.status).toBe(201);
    expect(paid.body.amount).toEqual({ amount: 9600, currency: 'GBP' });
    expect((await waitForFinal(started.orderId)).status).toBe('CONFIRMED');
  });

  it('refuses an order that mixes currencies', async () => {
    const euros = await catalogueItem(5, { amount: 800, currency: 'EUR' });
    const response = await checkout('POST', '/checkouts', {
      body: checkoutBody({
        items: [
          { sku: 'MUG-STONEWARE', quantity: 1 },
          { sku: euros, quantity: 1 },
        ],
      }),
      key: randomUUID(),
    });
    expect(response.status).toBe(422);
    expect(response.body.errors).toEqual([
      { path: 'body.items', message: 'All items must be priced in one currency; this order mixes GBP, EUR.' },
    ]);
  });
});

describe('stock is held, not just checked', () => {
  it('adds up lines of the same SKU: 3 + 3 with 3 in stock is rejected and nothing is held', async () => {
    const sku = await catalogueItem(3);
    const started = await startCheckout(
      checkoutBody({
        items: [
          { sku, quantity: 3 },
          { sku, quantity: 3 },
        ],
      }),
    );
    const order = await waitForFinal(started.orderId);
    expect(order).toMatchObject({ status: 'REJECTED', paymentStatus: 'NOT_REQUESTED' });
    expect(order.reason).toBe(`${sku} is out of stock (6 asked, 3 available).`);
    expect(order.payment).toBeUndefined();
    expect(await stockOf(sku)).toBe(3);
  });

  it('10 concurrent orders for 3 in stock hold at most 3 units, and timed-out orders give them back', async () => {
    const sku = await catalogueItem(3);
    const started = await Promise.all(
      Array.from({ length: 10 }, () => startCheckout(checkoutBody({ items: [{ sku, quantity: 1 }] }))),
    );
    const decided = await Promise.all(started.map((order) => waitForSession(order.orderId)));
    // Held: the order got its payment session, which is requested only once its stock is reserved. Not its status
    // now: with the tests' 6 s payment timeout, a loaded machine's poll can first see it already PAYMENT_TIMED_OUT.
    const held = (order: { payment?: { sessionId?: string } }) => Boolean(order.payment?.sessionId);
    const holding = decided.filter(held);
    const rejected = decided.filter((order) => order.status === 'REJECTED');
    expect(holding.length).toBeLessThanOrEqual(3);
    const neither = decided.filter((order) => !held(order) && order.status !== 'REJECTED');
    expect(neither.map(({ status, reason, payment }) => ({ status, reason, payment }))).toEqual([]);
    for (const order of rejected) expect(order.reason).toMatch(new RegExp(`^${sku} is out of stock`));
    // Only the held orders took stock (some may have given it back already).
    const stock = await stockOf(sku);
    expect(stock).toBeGreaterThanOrEqual(3 - holding.length);
    expect(stock).toBeLessThanOrEqual(3);

    // Nobody pays: every held unit comes back when its order times out.
    const final = await Promise.all(started.map((order) => waitForFinal(order.orderId, 90_000)));
    expect(final.filter((order) => order.status === 'CONFIRMED')).toEqual([]);
    expect(
      await until(
        `${sku} stock back to 3`,
        () => stockOf(sku),
        (left) => left === 3,
      ),
    ).toBe(3);
  });

  it('a confirmed order keeps its stock; a cancelled one gives it back', async () => {
    const sku = await catalogueItem(5);
    const kept = await startCheckout(checkoutBody({ items: [{ sku, quantity: 2 }] }));
    const cancelled = await startCheckout(checkoutBody({ items: [{ sku, quantity: 1 }] }));
    const keptSession = await waitForSession(kept.orderId);
    const cancelledSession = await waitForSession(cancelled.orderId);
    expect(await stockOf(sku)).toBe(2);
    await paySession(keptSession.payment.sessionId);
    await paySession(cancelledSession.payment.sessionId, DECLINED_CARD);
    expect((await waitForFinal(kept.orderId)).status).toBe('CONFIRMED');
    expect((await waitForFinal(cancelled.orderId)).status).toBe('CANCELLED');
    expect(
      await until(
        `${sku} stock at 3`,
        () => stockOf(sku),
        (left) => left === 3,
      ),
    ).toBe(3);
  });
});

describe('a payment session serves one order outcome', () => {
  it('after a declined card the order is CANCELLED, its session closed, and a good card is refused (410)', async () => {
    const body = checkoutBody();
    const started = await startCheckout(body);
    const awaiting = await waitForSession(started.orderId);
    const declined = await paySession(awaiting.payment.sessionId, DECLINED_CARD);
    expect(declined.status).toBe(402);
    const order = await waitForFinal(started.orderId);
    expect(order).toMatchObject({ status: 'CANCELLED', paymentStatus: 'DECLINED' });

    const session = await payments('GET', `/payment-sessions/${awaiting.payment.sessionId}`);
    expect(session.body.status).toBe('DECLINED');
    const retry = await paySession(awaiting.payment.sessionId);
    expect(retry.status).toBe(410);
    expect(retry.body.detail).toMatch(/is closed/);
    // Nothing was taken: no PaymentSucceeded for the order, and it stays CANCELLED.
    expect(await paymentsEvents(started.orderId, 'PaymentSucceeded')).toEqual([]);
    expect((await readOrder(started.orderId)).status).toBe('CANCELLED');
  });

  it('closes the session of an order that timed out (410 on pay, the page can say why)', async () => {
    const started = await startCheckout(checkoutBody());
    const awaiting = await waitForSession(started.orderId);
    const order = await waitForFinal(started.orderId, 60_000);
    expect(order.status).toBe('PAYMENT_TIMED_OUT');
    const late = await paySession(awaiting.payment.sessionId);
    expect(late.status).toBe(410);
    expect((await readOrder(started.orderId)).status).toBe('PAYMENT_TIMED_OUT');
  });

  it('gives back, and tells the customer, a payment that arrives for an order that is no longer waiting', async () => {
    const body = checkoutBody();
    const started = await startCheckout(body);
    const awaiting = await waitForSession(started.orderId);
    await paySession(awaiting.payment.sessionId, DECLINED_CARD);
    expect((await waitForFinal(started.orderId)).status).toBe('CANCELLED');

    // A second session for the same order (a stale tab, a retry elsewhere) is paid after the order was decided.
    const second = await payments('POST', '/payment-sessions', {
      body: {
        orderId: started.orderId,
        amount: started.total,
        notification: { channels: ['email'], email: body.customer.email },
      },
    });
    expect(second.status).toBe(201);
    const paid = await paySession(second.body.sessionId);
    expect(paid.status).toBe(201);

    const refunded = await until(
      'the late payment to be refunded',
      () => payments('GET', `/payments/${paid.body.paymentId}`),
      (response) => response.body.status === 'REFUNDED',
      60_000,
    );
    expect(refunded.body.reason).toBe(
      'The order had already been cancelled after a declined card when this payment arrived.',
    );
    const refundRequests = (await busEventsFor(started.orderId)).filter(
      (event) => event['detail-type'] === 'RefundRequested',
    );
    expect(refundRequests.map((event) => event.detail.data.paymentId)).toEqual([paid.body.paymentId]);
    await emailsMatching(body.customer.email, /refund/i);
    expect((await readOrder(started.orderId)).status).toBe('CANCELLED');
  });
});

describe('only a real, matching payment completes the task', () => {
  /** Puts a PaymentSucceeded on the bus as if payments had; returns its correlation id. */
  async function putPaymentSucceeded(data: Record<string, unknown>): Promise<string> {
    const correlationId = `forged-${randomUUID()}`;
    const out = await bus().send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: 'payflow-local',
            Source: 'payflow.payments',
            DetailType: 'PaymentSucceeded',
            Detail: JSON.stringify({
              id: randomUUID(),
              version: 1,
              occurredAt: new Date().toISOString(),
              correlationId,
              data,
            }),
          },
        ],
      }),
    );
    expect(out.FailedEntryCount).toBe(0);
    return correlationId;
  }

  /** completePaymentTask's own word that it handled the event and refused it: nothing was completed. */
  async function refusal(correlationId: string) {
    const line = await waitForLogLine(endpoint(), ['Payment result refused', correlationId], 60_000);
    expect(line).toBeDefined();
    return line!;
  }

  it('a contract-valid PaymentSucceeded with no payment behind it leaves the order waiting', async () => {
    const body = checkoutBody();
    const started = await startCheckout(body);
    const awaiting = await waitForSession(started.orderId);
    const forged = {
      paymentId: `pay_${randomUUID().replace(/-/g, '')}`,
      orderId: started.orderId,
      sessionId: awaiting.payment.sessionId,
      amount: started.total,
      card: { brand: 'visa', last4: '4242' },
      notification: { channels: ['email'], email: body.customer.email },
    };
    const correlationId = await putPaymentSucceeded(forged);
    // The forged event reached the bus (and checkout's rule) ...
    await until(
      'the forged event on the bus',
      () => busEventsFor(started.orderId),
      (events) => events.some((event) => event.detail.data.paymentId === forged.paymentId),
    );
    // ... completePaymentTask handled it and refused it (payments has no such payment) ...
    expect(await refusal(correlationId)).toContain(`payments has no payment ${forged.paymentId}`);
    // ... and the order is still waiting for a payment; paying the real session then confirms it.
    expect((await readOrder(started.orderId)).status).toBe('AWAITING_PAYMENT');
    const paid = await paySession(awaiting.payment.sessionId);
    expect(paid.status).toBe(201);
    const order = await waitForFinal(started.orderId);
    expect(order.status).toBe('CONFIRMED');
    expect(order.payment.paymentId).toBe(paid.body.paymentId);
  });

  it('a real payment of another order, re-addressed to this one, does not confirm it', async () => {
    const other = await startCheckout(checkoutBody());
    const otherSession = await waitForSession(other.orderId);
    const otherPaid = await paySession(otherSession.payment.sessionId);
    expect((await waitForFinal(other.orderId)).status).toBe('CONFIRMED');

    const body = checkoutBody();
    const started = await startCheckout(body);
    const awaiting = await waitForSession(started.orderId);
    const correlationId = await putPaymentSucceeded({
      paymentId: otherPaid.body.paymentId,
      orderId: started.orderId,
      sessionId: awaiting.payment.sessionId,
      amount: started.total,
      card: { brand: 'visa', last4: '4242' },
      notification: { channels: ['email'], email: body.customer.email },
    });
    // Handled and refused (payments says the payment is another order's), so the order still waits.
    expect(await refusal(correlationId)).toContain(`is not for order ${started.orderId}`);
    expect((await readOrder(started.orderId)).status).toBe('AWAITING_PAYMENT');
    // Nor was the other order's payment refunded on this order's account.
    expect((await payments('GET', `/payments/${otherPaid.body.paymentId}`)).body.status).toBe('SUCCEEDED');
  });

  it('a PaymentSucceeded that fails its contract is an error of the function, and checkout keeps serving', async () => {
    const started = await startCheckout(checkoutBody());
    const awaiting = await waitForSession(started.orderId);
    const response = await fetch(
      'http://localhost:3301/2015-03-31/functions/payflow-checkout-local-completePaymentTask/invocations',
      {
        method: 'POST',
        body: JSON.stringify({
          version: '0',
          id: randomUUID(),
          'detail-type': 'PaymentSucceeded',
          source: 'payflow.payments',
          account: '000000000000',
          time: new Date().toISOString(),
          region: 'us-east-1',
          resources: [],
          detail: { id: randomUUID(), version: 1, data: { orderId: started.orderId, amount: 'lots' } },
        }),
      },
    );
    expect(response.headers.get('x-amz-function-error')).toBe('Unhandled');
    const failure = (await response.json()) as { errorMessage: string };
    expect(failure.errorMessage).toMatch(/does not match its contract/);
    expect((await readOrder(started.orderId)).status).toBe('AWAITING_PAYMENT');
    expect((await checkout('GET', `/checkouts/${awaiting.orderId}`)).status).toBe(200);
  });
});

describe('a PaymentSucceeded that fails its contract, put on the bus', () => {
  it('is retried by Lambda, ends in the payment-results DLQ after 3 attempts, and checkout keeps serving', async () => {
    const started = await startCheckout(checkoutBody());
    await waitForSession(started.orderId);
    const eventId = randomUUID();
    const out = await bus().send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: 'payflow-local',
            Source: 'payflow.payments',
            DetailType: 'PaymentSucceeded',
            Detail: JSON.stringify({
              id: eventId,
              version: 1,
              data: { orderId: started.orderId, amount: 'lots' },
            }),
          },
        ],
      }),
    );
    expect(out.FailedEntryCount).toBe(0);

    const sqs = new SQSClient({
      endpoint: endpoint(),
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const { QueueUrl } = await sqs.send(
      new GetQueueUrlCommand({ QueueName: 'payflow-checkout-local-payment-results-dlq' }),
    );
    const record = await until(
      'the failed invocation in the DLQ',
      async () => {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }),
        );
        return Messages.map((message) => JSON.parse(message.Body ?? '{}')).find(
          (body) => body.requestPayload?.detail?.id === eventId,
        );
      },
      (found) => found !== undefined,
      60_000,
    );
    expect(record.requestContext).toMatchObject({ condition: 'RetriesExhausted', approximateInvokeCount: 3 });
    expect(record.responseContext).toMatchObject({ functionError: 'Unhandled' });
    // Nothing else was touched: the order still waits, and the service answers.
    expect((await readOrder(started.orderId)).status).toBe('AWAITING_PAYMENT');
    expect((await checkout('GET', `/checkouts/${started.orderId}`)).status).toBe(200);
  });
});

describe('idempotent edges', () => {
  it('creating the session twice for one order with one key gives the same session', async () => {
    const orderId = `ord_${randomUUID().replace(/-/g, '').slice(0, 24)}`;
    const request = {
      body: {
        orderId,
        amount: { amount: 2500, currency: 'GBP' },
        notification: { channels: ['email'], email: 'twice@example.com' },
        expiresAt: new Date(Date.now() + 60_000).toISOString(),
      },
      key: `checkout-${orderId}`,
    };
    const first = await payments('POST', '/payment-sessions', request);
    const second = await payments('POST', '/payment-sessions', request);
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(second.body.sessionId).toBe(first.body.sessionId);
    const other = await payments('POST', '/payment-sessions', {
      ...request,
      body: { ...request.body, amount: { amount: 1, currency: 'GBP' } },
    });
    expect(other.status).toBe(422);
  });
});
