/**
 * Every hold ends and every outcome is announced: each step of a payment is failed with the local cloud's fault
 * switch, and within two reconciler periods (the tests run it every 3 s and take over holds older than 20 s) the
 * ledger, the payment, the session and the bus agree: a final status and exactly one event.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import {
  api,
  CARD,
  documents,
  ensureInvoicesTable,
  injectFault,
  newKey,
  PAYMENT_TABLES,
  payBody,
  reconcilerRunsFinish,
  seedBill,
  waitForEvents,
  type BusEvent,
} from './local';

const FINAL = ['SUCCEEDED', 'FAILED'];

async function finalPayment(paymentId: string, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const payment = await api('GET', `/payments/${paymentId}`);
    if (FINAL.includes(payment.body.status) || Date.now() > deadline) return payment.body;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** The outcome events for a payment, once `count` arrived; a short grace shows no second one follows. */
async function outcomeEvents(paymentId: string): Promise<BusEvent[]> {
  const isOutcome = (event: BusEvent) =>
    ['PaymentSucceeded', 'PaymentFailed'].includes(event['detail-type']) &&
    event.detail.data.paymentId === paymentId;
  await waitForEvents(isOutcome, 1, 60_000);
  // Two more whole reconciler runs (three finished: the first may have begun before the outcome arrived): a
  // republished event would show up here.
  await reconcilerRunsFinish(3);
  return waitForEvents(isOutcome, 99, 0);
}

/** A distinctive amount per test, so a fault can match this payment's requests and no other test's. */
const distinctAmount = () => 3001 + Math.floor(Math.random() * 3000) * 2;

beforeAll(async () => {
  await ensureInvoicesTable();
});

describe('a payment interrupted at each step ends consistent', () => {
  test.concurrent(
    'after the hold: the bank never got the charge, so the hold is released and announced',
    async () => {
      const bill = await seedBill(10000);
      const amount = distinctAmount();
      // The simulated bank's own record of the charge cannot be written: the charge never happened.
      await injectFault({
        service: 'dynamodb',
        operation: 'PutItem',
        error: 'ValidationException',
        match: ['payflow-payments-local-bank-simulator', `"N":"${amount}"`],
      });
      const response = await api('POST', `/invoices/${bill.invoiceId}/payments`, {
        body: payBody(amount),
        key: newKey(),
      });
      expect(response.status).toBe(502);
      const paymentId = /payment (pay_\w+) is on hold/.exec(response.body.detail)?.[1];
      expect(paymentId).toBeDefined();
      expect((await api('GET', `/invoices/${bill.invoiceId}`)).body.paid.amount).toBe(amount);

      const payment = await finalPayment(paymentId!);
      expect(payment).toMatchObject({ status: 'FAILED', failCode: 'NOT_PROCESSED' });
      expect((await api('GET', `/invoices/${bill.invoiceId}`)).body).toMatchObject({
        paid: { amount: 0 },
        balance: { amount: 10000 },
        status: 'DUE',
      });
      expect((await outcomeEvents(paymentId!)).map((event) => event['detail-type'])).toEqual([
        'PaymentFailed',
      ]);
    },
  );

  test.concurrent(
    'after the bank: the charge was taken but not recorded, so the bank is asked and it settles',
    async () => {
      const bill = await seedBill(10000);
      const amount = distinctAmount();
      // Recording a success changes only the payment item: one conditional UpdateItem (with its outbox event).
      await injectFault({
        service: 'dynamodb',
        operation: 'UpdateItem',
        error: 'ValidationException',
        match: [bill.invoiceId, '"SUCCEEDED"'],
      });
      const key = newKey();
      const response = await api('POST', `/invoices/${bill.invoiceId}/payments`, {
        body: payBody(amount),
        key,
      });
      // The bank said yes, the record did not follow: the payer is told it is being finished.
      expect(response.status).toBe(202);
      expect(response.body.status).toBe('PROCESSING');
      const payment = await finalPayment(response.body.paymentId);
      expect(payment.status).toBe('SUCCEEDED');
      // The payer's retry gets the outcome, not the 202 it was answered first.
      const retry = await api('POST', `/invoices/${bill.invoiceId}/payments`, { body: payBody(amount), key });
      expect(retry.status).toBe(201);
      expect(retry.body).toMatchObject({ paymentId: payment.paymentId, status: 'SUCCEEDED' });
      expect(retry.headers.get('idempotent-replayed')).toBe('true');
      expect((await api('GET', `/invoices/${bill.invoiceId}`)).body).toMatchObject({
        paid: { amount },
        balance: { amount: 10000 - amount },
      });
      expect((await outcomeEvents(payment.paymentId)).map((event) => event['detail-type'])).toEqual([
        'PaymentSucceeded',
      ]);
    },
  );

  test.concurrent(
    'on settling a decline: the hold is released by the reconciler, and the decline announced once',
    async () => {
      const bill = await seedBill(10000);
      await injectFault({
        service: 'dynamodb',
        operation: 'TransactWriteItems',
        error: 'ValidationException',
        match: [bill.invoiceId, '"FAILED"'],
      });
      const response = await api('POST', `/invoices/${bill.invoiceId}/payments`, {
        body: payBody(5000, { card: { ...CARD, number: '4000 0000 0000 0002' } }),
        key: newKey(),
      });
      expect(response.status).toBe(202);
      expect((await api('GET', `/invoices/${bill.invoiceId}`)).body.paid.amount).toBe(5000);
      const payment = await finalPayment(response.body.paymentId);
      expect(payment).toMatchObject({ status: 'FAILED', failCode: 'CARD_DECLINED' });
      expect((await api('GET', `/invoices/${bill.invoiceId}`)).body.paid.amount).toBe(0);
      expect((await outcomeEvents(payment.paymentId)).map((event) => event['detail-type'])).toEqual([
        'PaymentFailed',
      ]);
    },
  );

  test.concurrent('on publish: the event stays in the outbox and the reconciler sends it, once', async () => {
    const bill = await seedBill(10000);
    await injectFault({
      service: 'events',
      operation: 'PutEvents',
      error: 'ValidationException',
      match: [bill.invoiceId],
    });
    const response = await api('POST', `/invoices/${bill.invoiceId}/payments`, {
      body: payBody(4000),
      key: newKey(),
    });
    expect(response.status).toBe(201);
    const events = await outcomeEvents(response.body.paymentId);
    expect(events.map((event) => event['detail-type'])).toEqual(['PaymentSucceeded']);
    expect((await api('GET', `/invoices/${bill.invoiceId}`)).body.paid.amount).toBe(4000);
  });

  test.concurrent('a session whose payment was not recorded does not stay PROCESSING', async () => {
    const orderId = `ord-reconcile-${randomUUID().slice(0, 8)}`;
    const session = await api('POST', '/payment-sessions', {
      body: {
        orderId,
        amount: { amount: 2500, currency: 'EUR' },
        notification: { channels: ['email'], email: 'grace@example.com' },
      },
    });
    await injectFault({
      service: 'dynamodb',
      operation: 'TransactWriteItems',
      error: 'ValidationException',
      match: [orderId, '"SUCCEEDED"'],
    });
    const response = await api('POST', `/payment-sessions/${session.body.sessionId}/pay`, {
      body: { card: CARD },
      key: newKey(),
    });
    expect(response.status).toBe(202);
    expect((await api('GET', `/payment-sessions/${session.body.sessionId}`)).body.status).toBe('PROCESSING');
    const payment = await finalPayment(response.body.paymentId);
    expect(payment.status).toBe('SUCCEEDED');
    expect((await api('GET', `/payment-sessions/${session.body.sessionId}`)).body.status).toBe('PAID');
    expect((await outcomeEvents(payment.paymentId)).map((event) => event['detail-type'])).toEqual([
      'PaymentSucceeded',
    ]);
  });

  test.concurrent(
    'a pending payment is asked about until the bank decides, then counts as paid',
    async () => {
      const bill = await seedBill(10000);
      const response = await api('POST', `/invoices/${bill.invoiceId}/payments`, {
        body: payBody(2400),
        key: newKey(),
      });
      expect(response.body.status).toBe('PENDING');
      const payment = await finalPayment(response.body.paymentId);
      expect(payment.status).toBe('SUCCEEDED');
      expect((await api('GET', `/invoices/${bill.invoiceId}`)).body.paid.amount).toBe(2400);
      expect((await outcomeEvents(payment.paymentId)).map((event) => event['detail-type'])).toEqual([
        'PaymentSucceeded',
      ]);
    },
  );
});

describe('the outbox', () => {
  it("is cleared by the bus's own delivery of the event: the paying request waits for no second write", async () => {
    const bill = await seedBill(10000);
    const response = await api('POST', `/invoices/${bill.invoiceId}/payments`, {
      body: payBody(1500),
      key: newKey(),
    });
    expect(response.status).toBe(201);
    const stored = async () =>
      (
        await documents.send(
          new GetCommand({
            TableName: PAYMENT_TABLES[0],
            Key: { paymentId: response.body.paymentId },
            ConsistentRead: true,
          }),
        )
      ).Item;
    const deadline = Date.now() + 15_000;
    while ((await stored())?.eventPublishedAt === undefined && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const item = await stored();
    expect(item).toMatchObject({ status: 'SUCCEEDED', eventPublishedAt: expect.any(String) });
    // Nothing left for the reconciler to send again.
    expect(item?.attention).toBeUndefined();
    expect(item?.outbox).toBeUndefined();
  });
});

describe('invoices the biller settled (IsProcessed=1)', () => {
  it('show SETTLED with nothing due and refuse a payment with 409 and a reason, without charging', async () => {
    const bill = await seedBill(10000, 'EUR', { isProcessed: true, settledByBiller: true });
    expect((await api('GET', `/invoices/${bill.invoiceId}`)).body).toMatchObject({
      status: 'SETTLED',
      balance: { amount: 0 },
    });
    const response = await api('POST', `/invoices/${bill.invoiceId}/payments`, {
      body: payBody(1000),
      key: newKey(),
    });
    expect(response.status).toBe(409);
    expect(response.body.detail).toBe(
      `Invoice ${bill.invoiceId} was settled with the biller directly; nothing is due here`,
    );
    expect((await api('GET', `/invoices/${bill.invoiceId}`)).body.paid.amount).toBe(0);
  });
});

describe('GET /payments/{id}', () => {
  it("returns a declined payment's failure code and reason", async () => {
    const bill = await seedBill(10000);
    const declined = await api('POST', `/invoices/${bill.invoiceId}/payments`, {
      body: payBody(200),
      key: newKey(),
    });
    expect(declined.status).toBe(402);
    expect((await api('GET', `/payments/${declined.body.paymentId}`)).body).toMatchObject({
      status: 'FAILED',
      failCode: 'INSUFFICIENT_FUNDS',
      failReason: 'The card has insufficient funds.',
    });
  });
});
