/**
 * Asynchronous invocations through a packaged service under serverless-offline: a rule invokes a function that
 * throws; Lambda's retries and on-failure destination are the local cloud's, and the service keeps serving.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startLocalCloud, type LocalCloud } from '../../../src';

const serviceDir = path.resolve(__dirname, '..', '..', 'fixtures', 'async-service');
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const RETRY_UNIT_MS = 400;

describe('asynchronous invocations of a function under serverless-offline', () => {
  let cloud: LocalCloud;
  let dataDir: string;
  const client = <T>(Client: new (config: object) => T): T =>
    new Client({ endpoint: cloud.endpoint, region: 'us-east-1', credentials });

  beforeAll(async () => {
    process.env.PAYFLOW_ASYNC_RETRY_DELAY_MS = String(RETRY_UNIT_MS);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'payflow-async-'));
    cloud = await startLocalCloud({
      port: 0,
      dataDir,
      inMemoryTables: true,
      services: [{ key: 'async-test', dir: serviceDir }],
    });
  }, 180_000);

  afterAll(async () => {
    await cloud?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    delete process.env.PAYFLOW_ASYNC_RETRY_DELAY_MS;
  });

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
      responsePayload: { errorMessage: `event ${eventId} does not match the contract` },
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
