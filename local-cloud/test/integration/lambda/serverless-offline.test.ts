/**
 * A packaged service under serverless-offline: a rule invokes a function that throws (Lambda's retries and
 * on-failure destination are the local cloud's, and the service keeps serving), a schedule fires, the Lambda
 * Invoke API reaches its functions, and its processes are killed.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { startLocalCloud, type LocalCloud } from '../../../src';

const serviceDir = path.resolve(__dirname, '..', '..', 'fixtures', 'async-service');
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const RETRY_UNIT_MS = 400;

let cloud: LocalCloud;
let dataDir: string;
const printed: string[] = [];
const client = <T>(Client: new (config: object) => T): T =>
  new Client({ endpoint: cloud.endpoint, region: 'us-east-1', credentials });

beforeAll(async () => {
  process.env.PAYFLOW_ASYNC_RETRY_DELAY_MS = String(RETRY_UNIT_MS);
  // rate(1 minute) fires every 0.6 s.
  process.env.PAYFLOW_SCHEDULE_TIME_SCALE = '0.01';
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'payflow-async-'));
  cloud = await startLocalCloud({
    port: 0,
    dataDir,
    inMemoryTables: true,
    services: [{ key: 'async-test', dir: serviceDir }],
    log: (line) => printed.push(line),
  });
}, 180_000);

afterAll(async () => {
  await cloud?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
  delete process.env.PAYFLOW_ASYNC_RETRY_DELAY_MS;
  delete process.env.PAYFLOW_SCHEDULE_TIME_SCALE;
});

describe('asynchronous invocations of a function under serverless-offline', () => {
  it('sends an event its function throws on to the on-failure destination after exactly 3 attempts, and the service keeps answering', async () => {
    const put = await client(EventBridgeClient).send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: 'payflow-async-test-bus',
            Source: 'payflow.async-test',
            DetailType: 'PaymentSucceeded',
            Detail: JSON.stringify({ orderId: 'not-a-contract' }),
          },
        ],
      }),
    );
    const eventId = put.Entries![0]!.EventId!;

    const sqs = client(SQSClient);
    const queueUrl = `${cloud.endpoint}/000000000000/payflow-async-test-local-failed`;
    const started = Date.now();
    let body: string | undefined;
    while (!body && Date.now() - started < 30_000) {
      const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1 }));
      body = out.Messages?.[0]?.Body;
    }
    const record = JSON.parse(body!);
    expect(record).toMatchObject({
      version: '1.0',
      requestContext: {
        functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:payflow-async-test-local-refuse:$LATEST',
        condition: 'RetriesExhausted',
        approximateInvokeCount: 3,
      },
      requestPayload: { id: eventId, source: 'payflow.async-test', detail: { orderId: 'not-a-contract' } },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: {
        errorType: 'TypeError',
        errorMessage: `event ${eventId} does not match the contract`,
      },
    });
    expect(new Date(record.timestamp).toISOString()).toBe(record.timestamp);
    expect(record.requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
    // AWS waits one unit before the first retry and two before the second.
    expect(Date.now() - started).toBeGreaterThanOrEqual(3 * RETRY_UNIT_MS);

    const logs = await (await fetch(`${cloud.endpoint}/_local/logs`)).text();
    expect(
      logs.split('\n').filter((line) => line.includes(`refuse attempt for event ${eventId}`)),
    ).toHaveLength(3);

    const ping = await fetch('http://localhost:3592/ping');
    expect(ping.status).toBe(200);
    expect(await ping.text()).toBe('pong');
  });
});

describe('a schedule in serverless.yml', () => {
  it('invokes its function under serverless-offline with the Scheduled Event of its rule', async () => {
    const line = await waitFor(async () => {
      const logs = await (await fetch(`${cloud.endpoint}/_local/logs`)).text();
      return logs.split('\n').find((l) => l.includes('tick: Scheduled Event'));
    }, 20_000);
    expect(line).toMatch(
      /tick: Scheduled Event from aws\.events by arn:aws:events:us-east-1:000000000000:rule\/payflow-async-test-local-\S+$/,
    );
  });
});

describe('the Lambda Invoke API on the edge', () => {
  const run = promisify(execFile);
  /** `aws lambda invoke` against the edge: what it printed and the payload it wrote. */
  const invoke = async (fn: string, ...extra: string[]) => {
    const out = path.join(dataDir, `invoke-${fn}.json`);
    const { stdout } = await run(
      '/usr/bin/aws',
      ['--endpoint-url', cloud.endpoint, 'lambda', 'invoke', '--function-name', fn, ...extra].concat([
        '--cli-binary-format',
        'raw-in-base64-out',
        '--payload',
        '{"id":"cli-1"}',
        out,
      ]),
      {
        env: {
          ...process.env,
          AWS_ACCESS_KEY_ID: 'test',
          AWS_SECRET_ACCESS_KEY: 'test',
          AWS_DEFAULT_REGION: 'us-east-1',
        },
      },
    );
    return { printed: JSON.parse(stdout), payload: fs.readFileSync(out, 'utf8') };
  };

  it('runs a function in its serverless-offline and reports a function error as Lambda does', async () => {
    const ping = await invoke('payflow-async-test-local-ping');
    expect(ping.printed).toEqual({ StatusCode: 200, ExecutedVersion: '$LATEST' });
    expect(JSON.parse(ping.payload)).toEqual({ statusCode: 200, body: 'pong' });

    const refused = await invoke(
      'arn:aws:lambda:us-east-1:000000000000:function:payflow-async-test-local-refuse',
    );
    expect(refused.printed).toEqual({
      StatusCode: 200,
      FunctionError: 'Unhandled',
      ExecutedVersion: '$LATEST',
    });
    expect(JSON.parse(refused.payload)).toMatchObject({
      errorMessage: 'event cli-1 does not match the contract',
    });

    const queued = await invoke('payflow-async-test-local-ping', '--invocation-type', 'Event');
    expect(queued.printed).toMatchObject({ StatusCode: 202 });
  });

  it('answers ResourceNotFoundException for a function no service serves', async () => {
    const error = await invoke('payflow-async-test-local-nothing').then(
      () => 'no error',
      (e: { stderr: string }) => e.stderr.trim(),
    );
    expect(error).toContain(
      'An error occurred (ResourceNotFoundException) when calling the Invoke operation: Function not found: payflow-async-test-local-nothing',
    );
  });
});

describe('supervision of child processes', () => {
  const name = 'serverless-offline async-test';

  it('starts a killed serverless-offline again, and health names it as down until it is back', async () => {
    expect((await health()).status).toBe(200);
    const before = cloud.supervisor.status().find((s) => s.name === name)!;
    process.kill(before.pid!, 'SIGKILL');

    const degraded = await waitFor(async () => {
      const answer = await health();
      return answer.status === 503 ? answer.body : undefined;
    }, 10_000);
    expect(degraded).toMatchObject({
      status: 'degraded',
      down: [{ name, state: 'restarting', lastExit: { signal: 'SIGKILL', code: null } }],
    });
    expect(printed.some((line) => line.startsWith(`${name} was killed by SIGKILL`))).toBe(true);

    const back = await waitFor(async () => {
      const answer = await health();
      return answer.status === 200 ? answer.body : undefined;
    }, 60_000);
    expect(back).toMatchObject({ status: 'ready' });
    const after = cloud.supervisor.status().find((s) => s.name === name)!;
    expect(after).toMatchObject({ state: 'running', restarts: 1 });
    expect(after.pid).not.toBe(before.pid);
    const ping = await fetch('http://localhost:3592/ping');
    expect(await ping.text()).toBe('pong');
  });

  it('starts a killed in-memory DynamoDB Local again, with the tables the templates declare', async () => {
    const before = cloud.supervisor.status().find((s) => s.name === 'DynamoDB Local')!;
    process.kill(before.pid!, 'SIGKILL');
    await waitFor(async () => ((await health()).status === 503 ? true : undefined), 10_000);
    await waitFor(async () => ((await health()).status === 200 ? true : undefined), 60_000);
    // The restore runs just after the process is back: allow it a moment.
    const table = await waitFor(
      () =>
        client(DynamoDBClient)
          .send(new DescribeTableCommand({ TableName: 'payflow-async-test-local-orders' }))
          .then(
            (out) => out.Table,
            () => undefined,
          ),
      10_000,
    );
    expect(table.KeySchema).toEqual([{ AttributeName: 'orderId', KeyType: 'HASH' }]);
    expect(cloud.supervisor.status().find((s) => s.name === 'DynamoDB Local')).toMatchObject({ restarts: 1 });
  });
});

const health = async () => {
  const response = await fetch(`${cloud.endpoint}/_local/health`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Nothing arrived within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
