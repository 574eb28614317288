/**
 * Tracing as it runs on AWS: the shared library loaded with Lambda's environment and a UDP socket standing in for the
 * X-Ray daemon, so the subsegments the tracer sends can be read back.
 */
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import dgram from 'node:dgram';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

interface Subsegment {
  name: string;
  error?: boolean;
  fault?: boolean;
  cause?: { exceptions?: Array<{ message?: string }> };
  metadata?: Record<string, Record<string, unknown>>;
}

const savedEnv = { ...process.env };
let daemon: dgram.Socket;
const received: Subsegment[] = [];
let shared: typeof import('../../src');

beforeAll(async () => {
  daemon = dgram.createSocket('udp4');
  daemon.on('message', (packet) => {
    // Each packet is a header line, then one (sub)segment document.
    const [, document] = packet.toString().split('\n');
    if (document) received.push(JSON.parse(document) as Subsegment);
  });
  await new Promise<void>((resolve) => daemon.bind(0, '127.0.0.1', resolve));
  Object.assign(process.env, {
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    LAMBDA_TASK_ROOT: '/var/task',
    _HANDLER: 'src/handlers/payInvoice.handler',
    _X_AMZN_TRACE_ID: 'Root=1-67891233-abcdef012345678912345678;Parent=53995c3f42cd8ad8;Sampled=1',
    AWS_XRAY_DAEMON_ADDRESS: `127.0.0.1:${(daemon.address() as AddressInfo).port}`,
    AWS_XRAY_LOG_LEVEL: 'silent',
    POWERTOOLS_SERVICE_NAME: 'payments',
    // The tracer would patch node's http and fetch for the whole process, and jest runs later test files in this
    // same worker: their requests (e.g. the SQS conformance test's X-Amzn-Trace-Id) would carry this test's trace.
    POWERTOOLS_TRACER_CAPTURE_HTTPS_REQUESTS: 'false',
  });
  // On Lambda nothing turns the tracer off; the integration project's local cloud sets this for the functions it
  // runs, and jest's workers inherit it when both projects run in one `npm test`.
  delete process.env.POWERTOOLS_TRACE_ENABLED;
  jest.isolateModules(() => {
    shared = jest.requireActual('../../src');
  });
});

afterAll(async () => {
  process.env = savedEnv;
  await new Promise<void>((resolve) => daemon.close(() => resolve()));
});

async function sent(name: string): Promise<Subsegment> {
  for (let waited = 0; waited < 2000; waited += 20) {
    const found = received.find((s) => s.name === name);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`No subsegment ${name}; got ${received.map((s) => s.name).join(', ')}`);
}

const context = { functionName: 'payInvoice', awsRequestId: 'req-1' } as Context;
const event = (path: string) =>
  ({
    version: '2.0',
    rawPath: path,
    headers: {},
    requestContext: { http: { method: 'GET', path } },
  }) as unknown as APIGatewayProxyEventV2;

describe('on AWS', () => {
  beforeEach(() => received.splice(0));

  it('traces, and traces a route’s 4xx answer as an answer, without the response', async () => {
    expect(shared.tracer.isTracingEnabled()).toBe(true);
    const route = shared.httpHandler({}, () => {
      throw new shared.NotFoundError('No invoice 10452');
    });
    expect(await route(event('/invoices/10452'), context)).toMatchObject({ statusCode: 404 });
    const handler = await sent('## src/handlers/payInvoice.handler');
    expect(handler.error).toBeUndefined();
    expect(handler.fault).toBeUndefined();
    expect(JSON.stringify(handler)).not.toContain('No invoice 10452');
  });

  it('marks an unexpected failure a fault with its cause', async () => {
    const route = shared.httpHandler({ logger: silentLogger() }, () => {
      throw new Error('the table is gone');
    });
    expect(await route(event('/invoices/1'), context)).toMatchObject({ statusCode: 500 });
    const handler = await sent('## src/handlers/payInvoice.handler');
    expect(handler.fault).toBe(true);
    expect(handler.cause?.exceptions?.[0]?.message).toBe('the table is gone');
  });

  it('records each AWS SDK call a client from awsClient makes', async () => {
    process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:9';
    const handler = shared.observedHandler(async () => {
      const dynamodb = shared.awsClient(DynamoDBClient, { maxAttempts: 1 });
      await dynamodb
        .send(new DescribeTableCommand({ TableName: 'payflow-invoices-prod' }))
        .catch(() => undefined);
    });
    await handler({}, context);
    const call = await sent('DynamoDB');
    expect(call).toMatchObject({ name: 'DynamoDB' });
    delete process.env.AWS_ENDPOINT_URL;
  });
});

function silentLogger() {
  const logger = shared.createLogger('payments');
  logger.setLogLevel('SILENT');
  return logger;
}

// After the tests above, in the same process.
it('leaves the HTTP requests this process makes afterwards without a trace header', async () => {
  const server = http.createServer((req, res) => res.end(String(req.headers['x-amzn-trace-id'] ?? '')));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const traceHeader = await (await fetch(`http://127.0.0.1:${port}/`)).text();
  const viaHttp = await new Promise<string>((resolve) =>
    http.get(`http://127.0.0.1:${port}/`, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve(body));
    }),
  );
  await new Promise((resolve) => server.close(resolve));
  expect([traceHeader, viaHttp]).toEqual(['', '']);
});
