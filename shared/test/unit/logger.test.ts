import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import {
  correlationPaths,
  createLogger,
  httpHandler,
  observedHandler,
  redactCardNumbers,
  withCorrelationId,
} from '../../src';

/** Powertools writes JSON lines to stdout (errors to stderr); capture them as objects. */
function captureLogLines(): {
  lines: () => Record<string, unknown>[];
  raw: () => string;
  restore: () => void;
} {
  const written: string[] = [];
  const record = (chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  };
  const spies = [
    jest.spyOn(process.stdout, 'write').mockImplementation(record),
    jest.spyOn(process.stderr, 'write').mockImplementation(record),
  ];
  return {
    lines: () =>
      written
        .join('')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line)),
    raw: () => written.join(''),
    restore: () => spies.forEach((spy) => spy.mockRestore()),
  };
}

describe('redactCardNumbers', () => {
  it('replaces Luhn-valid 13–19 digit runs, plain or grouped', () => {
    expect(redactCardNumbers('card 4111111111111111 declined')).toBe('card [REDACTED] declined');
    expect(redactCardNumbers('card 4111 1111 1111 1111 declined')).toBe('card [REDACTED] declined');
    expect(redactCardNumbers('amex 3782-822463-10005')).toBe('amex [REDACTED]');
  });

  it('leaves other numbers alone: failed Luhn, too short, too long', () => {
    expect(redactCardNumbers('order 4111111111111112')).toBe('order 4111111111111112');
    expect(redactCardNumbers('ts 1763719200001')).toBe('ts 1763719200001');
    expect(redactCardNumbers('amount 12550 EUR, last4 1111')).toBe('amount 12550 EUR, last4 1111');
    expect(redactCardNumbers('41111111111111110000000')).toBe('41111111111111110000000');
  });
});

describe('createLogger', () => {
  let capture: ReturnType<typeof captureLogLines>;
  beforeEach(() => {
    capture = captureLogLines();
  });
  afterEach(() => capture.restore());

  it('writes JSON with the service name and the correlation id', () => {
    const logger = withCorrelationId(createLogger('payments'), 'corr-42');
    logger.info('payment accepted', { paymentId: 'pay-1' });
    capture.restore();
    expect(capture.lines()[0]).toMatchObject({
      level: 'INFO',
      message: 'payment accepted',
      service: 'payments',
      correlation_id: 'corr-42',
      paymentId: 'pay-1',
    });
  });

  it('never writes a card number or a CVV, wherever it appears', () => {
    const logger = createLogger('checkout');
    logger.info('card 4111 1111 1111 1111 submitted', {
      card: { number: '4111111111111111', cvv: '123', CVC: 456, securityCode: '789', last4: '1111' },
      numeric: 4111111111111111,
      nested: [{ note: 'retry with 5555555555554444' }],
    });
    logger.error('provider failed', new Error('rejected card 378282246310005'));
    capture.restore();

    const raw = capture.raw();
    for (const secret of ['4111111111111111', '4111 1111 1111 1111', '5555555555554444', '378282246310005']) {
      expect(raw).not.toContain(secret);
    }
    const [submitted, failed] = capture.lines();
    expect(submitted).toMatchObject({
      message: 'card [REDACTED] submitted',
      card: {
        number: '[REDACTED]',
        cvv: '[REDACTED]',
        CVC: '[REDACTED]',
        securityCode: '[REDACTED]',
        last4: '1111',
      },
      numeric: '[REDACTED]',
      nested: [{ note: 'retry with [REDACTED]' }],
    });
    expect(failed).toMatchObject({ error: { message: 'rejected card [REDACTED]' } });
    expect(JSON.stringify(failed)).not.toContain('378282246310005');
  });
});

describe('correlation ids, set by the handler wrappers through Powertools (correlationIdPath)', () => {
  let capture: ReturnType<typeof captureLogLines>;
  beforeEach(() => {
    capture = captureLogLines();
  });
  afterEach(() => capture.restore());

  const context = { functionName: 'getInvoice', awsRequestId: 'lambda-req-1' } as Context;

  /** An HTTP API request with these headers (Lambda's request id for it is lambda-req-1). */
  function request(headers: Record<string, string> = {}): APIGatewayProxyEventV2 {
    return {
      version: '2.0',
      routeKey: 'GET /invoices/{invoiceId}',
      rawPath: '/invoices/10452',
      rawQueryString: '',
      headers,
      requestContext: {
        http: { method: 'GET', path: '/invoices/10452' },
        requestId: 'api-req-1',
      } as APIGatewayProxyEventV2['requestContext'],
      isBase64Encoded: false,
    };
  }

  /** A route that logs one line and answers with the correlation id the wrapper gave it. */
  function loggingRoute() {
    const logger = createLogger('payments');
    return httpHandler({ logger }, ({ correlationId }) => {
      logger.info('invoice read');
      return { correlationId };
    });
  }

  async function linesOf(invocations: Array<() => Promise<unknown>>) {
    const answers = [];
    for (const invoke of invocations) answers.push(await invoke());
    capture.restore();
    return { answers, lines: capture.lines().filter((line) => line.message === 'invoice read') };
  }

  it("carries the caller's X-Correlation-Id on the route's log line and gives it to the route", async () => {
    const route = loggingRoute();
    const { answers, lines } = await linesOf([
      () => route(request({ 'X-Correlation-Id': ' order-77:checkout ' }), context),
    ]);
    expect(JSON.parse((answers[0] as { body: string }).body)).toEqual({ correlationId: 'order-77:checkout' });
    expect(lines).toEqual([
      expect.objectContaining({ correlation_id: 'order-77:checkout', function_request_id: 'lambda-req-1' }),
    ]);
  });

  it("uses the request's id without the header or with one that is not an id, and never the last request's", async () => {
    const route = loggingRoute();
    const { lines } = await linesOf([
      () => route(request({ 'x-correlation-id': 'first-request' }), context),
      () => route(request(), context),
      () => route(request({ 'x-correlation-id': 'has spaces\nand a newline' }), context),
    ]);
    expect(lines.map((line) => line.correlation_id)).toEqual([
      'first-request',
      'lambda-req-1',
      'lambda-req-1',
    ]);
  });

  it("carries an event's correlationId on the consumer's log lines", async () => {
    const logger = createLogger('checkout');
    const consumer = observedHandler(
      async (_event: unknown) => {
        logger.info('invoice read');
      },
      { logger, correlationIdPath: correlationPaths.EVENT },
    );
    const event = {
      version: '0',
      id: 'eventbridge-id-1',
      'detail-type': 'PaymentSucceeded',
      source: 'payflow.payments',
      account: '000000000000',
      time: '2026-11-21T10:00:00Z',
      region: 'us-east-1',
      resources: [],
      detail: {
        id: 'evt-1',
        version: 1,
        occurredAt: '2026-11-21T10:00:00Z',
        correlationId: 'order-77',
        data: {},
      },
    };
    const { lines } = await linesOf([() => consumer(event, context)]);
    expect(lines).toEqual([expect.objectContaining({ service: 'checkout', correlation_id: 'order-77' })]);
  });
});
