/**
 * The payments API's OpenAPI 3.1 document, as GET /openapi.json serves it: a valid document (the OpenAPI 3.1
 * schema, checked by @seriousme/openapi-schema-validator's CLI), every httpApi route of serverless.yml in it, and
 * real requests and answers of this API valid against it.
 */
import Ajv2020 from 'ajv/dist/2020';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { anonymous, api, CARD, ensureInvoicesTable, newKey, payBody, seedBill } from './local';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON document read as it is
type Json = any;

let document: Json;

beforeAll(async () => {
  await ensureInvoicesTable();
  const response = await anonymous('GET', '/openapi.json');
  expect(response.status).toBe(200);
  document = response.body;
});

/** Every `httpApi` event of every function in serverless.yml, as "METHOD /path". */
function serverlessRoutes(): string[] {
  const config = parse(fs.readFileSync(path.resolve(__dirname, '../../serverless.yml'), 'utf8'), {
    customTags: [
      { tag: '!Sub', resolve: (value: unknown) => value },
      { tag: '!GetAtt', resolve: (value: unknown) => value },
      { tag: '!Ref', resolve: (value: unknown) => value },
      { tag: '!Join', resolve: (value: unknown) => value, collection: 'seq' },
    ],
  }) as { functions: Record<string, { events?: { httpApi?: { method: string; path: string } }[] }> };
  return Object.values(config.functions).flatMap((fn) =>
    (fn.events ?? []).flatMap((event) =>
      event.httpApi ? [`${event.httpApi.method} ${event.httpApi.path}`] : [],
    ),
  );
}

/** The schema of an operation's answer for a status, with the document's components to resolve its refs. */
function responseSchema(route: string, method: string, status: number, type = 'application/json') {
  const operation = document.paths[route]?.[method.toLowerCase()];
  const schema = operation?.responses?.[String(status)]?.content?.[type]?.schema;
  if (!schema) throw new Error(`${method} ${route} documents no ${status} ${type} answer`);
  return { $defs: document.components.schemas, ...rewriteRefs(schema) };
}

function requestSchema(route: string, method: string) {
  const schema = document.paths[route][method.toLowerCase()].requestBody.content['application/json'].schema;
  return { $defs: document.components.schemas, ...rewriteRefs(schema) };
}

/** `#/components/schemas/X` → `#/$defs/X`, so ajv resolves refs inside one schema. */
function rewriteRefs(schema: Json): Json {
  return JSON.parse(JSON.stringify(schema).replaceAll('#/components/schemas/', '#/$defs/'));
}

function expectValid(schema: Json, value: unknown) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const validate = ajv.compile(schema);
  const valid = validate(value);
  if (!valid) throw new Error(`not valid against the document: ${ajv.errorsText(validate.errors)}`);
}

describe('GET /openapi.json', () => {
  it('is a valid OpenAPI 3.1 document with its security schemes', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'openapi-')), 'payments.json');
    fs.writeFileSync(file, JSON.stringify(document));
    const cli = path.resolve(__dirname, '../../../../node_modules/.bin/validate-api');
    const output = execFileSync(cli, [file], { encoding: 'utf8' });
    expect(JSON.parse(output)).toMatchObject({ valid: true });
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual([
      'accessCode',
      'bearer',
      'payLink',
    ]);
  });

  it('has every route serverless.yml declares, and none it does not', () => {
    const documented = Object.entries(document.paths).flatMap(([route, operations]) =>
      Object.keys(operations as object).map((method) => `${method.toUpperCase()} ${route}`),
    );
    expect(documented.sort()).toEqual(serverlessRoutes().sort());
  });

  it('describes what this API really takes and answers', async () => {
    const bill = await seedBill(10000);
    const body = payBody(2500);
    expectValid(requestSchema('/invoices/{invoiceId}/payments', 'POST'), body);
    const paid = await api('POST', `/invoices/${bill.invoiceId}/payments`, { body, key: newKey() });
    expect(paid.status).toBe(201);
    expectValid(responseSchema('/invoices/{invoiceId}/payments', 'POST', 201), paid.body);

    const invoice = await api('GET', `/invoices/${bill.invoiceId}`);
    expectValid(responseSchema('/invoices/{invoiceId}', 'GET', 200), invoice.body);
    const payment = await api('GET', `/payments/${paid.body.paymentId}`);
    expectValid(responseSchema('/payments/{paymentId}', 'GET', 200), payment.body);
    const history = await api('GET', `/customers/${bill.customerId}/payments`);
    expectValid(responseSchema('/customers/{customerId}/payments', 'GET', 200), history.body);

    const sessionBody = { orderId: `ord-${newKey().slice(0, 8)}`, amount: { amount: 1999, currency: 'EUR' } };
    expectValid(requestSchema('/payment-sessions', 'POST'), sessionBody);
    const session = await api('POST', '/payment-sessions', { body: sessionBody });
    expectValid(responseSchema('/payment-sessions', 'POST', 201), session.body);
    const declined = await api('POST', `/payment-sessions/${session.body.sessionId}/pay`, {
      body: {
        card: { ...CARD, number: '4000 0000 0000 0002' },
        notification: { channels: ['email'], email: 'a@example.com' },
      },
      key: newKey(),
    });
    expect(declined.status).toBe(402);
    expectValid(responseSchema('/payment-sessions/{sessionId}/pay', 'POST', 402), declined.body);

    const unknown = await anonymous('GET', '/invoices/NO-SUCH');
    expectValid(
      responseSchema('/invoices/{invoiceId}', 'GET', 404, 'application/problem+json'),
      unknown.body,
    );
    const stranger = await anonymous('GET', `/payments/${paid.body.paymentId}`);
    expectValid(
      responseSchema('/payments/{paymentId}', 'GET', 401, 'application/problem+json'),
      stranger.body,
    );
  });

  it('refuses, by its schemas, a request the API refuses', () => {
    expect(() => expectValid(requestSchema('/invoices/{invoiceId}/payments', 'POST'), { amount: 1 })).toThrow(
      /not valid/,
    );
  });
});
