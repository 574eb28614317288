/**
 * End to end through a packaged template: the test service's rule on its bus sends to an SQS queue (with a DLQ),
 * whose event source mapping runs the function under serverless-offline, which writes to DynamoDB; a function
 * with a `schedule` event is run by the local cloud's EventBridge only.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  GetItemCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, ListRulesCommand, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startLocalCloud, type LocalCloud } from '../../../src';

const serviceDir = path.resolve(__dirname, '..', '..', 'fixtures', 'provision-service');
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

describe('provisioning a packaged service template', () => {
  let cloud: LocalCloud;
  let dataDir: string;
  const client = <T>(Client: new (config: object) => T): T =>
    new Client({ endpoint: cloud.endpoint, region: 'us-east-1', credentials });

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'payflow-provision-'));
    cloud = await startLocalCloud({
      port: 0,
      dataDir,
      services: [{ key: 'provision-test', dir: serviceDir }],
    });
  }, 180_000);

  afterAll(async () => {
    await cloud?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates the table with its TTL, the queues with the redrive policy, and the rule on the bus', async () => {
    const db = client(DynamoDBClient);
    const table = await db.send(
      new DescribeTableCommand({ TableName: 'payflow-provision-test-local-received' }),
    );
    expect(table.Table?.KeySchema).toEqual([{ AttributeName: 'orderId', KeyType: 'HASH' }]);
    const ttl = await db.send(
      new DescribeTimeToLiveCommand({ TableName: 'payflow-provision-test-local-received' }),
    );
    expect(ttl.TimeToLiveDescription).toMatchObject({
      AttributeName: 'expiresAt',
      TimeToLiveStatus: 'ENABLED',
    });

    const sqs = client(SQSClient);
    const { QueueUrl } = await sqs.send(
      new GetQueueUrlCommand({ QueueName: 'payflow-provision-test-local-queue' }),
    );
    const attributes = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }));
    expect(JSON.parse(attributes.Attributes!.RedrivePolicy!)).toEqual({
      deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:payflow-provision-test-local-dlq',
      maxReceiveCount: 2,
    });
    expect(attributes.Attributes!.VisibilityTimeout).toBe('30');

    const rules = await client(EventBridgeClient).send(
      new ListRulesCommand({ EventBusName: 'payflow-provision-test-bus' }),
    );
    expect(rules.Rules?.map((r) => r.Name)).toEqual(['payflow-provision-test-local-OrdersRule']);
  });

  it('runs a scheduled function once per firing of its rule: serverless-offline does not run it as well', async () => {
    const { Rules } = await client(EventBridgeClient).send(new ListRulesCommand({}));
    const rule = Rules?.find((r) => r.ScheduleExpression === 'rate(1 minute)');
    expect(rule?.Arn).toBeDefined();
    // serverless-offline's own scheduler would run it at the top of every minute: wait until one has passed.
    const sinceMinute = Date.now() % 60_000;
    await new Promise((r) => setTimeout(r, 60_000 - sinceMinute + 5_000));

    const { Items = [] } = await client(DynamoDBClient).send(
      new ScanCommand({
        TableName: 'payflow-provision-test-local-received',
        FilterExpression: 'begins_with(orderId, :tick)',
        ExpressionAttributeValues: { ':tick': { S: 'tick-' } },
      }),
    );
    const invocations = Items.map((item) => ({
      id: item.orderId!.S,
      detailType: item.detailType!.S,
      resources: JSON.parse(item.resources!.S!) as string[],
    }));
    expect(invocations.length).toBeGreaterThan(0);
    // Every invocation is one the rule sent (serverless-offline's names no rule), each event once.
    expect(invocations.filter((i) => i.resources.length !== 1 || i.resources[0] !== rule!.Arn)).toEqual([]);
    expect(invocations.every((i) => i.detailType === 'Scheduled Event')).toBe(true);
    expect(new Set(invocations.map((i) => i.id)).size).toBe(invocations.length);
  }, 90_000);

  it('delivers a matching event through rule, queue and function into the table', async () => {
    const put = (orderId: string, total: number) => ({
      EventBusName: 'payflow-provision-test-bus',
      Source: 'payflow.provision-test',
      DetailType: 'OrderPlaced',
      Detail: JSON.stringify({ orderId, total }),
    });
    const result = await client(EventBridgeClient).send(
      new PutEventsCommand({ Entries: [put('order-1', 25), put('order-free', 0)] }),
    );
    expect(result.FailedEntryCount).toBe(0);

    const db = client(DynamoDBClient);
    const item = await waitFor(async () => {
      const out = await db.send(
        new GetItemCommand({
          TableName: 'payflow-provision-test-local-received',
          Key: { orderId: { S: 'order-1' } },
        }),
      );
      return out.Item;
    }, 20_000);
    expect(item.rule).toEqual({ S: 'payflow-provision-test-local-OrdersRule' });

    // total 0 does not match numeric > 0: nothing may arrive for it.
    await new Promise((r) => setTimeout(r, 1500));
    const free = await db.send(
      new GetItemCommand({
        TableName: 'payflow-provision-test-local-received',
        Key: { orderId: { S: 'order-free' } },
      }),
    );
    expect(free.Item).toBeUndefined();
  });
});

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Nothing arrived within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
