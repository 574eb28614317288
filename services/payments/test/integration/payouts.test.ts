/**
 * Payouts over the running payments API and the simulated provider: each documented outcome (by signed webhook and,
 * when the webhook is lost, by the reconciler's polling), idempotent retries, the daily limit, four-eyes approval,
 * holds after a destination change, forged and replayed webhooks refused, and a complete audit trail that never
 * holds an account number.
 */
import { describeWithServices } from '@payflow/local-cloud/src/testing';
import { signWebhook } from '../../src/domain/webhook-signature';
import {
  anonymous,
  api,
  bearerOf,
  ENDPOINT,
  injectFault,
  newKey,
  otherMerchant,
  scanAll,
  waitForEvents,
  type BusEvent,
} from './local';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked by expectations
type Json = any;

const WEBHOOK_SECRET = 'local-payout-webhook-secret';
const PAYPAL = { type: 'paypal', email: 'ada.payee@example.com' };
const BANK = {
  type: 'bank_account',
  accountNumber: 'GB33 BUKB 2020 1555 5555 55',
  holderName: 'Ada Lovelace',
};

async function newCustomer(): Promise<string> {
  const customerId = `cust-${newKey().slice(0, 8)}`;
  const created = await api('POST', '/customers', {
    body: {
      customerId,
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      phone: '+447700900123',
      channels: ['email', 'sms'],
    },
    headers: await bearerOf('tea-shop'),
  });
  expect(created.status).toBe(201);
  return customerId;
}

const payoutBody = (customerId: string, amount: number, extra: Record<string, unknown> = {}) => ({
  customerId,
  amount: { amount, currency: 'EUR' },
  destination: PAYPAL,
  reference: 'Claim 2026-117',
  ...extra,
});

async function requestPayout(body: unknown, as: Parameters<typeof bearerOf>[0] = 'tea-shop', key = newKey()) {
  return api('POST', '/payouts', { body, key, headers: await bearerOf(as) });
}

async function payoutOf(payoutId: string) {
  return (await api('GET', `/payouts/${payoutId}`, { headers: await bearerOf('tea-shop') })).body as Json;
}

/** Polls the payout until it leaves PENDING (or the time is up). */
async function settled(payoutId: string, timeoutMs = 30_000): Promise<Json> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const payout = await payoutOf(payoutId);
    if (!['PENDING', 'SUBMITTING'].includes(payout.status) || Date.now() > deadline) return payout;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

const about = (payoutId: string, detailType: string) => (event: BusEvent) =>
  event['detail-type'] === detailType && event.detail.data.payoutId === payoutId;

describe('payouts', () => {
  it('pays a customer out: PENDING at once, SUCCEEDED by the signed webhook, announced once each', async () => {
    const customerId = await newCustomer();
    const response = await requestPayout(payoutBody(customerId, 2500));
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      status: 'PENDING',
      customerId,
      merchantId: 'tea-shop',
      destination: { type: 'paypal', masked: 'a***@example.com' },
      holds: [],
    });
    const payout = await settled(response.body.payoutId);
    expect(payout.status).toBe('SUCCEEDED');
    expect(payout.history.map((entry: Json) => [entry.action, entry.status, entry.source])).toEqual([
      ['REQUESTED', 'SUBMITTING', 'api'],
      ['SUBMITTED', 'PENDING', 'api'],
      ['PROVIDER_STATUS', 'SUCCEEDED', 'webhook'],
    ]);
    expect(payout.history[0].by).toBe('tea-shop');
    const sent = await waitForEvents(about(payout.payoutId, 'PayoutSent'));
    expect(sent).toHaveLength(1);
    expect(sent[0]!.detail.data.notification).toEqual({
      channels: ['email', 'sms'],
      email: 'ada@example.com',
      phone: '+447700900123',
    });
    expect(await waitForEvents(about(payout.payoutId, 'PayoutRequested'))).toHaveLength(1);
  });

  it.each([
    ['3.00 fails (account locked)', 300, PAYPAL, 'FAILED', 'RECEIVER_ACCOUNT_LOCKED', 'webhook'],
    ['4.00 is never claimed', 400, PAYPAL, 'UNCLAIMED', 'RECEIVER_UNREGISTERED', 'webhook'],
    [
      'a bank account ending 0000 does not exist',
      2500,
      { ...BANK, accountNumber: '12340000' },
      'FAILED',
      'INVALID_ACCOUNT',
      'webhook',
    ],
    ['5.00 succeeds with its webhook lost: polling finds it', 500, PAYPAL, 'SUCCEEDED', undefined, 'poll'],
  ])('%s', async (_title, amount, destination, status, code, source) => {
    const customerId = await newCustomer();
    const response = await requestPayout(payoutBody(customerId, amount, { destination }));
    expect(response.status).toBe(201);
    const payout = await settled(response.body.payoutId);
    expect(payout.status).toBe(status);
    expect(payout.failureCode).toBe(code);
    expect(payout.history.at(-1)).toMatchObject({
      action: 'PROVIDER_STATUS',
      providerStatus: status,
      source,
    });
    const detailType = status === 'SUCCEEDED' ? 'PayoutSent' : 'PayoutFailed';
    const events = await waitForEvents(about(payout.payoutId, detailType));
    expect(events).toHaveLength(1);
    if (status !== 'SUCCEEDED')
      expect(events[0]!.detail.data).toMatchObject({ status, reason: payout.reason });
  });

  it('answers 202 when the provider does not answer, and the reconciler submits the payout again (paid once)', async () => {
    const customerId = await newCustomer();
    // The provider's record of the payout cannot be written: submit fails after the payout was recorded.
    await injectFault({
      service: 'dynamodb',
      operation: 'PutItem',
      error: 'ValidationException',
      match: ['payflow-payments-local-payout-provider', 'payout#po_'],
    });
    const response = await requestPayout(payoutBody(customerId, 2600));
    expect(response.status).toBe(202);
    expect(response.body.status).toBe('SUBMITTING');
    const payout = await settled(response.body.payoutId, 90_000);
    expect(payout.status).toBe('SUCCEEDED');
    expect(payout.history.map((entry: Json) => entry.action)).toEqual([
      'REQUESTED',
      'SUBMITTED',
      'PROVIDER_STATUS',
    ]);
    expect(await waitForEvents(about(payout.payoutId, 'PayoutSent'))).toHaveLength(1);
  });

  it('answers a retry with the same key and body with the first payout, and refuses the key for another body', async () => {
    const customerId = await newCustomer();
    const key = newKey();
    const first = await requestPayout(payoutBody(customerId, 1200), 'tea-shop', key);
    const again = await requestPayout(payoutBody(customerId, 1200), 'tea-shop', key);
    expect(again.status).toBe(first.status);
    expect(again.body.payoutId).toBe(first.body.payoutId);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const other = await requestPayout(payoutBody(customerId, 1300), 'tea-shop', key);
    expect(other.status).toBe(422);
    await settled(first.body.payoutId);
    const page = await api('GET', `/customers/${customerId}/payouts`, {
      headers: await bearerOf('tea-shop'),
    });
    expect(page.body.payouts).toHaveLength(1);
    expect(await waitForEvents(about(first.body.payoutId, 'PayoutRequested'))).toHaveLength(1);
  });

  it("refuses a payout past the merchant's daily limit (422), and a rejected payout gives its amount back", async () => {
    const customerId = await newCustomer();
    const big = await requestPayout(
      payoutBody(customerId, 950_000, { amount: { amount: 950_000, currency: 'CHF' } }),
    );
    expect(big.status).toBe(201);
    expect(big.body.status).toBe('AWAITING_APPROVAL');
    const over = await requestPayout(
      payoutBody(customerId, 60_000, { amount: { amount: 60_000, currency: 'CHF' } }),
    );
    expect(over.status).toBe(422);
    expect(over.body.detail).toMatch(
      /daily payout limit of 10000.00 CHF would be exceeded by this 600.00 CHF/,
    );
    const tooBig = await requestPayout(
      payoutBody(customerId, 1_000_001, { amount: { amount: 1_000_001, currency: 'CHF' } }),
    );
    expect(tooBig.status).toBe(422);
    const rejected = await api('POST', `/payouts/${big.body.payoutId}/approval`, {
      body: { decision: 'reject', note: 'Not agreed with the claims team' },
      headers: await bearerOf('second-operator'),
    });
    expect(rejected.status).toBe(200);
    expect(rejected.body.status).toBe('REJECTED');
    const now = await requestPayout(
      payoutBody(customerId, 60_000, { amount: { amount: 60_000, currency: 'CHF' } }),
    );
    expect(now.status).toBe(201);
    expect(await waitForEvents(about(big.body.payoutId, 'PayoutFailed'))).toHaveLength(1);
  });

  it('holds a payout above the threshold until a second operator approves; the requester cannot', async () => {
    const customerId = await newCustomer();
    const held = await requestPayout(payoutBody(customerId, 150_000), 'operator-console');
    expect(held.status).toBe(201);
    expect(held.body).toMatchObject({ status: 'AWAITING_APPROVAL', holds: ['ABOVE_APPROVAL_THRESHOLD'] });
    expect(held.body.providerReference).toBeUndefined();
    const path = `/payouts/${held.body.payoutId}/approval`;
    const byRequester = await api('POST', path, {
      body: { decision: 'approve' },
      headers: await bearerOf('operator-console'),
    });
    expect(byRequester.status).toBe(403);
    expect(byRequester.body.detail).toMatch(/other than the one who requested it/);
    const byMerchant = await api('POST', path, {
      body: { decision: 'approve' },
      headers: await bearerOf('tea-shop'),
    });
    expect(byMerchant.status).toBe(403);
    expect((await payoutOf(held.body.payoutId)).status).toBe('AWAITING_APPROVAL');
    const approved = await api('POST', path, {
      body: { decision: 'approve', note: 'Checked against claim 2026-117' },
      headers: await bearerOf('second-operator'),
    });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'PENDING', approvedBy: 'second-operator' });
    const twice = await api('POST', path, {
      body: { decision: 'approve' },
      headers: await bearerOf('second-operator'),
    });
    expect(twice.status).toBe(409);
    const payout = await settled(held.body.payoutId);
    expect(payout.status).toBe('SUCCEEDED');
    expect(payout.history.map((entry: Json) => [entry.action, entry.by])).toEqual([
      ['REQUESTED', 'operator-console'],
      ['HELD', undefined],
      ['APPROVED', 'second-operator'],
      ['SUBMITTED', undefined],
      ['PROVIDER_STATUS', undefined],
    ]);
    for (const entry of payout.history) expect(Date.parse(entry.at)).not.toBeNaN();
  });

  it('holds payouts to a changed destination for review, and never stores the account number', async () => {
    const customerId = await newCustomer();
    const first = await requestPayout(payoutBody(customerId, 2000));
    expect(first.body.status).toBe('PENDING');
    const changed = await requestPayout(payoutBody(customerId, 2100, { destination: BANK }));
    expect(changed.status).toBe(201);
    expect(changed.body).toMatchObject({
      status: 'AWAITING_APPROVAL',
      holds: ['DESTINATION_RECENTLY_CHANGED'],
      destination: { type: 'bank_account', masked: '****5555' },
    });
    const customer = await api('GET', `/customers/${customerId}`, { headers: await bearerOf('tea-shop') });
    expect(customer.body.payoutDestination).toEqual({ type: 'bank_account', masked: '****5555' });
    expect(Date.parse(customer.body.destinationChangedAt)).not.toBeNaN();
    const sameAgain = await requestPayout(payoutBody(customerId, 2200, { destination: BANK }));
    expect(sameAgain.body.holds).toEqual(['DESTINATION_RECENTLY_CHANGED']);
    const stored = JSON.stringify([
      ...(await scanAll('payflow-payments-local-payouts')),
      ...(await scanAll('payflow-payments-local-customers')),
      ...(await scanAll('payflow-payments-local-idempotency')),
    ]);
    expect(stored).not.toContain('GB33BUKB20201555555555');
    expect(stored).not.toContain('20201555555555');
  });

  describe('provider webhooks', () => {
    async function pendingPayout(amount = 500): Promise<Json> {
      // 5.00: the simulator sends no webhook of its own, so the test's are the only ones.
      const response = await requestPayout(payoutBody(await newCustomer(), amount));
      expect(response.body.status).toBe('PENDING');
      return response.body;
    }
    const report = (payout: Json, extra: Record<string, unknown> = {}) =>
      JSON.stringify({
        id: `evt_test_${newKey()}`,
        type: 'payout.updated',
        data: {
          payoutId: payout.payoutId,
          providerReference: payout.providerReference,
          status: 'FAILED',
          amount: payout.amount,
          code: 'FORGED',
          reason: 'forged',
          at: new Date().toISOString(),
          ...extra,
        },
      });
    const post = (body: string, signature?: string) =>
      anonymous('POST', '/webhooks/payouts', {
        raw: body,
        headers: signature ? { 'payflow-provider-signature': signature } : {},
      });

    it('refuses an unsigned, forged, tampered or stale webhook with 401 and changes nothing', async () => {
      const payout = await pendingPayout();
      const body = report(payout);
      expect((await post(body)).status).toBe(401);
      expect((await post(body, signWebhook(body, 'not-the-secret', new Date()))).status).toBe(401);
      const signature = signWebhook(body, WEBHOOK_SECRET, new Date());
      expect((await post(body.replace('"FAILED"', '"SUCCEEDED"'), signature)).status).toBe(401);
      const stale = signWebhook(body, WEBHOOK_SECRET, new Date(Date.now() - 10 * 60_000));
      const refused = await post(body, stale);
      expect(refused.status).toBe(401);
      expect(refused.headers.get('content-type')).toMatch(/problem\+json/);
      expect((await payoutOf(payout.payoutId)).history).toHaveLength(2);
    });

    it('records a signed webhook once: a replay within the window changes nothing', async () => {
      const payout = await pendingPayout();
      const body = report(payout, { status: 'SUCCEEDED', code: undefined, reason: undefined });
      const signature = signWebhook(body, WEBHOOK_SECRET, new Date());
      const first = await post(body, signature);
      expect(first.status).toBe(200);
      expect(first.body).toEqual({ received: true, duplicate: false, status: 'SUCCEEDED' });
      const replay = await post(body, signature);
      expect(replay.status).toBe(200);
      expect(replay.body.duplicate).toBe(true);
      const failedLater = report(payout);
      expect(
        (await post(failedLater, signWebhook(failedLater, WEBHOOK_SECRET, new Date()))).body.duplicate,
      ).toBe(true);
      const after = await payoutOf(payout.payoutId);
      expect(after.status).toBe('SUCCEEDED');
      expect(after.history).toHaveLength(3);
      expect(await waitForEvents(about(payout.payoutId, 'PayoutSent'), 2, 3000)).toHaveLength(1);
    });

    it('refuses a signed report that does not match the payout (another amount) with 422', async () => {
      const payout = await pendingPayout();
      const body = report(payout, { amount: { amount: 999_999, currency: 'EUR' } });
      expect((await post(body, signWebhook(body, WEBHOOK_SECRET, new Date()))).status).toBe(422);
      expect((await payoutOf(payout.payoutId)).status).toBe('PENDING');
    });
  });

  it("keeps payouts from strangers and other merchants, and pages a customer's payouts", async () => {
    const customerId = await newCustomer();
    const first = await requestPayout(payoutBody(customerId, 1500));
    await requestPayout(payoutBody(customerId, 1600));
    const other = await otherMerchant();
    expect((await api('GET', `/payouts/${first.body.payoutId}`, { headers: other })).status).toBe(404);
    expect((await api('GET', `/customers/${customerId}/payouts`, { headers: other })).status).toBe(404);
    const theirs = await api('POST', '/payouts', {
      body: payoutBody(customerId, 1500),
      key: newKey(),
      headers: other,
    });
    expect(theirs.status).toBe(404);
    expect(
      (await anonymous('POST', '/payouts', { body: payoutBody(customerId, 1500), key: newKey() })).status,
    ).toBe(401);
    expect((await anonymous('GET', `/payouts/${first.body.payoutId}`)).status).toBe(401);
    const merchant = await bearerOf('tea-shop');
    const page1 = await api('GET', `/customers/${customerId}/payouts?limit=1`, { headers: merchant });
    expect(page1.body.payouts).toHaveLength(1);
    expect(page1.body.nextCursor).toEqual(expect.any(String));
    const page2 = await api(
      'GET',
      `/customers/${customerId}/payouts?limit=1&cursor=${page1.body.nextCursor}`,
      {
        headers: merchant,
      },
    );
    expect(page2.body.payouts[0].payoutId).not.toBe(page1.body.payouts[0].payoutId);
    const forged = await api('GET', `/customers/${customerId}/payouts?cursor=bm90LW91cnM`, {
      headers: merchant,
    });
    expect(forged.status).toBe(400);
  });
});

// The customer is told by notification (the whole suite, or PAYFLOW_TEST_SERVICES=payments,notification).
describeWithServices(['payments', 'notification'])('payout messages', () => {
  it('tells the customer by their stored channels: e-mail and SMS when paid, the reason when not', async () => {
    const suffix = newKey().slice(0, 8);
    const email = `payee-${suffix}@example.com`;
    const phone = `+4477009${String(Math.floor(Math.random() * 100_000)).padStart(5, '0')}`;
    const customerId = `cust-${suffix}`;
    await api('POST', '/customers', {
      body: { customerId, name: 'Ada Lovelace', email, phone, channels: ['email', 'sms'] },
      headers: await bearerOf('tea-shop'),
    });
    await requestPayout(payoutBody(customerId, 2500));
    await requestPayout(payoutBody(customerId, 300));
    const deadline = Date.now() + 60_000;
    let emails: Json[] = [];
    let texts: Json[] = [];
    while (Date.now() < deadline && (emails.length < 2 || texts.length < 2)) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      emails = (await (
        await fetch(`${ENDPOINT}/_local/emails?to=${encodeURIComponent(email)}`)
      ).json()) as Json[];
      texts = (await (
        await fetch(`${ENDPOINT}/_local/sms?phoneNumber=${encodeURIComponent(phone)}`)
      ).json()) as Json[];
    }
    const subjects = emails.map((message) => message.subject).sort();
    expect(subjects).toEqual([
      'Money not sent: 3.00 EUR to PayPal a***@example.com',
      'Money sent: 25.00 EUR to PayPal a***@example.com',
    ]);
    expect(texts).toHaveLength(2);
    expect(JSON.stringify(texts)).toContain("The recipient's account is locked");
  });
});
