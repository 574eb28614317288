/**
 * The checkout API's OpenAPI 3.1 document, as GET /openapi.json serves it: valid, every httpApi route of
 * serverless.yml in it and no other, and real requests and answers valid against it.
 */
import {
  assertMatchesSchema,
  assertValidOpenApi,
  documentedRoutes,
  openApiSchema,
  serverlessHttpRoutes,
} from '@payflow/local-cloud/src/testing';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { checkout, checkoutBody, waitForSession } from './local';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the document is read as JSON
let document: any;

beforeAll(async () => {
  const response = await checkout('GET', '/openapi.json');
  expect(response.status).toBe(200);
  document = response.body;
});

describe('GET /openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', () => {
    expect(() => assertValidOpenApi(document)).not.toThrow();
  });

  it('has every route serverless.yml declares, and none it does not', () => {
    expect(documentedRoutes(document).sort()).toEqual(
      serverlessHttpRoutes(path.resolve(__dirname, '../..')).sort(),
    );
  });

  it('describes what this API really takes and answers', async () => {
    const body = checkoutBody();
    assertMatchesSchema(openApiSchema(document, '/checkouts', 'POST', 'request'), body);
    const started = await checkout('POST', '/checkouts', { body, key: randomUUID() });
    expect(started.status).toBe(202);
    assertMatchesSchema(openApiSchema(document, '/checkouts', 'POST', { status: 202 }), started.body);
    const order = await waitForSession(started.body.orderId);
    assertMatchesSchema(openApiSchema(document, '/checkouts/{orderId}', 'GET', { status: 200 }), order);
    const refused = await checkout('POST', '/checkouts', {
      body: checkoutBody({
        items: [{ sku: 'MUG-STONEWARE', quantity: 1, unitPrice: { amount: 1, currency: 'GBP' } }],
      }),
      key: randomUUID(),
    });
    expect(refused.status).toBe(422);
    assertMatchesSchema(
      openApiSchema(document, '/checkouts', 'POST', { status: 422, type: 'application/problem+json' }),
      refused.body,
    );
    expect(() =>
      assertMatchesSchema(openApiSchema(document, '/checkouts', 'POST', 'request'), {
        ...body,
        items: [{ sku: 'MUG-STONEWARE', quantity: 1, unitPrice: { amount: 1, currency: 'GBP' } }],
      }),
    ).toThrow(/not valid/);
  });
});
