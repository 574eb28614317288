/**
 * Refunds through the local cloud: a payment made over the HTTP API, checkout's RefundRequested put on the real
 * bus, payments' own rule and queue delivering it to refundPayment, the result read back over the API and the bus.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { buildEventDetail, RefundRequested, type EventDataInputOf } from '@payflow/shared';
import { waitForLogLine as waitForLogLineAt } from '@payflow/local-cloud/src/testing';
import { randomUUID } from 'node:crypto';
import {
  api,
  busEvents,
  CARD,
  ENDPOINT,
  ensureInvoicesTable,
  newKey,
  NOTIFY,
  payBody,
  seedBill,
  STAGE,
  waitForEvents,
  type BusEvent,
} from './local';

const eventBridge = new EventBridgeClient({
  endpoint: ENDPOINT,
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});

const REASON = 'No carrier ships to the delivery address';

/** What checkout would ask, in the shared contract's envelope. */
function refundRequestedData(
  paymentId: string,
  orderId: string,
  amount: number,
): EventDataInputOf<typeof RefundRequested> {
  return {
    orderId,
    customer: { id: 'cust-refund', email: 'grace@example.com', channels: ['email'] },
    total: { amount, currency: 'EUR' },
    paymentId,
    amount: { amount, currency: 'EUR' },
    reason: REASON,
  };
}

/** PutEvents as checkout does it; `copies` entries of one event (same id) in one call, as a duplicate delivery. */
async function putRefundRequested(
  data: EventDataInputOf<typeof RefundRequested>,
  options: { copies?: number; correlationId?: string } = {},
) {
  const detail = buildEventDetail(RefundRequested, data, {
    correlationId: options.correlationId ?? `corr-${randomUUID()}`,
  });
  const entry = {
    EventBusName: `payflow-${STAGE}`,
    Source: RefundRequested.source,
    DetailType: RefundRequested.detailType,
    Detail: JSON.stringify(detail),
  };
  const result = await eventBridge.send(
    new PutEventsCommand({ Entries: Array.from({ length: options.copies ?? 1 }, () => entry) }),
  );
  expect(result.FailedEntryCount ?? 0).toBe(0);
  return detail;
}

async function waitForPayment(paymentId: string, status: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const payment = await api('GET', `/payments/${paymentId}`);
    if (payment.body?.status === status || Date.now() > deadline) return payment;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Polls what the functions printed until a line has every one of `parts`. */
const waitForLogLine = (parts: string[], timeoutMs?: number) => waitForLogLineAt(ENDPOINT, parts, timeoutMs);

/** The local console's view of a queue: every message, in flight or not (payments' page server, :3000). */
const QUEUE_MESSAGES =
  'http://localhost:3000/console/api/queue/messages?name=payflow-payments-local-refund-requests';

/** Polls the refund requests queue until no message mentions `text`; returns those still there at the end. */
async function waitUntilDeleted(text: string, timeoutMs = 10_000): Promise<unknown[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const messages = (await (await fetch(QUEUE_MESSAGES)).json()) as { body?: string }[];
    const left = messages.filter((message) => message.body?.includes(text));
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const refundedEventsOf = async (paymentId: string): Promise<BusEvent[]> =>
  (await busEvents()).filter(
    (event) => event['detail-type'] === 'PaymentRefunded' && event.detail.data.paymentId === paymentId,
  );

async function paidOrder(amount = 4999) {
  const orderId = `ord_${randomUUID()}`;
  const created = await api('POST', '/payment-sessions', {
    body: { orderId, customerId: 'cust-refund', amount: { amount, currency: 'EUR' }, notification: NOTIFY },
  });
  expect(created.status).toBe(201);
  const paid = await api('POST', `/payment-sessions/${created.body.sessionId}/pay`, {
    body: { card: CARD },
    key: newKey(),
  });
  return { orderId, sessionId: created.body.sessionId as string, paid };
}

beforeAll(async () => {
  await ensureInvoicesTable();
});

describe('refunding a paid order when checkout asks (RefundRequested)', () => {
  it('refunds it once and publishes exactly one PaymentRefunded, though the request arrives three times', async () => {
    const { orderId, sessionId, paid } = await paidOrder();
    expect(paid.body.status).toBe('SUCCEEDED');
    const paymentId = paid.body.paymentId as string;

    // Twice in one PutEvents (a duplicate delivery), then once more after the refund: one refund, one event.
    const request = await putRefundRequested(refundRequestedData(paymentId, orderId, 4999), { copies: 2 });
    const refunded = await waitForPayment(paymentId, 'REFUNDED');
    expect(refunded.status).toBe(200);
    expect(refunded.body).toMatchObject({
      paymentId,
      status: 'REFUNDED',
      orderId,
      sessionId,
      reason: REASON,
      refundId: expect.stringMatching(/^ref_[0-9a-f]{32}$/),
      refundedAt: expect.any(String),
      card: { brand: 'visa', last4: '4242' },
    });

    const [event] = await waitForEvents(
      (e) => e['detail-type'] === 'PaymentRefunded' && e.detail.data.paymentId === paymentId,
    );
    expect(event?.source).toBe('payflow.payments');
    expect(event?.detail.correlationId).toBe(request.correlationId);
    expect(event?.detail.data).toEqual({
      paymentId,
      refundId: refunded.body.refundId,
      orderId,
      sessionId,
      amount: { amount: 4999, currency: 'EUR' },
      card: { brand: 'visa', last4: '4242' },
      reason: REASON,
      notification: NOTIFY,
    });

    const third = await putRefundRequested(refundRequestedData(paymentId, orderId, 4999));
    expect(await waitForLogLine(['already refunded', third.correlationId, paymentId])).toBeDefined();
    expect(await refundedEventsOf(paymentId)).toHaveLength(1);
    expect((await api('GET', `/payments/${paymentId}`)).body).toMatchObject({
      status: 'REFUNDED',
      refundId: refunded.body.refundId,
      refundedAt: refunded.body.refundedAt,
    });
  });

  it("refuses checkout's request to refund an invoice payment: the invoice keeps its payment", async () => {
    const bill = await seedBill(10000);
    const paid = await api('POST', `/invoices/${bill.invoiceId}/payments`, {
      body: payBody(3000),
      key: newKey(),
    });
    expect(paid.body.invoice.balance.amount).toBe(7000);
    const paymentId = paid.body.paymentId as string;

    const request = await putRefundRequested(refundRequestedData(paymentId, 'ord_not-an-order', 3000));
    const line = await waitForLogLine(['Refund refused', request.correlationId, paymentId]);
    expect(line).toMatch(/paid invoice .*, not order ord_not-an-order/);
    expect((await api('GET', `/payments/${paymentId}`)).body.status).toBe('SUCCEEDED');
    expect((await api('GET', `/invoices/${bill.invoiceId}`)).body.balance).toEqual({
      amount: 7000,
      currency: 'EUR',
    });
    expect(await refundedEventsOf(paymentId)).toHaveLength(0);
  });

  it('refuses, and acknowledges, a request for a payment that did not succeed', async () => {
    const { orderId, paid } = await paidOrder(100); // 1.00: the simulated bank declines it
    expect(paid.body.status).toBe('FAILED');
    const paymentId = paid.body.paymentId as string;

    const request = await putRefundRequested(refundRequestedData(paymentId, orderId, 100));
    const line = await waitForLogLine(['Refund refused', request.correlationId, paymentId]);
    expect(line).toMatch(/only a SUCCEEDED payment can be refunded/);
    expect((await api('GET', `/payments/${paymentId}`)).body.status).toBe('FAILED');
    expect(await refundedEventsOf(paymentId)).toHaveLength(0);
    // Acknowledged: the request is deleted from the queue, not left in flight to come back in 3 minutes.
    expect(await waitUntilDeleted(orderId)).toEqual([]);
  });
});
