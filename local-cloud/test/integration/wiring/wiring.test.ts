/**
 * The emulators calling each other through the one endpoint, as Payflow's services rely on:
 * EventBridge to SQS, SNS and Step Functions; SNS to SQS; Step Functions to DynamoDB, EventBridge and SQS
 * with a task token that comes back through SendTaskSuccess.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateTableCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  SendTaskSuccessCommand,
  SFNClient,
  ListExecutionsCommand,
} from '@aws-sdk/client-sfn';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { startLocalCloud, type LocalCloud } from '../../../src';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const account = '000000000000';

describe('emulators wired through the edge', () => {
  let cloud: LocalCloud;
  let dataDir: string;
  let sqs: SQSClient;
  let events: EventBridgeClient;
  const client = <T>(Client: new (config: object) => T): T =>
    new Client({ endpoint: cloud.endpoint, region: 'us-east-1', credentials });

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'payflow-wiring-'));
    cloud = await startLocalCloud({ port: 0, dataDir, services: [], offline: false, waitTimeScale: 0 });
    sqs = client(SQSClient);
    events = client(EventBridgeClient);
    await events.send(new CreateEventBusCommand({ Name: 'wiring' }));
  }, 60_000);

  afterAll(async () => {
    await cloud?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function queue(name: string): Promise<{ url: string; arn: string }> {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
    return { url: QueueUrl!, arn: `arn:aws:sqs:us-east-1:${account}:${name}` };
  }

  async function receiveOne(url: string): Promise<Message> {
    const out = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 10, MaxNumberOfMessages: 1 }),
    );
    if (!out.Messages?.[0]) throw new Error(`Nothing arrived on ${url}`);
    return out.Messages[0];
  }

  it('delivers a matching event from a rule to an SQS queue, and only a matching one', async () => {
    const target = await queue('wiring-orders');
    await events.send(
      new PutRuleCommand({
        Name: 'orders',
        EventBusName: 'wiring',
        EventPattern: JSON.stringify({ 'detail-type': ['OrderConfirmed'] }),
      }),
    );
    await events.send(
      new PutTargetsCommand({
        Rule: 'orders',
        EventBusName: 'wiring',
        Targets: [{ Id: 'q', Arn: target.arn }],
      }),
    );
    await events.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: 'wiring',
            Source: 'payflow.checkout',
            DetailType: 'OrderRejected',
            Detail: '{"orderId":"o-0"}',
          },
          {
            EventBusName: 'wiring',
            Source: 'payflow.checkout',
            DetailType: 'OrderConfirmed',
            Detail: '{"orderId":"o-1"}',
          },
        ],
      }),
    );
    const message = await receiveOne(target.url);
    expect(JSON.parse(message.Body!)).toMatchObject({
      'detail-type': 'OrderConfirmed',
      detail: { orderId: 'o-1' },
    });
    const more = await sqs.send(new ReceiveMessageCommand({ QueueUrl: target.url, WaitTimeSeconds: 1 }));
    expect(more.Messages ?? []).toHaveLength(0);
  });

  it('fans an SNS message out to an SQS subscriber in the SNS envelope', async () => {
    const subscriber = await queue('wiring-sns');
    const sns = client(SNSClient);
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'wiring-topic' }));
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: subscriber.arn }));
    await events.send(
      new PutRuleCommand({
        Name: 'to-sns',
        EventBusName: 'wiring',
        EventPattern: '{"source":["payflow.sns-test"]}',
      }),
    );
    await events.send(
      new PutTargetsCommand({
        Rule: 'to-sns',
        EventBusName: 'wiring',
        Targets: [{ Id: 't', Arn: TopicArn! }],
      }),
    );
    await events.send(
      new PutEventsCommand({
        Entries: [{ EventBusName: 'wiring', Source: 'payflow.sns-test', DetailType: 'X', Detail: '{"n":7}' }],
      }),
    );
    const envelope = JSON.parse((await receiveOne(subscriber.url)).Body!) as {
      Type: string;
      TopicArn: string;
      Message: string;
    };
    expect(envelope).toMatchObject({ Type: 'Notification', TopicArn });
    expect(JSON.parse(envelope.Message)).toMatchObject({ source: 'payflow.sns-test', detail: { n: 7 } });
  });

  it('runs a state machine that writes DynamoDB, puts an event, and waits for a task token sent over SQS', async () => {
    const db = client(DynamoDBClient);
    await db.send(
      new CreateTableCommand({
        TableName: 'wiring-orders',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'orderId', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'orderId', KeyType: 'HASH' }],
      }),
    );
    const tokens = await queue('wiring-tokens');
    const outcomes = await queue('wiring-outcomes');
    await events.send(
      new PutRuleCommand({
        Name: 'outcomes',
        EventBusName: 'wiring',
        EventPattern: '{"source":["payflow.sfn-test"]}',
      }),
    );
    await events.send(
      new PutTargetsCommand({
        Rule: 'outcomes',
        EventBusName: 'wiring',
        Targets: [{ Id: 'q', Arn: outcomes.arn }],
      }),
    );

    const definition = {
      StartAt: 'RecordOrder',
      States: {
        RecordOrder: {
          Type: 'Task',
          Resource: 'arn:aws:states:::dynamodb:putItem',
          Parameters: {
            TableName: 'wiring-orders',
            Item: { orderId: { 'S.$': '$.orderId' }, status: { S: 'PENDING' } },
          },
          ResultPath: null,
          Next: 'AskForPayment',
        },
        AskForPayment: {
          Type: 'Task',
          Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
          Parameters: {
            QueueUrl: tokens.url,
            MessageBody: { 'orderId.$': '$.orderId', 'token.$': '$$.Task.Token' },
          },
          TimeoutSeconds: 30,
          ResultPath: '$.payment',
          Next: 'Announce',
        },
        Announce: {
          Type: 'Task',
          Resource: 'arn:aws:states:::events:putEvents',
          Parameters: {
            Entries: [
              { EventBusName: 'wiring', Source: 'payflow.sfn-test', DetailType: 'Paid', 'Detail.$': '$' },
            ],
          },
          ResultPath: null,
          End: true,
        },
      },
    };
    const sfn = client(SFNClient);
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({
        name: 'wiring',
        definition: JSON.stringify(definition),
        roleArn: `arn:aws:iam::${account}:role/x`,
      }),
    );
    await events.send(
      new PutRuleCommand({
        Name: 'start',
        EventBusName: 'wiring',
        EventPattern: '{"detail-type":["CheckoutRequested"]}',
      }),
    );
    await events.send(
      new PutTargetsCommand({
        Rule: 'start',
        EventBusName: 'wiring',
        Targets: [{ Id: 'sm', Arn: stateMachineArn!, InputPath: '$.detail' }],
      }),
    );
    await events.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: 'wiring',
            Source: 'payflow.test',
            DetailType: 'CheckoutRequested',
            Detail: '{"orderId":"o-42"}',
          },
        ],
      }),
    );

    const asked = JSON.parse((await receiveOne(tokens.url)).Body!) as { orderId: string; token: string };
    expect(asked.orderId).toBe('o-42');
    const stored = await db.send(
      new GetItemCommand({ TableName: 'wiring-orders', Key: { orderId: { S: 'o-42' } } }),
    );
    expect(stored.Item?.status).toEqual({ S: 'PENDING' });

    await sfn.send(
      new SendTaskSuccessCommand({ taskToken: asked.token, output: JSON.stringify({ paid: true }) }),
    );
    const outcome = JSON.parse((await receiveOne(outcomes.url)).Body!) as { detail: unknown };
    expect(outcome.detail).toEqual({ orderId: 'o-42', payment: { paid: true } });

    const { executions } = await sfn.send(new ListExecutionsCommand({ stateMachineArn }));
    const execution = await sfn.send(
      new DescribeExecutionCommand({ executionArn: executions![0]!.executionArn }),
    );
    expect(execution.status).toBe('SUCCEEDED');
  });
});
