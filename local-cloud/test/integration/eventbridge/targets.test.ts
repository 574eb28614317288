/**
 * EventBridge targets as AWS runs them: RetryPolicy and DeadLetterConfig, PutTargets' limits and refusals, a bus
 * that does not exist, and input transformer output that is not delivered.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  EventBridgeClient,
  ListRuleNamesByTargetCommand,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  type PutTargetsCommandInput,
} from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { startEdge, type Edge } from '../../../src/router';
import { SqsEmulator } from '../../../src/sqs';
import { EventBridgeEmulator } from '../../../src/eventbridge';
import { sqsClient } from '../sqs/helpers';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const queueArn = (name: string) => `arn:aws:sqs:us-east-1:000000000000:${name}`;

let edge: Edge;
let sqs: SqsEmulator;
let events: EventBridgeEmulator;
let client: EventBridgeClient;
let queues: SQSClient;
let ruleCount = 0;

beforeAll(async () => {
  edge = await startEdge({ port: 0 });
  sqs = new SqsEmulator({ endpoint: edge.endpoint });
  events = new EventBridgeEmulator({
    endpoint: edge.endpoint,
    retry: { firstDelayMs: 10, maxDelayMs: 10 },
    sendToQueue: (queueName, message) =>
      void sqs.store.get(queueName).send({ ...message, messageAttributes: {} }),
  });
  edge.add(sqs);
  edge.add(events);
  client = new EventBridgeClient({ endpoint: edge.endpoint, region: 'us-east-1', credentials });
  queues = sqsClient(edge.endpoint);
});

afterAll(async () => {
  client.destroy();
  queues.destroy();
  await edge.close();
});

async function createQueue(name: string): Promise<string> {
  return (await queues.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;
}

async function receiveAll(url: string) {
  const out = await queues.send(
    new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] }),
  );
  return out.Messages ?? [];
}

/** A rule matching source `test.<n>` and its ARN. */
async function rule(on = client): Promise<{ name: string; source: string; arn: string }> {
  ruleCount += 1;
  const name = `targets-${ruleCount}`;
  const source = `test.${ruleCount}`;
  const out = await on.send(
    new PutRuleCommand({ Name: name, EventPattern: JSON.stringify({ source: [source] }) }),
  );
  return { name, source, arn: out.RuleArn! };
}

const put = (source: string, detail: object = { orderId: 'o-1' }, on = client) =>
  on.send(
    new PutEventsCommand({ Entries: [{ Source: source, DetailType: 'T', Detail: JSON.stringify(detail) }] }),
  );

const attributes = (message: { MessageAttributes?: Record<string, { StringValue?: string }> }) =>
  Object.fromEntries(Object.entries(message.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue]));

describe('dead-letter queues and retries', () => {
  it('sends an event for a target that does not exist straight to its DLQ, with AWS attributes', async () => {
    const dlq = await createQueue('eb-dlq-missing');
    const { name, source, arn } = await rule();
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      await client.send(
        new PutTargetsCommand({
          Rule: name,
          Targets: [
            {
              Id: 'missing',
              Arn: queueArn('eb-no-such-queue'),
              DeadLetterConfig: { Arn: queueArn('eb-dlq-missing') },
            },
          ],
        }),
      );
      const out = await put(source);
      await events.idle();
      const [message, ...rest] = await receiveAll(dlq);
      expect(rest).toEqual([]);
      expect(JSON.parse(message!.Body!)).toMatchObject({
        id: out.Entries![0]!.EventId,
        source,
        detail: { orderId: 'o-1' },
      });
      expect(attributes(message!)).toEqual({
        RULE_ARN: arn,
        TARGET_ARN: queueArn('eb-no-such-queue'),
        ERROR_CODE: 'NO_RESOURCE',
        ERROR_MESSAGE: 'The specified queue does not exist.',
        RETRY_ATTEMPTS: '0',
      });
      expect(events.failedDeliveries).toContainEqual(
        expect.objectContaining({ targetId: 'missing', attempts: 1, sentToDeadLetterQueue: true }),
      );
    } finally {
      errors.mockRestore();
    }
  });

  describe('against a target that fails with a server error', () => {
    let server: http.Server;
    let endpoint: string;
    let attempts = 0;
    let failuresLeft = 0;
    const deadLetters: Array<Record<string, unknown>> = [];

    beforeAll(async () => {
      // Stands in for SQS: the queue `flaky` answers 500 while failuresLeft > 0; `dlq` records what it gets.
      server = http.createServer((req, res) => {
        let text = '';
        req.on('data', (chunk) => (text += chunk));
        req.on('end', () => {
          const body = JSON.parse(text) as Record<string, unknown>;
          if (String(body.QueueUrl).endsWith('/dlq')) deadLetters.push(body);
          else {
            attempts += 1;
            if (failuresLeft > 0) {
              failuresLeft -= 1;
              res.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' });
              res.end(JSON.stringify({ __type: 'com.amazonaws.sqs#InternalError', message: 'try again' }));
              return;
            }
          }
          res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
          const md5 = createHash('md5').update(String(body.MessageBody)).digest('hex');
          res.end(JSON.stringify({ MessageId: 'm-1', MD5OfMessageBody: md5 }));
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise((resolve) => server.close(resolve)));
    beforeEach(() => {
      attempts = 0;
      deadLetters.length = 0;
    });

    async function withEmulator(
      timing: { firstDelayMs: number; maxDelayMs: number },
      target: PutTargetsCommandInput['Targets'],
      failures: number,
    ) {
      const local = new EventBridgeEmulator({ endpoint, retry: timing });
      const localEdge = await startEdge({ port: 0 });
      localEdge.add(local);
      const localClient = new EventBridgeClient({
        endpoint: localEdge.endpoint,
        region: 'us-east-1',
        credentials,
      });
      const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
      try {
        const { name, source, arn } = await rule(localClient);
        await localClient.send(new PutTargetsCommand({ Rule: name, Targets: target }));
        failuresLeft = failures;
        await put(source, { orderId: 'o-2' }, localClient);
        await local.idle();
        return { arn, failed: [...local.failedDeliveries] };
      } finally {
        errors.mockRestore();
        localClient.destroy();
        await localEdge.close();
      }
    }

    const flakyTarget = (extra: Record<string, unknown> = {}) => [
      { Id: 'flaky', Arn: queueArn('flaky'), DeadLetterConfig: { Arn: queueArn('dlq') }, ...extra },
    ];

    it('retries a retriable failure and delivers once the target recovers', async () => {
      const { failed } = await withEmulator({ firstDelayMs: 5, maxDelayMs: 20 }, flakyTarget(), 3);
      expect(attempts).toBe(4);
      expect(failed).toEqual([]);
      expect(deadLetters).toEqual([]);
    });

    it('stops after MaximumRetryAttempts retries and dead-letters with EXHAUSTED_RETRY_CONDITION', async () => {
      const { arn } = await withEmulator(
        { firstDelayMs: 5, maxDelayMs: 5 },
        flakyTarget({ RetryPolicy: { MaximumRetryAttempts: 2 } }),
        100,
      );
      expect(attempts).toBe(3);
      expect(deadLetters).toHaveLength(1);
      expect(JSON.parse(String(deadLetters[0]!.MessageBody))).toMatchObject({ detail: { orderId: 'o-2' } });
      expect(deadLetters[0]!.MessageAttributes).toMatchObject({
        RULE_ARN: { DataType: 'String', StringValue: arn },
        TARGET_ARN: { StringValue: queueArn('flaky') },
        ERROR_CODE: { StringValue: 'INTERNAL_ERROR' },
        EXHAUSTED_RETRY_CONDITION: { StringValue: 'MaximumRetryAttempts' },
        RETRY_ATTEMPTS: { StringValue: '2' },
      });
    });

    it('stops retrying once the next retry would pass MaximumEventAgeInSeconds', async () => {
      await withEmulator(
        { firstDelayMs: 61_000, maxDelayMs: 61_000 },
        flakyTarget({ RetryPolicy: { MaximumEventAgeInSeconds: 60 } }),
        100,
      );
      expect(attempts).toBe(1);
      expect(deadLetters[0]!.MessageAttributes).toMatchObject({
        EXHAUSTED_RETRY_CONDITION: { StringValue: 'MaximumEventAgeInSeconds' },
        RETRY_ATTEMPTS: { StringValue: '0' },
      });
    });
  });
});

describe('PutTargets', () => {
  it('refuses a sixth target on a rule with LimitExceededException', async () => {
    const { name } = await rule();
    const targets = Array.from({ length: 6 }, (_, i) => ({ Id: `t-${i}`, Arn: queueArn('eb-any') }));
    await expect(client.send(new PutTargetsCommand({ Rule: name, Targets: targets }))).rejects.toMatchObject({
      name: 'LimitExceededException',
      message: 'The requested resource exceeds the maximum number allowed.',
    });
    await client.send(new PutTargetsCommand({ Rule: name, Targets: targets.slice(0, 5) }));
    await expect(
      client.send(new PutTargetsCommand({ Rule: name, Targets: [{ Id: 't-5', Arn: queueArn('eb-any') }] })),
    ).rejects.toMatchObject({ name: 'LimitExceededException' });
    // Replacing one of the five is fine.
    await client.send(
      new PutTargetsCommand({ Rule: name, Targets: [{ Id: 't-0', Arn: queueArn('eb-other') }] }),
    );
  });

  it('refuses target ids outside [.-_A-Za-z0-9] or longer than 64 characters', async () => {
    const { name } = await rule();
    await expect(
      client.send(new PutTargetsCommand({ Rule: name, Targets: [{ Id: '!@#$@!#$', Arn: queueArn('q') }] })),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message:
        "1 validation error detected: Value '!@#$@!#$' at 'targets.1.member.id' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+",
    });
    const long = 'a'.repeat(65);
    await expect(
      client.send(new PutTargetsCommand({ Rule: name, Targets: [{ Id: long, Arn: queueArn('q') }] })),
    ).rejects.toMatchObject({
      message: `1 validation error detected: Value '${long}' at 'targets.1.member.id' failed to satisfy constraint: Member must have length less than or equal to 64`,
    });
    await client.send(
      new PutTargetsCommand({
        Rule: name,
        Targets: [{ Id: 'test-With_valid.Characters-1', Arn: queueArn('q') }],
      }),
    );
  });

  it('refuses a FIFO queue target without SqsParameters', async () => {
    const { name } = await rule();
    await expect(
      client.send(
        new PutTargetsCommand({ Rule: name, Targets: [{ Id: 'sqs-fifo', Arn: queueArn('q.fifo') }] }),
      ),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'Parameter(s) SqsParameters must be specified for target: sqs-fifo.',
    });
  });

  it('refuses a RetryPolicy out of range', async () => {
    const { name } = await rule();
    await expect(
      client.send(
        new PutTargetsCommand({
          Rule: name,
          Targets: [
            {
              Id: 't',
              Arn: queueArn('q'),
              RetryPolicy: { MaximumRetryAttempts: 186, MaximumEventAgeInSeconds: 59 },
            },
          ],
        }),
      ),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message:
        "2 validation errors detected: Value '186' at 'targets.1.member.retryPolicy.maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 185; " +
        "Value '59' at 'targets.1.member.retryPolicy.maximumEventAgeInSeconds' failed to satisfy constraint: Member must have value greater than or equal to 60",
    });
  });

  it('refuses a template placeholder without a path, and more than one kind of input', async () => {
    const { name } = await rule();
    await expect(
      client.send(
        new PutTargetsCommand({
          Rule: name,
          Targets: [
            {
              Id: 't-1',
              Arn: queueArn('q'),
              InputTransformer: {
                InputPathsMap: { 'detail-type': '$.detail-type' },
                InputTemplate: '"Event of <detail-type> type, with not defined key <notdefinedkey>"',
              },
            },
          ],
        }),
      ),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'InputTemplate for target t-1 contains invalid placeholder notdefinedkey.',
    });
    await expect(
      client.send(
        new PutTargetsCommand({
          Rule: name,
          Targets: [
            {
              Id: 't-2',
              Arn: queueArn('q'),
              InputPath: '$.detail',
              InputTransformer: { InputPathsMap: {}, InputTemplate: '"x"' },
            },
          ],
        }),
      ),
    ).rejects.toMatchObject({
      message: 'Only one of Input, InputPath, or InputTransformer must be provided for target t-2.',
    });
  });
});

describe('targets the local cloud does not deliver to', () => {
  it('takes any ARN, as AWS does, warns, and fails its deliveries as NO_RESOURCE into the DLQ', async () => {
    const dlq = await createQueue('eb-dlq-unknown');
    const { name, source } = await rule();
    const warnings = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const out = await client.send(
        new PutTargetsCommand({
          Rule: name,
          Targets: [
            { Id: 'target-id', Arn: 'target-arn', InputPath: '$.detail' },
            {
              Id: 'target-id',
              Arn: 'target-arn',
              InputPath: '$.notexisting',
              DeadLetterConfig: { Arn: queueArn('eb-dlq-unknown') },
            },
          ],
        }),
      );
      expect(out).toMatchObject({ FailedEntryCount: 0, FailedEntries: [] });
      const listed = await client.send(new ListTargetsByRuleCommand({ Rule: name }));
      expect(listed.Targets).toEqual([
        expect.objectContaining({ Id: 'target-id', Arn: 'target-arn', InputPath: '$.notexisting' }),
      ]);
      expect(warnings.mock.calls.flat().join(' ')).toMatch(/target-arn/);
      await put(source);
      await events.idle();
      const [message] = await receiveAll(dlq);
      expect(attributes(message!)).toMatchObject({ ERROR_CODE: 'NO_RESOURCE', RETRY_ATTEMPTS: '0' });
    } finally {
      warnings.mockRestore();
      errors.mockRestore();
    }
  });

  it('lists the rules that send to a target ARN, a page at a time', async () => {
    const arn = queueArn('eb-listed');
    const names: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { name } = await rule();
      names.push(name);
      await client.send(new PutTargetsCommand({ Rule: name, Targets: [{ Id: 't', Arn: arn }] }));
    }
    const first = await client.send(new ListRuleNamesByTargetCommand({ TargetArn: arn, Limit: 2 }));
    expect(first.RuleNames).toEqual(names.slice(0, 2));
    const second = await client.send(
      new ListRuleNamesByTargetCommand({ TargetArn: arn, Limit: 2, NextToken: first.NextToken }),
    );
    expect(second).toMatchObject({ RuleNames: names.slice(2) });
    expect(second.NextToken).toBeUndefined();
    const none = await client.send(new ListRuleNamesByTargetCommand({ TargetArn: queueArn('eb-nobody') }));
    expect(none.RuleNames).toEqual([]);
  });
});

describe('PutEvents and input transformers', () => {
  it('accepts an entry for a bus that does not exist and delivers it nowhere', async () => {
    const out = await client.send(
      new PutEventsCommand({
        Entries: [{ EventBusName: 'eb-no-such-bus', Source: 's', DetailType: 'T', Detail: '{}' }],
      }),
    );
    expect(out.FailedEntryCount).toBe(0);
    expect(out.Entries![0]!.EventId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('delivers a text template with an object unquoted, and nothing for output that is not JSON', async () => {
    const url = await createQueue('eb-transformed');
    const { name, source } = await rule();
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      await client.send(
        new PutTargetsCommand({
          Rule: name,
          Targets: [
            {
              Id: 'text',
              Arn: queueArn('eb-transformed'),
              InputTransformer: {
                InputPathsMap: { payload: '$.detail.payload' },
                InputTemplate: '"Payload of <payload>"',
              },
            },
            {
              Id: 'broken',
              Arn: queueArn('eb-transformed'),
              InputTransformer: {
                InputPathsMap: { payload: '$.detail.payload' },
                InputTemplate: '{"payload": "<payload>"}',
              },
            },
          ],
        }),
      );
      await put(source, { payload: { acc_id: '0a787ecb-4015', sf_id: 'baz' } });
      await events.idle();
      expect((await receiveAll(url)).map((m) => m.Body)).toEqual([
        '"Payload of {acc_id:0a787ecb-4015,sf_id:baz}"',
      ]);
    } finally {
      errors.mockRestore();
    }
  });
});
