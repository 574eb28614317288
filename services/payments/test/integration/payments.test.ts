/**
 * The payments API through the local cloud: real serverless-offline on :3200, real DynamoDB Local, the real bus.
 * Ends with a scan of every table, the bus's audit log and the functions' output for card data and its plain digests.
 */
import { createHash } from 'node:crypto';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ledgerKey } from '@payflow/shared';
import { waitForLogLine } from '@payflow/local-cloud/src/testing';
import {
  api,
  busEvents,
  CARD,
  documents,
  dynamodb,
  ensureInvoicesTable,
  ENDPOINT,
  injectFault,
  INVOICES_TABLE,
  newKey,
  NOTIFY,
  PAYMENT_TABLES,
  payBody,
  reconcilerRunsFinish,
  scanAll,
  seedBill,
  waitForEvents,
} from './local';

/** The simulated bank's own record of every charge it was asked for (payments' serverless.yml). */
const BANK_TABLE = 'payflow-payments-local-bank-simulator';
const TASK_TOKEN = `AQCEAAAAKgAAAAMAAAAAAAAAAWtestTaskToken${Date.now()}==`;
const usedCardNumbers = new Set<string>([CARD.number.replace(/\s/g, ''), '4242424242424241']);
/** Card numbers as the tests typed them (with spaces) and the CVVs they sent, for the digest scan at the end. */
const typedCardNumbers = new Set<string>([CARD.number]);
const usedCvvs = new Set<string>([CARD.cvv]);

beforeAll(async () => {
  await ensureInvoicesTable();
});

describe('invoice look-up', () => {
  it('shows the customer, the balance in minor units, the status and the due date', async () => {
    const bill = await seedBill(12550);
    const { status, body } = await api('GET', `/invoices/${bill.invoiceId}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      invoiceId: bill.invoiceId,
      customerName: 'Grace Hopper',
      balance: { amount: 12550, currency: 'EUR' },
      status: 'DUE',
      dueDate: '2026-12-31',
    });
  });

  it('answers an unknown invoice with a 404 problem', async () => {
    const response = await api('GET', '/invoices/NO-SUCH-INVOICE');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.body.detail).toMatch(/NO-SUCH-INVOICE was not found/);
  });

  it('will not show or take money for a BILL that breaks the invoices contract (an amount in major units)', async () => {
    const bill = await seedBill(10000);
    // Written by hand, around the contract: 100.5 read as a number would be a balance of 100.5 minor units.
    await documents.send(
      new PutCommand({ TableName: INVOICES_TABLE, Item: { ...bill, billedAmount: 100.5 } }),
    );
    const correlationId = `contract-${bill.invoiceId}`;
    const shown = await api('GET', `/invoices/${bill.invoiceId}`, {
      headers: { 'x-correlation-id': correlationId },
    });
    expect(shown.status).toBe(500);
    expect(shown.headers.get('content-type')).toBe('application/problem+json');
    expect(JSON.stringify(shown.body)).not.toContain('100.5');
    // The operator's log line names the broken item and field, under the caller's correlation id.
    const logged = await waitForLogLine(ENDPOINT, [`"correlation_id":"${correlationId}"`]);
    expect(logged).toContain('InvoiceItemError');
    expect(logged).toContain('billedAmount: must be a whole number of minor units');
    const paid = await api('POST', `/invoices/${bill.invoiceId}/payments`, {
      body: payBody(50),
      key: newKey(),
    });
    expect(paid.status).toBe(500);
    const ledger = await documents.send(
      new GetCommand({ TableName: INVOICES_TABLE, Key: ledgerKey(bill.invoiceId), ConsistentRead: true }),
    );
    expect(ledger.Item).toBeUndefined();
  });
});

describe('paying an invoice', () => {
  it('takes a partial payment, lowers the balance, stores only brand and last four, and publishes PaymentSucceeded', async () => {
    const bill = await seedBill(10000);
    const paid = await api('POST', `/invoices/${bill.invoiceId}/payments`, {
      body: payBody(3000),
      key: newKey(),
    });
    expect(paid.status).toBe(201);
    expect(paid.body).toMatchObject({
      status: 'SUCCEEDED',
      invoiceId: bill.invoiceId,
      amount: { amount: 3000, currency: 'EUR' },
      card: { brand: 'visa', last4: '4242' },
      invoice: { balance: { amount: 7000, currency: 'EUR' }, status: 'PARTIALLY_PAID' },
    });
    const lookUp = await api('GET', `/invoices/${bill.invoiceId}`);
    expect(lookUp.body).toMatchObject({ balance: { amount: 7000 }, status: 'PARTIALLY_PAID' });
    const payment = await api('GET', `/payments/${paid.body.paymentId}`);
    expect(payment.status).toBe(200);
    expect(payment.body).toMatchObject({
      status: 'SUCCEEDED',
      card: { last4: '4242' },
      customerId: bill.customerId,
    });

    const [event] = await waitForEvents(
      (e) => e['detail-type'] === 'PaymentSucceeded' && e.detail.data.paymentId === paid.body.paymentId,
    );
    expect(event?.source).toBe('payflow.payments');
    expect(event?.detail.data).toEqual({
      paymentId: paid.body.paymentId,
      invoiceId: bill.invoiceId,
      amount: { amount: 3000, currency: 'EUR' },
      card: { brand: 'visa', last4: '4242' },
      notification: NOTIFY,
    });
  });

  it('pays the rest to PAID, then refuses any further payment with 422', async () => {
    const bill = await seedBill(5000);
    const full = await api('POST', `/invoices/${bill.invoiceId}/payments`, {
      body: payBody(5000),
      key: newKey(),
    });
    expect(full.body.invoice).toMatchObject({ balance: { amount: 0 }, status: 'PAID' });
    const more = await api('POST', `/invoices/${bill.invoiceId}/payments`, {
      body: payBody(100),
      key: newKey(),
    });
    expect(more.status).toBe(422);
    expect(more.body.detail).toMatch(/already paid/);
  });

  it('refuses a payment larger than the balance with 422 and leaves the balance alone', async () => {
    const bill = await seedBill(2000);
    const over = await api('POST', `/invoices/${bill.invoiceId}/payments`, {
      body: payBody(2001),
      key: newKey(),
    });
    expect(over.status).toBe(422);
    expect(over.body.detail).toMatch(/below zero: only 20.00 EUR is outstanding/);
    expect((await api('GET', `/invoices/${bill.invoiceId}`)).body.balance.amount).toBe(2000);
  });

  it('records a declined card (1.00) as FAILED with 402, keeps the balance and publishes PaymentFailed', async () => {
    const bill = await seedBill(10000);
    const declined = await api('POST', `/invoices/${bill.invoiceId}/payments`, {
      body: payBody(100),
      key: newKey(),
    });
    expect(declined.status).toBe(402);
    expect(declined.body).toMatchObject({ status: 'FAILED', reason: expect.stringMatching(/declined/) });
    expect(declined.body.invoice.balance.amount).toBe(10000);
    expect((await api('GET', `/invoices/${bill.invoiceId}`)).body.balance.amount).toBe(10000);
    const [event] = await waitForEvents(
      (e) => e['detail-type'] === 'PaymentFailed' && e.detail.data.paymentId === declined.body.paymentId,
    );
    expect(event?.detail.data.reason).toMatch(/declined/);
  });

  it('reports insufficient funds for 2.00 and for the always-declining test card', async () => {
    const bill = await seedBill(10000);
    const poor = await api('POST', `/invoices/${bill.invoiceId}/payments`, {
      body: payBody(200),
      key: newKey(),
    });
    expect(poor.body).toMatchObject({
      status: 'FAILED',
      reason: expect.stringMatching(/insufficient funds/),
    });
    usedCardNumbers.add('4000000000009995');
    const testCard = await api('POST', `/invoices/${bill.invoiceId}/payments`, {
      body: payBody(5000, { card: { ...CARD, number: '4000000000009995' } }),
      key: newKey(),
    });
    expect(testCard.body).toMatchObject({ status: 'FAILED', card: { last4: '9995' } });
  });

  it('leaves 24.00 pending (202) and completes it when the same amount is paid again', async () => {
    const bill = await seedBill(10000);
    const first = await api('POST', `/invoices/${bill.invoiceId}/payments`, {
      body: payBody(2400),
      key: newKey(),
    });
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ status: 'PENDING', invoice: { balance: { amount: 10000 } } });
    const second = await api('POST', `/invoices/${bill.invoiceId}/payments`, {
      body: payBody(2400),
      key: newKey(),
    });
    expect(second.status).toBe(201);
    expect(second.body.invoice.balance.amount).toBe(7600);
    expect((await api('GET', `/payments/${first.body.paymentId}`)).body.status).toBe('SUPERSEDED');
  });
});

describe('Idempotency-Key', () => {
  it('is required: without it the payment is refused with 400', async () => {
    const bill = await seedBill();
    const response = await api('POST', `/invoices/${bill.invoiceId}/payments`, { body: payBody(1000) });
    expect(response.status).toBe(400);
    expect(response.body.detail).toMatch(/Idempotency-Key/);
  });

  it('replays the first response for the same body and refuses another body with 422', async () => {
    const bill = await seedBill();
    const key = newKey();
    const first = await api('POST', `/invoices/${bill.invoiceId}/payments`, { body: payBody(1000), key });
    const again = await api('POST', `/invoices/${bill.invoiceId}/payments`, { body: payBody(1000), key });
    expect(again.status).toBe(first.status);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const other = await api('POST', `/invoices/${bill.invoiceId}/payments`, { body: payBody(1500), key });
    expect(other.status).toBe(422);
    expect(other.body.detail).toMatch(/different request/);
    expect((await api('GET', `/invoices/${bill.invoiceId}`)).body.balance.amount).toBe(9000);
  });

  it('makes one payment and one event from 20 concurrent requests with one key', async () => {
    const bill = await seedBill(10000);
    const key = newKey();
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        api('POST', `/invoices/${bill.invoiceId}/payments`, { body: payBody(2500), key }),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
    const paymentIds = new Set(responses.filter((r) => r.status === 201).map((r) => r.body.paymentId));
    expect(paymentIds.size).toBe(1);
    expect((await api('GET', `/invoices/${bill.invoiceId}`)).body.balance.amount).toBe(7500);
    const history = await api('GET', `/customers/${bill.customerId}/payments`);
    expect(history.body.payments).toHaveLength(1);
    // The requests published what they made before answering; only the reconciler publishes later (an outcome
    // it finds unsent). Two whole runs of it, and a stray duplicate would be on the bus.
    await reconcilerRunsFinish(3);
    const events = (await busEvents()).filter((e) => e.detail.data.invoiceId === bill.invoiceId);
    expect(events).toHaveLength(1);
  });

  it('answers 409 while the same key is still in flight', async () => {
    // The first request is held for 2 s at the bank (the local cloud delays the bank's record of this amount),
    // after its payment is recorded as in flight: repeats sent meanwhile overlap it for certain.
    const amount = 2417;
    await injectFault({
      service: 'dynamodb',
      operation: 'PutItem',
      delayMs: 2000,
      match: ['bank-simulator', `"${amount}"`],
    });
    const bill = await seedBill(10000);
    const key = newKey();
    const pay = () => api('POST', `/invoices/${bill.invoiceId}/payments`, { body: payBody(amount), key });
    const first = pay();
    const repeats: Array<Awaited<ReturnType<typeof pay>>> = [];
    for (let attempt = 0; attempt < 6 && !repeats.some((r) => r.status === 409); attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      repeats.push(await pay());
    }
    const conflict = repeats.find((response) => response.status === 409);
    expect(conflict?.body.detail).toMatch(/still being processed/);
    expect((await first).status).toBe(201);
    // Once it has its outcome, the same key answers it.
    const after = await pay();
    expect(after.status).toBe(201);
    expect(after.headers.get('idempotent-replayed')).toBe('true');
  });
});

describe('concurrent payments on one invoice', () => {
  it('let at most 3 of 10 payments of 30.00 through on 100.00; the balance never goes below zero', async () => {
    const bill = await seedBill(10000);
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        api('POST', `/invoices/${bill.invoiceId}/payments`, { body: payBody(3000), key: newKey() }),
      ),
    );
    const succeeded = responses.filter((r) => r.status === 201);
    expect(succeeded.length).toBeLessThanOrEqual(3);
    expect(succeeded.length).toBeGreaterThanOrEqual(1);
    for (const r of responses.filter((r) => r.status !== 201)) expect([409, 422]).toContain(r.status);
    const balance = (await api('GET', `/invoices/${bill.invoiceId}`)).body.balance.amount as number;
    expect(balance).toBeGreaterThanOrEqual(1000);
    expect(balance).toBe(10000 - 3000 * succeeded.length);
  });
});

describe("a customer's payment history", () => {
  it('lists payments newest first, a page at a time', async () => {
    const bill = await seedBill(10000);
    const ids: string[] = [];
    for (const amount of [1100, 1200, 1300]) {
      ids.push(
        (await api('POST', `/invoices/${bill.invoiceId}/payments`, { body: payBody(amount), key: newKey() }))
          .body.paymentId,
      );
    }
    const first = await api('GET', `/customers/${bill.customerId}/payments?limit=2`);
    expect(first.status).toBe(200);
    expect(first.body.payments.map((p: { paymentId: string }) => p.paymentId)).toEqual([ids[2], ids[1]]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await api(
      'GET',
      `/customers/${bill.customerId}/payments?limit=2&cursor=${first.body.nextCursor}`,
    );
    expect(second.body.payments.map((p: { paymentId: string }) => p.paymentId)).toEqual([ids[0]]);
  });

  it('refuses a forged cursor and a bad limit with 400', async () => {
    expect((await api('GET', '/customers/C-1/payments?cursor=bm90LWEtY3Vyc29y')).status).toBe(400);
    expect((await api('GET', '/customers/C-1/payments?limit=0')).status).toBe(400);
    expect((await api('GET', '/customers/C-1/payments?limit=abc')).status).toBe(400);
  });
});

describe('bad input', () => {
  let invoicePath: string;
  beforeAll(async () => {
    invoicePath = `/invoices/${(await seedBill()).invoiceId}/payments`;
  });
  const post = (options: Parameters<typeof api>[2]) =>
    api('POST', invoicePath, { key: newKey(), ...options });

  it('malformed JSON is 400', async () => {
    const response = await post({ raw: '{"amount": {' });
    expect(response.status).toBe(400);
    expect(response.body.detail).toMatch(/not valid JSON/);
  });

  it('a missing body is 400', async () => {
    expect((await post({ headers: { 'content-type': 'application/json' } })).status).toBe(400);
  });

  it('missing fields are 422, each named', async () => {
    const response = await post({ body: { amount: { amount: 1000, currency: 'EUR' } } });
    expect(response.status).toBe(422);
    const paths = response.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['body.card', 'body.notification']));
  });

  it('wrong types are 422', async () => {
    const response = await post({ body: payBody(1000, { amount: { amount: '10.00', currency: 'EUR' } }) });
    expect(response.status).toBe(422);
    expect(response.body.errors[0].path).toBe('body.amount.amount');
  });

  it('a huge body is 413', async () => {
    const response = await post({ raw: JSON.stringify({ ...payBody(1000), padding: 'x'.repeat(200_000) }) });
    expect(response.status).toBe(413);
  });

  it('a body that is not JSON is 415', async () => {
    const response = await post({ raw: 'amount=10', headers: { 'content-type': 'text/plain' } });
    expect(response.status).toBe(415);
  });

  it('a card failing the Luhn check is 422 and the bank is never asked', async () => {
    // An amount no other test pays, so the simulated bank's record of every charge can be searched for it.
    const amount = 7001 + 2 * Math.floor(Math.random() * 1000);
    const response = await post({ body: payBody(amount, { card: { ...CARD, number: '4242424242424241' } }) });
    expect(response.status).toBe(422);
    expect(response.body.errors[0]).toMatchObject({
      path: 'body.card.number',
      message: expect.stringMatching(/check digit/),
    });
    // The same amount with a good card does reach the bank: the search below would see a charge.
    const control = await api('POST', `/invoices/${(await seedBill()).invoiceId}/payments`, {
      body: payBody(amount),
      key: newKey(),
    });
    expect(control.status).toBe(201);
    const charges = (await scanAll(BANK_TABLE)).filter(
      (decision) => (decision.amount as { amount?: number } | undefined)?.amount === amount,
    );
    expect(charges.map((decision) => decision.paymentId)).toEqual([control.body.paymentId]);
  });

  it('an expired card is 422', async () => {
    const response = await post({
      body: payBody(1000, { card: { ...CARD, expiryMonth: 1, expiryYear: 2020 } }),
    });
    expect(response.status).toBe(422);
    expect(response.body.errors[0].message).toMatch(/expired/);
  });

  it('an amount with more decimals than the currency has is 422', async () => {
    const response = await post({ body: payBody(1000.5) });
    expect(response.status).toBe(422);
    expect(response.body.errors[0].message).toMatch(/whole number of minor units/);
  });

  it('a payment in another currency than the invoice is 422', async () => {
    const response = await post({ body: { ...payBody(1000), amount: { amount: 1000, currency: 'USD' } } });
    expect(response.status).toBe(422);
    expect(response.body.detail).toMatch(/billed in EUR/);
  });

  it('paying an unknown invoice is 404', async () => {
    expect(
      (await api('POST', '/invoices/NOPE-1/payments', { body: payBody(1000), key: newKey() })).status,
    ).toBe(404);
  });
});

describe('payment sessions', () => {
  const sessionBody = (extra: Record<string, unknown> = {}) => ({
    orderId: `ord-${newKey().slice(0, 8)}`,
    merchantId: 'tea-shop',
    amount: { amount: 4999, currency: 'EUR' },
    notification: NOTIFY,
    ...extra,
  });

  it('are created for 10 minutes with a pay URL, paid once, and announce the order in PaymentSucceeded', async () => {
    const created = await api('POST', '/payment-sessions', { body: sessionBody({ taskToken: TASK_TOKEN }) });
    expect(created.status).toBe(201);
    const { sessionId, expiresAt, payUrl, orderId } = created.body;
    expect(created.body.status).toBe('CREATED');
    const minutes = (Date.parse(expiresAt) - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(9);
    expect(minutes).toBeLessThanOrEqual(10);
    expect(payUrl).toBe(`http://localhost:3000/?session=${sessionId}`);
    expect(JSON.stringify(created.body)).not.toContain(TASK_TOKEN);

    const paid = await api('POST', `/payment-sessions/${sessionId}/pay`, {
      body: { card: CARD },
      key: newKey(),
    });
    expect(paid.status).toBe(201);
    expect(paid.body).toMatchObject({ status: 'SUCCEEDED', sessionId, orderId, session: { status: 'PAID' } });
    expect((await api('GET', `/payment-sessions/${sessionId}`)).body).toMatchObject({
      status: 'PAID',
      paymentId: paid.body.paymentId,
    });
    const [event] = await waitForEvents(
      (e) => e['detail-type'] === 'PaymentSucceeded' && e.detail.data.sessionId === sessionId,
    );
    expect(event?.detail.data).toMatchObject({ orderId, sessionId, amount: { amount: 4999 } });

    const twice = await api('POST', `/payment-sessions/${sessionId}/pay`, {
      body: { card: CARD },
      key: newKey(),
    });
    expect(twice.status).toBe(409);
  });

  it('is closed by a decline: the session says why and a second card is refused with 410', async () => {
    const created = await api('POST', '/payment-sessions', {
      body: sessionBody({ amount: { amount: 100, currency: 'EUR' } }),
    });
    const declined = await api('POST', `/payment-sessions/${created.body.sessionId}/pay`, {
      body: { card: CARD },
      key: newKey(),
    });
    expect(declined.status).toBe(402);
    expect(declined.body.session.status).toBe('DECLINED');
    expect(declined.body.session.closedReason).toMatch(/card was declined/);
    const again = await api('POST', `/payment-sessions/${created.body.sessionId}/pay`, {
      body: { card: CARD },
      key: newKey(),
    });
    expect(again.status).toBe(410);
    expect(again.headers.get('content-type')).toContain('application/problem+json');
  });

  it('refuse bad requests: unknown session 404, missing key 400, no notification anywhere 422, task token without one 422', async () => {
    expect(
      (await api('POST', '/payment-sessions/ps_nope/pay', { body: { card: CARD }, key: newKey() })).status,
    ).toBe(404);
    expect((await api('GET', '/payment-sessions/ps_nope')).status).toBe(404);
    const bare = await api('POST', '/payment-sessions', { body: sessionBody({ notification: undefined }) });
    expect(
      (await api('POST', `/payment-sessions/${bare.body.sessionId}/pay`, { body: { card: CARD } })).status,
    ).toBe(400);
    const noChoice = await api('POST', `/payment-sessions/${bare.body.sessionId}/pay`, {
      body: { card: CARD },
      key: newKey(),
    });
    expect(noChoice.status).toBe(422);
    const tokenOnly = await api('POST', '/payment-sessions', {
      body: sessionBody({ notification: undefined, taskToken: 'x' }),
    });
    expect(tokenOnly.status).toBe(422);
    expect(
      (
        await api('POST', '/payment-sessions', {
          body: { ...sessionBody(), amount: { amount: 10, currency: 'XYZ' } },
        })
      ).status,
    ).toBe(422);
  });

  it('expire: paying is 410, and PaymentSessionExpired reaches the bus without the task token', async () => {
    const created = await api('POST', '/payment-sessions', {
      body: sessionBody({ expiresInSeconds: 1, taskToken: TASK_TOKEN }),
    });
    expect(created.status).toBe(201);
    const { sessionId, orderId } = created.body;
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const late = await api('POST', `/payment-sessions/${sessionId}/pay`, {
      body: { card: CARD },
      key: newKey(),
    });
    expect(late.status).toBe(410);
    expect((await api('GET', `/payment-sessions/${sessionId}`)).body.status).toBe('EXPIRED');
    const [event] = await waitForEvents(
      (e) => e['detail-type'] === 'PaymentSessionExpired' && e.detail.data.sessionId === sessionId,
      1,
      30_000,
    );
    expect(event?.detail.data).toMatchObject({
      sessionId,
      orderId,
      amount: { amount: 4999, currency: 'EUR' },
    });
    expect(JSON.stringify(event)).not.toContain(TASK_TOKEN);
  });
});

describe('after every test above: no card data anywhere', () => {
  /** Every table in the local cloud (payments', the invoices, the idempotency records, any other service's). */
  async function scanEveryTable(): Promise<Map<string, string>> {
    const names: string[] = [];
    let ExclusiveStartTableName: string | undefined;
    do {
      const page = await dynamodb.send(new ListTablesCommand({ ExclusiveStartTableName }));
      names.push(...(page.TableNames ?? []));
      ExclusiveStartTableName = page.LastEvaluatedTableName;
    } while (ExclusiveStartTableName);
    const dumps = await Promise.all(names.map(async (name) => JSON.stringify(await scanAll(name))));
    return new Map(names.map((name, index) => [name, dumps[index]!]));
  }

  /** Plain (unkeyed) digests a careless fingerprint or log would hold: SHA-256 and MD5, in hex and base64. */
  function plainDigests(secret: string): string[] {
    return (['sha256', 'md5'] as const).flatMap((algorithm) => {
      const digest = createHash(algorithm).update(secret).digest();
      return [digest.toString('hex'), digest.toString('base64'), digest.toString('base64url')];
    });
  }

  it('finds no full card number, no CVV and no task token in any table, event or log line', async () => {
    const tables = await scanEveryTable();
    expect([...tables.keys()]).toEqual(expect.arrayContaining([INVOICES_TABLE, ...PAYMENT_TABLES]));
    const dumps = [...tables.values()];
    // Events our services publish: the console's masking test puts a card number on the shared bus from its own source.
    const events = JSON.stringify((await busEvents()).filter((event) => event.source.startsWith('payflow.')));
    const logs = await (await fetch(`${ENDPOINT}/_local/logs`)).text();
    const everything = { tables: dumps.join('\n'), events, logs };
    for (const [where, text] of Object.entries(everything)) {
      const compact = text.replace(/[\s-]/g, '');
      for (const number of usedCardNumbers)
        expect({ where, found: compact.includes(number) }).toEqual({ where, found: false });
      expect({ where, cvvField: /"cvv"\s*:\s*"\d/i.test(text) }).toEqual({ where, cvvField: false });
    }
    // The CVV's value as a whole string in payments' own tables (other services' ids may be 3-digit strings).
    const ownTables = PAYMENT_TABLES.map((name) => tables.get(name)!).join('\n');
    expect(ownTables.includes(`"${CARD.cvv}"`)).toBe(false);
    // The session table keeps the task token (checkout needs it back); events and logs never carry it.
    expect(events.includes(TASK_TOKEN)).toBe(false);
    expect(logs.includes(TASK_TOKEN)).toBe(false);
    expect(ownTables.length).toBeGreaterThan(1000); // the scan saw the payments made above
  });

  it('finds no plain SHA-256 or MD5 (hex or base64) of a card number or CVV in any table (request fingerprints included), event or log', async () => {
    const tables = await scanEveryTable();
    const payments = PAYMENT_TABLES.find((name) => name.endsWith('-payments'))!;
    // Each payment above keeps its request's fingerprint (its Idempotency-Key's record): the scan sees them.
    expect(tables.get(payments)!.match(/"fingerprint":/g)?.length ?? 0).toBeGreaterThan(10);
    const places: Record<string, string> = {
      ...Object.fromEntries(tables),
      events: JSON.stringify(await busEvents()),
      logs: await (await fetch(`${ENDPOINT}/_local/logs`)).text(),
    };
    // Each card number as the digits and as typed, each CVV; hex compared without regard to case.
    const secrets = [...usedCardNumbers, ...typedCardNumbers, ...usedCvvs];
    const digests = secrets.flatMap((secret) => plainDigests(secret).map((digest) => ({ secret, digest })));
    expect(digests.length).toBe(secrets.length * 6);
    for (const [where, text] of Object.entries(places)) {
      const lower = text.toLowerCase();
      const found = digests
        .filter(({ digest }) => text.includes(digest) || lower.includes(digest.toLowerCase()))
        .map(({ secret }) => secret);
      expect({ where, found }).toEqual({ where, found: [] });
    }
  });
});
