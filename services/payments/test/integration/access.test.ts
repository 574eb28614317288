/**
 * Who may call what (README's route table), against the running payments API and the local issuer: every guarded
 * route refuses what a stranger, a forger or another merchant sends, with a bare problem+json; customers reach an
 * invoice only with its pay link or access code; repeated wrong codes and declines are slowed down.
 */
import { accessCodeFor, payLinkToken } from '@payflow/shared';
import { createSign, generateKeyPairSync, randomUUID } from 'node:crypto';
import {
  anonymous,
  api,
  busEvents,
  CARD,
  ENDPOINT,
  ensureInvoicesTable,
  freshCard,
  LOCAL_PAY_LINK_KEY,
  newKey,
  payBody,
  payLinkFor,
  seedBill,
  tokenOf,
  waitForEvents,
} from './local';

const ISSUER = process.env.PAYFLOW_TOKEN_ISSUER ?? `${ENDPOINT}/local_payflowlocal`;

async function minted(
  clientId: string,
  claims: Record<string, unknown> = {},
  scope?: string,
): Promise<string> {
  const response = await fetch(`${ENDPOINT}/_local/cognito/mint`, {
    method: 'POST',
    body: JSON.stringify({ clientId, claims, ...(scope ? { scope } : {}) }),
  });
  const body = (await response.json()) as { access_token: string };
  return body.access_token;
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A token with every claim right but signed by a key of our own (not the issuer's). */
function signedByAnotherKey(): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const now = Math.floor(Date.now() / 1000);
  const header = base64url({ alg: 'RS256', kid: 'not-the-issuers', typ: 'JWT' });
  const payload = base64url({
    sub: 'operator-console',
    client_id: 'operator-console',
    token_use: 'access',
    scope: 'payments/read payments/admin payments/refund payments/sessions',
    iss: ISSUER,
    iat: now,
    exp: now + 3600,
  });
  const signature = createSign('RSA-SHA256')
    .update(`${header}.${payload}`)
    .sign(privateKey)
    .toString('base64url');
  return `${header}.${payload}.${signature}`;
}

/** `alg: none`: claims anyone can write, no signature. */
function unsigned(): string {
  const now = Math.floor(Date.now() / 1000);
  return `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({
    sub: 'operator-console',
    client_id: 'operator-console',
    token_use: 'access',
    scope: 'payments/read payments/admin payments/refund payments/sessions',
    iss: ISSUER,
    iat: now,
    exp: now + 3600,
  })}.`;
}

interface GuardedRoute {
  name: string;
  method: string;
  path: () => Promise<string>;
  body?: unknown;
  /** The client and scopes that may call it. */
  client: 'operator-console' | 'tea-shop';
  /** A scope of that client that is not enough here. */
  insufficientScope: string;
}

let invoicePaymentId: string;
let customerId: string;

beforeAll(async () => {
  await ensureInvoicesTable();
  const bill = await seedBill(10000);
  customerId = bill.customerId;
  const paid = await api('POST', `/invoices/${bill.invoiceId}/payments`, {
    body: payBody(1500),
    key: newKey(),
  });
  invoicePaymentId = paid.body.paymentId;
});

const guarded: GuardedRoute[] = [
  {
    name: 'GET /payments/{id}',
    method: 'GET',
    path: async () => `/payments/${invoicePaymentId}`,
    client: 'operator-console',
    insufficientScope: 'payments/payouts',
  },
  {
    name: 'GET /customers/{id}/payments',
    method: 'GET',
    path: async () => `/customers/${customerId}/payments`,
    client: 'operator-console',
    insufficientScope: 'payments/read',
  },
  {
    name: 'POST /payment-sessions',
    method: 'POST',
    path: async () => '/payment-sessions',
    body: { orderId: 'ord-access', amount: { amount: 2500, currency: 'EUR' } },
    client: 'tea-shop',
    insufficientScope: 'payments/read',
  },
  {
    name: 'POST /payments/{id}/refunds',
    method: 'POST',
    path: async () => `/payments/${invoicePaymentId}/refunds`,
    body: { reason: 'A test that must not refund anything' },
    client: 'operator-console',
    insufficientScope: 'payments/admin',
  },
];

describe.each(guarded)('$name refuses', (route) => {
  async function call(authorization?: string) {
    return anonymous(route.method, await route.path(), {
      ...(route.body ? { body: route.body } : {}),
      key: newKey(),
      headers: authorization ? { authorization } : {},
    });
  }

  function expectBare(response: Awaited<ReturnType<typeof call>>, status: number) {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    // Nothing that helps an attacker: the same words whatever was wrong with the token.
    expect(response.body.detail).toBe(
      status === 401
        ? 'A valid bearer token is required for this route.'
        : 'The token does not allow this operation.',
    );
  }

  it('no token (401)', async () => expectBare(await call(), 401));
  it('a token signed by another key (401)', async () =>
    expectBare(await call(`Bearer ${signedByAnotherKey()}`), 401));
  it('an unsigned token, alg none (401)', async () => expectBare(await call(`Bearer ${unsigned()}`), 401));
  it('an expired token (401)', async () => {
    const expired = await minted(route.client, { exp: Math.floor(Date.now() / 1000) - 60 });
    expectBare(await call(`Bearer ${expired}`), 401);
  });
  it('a token of another issuer (401)', async () => {
    const foreign = await minted(route.client, {
      iss: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_other',
    });
    expectBare(await call(`Bearer ${foreign}`), 401);
  });
  it('a token of an app client this API does not accept (401)', async () => {
    const stranger = await minted(route.client, { client_id: 'someone-elses-app', sub: 'someone-elses-app' });
    expectBare(await call(`Bearer ${stranger}`), 401);
  });
  it("a token without the route's scope (403)", async () => {
    const narrow = await minted(route.client, {}, route.insufficientScope);
    expectBare(await call(`Bearer ${narrow}`), 403);
  });
});

describe('merchant scoping', () => {
  it("answers another merchant's payment as one that does not exist (404)", async () => {
    const session = await api('POST', '/payment-sessions', {
      body: {
        orderId: `ord-${randomUUID().slice(0, 8)}`,
        amount: { amount: 2500, currency: 'EUR' },
        notification: { channels: ['email'], email: 'shop@example.com' },
      },
    });
    const paid = await api('POST', `/payment-sessions/${session.body.sessionId}/pay`, {
      body: { card: CARD },
      key: newKey(),
    });
    expect(paid.status).toBe(201);
    const own = await anonymous('GET', `/payments/${paid.body.paymentId}`, {
      headers: { authorization: `Bearer ${await tokenOf('tea-shop')}` },
    });
    expect(own.status).toBe(200);
    const other = await anonymous('GET', `/payments/${paid.body.paymentId}`, {
      headers: { authorization: `Bearer ${await tokenOf('checkout')}` },
    });
    expect(other.status).toBe(404);
    // An invoice payment belongs to no merchant: only operators read it.
    const invoicePayment = await anonymous('GET', `/payments/${invoicePaymentId}`, {
      headers: { authorization: `Bearer ${await tokenOf('tea-shop')}` },
    });
    expect(invoicePayment.status).toBe(404);
  });

  it("creates a session for the caller's own merchant only", async () => {
    const posing = await api('POST', '/payment-sessions', {
      body: { orderId: 'ord-posing', merchantId: 'checkout', amount: { amount: 2500, currency: 'EUR' } },
    });
    expect(posing.status).toBe(403);
    const own = await api('POST', '/payment-sessions', {
      body: { orderId: 'ord-own', amount: { amount: 2500, currency: 'EUR' } },
    });
    expect(own.status).toBe(201);
    expect(own.body.merchantId).toBe('tea-shop');
  });
});

describe('customers reach an invoice with its pay link or its access code', () => {
  it('answers a number alone, a wrong code, an expired link and a link for another invoice exactly as an unknown invoice', async () => {
    const bill = await seedBill(10000);
    const other = await seedBill(10000);
    const unknown = await anonymous('GET', '/invoices/NO-SUCH-INVOICE');
    const expectLikeUnknown = (response: Awaited<ReturnType<typeof anonymous>>) => {
      expect(response.status).toBe(404);
      expect(response.body.title).toBe(unknown.body.title);
      expect(response.body.detail).toBe(unknown.body.detail.replace('NO-SUCH-INVOICE', bill.invoiceId));
    };
    expectLikeUnknown(await anonymous('GET', `/invoices/${bill.invoiceId}`));
    expectLikeUnknown(
      await anonymous('GET', `/invoices/${bill.invoiceId}`, { headers: { 'x-access-code': 'AAAA-AAAA' } }),
    );
    expectLikeUnknown(
      await anonymous('GET', `/invoices/${bill.invoiceId}`, {
        headers: {
          'x-pay-link': payLinkToken(bill.invoiceId, new Date(Date.now() - 1000), LOCAL_PAY_LINK_KEY),
        },
      }),
    );
    expectLikeUnknown(
      await anonymous('GET', `/invoices/${bill.invoiceId}`, {
        headers: { 'x-pay-link': payLinkFor(other.invoiceId) },
      }),
    );
    expectLikeUnknown(
      await anonymous('POST', `/invoices/${bill.invoiceId}/payments`, { body: payBody(1000), key: newKey() }),
    );
  });

  it('opens with the pay link, and with the access code in any case and spacing', async () => {
    const bill = await seedBill(10000);
    expect(
      (
        await anonymous('GET', `/invoices/${bill.invoiceId}`, {
          headers: { 'x-pay-link': payLinkFor(bill.invoiceId) },
        })
      ).status,
    ).toBe(200);
    const code = accessCodeFor(bill.invoiceId, LOCAL_PAY_LINK_KEY).toLowerCase().replace('-', ' ');
    expect(
      (await anonymous('GET', `/invoices/${bill.invoiceId}`, { headers: { 'x-access-code': code } })).status,
    ).toBe(200);
  });

  it('throttles repeated wrong codes for an invoice: 429 with Retry-After, even for the right code', async () => {
    const bill = await seedBill(10000);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      statuses.push(
        (
          await anonymous('GET', `/invoices/${bill.invoiceId}`, {
            headers: { 'x-access-code': `WRONG-${i}000` },
          })
        ).status,
      );
    }
    expect(statuses).toEqual([404, 404, 404, 404, 404, 429]);
    const right = await anonymous('GET', `/invoices/${bill.invoiceId}`, {
      headers: { 'x-access-code': accessCodeFor(bill.invoiceId, LOCAL_PAY_LINK_KEY) },
    });
    expect(right.status).toBe(429);
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0);
    // The pay link is not a guess: it still opens the invoice.
    expect(
      (
        await anonymous('GET', `/invoices/${bill.invoiceId}`, {
          headers: { 'x-pay-link': payLinkFor(bill.invoiceId) },
        })
      ).status,
    ).toBe(200);
  });
});

describe('strangers are slowed down', () => {
  it('refuses a payment below the currency minimum (422)', async () => {
    const bill = await seedBill(10000);
    const response = await api('POST', `/invoices/${bill.invoiceId}/payments`, {
      body: payBody(1),
      key: newKey(),
    });
    expect(response.status).toBe(422);
    expect(response.body.errors).toEqual([
      {
        path: 'body.amount.amount',
        message: 'amount is below the smallest payment this currency allows (e.g. 0.50 EUR)',
      },
    ]);
  });

  it('after 10 declines of one card, answers 429 with Retry-After and does not ask the bank', async () => {
    const bill = await seedBill(100000);
    // A card of its own (declined by the 1.00 rule), so no other test's declines count against it.
    const card = freshCard();
    const statuses: number[] = [];
    for (let i = 0; i < 10; i += 1) {
      const declined = await api('POST', `/invoices/${bill.invoiceId}/payments`, {
        body: payBody(100, { card }),
        key: newKey(),
      });
      statuses.push(declined.status);
    }
    expect(statuses).toEqual(Array(10).fill(402));
    const eleventh = await api('POST', `/invoices/${bill.invoiceId}/payments`, {
      body: payBody(100, { card }),
      key: newKey(),
    });
    expect(eleventh.status).toBe(429);
    expect(Number(eleventh.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another card is not held up by this one's declines.
    const other = await api('POST', `/invoices/${bill.invoiceId}/payments`, {
      body: payBody(1000),
      key: newKey(),
    });
    expect(other.status).toBe(201);
    // No eleventh charge: ten PaymentFailed events for this invoice, no more. The other card's payment came
    // after all of them; once its PaymentSucceeded is on the bus, so is anything the declines published.
    const [succeeded] = await waitForEvents(
      (event) =>
        event['detail-type'] === 'PaymentSucceeded' && event.detail.data.paymentId === other.body.paymentId,
    );
    expect(succeeded).toBeDefined();
    const failed = (await busEvents()).filter(
      (event) => event['detail-type'] === 'PaymentFailed' && event.detail.data.invoiceId === bill.invoiceId,
    );
    expect(failed).toHaveLength(10);
  });

  it("sends an invoice's receipt to the bill's own contact, never to an address the payer typed", async () => {
    const bill = await seedBill(10000);
    const paid = await api('POST', `/invoices/${bill.invoiceId}/payments`, {
      body: payBody(1000, {
        notification: { channels: ['sms', 'email'], phone: '+15550001234', email: 'stranger@example.com' },
      }),
      key: newKey(),
    });
    expect(paid.status).toBe(201);
    const [event] = (await busEvents()).filter(
      (candidate) =>
        candidate['detail-type'] === 'PaymentSucceeded' &&
        candidate.detail.data.paymentId === paid.body.paymentId,
    );
    expect(event?.detail.data.notification).toEqual({
      channels: ['sms', 'email'],
      email: 'grace@example.com',
      phone: '+447700900123',
    });
  });
});

describe('an operator refund', () => {
  it('gives part of an invoice payment back, once per key, and the invoice is due again by that much', async () => {
    const bill = await seedBill(10000);
    const paid = await api('POST', `/invoices/${bill.invoiceId}/payments`, {
      body: payBody(4000),
      key: newKey(),
    });
    const key = newKey();
    const body = { amount: { amount: 1500, currency: 'EUR' }, reason: 'Goodwill: late delivery' };
    const refunded = await api('POST', `/payments/${paid.body.paymentId}/refunds`, { body, key });
    expect(refunded.status).toBe(201);
    expect(refunded.body).toMatchObject({
      status: 'REFUNDED',
      refundAmount: { amount: 1500, currency: 'EUR' },
    });
    const again = await api('POST', `/payments/${paid.body.paymentId}/refunds`, { body, key });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect((await api('GET', `/invoices/${bill.invoiceId}`)).body.paid.amount).toBe(2500);
    const events = (await busEvents()).filter(
      (event) =>
        event['detail-type'] === 'PaymentRefunded' && event.detail.data.paymentId === paid.body.paymentId,
    );
    expect(events.map((event) => event.detail.data.amount)).toEqual([{ amount: 1500, currency: 'EUR' }]);
  });

  it('refuses more than was paid', async () => {
    const bill = await seedBill(10000);
    const paid = await api('POST', `/invoices/${bill.invoiceId}/payments`, {
      body: payBody(1000),
      key: newKey(),
    });
    const refused = await api('POST', `/payments/${paid.body.paymentId}/refunds`, {
      body: { amount: { amount: 5000, currency: 'EUR' }, reason: 'Too much' },
      key: newKey(),
    });
    expect(refused.status).toBe(409);
  });
});

describe('CORS', () => {
  it("allows the billing page's origin and no other", async () => {
    const bill = await seedBill(10000);
    const headers = { 'x-pay-link': payLinkFor(bill.invoiceId) };
    const page = await anonymous('GET', `/invoices/${bill.invoiceId}`, {
      headers: { ...headers, origin: 'http://localhost:3000' },
    });
    expect(page.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    const evil = await anonymous('GET', `/invoices/${bill.invoiceId}`, {
      headers: { ...headers, origin: 'https://evil.example' },
    });
    expect(evil.headers.get('access-control-allow-origin')).not.toBe('*');
    expect(evil.headers.get('access-control-allow-origin')).not.toBe('https://evil.example');
  });
});
