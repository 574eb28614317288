/**
 * Every fixture in events/payments run through the function it is named after (README, Fixtures), through the
 * local cloud's Lambda Invoke API, with the outcome the README's route table documents. An HTTP fixture runs as it
 * is (its invoice 10452 is seeded, the reminder's access code is in the fixture; its placeholder ids and missing
 * bearer tokens get what a stranger gets), then, where it names a placeholder, once more as its rightful caller
 * would send it: the id of a session or payment this test made, a fresh Idempotency-Key, the caller's token.
 */
import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { BillItemSchema, billKey } from '@payflow/shared';
import {
  invokeFunction,
  serviceFixtures,
  waitForLogLine,
  type Invocation,
} from '@payflow/local-cloud/src/testing';
import { api, bearerOf, documents, ENDPOINT, ensureInvoicesTable, INVOICES_TABLE } from './local';

const fixtures = serviceFixtures('payments');
/** Response bodies are checked by the tests' expectations, not by types. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

function invoke(functionName: string, event: unknown): Promise<Invocation> {
  return invokeFunction(ENDPOINT, `payflow-payments-local-${functionName}`, event);
}

/** An HTTP API (v2) answer: its status and parsed body. */
async function http(functionName: string, event: unknown): Promise<{ statusCode: number; body: Json }> {
  const invocation = await invoke(functionName, event);
  expect(invocation.functionError).toBeUndefined();
  return { statusCode: invocation.result.statusCode, body: JSON.parse(invocation.result.body || 'null') };
}

/** The fixture with `from` replaced by `to` everywhere (path, path parameters, body) and headers added. */
function fixtureWith(name: string, replace: Record<string, string>, headers: Record<string, string> = {}) {
  let text = JSON.stringify(fixtures.get(name));
  for (const [from, to] of Object.entries(replace)) text = text.replaceAll(from, to);
  const event = JSON.parse(text);
  return { ...event, headers: { ...event.headers, ...headers } };
}

/** An SQS batch answer: the messages to retry. */
async function batch(functionName: string, event: unknown) {
  const invocation = await invoke(functionName, event);
  expect(invocation.functionError).toBeUndefined();
  return invocation.result;
}

beforeAll(async () => {
  await ensureInvoicesTable();
  // Invoice 10452 of the fixtures (Grace Hopper, 125.50 EUR, customer CUS-1), as billing-ingest writes it.
  await documents.send(
    new PutCommand({
      TableName: INVOICES_TABLE,
      Item: BillItemSchema.parse({
        ...billKey('10452'),
        customerId: 'CUS-1',
        customerName: 'Grace Hopper',
        billedAmount: 12550,
        currency: 'EUR',
        dueDate: '2026-12-05',
        email: 'grace.hopper@example.com',
        phone: '+447700900123',
        channels: ['email', 'sms'],
        isProcessed: false,
        billDate: '2026-11-21',
        sourceFile: 'incoming/bills-2026-11-21.csv',
        updatedAt: new Date().toISOString(),
      }),
    }),
  );
});

describe('events/payments fixtures, through the Lambda Invoke API', () => {
  let paymentId: string;
  let sessionId: string;
  let orderId: string;

  const cases: Record<string, () => Promise<void>> = {
    'getInvoice.json': async () => {
      const invoice = await http('getInvoice', fixtures.get('getInvoice.json'));
      expect(invoice.statusCode).toBe(200);
      expect(invoice.body).toMatchObject({ invoiceId: '10452', customerName: 'Grace Hopper' });
      // Without the reminder's code it is answered as an unknown invoice.
      const { 'x-access-code': _code, ...withoutCode } = fixtures.get('getInvoice.json').headers;
      const stranger = await http('getInvoice', { ...fixtures.get('getInvoice.json'), headers: withoutCode });
      expect(stranger.statusCode).toBe(404);
    },
    'payInvoice.json': async () => {
      const before = (await api('GET', '/invoices/10452')).body.balance.amount as number;
      // Its Idempotency-Key is fixed: a second run (or a second invocation) replays the first answer.
      const paid = await http('payInvoice', fixtures.get('payInvoice.json'));
      expect(paid.statusCode).toBe(201);
      expect(paid.body).toMatchObject({
        status: 'SUCCEEDED',
        amount: { amount: 3000, currency: 'EUR' },
        card: { brand: 'visa', last4: '4242' },
      });
      const again = await http('payInvoice', fixtures.get('payInvoice.json'));
      expect(again).toEqual(paid);
      paymentId = paid.body.paymentId;
      const after = (await api('GET', '/invoices/10452')).body.balance.amount as number;
      // Paid once, whichever run paid it: the balance is the bill less this one payment.
      expect(after).toBe(12550 - 3000);
      expect(before === 12550 || before === after).toBe(true);
    },
    'payInvoice-missing-key.json': async () => {
      const refused = await http('payInvoice', fixtures.get('payInvoice-missing-key.json'));
      expect(refused.statusCode).toBe(400);
      expect(refused.body.detail).toMatch(/Idempotency-Key/);
    },
    'getPayment.json': async () => {
      expect((await http('getPayment', fixtures.get('getPayment.json'))).statusCode).toBe(401);
      expect(paymentId).toBeDefined();
      const payment = await http(
        'getPayment',
        fixtureWith('getPayment.json', { pay_0000: paymentId }, await bearerOf('operator-console')),
      );
      expect(payment.statusCode).toBe(200);
      expect(payment.body).toMatchObject({ paymentId, status: 'SUCCEEDED', invoiceId: '10452' });
    },
    'listCustomerPayments.json': async () => {
      expect((await http('listCustomerPayments', fixtures.get('listCustomerPayments.json'))).statusCode).toBe(
        401,
      );
      const history = await http(
        'listCustomerPayments',
        fixtureWith('listCustomerPayments.json', {}, await bearerOf('operator-console')),
      );
      expect(history.statusCode).toBe(200);
      expect(history.body.payments.map((payment: Json) => payment.paymentId)).toContain(paymentId);
    },
    'createPaymentSession.json': async () => {
      expect((await http('createPaymentSession', fixtures.get('createPaymentSession.json'))).statusCode).toBe(
        401,
      );
      orderId = `ord-fixture-${randomUUID().slice(0, 8)}`;
      const created = await http(
        'createPaymentSession',
        fixtureWith(
          'createPaymentSession.json',
          { 'ord-payflow-local-0002': orderId },
          await bearerOf('tea-shop'),
        ),
      );
      expect(created.statusCode).toBe(201);
      expect(created.body).toMatchObject({
        orderId,
        merchantId: 'tea-shop',
        amount: { amount: 4999, currency: 'EUR' },
        status: 'CREATED',
      });
      sessionId = created.body.sessionId;
      expect(created.body.payUrl).toContain(sessionId);
    },
    'getPaymentSession.json': async () => {
      expect((await http('getPaymentSession', fixtures.get('getPaymentSession.json'))).statusCode).toBe(404);
      const session = await http(
        'getPaymentSession',
        fixtureWith('getPaymentSession.json', { ps_fixture: sessionId }),
      );
      expect(session.statusCode).toBe(200);
      expect(session.body).toMatchObject({ sessionId, orderId, status: 'CREATED' });
    },
    'expirePaymentSessions.json': async () => {
      // A check for a session that is gone (its TTL removed it) changes nothing; one before the deadline leaves
      // the session open to be paid.
      expect(await batch('expirePaymentSessions', fixtures.get('expirePaymentSessions.json'))).toEqual({
        batchItemFailures: [],
      });
      expect(
        await batch(
          'expirePaymentSessions',
          fixtureWith('expirePaymentSessions.json', { ps_fixture: sessionId }),
        ),
      ).toEqual({ batchItemFailures: [] });
      expect((await api('GET', `/payment-sessions/${sessionId}`)).body.status).toBe('CREATED');
    },
    'closeOrderSessions.json': async () => {
      // The fixture's order has no session: nothing to close. This test's order has one: closed, no card taken.
      expect(await batch('closeOrderSessions', fixtures.get('closeOrderSessions.json'))).toEqual({
        batchItemFailures: [],
      });
      expect(
        await batch(
          'closeOrderSessions',
          fixtureWith('closeOrderSessions.json', { 'ord-payflow-local-0002': orderId }),
        ),
      ).toEqual({ batchItemFailures: [] });
      const session = (await api('GET', `/payment-sessions/${sessionId}`)).body;
      expect(session).toMatchObject({ status: 'CLOSED', closedReason: expect.stringMatching(/timed out/) });
    },
    'payPaymentSession.json': async () => {
      expect((await http('payPaymentSession', fixtures.get('payPaymentSession.json'))).statusCode).toBe(404);
      // The session closeOrderSessions closed takes no card.
      const closed = await http(
        'payPaymentSession',
        fixtureWith('payPaymentSession.json', {
          ps_fixture: sessionId,
          'fixture-session-pay-0001': randomUUID(),
        }),
      );
      expect(closed.statusCode).toBe(410);
      // A session of its own (createPaymentSession's fixture, for another order), paid with the fixture's card;
      // the receipt goes where the session says.
      const open = await http(
        'createPaymentSession',
        fixtureWith(
          'createPaymentSession.json',
          { 'ord-payflow-local-0002': `ord-fixture-${randomUUID().slice(0, 8)}` },
          await bearerOf('tea-shop'),
        ),
      );
      expect(open.statusCode).toBe(201);
      const paid = await http(
        'payPaymentSession',
        fixtureWith('payPaymentSession.json', {
          ps_fixture: open.body.sessionId,
          'fixture-session-pay-0001': randomUUID(),
        }),
      );
      expect(paid.statusCode).toBe(201);
      expect(paid.body).toMatchObject({ status: 'SUCCEEDED', card: { brand: 'visa', last4: '4242' } });
    },
    'recordBilledCustomers.json': async () => {
      // A bills file stated tea-shop's customer CUST-10452: registered; the same statement again changes nothing.
      const event = fixtures.get('recordBilledCustomers.json');
      expect(await batch('recordBilledCustomers', event)).toEqual({ batchItemFailures: [] });
      const merchant = await bearerOf('tea-shop');
      const customer = await api('GET', '/customers/CUST-10452', { headers: merchant });
      expect(customer.status).toBe(200);
      expect(customer.body).toMatchObject({
        customerId: 'CUST-10452',
        merchantId: 'tea-shop',
        name: 'Grace Hopper',
        email: 'grace.hopper@example.com',
        phone: '+14155550123',
      });
      expect(await batch('recordBilledCustomers', event)).toEqual({ batchItemFailures: [] });
      expect((await api('GET', '/customers/CUST-10452', { headers: merchant })).body).toEqual(customer.body);
    },
    'refund-requested-sqs.json': async () => {
      // README: answered with no failures; its payment does not exist, so the refund is refused in the log.
      expect(await batch('refundPayment', fixtures.get('refund-requested-sqs.json'))).toEqual({
        batchItemFailures: [],
      });
      expect(await waitForLogLine(ENDPOINT, ['Refund refused', 'pay-payflow-local-0009'])).toBeDefined();
    },
  };

  it('has a case for every fixture in the folder', () => {
    expect(Object.keys(cases).sort()).toEqual([...fixtures.keys()].sort());
  });

  // In this order: later cases use the payment, session and order earlier ones made.
  it.each(Object.keys(cases))('%s', (name) => cases[name]!());
});
