import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { z } from 'zod';
import {
  ConflictError,
  createLogger,
  GoneError,
  httpHandler,
  NotFoundError,
  UnprocessableError,
  type HttpEvent,
  type Logger,
} from '../../src';

const context = { functionName: 'payInvoice', awsRequestId: 'req-1' } as Context;

/** An HTTP API (payload v2) request as API Gateway delivers it. */
function httpApiEvent(overrides: Partial<APIGatewayProxyEventV2> = {}): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'POST /invoices/{invoiceId}/payments',
    rawPath: '/invoices/10452/payments',
    rawQueryString: '',
    headers: { 'content-type': 'application/json', origin: 'http://localhost:3000' },
    requestContext: {
      accountId: '000000000000',
      apiId: 'payflow-local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: 'POST',
        path: '/invoices/10452/payments',
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'jest',
      },
      requestId: 'req-1',
      routeKey: 'POST /invoices/{invoiceId}/payments',
      stage: '$default',
      time: '21/Nov/2026:10:00:00 +0000',
      timeEpoch: 1763719200000,
    },
    pathParameters: { invoiceId: '10452' },
    isBase64Encoded: false,
    body: JSON.stringify({ amount: 1250, currency: 'EUR' }),
    ...overrides,
  };
}

/** A REST API (payload v1) request, with the mixed-case headers browsers send. */
function restApiEvent(overrides: Partial<APIGatewayProxyEvent> = {}): APIGatewayProxyEvent {
  return {
    httpMethod: 'POST',
    path: '/invoices/10452/payments',
    resource: '/invoices/{invoiceId}/payments',
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
    multiValueHeaders: { 'Content-Type': ['application/json; charset=utf-8'] },
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: { invoiceId: '10452' },
    stageVariables: null,
    requestContext: {} as APIGatewayProxyEvent['requestContext'],
    isBase64Encoded: false,
    body: JSON.stringify({ amount: 1250, currency: 'EUR' }),
    ...overrides,
  };
}

/** A real logger (the handler's middleware needs one) whose errors the test reads instead of printing. */
const silentLogger = () => {
  const logger = createLogger('payments-test');
  jest.spyOn(logger, 'error').mockImplementation(() => undefined);
  return logger as Logger & { error: jest.Mock };
};

const PaymentBody = z.strictObject({ amount: z.number().int().positive(), currency: z.string().length(3) });
const InvoicePath = z.strictObject({
  invoiceId: z.string().regex(/^\d+$/, { error: 'invoiceId must be digits' }),
});

function payInvoiceHandler(logger = silentLogger()) {
  return httpHandler({ body: PaymentBody, path: InvoicePath, logger }, async ({ body, path }) => ({
    invoiceId: path.invoiceId,
    paid: body.amount,
  }));
}

async function invoke(handler: ReturnType<typeof payInvoiceHandler>, event: HttpEvent) {
  const response = await handler(event, context);
  const contentType = response.headers?.['content-type'];
  return { ...response, json: response.body ? JSON.parse(response.body) : undefined, contentType };
}

describe('httpHandler', () => {
  it('parses, validates and answers 200 JSON on an HTTP API event', async () => {
    const response = await invoke(payInvoiceHandler(), httpApiEvent());
    expect(response.statusCode).toBe(200);
    expect(response.contentType).toBe('application/json');
    expect(response.json).toEqual({ invoiceId: '10452', paid: 1250 });
  });

  describe('CORS', () => {
    const previous = process.env.CORS_ORIGIN;
    afterEach(() => {
      process.env.CORS_ORIGIN = previous;
    });
    it("allows only the service's own origin (CORS_ORIGIN), never '*'", async () => {
      process.env.CORS_ORIGIN = 'http://localhost:3000';
      const allowed = await invoke(payInvoiceHandler(), httpApiEvent());
      expect(allowed.headers?.['Access-Control-Allow-Origin']).toBe('http://localhost:3000');
      const foreign = await invoke(
        payInvoiceHandler(),
        httpApiEvent({ headers: { 'content-type': 'application/json', origin: 'https://evil.example' } }),
      );
      expect(foreign.headers?.['Access-Control-Allow-Origin']).toBeUndefined();
    });
    it('sends no CORS header at all when the service names no origin', async () => {
      delete process.env.CORS_ORIGIN;
      const response = await invoke(payInvoiceHandler(), httpApiEvent());
      expect(response.headers?.['Access-Control-Allow-Origin']).toBeUndefined();
    });
  });

  it('handles a REST API event with mixed-case headers and a base64 body', async () => {
    const body = Buffer.from(JSON.stringify({ amount: 700, currency: 'GBP' })).toString('base64');
    const response = await invoke(payInvoiceHandler(), restApiEvent({ body, isBase64Encoded: true }));
    expect(response.statusCode).toBe(200);
    expect(response.json).toEqual({ invoiceId: '10452', paid: 700 });
  });

  it('answers 400 for malformed JSON, saying where but not what', async () => {
    const response = await invoke(payInvoiceHandler(), httpApiEvent({ body: '{"amount": 12' }));
    expect(response.statusCode).toBe(400);
    expect(response.contentType).toBe('application/problem+json');
    expect(response.json).toEqual({
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      detail: expect.stringMatching(
        /^Request body is not valid JSON( \(error at character \d+\))?: send one JSON object$/,
      ),
    });
  });

  it.each([
    ['a bare card number', '4242424242424242 cvv 737'],
    ['an unquoted card number', '{"card": {"number": 4242 4242 4242 4242, "cvv": 737}}'],
    ['a quoted one, cut short', '{"card": {"number": "4242424242424242", "cvv": "737"'],
    ['digits where a name goes', '{4242424242424242: 1}'],
    ['a stray token after them', '{"card": "4242424242424242"} 5555555555554444'],
  ])(
    'never echoes the body of malformed JSON (%s), whose card digits must not reach a response',
    async (_what, body) => {
      const response = await invoke(payInvoiceHandler(), httpApiEvent({ body }));
      expect(response.statusCode).toBe(400);
      const detail = String(response.json.detail);
      expect(detail).toMatch(/^Request body is not valid JSON/);
      expect(detail.replace(/ \(error at character \d+\)/, '')).toBe(
        'Request body is not valid JSON: send one JSON object',
      );
      for (const digits of ['4242', '5555', '737'])
        expect(JSON.stringify(response.json)).not.toContain(digits);
    },
  );

  it('answers 400 when the body is missing', async () => {
    const response = await invoke(payInvoiceHandler(), httpApiEvent({ body: undefined }));
    expect(response.statusCode).toBe(400);
    expect(response.json.detail).toBe('A JSON request body is required');
  });

  it('answers 415 for a body that is not declared JSON', async () => {
    const event = httpApiEvent({ headers: { 'content-type': 'text/plain' }, body: 'amount=12' });
    const response = await invoke(payInvoiceHandler(), event);
    expect(response.statusCode).toBe(415);
    expect(response.json).toMatchObject({
      title: 'Unsupported Media Type',
      detail: expect.stringContaining('text/plain'),
    });
  });

  it('answers 413 for a body over the limit, before parsing it', async () => {
    const huge = JSON.stringify({ amount: 1, currency: 'EUR', note: 'x'.repeat(64 * 1024) });
    const response = await invoke(payInvoiceHandler(), httpApiEvent({ body: huge }));
    expect(response.statusCode).toBe(413);
    expect(response.json.detail).toMatch(/^Request body is \d+ bytes; the limit is 65536 bytes$/);

    const small = httpHandler({ body: PaymentBody, maxBodyBytes: 10, logger: silentLogger() }, () => ({}));
    expect((await small(httpApiEvent(), context)).statusCode).toBe(413);
  });

  it('answers 422 with one entry per problem: missing, wrong type, extra field', async () => {
    const body = JSON.stringify({ amount: '12.50', cardNumber: '4111111111111111' });
    const response = await invoke(payInvoiceHandler(), httpApiEvent({ body }));
    expect(response.statusCode).toBe(422);
    expect(response.json).toEqual({
      type: 'about:blank',
      title: 'Unprocessable Entity',
      status: 422,
      detail: 'Request body failed validation',
      errors: [
        { path: 'body.amount', message: 'Invalid input: expected number, received string' },
        { path: 'body.currency', message: 'Invalid input: expected string, received undefined' },
        { path: 'body', message: 'Unrecognized key: "cardNumber"' },
      ],
    });
  });

  it('answers 400 for bad path or query parameters', async () => {
    const pathResponse = await invoke(
      payInvoiceHandler(),
      httpApiEvent({ pathParameters: { invoiceId: '12a' } }),
    );
    expect(pathResponse.statusCode).toBe(400);
    expect(pathResponse.json.errors).toEqual([
      { path: 'path.invoiceId', message: 'invoiceId must be digits' },
    ]);

    const listInvoices = httpHandler(
      { query: z.strictObject({ limit: z.coerce.number().int().max(100) }), logger: silentLogger() },
      ({ query }) => ({ limit: query.limit }),
    );
    const ok = await listInvoices(
      httpApiEvent({ body: undefined, queryStringParameters: { limit: '20' } }),
      context,
    );
    expect(JSON.parse(ok.body)).toEqual({ limit: 20 });
    const bad = await listInvoices(httpApiEvent({ queryStringParameters: { limit: '500' } }), context);
    expect(bad.statusCode).toBe(400);
    expect(JSON.parse(bad.body).errors[0].path).toBe('query.limit');
  });

  it.each([
    [new NotFoundError('Invoice 10452 does not exist'), 404, 'Not Found'],
    [new ConflictError('Invoice 10452 is already paid'), 409, 'Conflict'],
    [new GoneError('Payment session ps-1 expired at 10:15'), 410, 'Gone'],
    [new UnprocessableError('Card expired'), 422, 'Unprocessable Entity'],
  ])('maps %s to its status', async (error, status, title) => {
    const handler = httpHandler({ logger: silentLogger() }, () => {
      throw error;
    });
    const response = await handler(httpApiEvent(), context);
    expect(response.statusCode).toBe(status);
    expect(JSON.parse(response.body)).toEqual({ type: 'about:blank', title, status, detail: error.message });
  });

  it('answers 500 with a generic detail and logs the error, never the stack', async () => {
    const logger = silentLogger();
    const handler = httpHandler({ logger }, () => {
      throw new Error('DynamoDB table payflow-local-invoices is missing');
    });
    const response = await handler(httpApiEvent(), context);
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('DynamoDB');
    expect(response.body).not.toMatch(/at .*\.ts/);
    expect(JSON.parse(response.body).detail).toBe(
      'An unexpected error occurred; it has been logged. Please try again later.',
    );
    expect(logger.error).toHaveBeenCalledWith('Unhandled error in HTTP handler', {
      error: expect.objectContaining({ message: 'DynamoDB table payflow-local-invoices is missing' }),
    });
  });

  it('passes an explicit status, body and headers through, and 204 for no result', async () => {
    const createPayment = httpHandler({ logger: silentLogger() }, () => ({
      statusCode: 201,
      body: { paymentId: 'pay-1' },
      headers: { location: '/payments/pay-1' },
    }));
    const created = await createPayment(httpApiEvent(), context);
    expect(created).toMatchObject({ statusCode: 201, headers: { location: '/payments/pay-1' } });
    expect(JSON.parse(created.body)).toEqual({ paymentId: 'pay-1' });

    const acknowledge = httpHandler({ logger: silentLogger() }, () => undefined);
    const noContent = await acknowledge(httpApiEvent(), context);
    expect(noContent.statusCode).toBe(204);
    expect(noContent.body).toBe('');
  });
});
