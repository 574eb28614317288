/**
 * The payments API's OpenAPI 3.1 document, as GET /openapi.json serves it: a valid document, every httpApi route of
 * serverless.yml in it and no other, and real requests and answers of this API valid against it.
 */
import {
  assertMatchesSchema,
  assertValidOpenApi,
  documentedRoutes,
  openApiSchema,
  serverlessHttpRoutes,
} from '@payflow/local-cloud/src/testing';
import path from 'node:path';
import { anonymous, api, CARD, ensureInvoicesTable, newKey, payBody, seedBill } from './local';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the document is read as JSON
let document: any;

beforeAll(async () => {
  await ensureInvoicesTable();
  const response = await anonymous('GET', '/openapi.json');
  expect(response.status).toBe(200);
  document = response.body;
});

const answer = (route: string, method: string, status: number, type?: string) =>
  openApiSchema(document, route, method, { status, ...(type ? { type } : {}) });

describe('GET /openapi.json', () => {
  it('is a valid OpenAPI 3.1 document with its security schemes', () => {
    expect(() => assertValidOpenApi(document)).not.toThrow();
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual([
      'accessCode',
      'bearer',
      'payLink',
      'providerSignature',
    ]);
  });

  it('has every route serverless.yml declares, and none it does not', () => {
    expect(documentedRoutes(document).sort()).toEqual(
      serverlessHttpRoutes(path.resolve(__dirname, '../..')).sort(),
    );
  });

  it('describes what this API really takes and answers', async () => {
    const bill = await seedBill(10000);
    const body = payBody(2500);
    assertMatchesSchema(openApiSchema(document, '/invoices/{invoiceId}/payments', 'POST', 'request'), body);
    const paid = await api('POST', `/invoices/${bill.invoiceId}/payments`, { body, key: newKey() });
    expect(paid.status).toBe(201);
    assertMatchesSchema(answer('/invoices/{invoiceId}/payments', 'POST', 201), paid.body);

    const invoice = await api('GET', `/invoices/${bill.invoiceId}`);
    assertMatchesSchema(answer('/invoices/{invoiceId}', 'GET', 200), invoice.body);
    const payment = await api('GET', `/payments/${paid.body.paymentId}`);
    assertMatchesSchema(answer('/payments/{paymentId}', 'GET', 200), payment.body);
    const history = await api('GET', `/customers/${bill.customerId}/payments`);
    assertMatchesSchema(answer('/customers/{customerId}/payments', 'GET', 200), history.body);

    const sessionBody = { orderId: `ord-${newKey().slice(0, 8)}`, amount: { amount: 1999, currency: 'EUR' } };
    assertMatchesSchema(openApiSchema(document, '/payment-sessions', 'POST', 'request'), sessionBody);
    const session = await api('POST', '/payment-sessions', { body: sessionBody });
    assertMatchesSchema(answer('/payment-sessions', 'POST', 201), session.body);
    const declined = await api('POST', `/payment-sessions/${session.body.sessionId}/pay`, {
      body: {
        card: { ...CARD, number: '4000 0000 0000 0002' },
        notification: { channels: ['email'], email: 'a@example.com' },
      },
      key: newKey(),
    });
    expect(declined.status).toBe(402);
    assertMatchesSchema(answer('/payment-sessions/{sessionId}/pay', 'POST', 402), declined.body);

    const unknown = await anonymous('GET', '/invoices/NO-SUCH');
    assertMatchesSchema(
      answer('/invoices/{invoiceId}', 'GET', 404, 'application/problem+json'),
      unknown.body,
    );
    const stranger = await anonymous('GET', `/payments/${paid.body.paymentId}`);
    assertMatchesSchema(
      answer('/payments/{paymentId}', 'GET', 401, 'application/problem+json'),
      stranger.body,
    );
  });

  it('refuses, by its schemas, a request the API refuses', () => {
    expect(() =>
      assertMatchesSchema(openApiSchema(document, '/invoices/{invoiceId}/payments', 'POST', 'request'), {
        amount: 1,
      }),
    ).toThrow(/not valid/);
  });
});
