/** The EventBridge emulator through the real SDK v3 client and the AWS CLI v2, behind an edge started here. */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  CreateEventBusCommand,
  DeleteEventBusCommand,
  DeleteRuleCommand,
  DescribeEventBusCommand,
  DescribeRuleCommand,
  EventBridgeClient,
  ListEventBusesCommand,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  TestEventPatternCommand,
} from '@aws-sdk/client-eventbridge';
import { startEdge, type Edge } from '../../../src/router';
import { registerInProcessFunction } from '../../../src/lambda';
import { EventBridgeEmulator } from '../../../src/eventbridge';

const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:payflow-test-local-fn';
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

let edge: Edge;
let emulator: EventBridgeEmulator;
let client: EventBridgeClient;
const received: unknown[] = [];

beforeAll(async () => {
  edge = await startEdge({ port: 0 });
  emulator = new EventBridgeEmulator({
    endpoint: edge.endpoint,
    retry: { firstDelayMs: 10, maxDelayMs: 10 },
  });
  edge.add(emulator);
  client = new EventBridgeClient({ endpoint: edge.endpoint, region: 'us-east-1', credentials });
  registerInProcessFunction('payflow-test-local-fn', async (event) => {
    received.push(event);
  });
});

afterAll(async () => {
  client.destroy();
  await edge.close();
});

beforeEach(() => {
  received.length = 0;
});

const entry = (detail: object, extra: Record<string, unknown> = {}) => ({
  Source: 'payflow.payments',
  DetailType: 'PaymentSucceeded',
  Detail: JSON.stringify(detail),
  ...extra,
});

describe('event buses', () => {
  it('creates, describes, lists by prefix and deletes a custom bus', async () => {
    const created = await client.send(new CreateEventBusCommand({ Name: 'payflow-local' }));
    expect(created.EventBusArn).toBe('arn:aws:events:us-east-1:000000000000:event-bus/payflow-local');
    const described = await client.send(new DescribeEventBusCommand({ Name: created.EventBusArn }));
    expect(described).toMatchObject({ Name: 'payflow-local', Arn: created.EventBusArn });
    const listed = await client.send(new ListEventBusesCommand({ NamePrefix: 'payflow' }));
    expect(listed.EventBuses?.map((b) => b.Name)).toEqual(['payflow-local']);
    await expect(client.send(new CreateEventBusCommand({ Name: 'payflow-local' }))).rejects.toMatchObject({
      name: 'ResourceAlreadyExistsException',
    });
    await client.send(new DeleteEventBusCommand({ Name: 'payflow-local' }));
    await expect(client.send(new DescribeEventBusCommand({ Name: 'payflow-local' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'Event bus payflow-local does not exist.',
    });
  });

  it('always has the default bus, which cannot be deleted', async () => {
    expect((await client.send(new DescribeEventBusCommand({}))).Name).toBe('default');
    await expect(client.send(new DeleteEventBusCommand({ Name: 'default' }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
  });
});

describe('rules and targets', () => {
  it('returns rule ARNs with the bus name for custom buses only', async () => {
    await client.send(new CreateEventBusCommand({ Name: 'rules-bus' }));
    const custom = await client.send(
      new PutRuleCommand({
        Name: 'r1',
        EventBusName: 'rules-bus',
        EventPattern: '{"source":["a"]}',
        Description: 'd',
      }),
    );
    expect(custom.RuleArn).toBe('arn:aws:events:us-east-1:000000000000:rule/rules-bus/r1');
    const onDefault = await client.send(
      new PutRuleCommand({ Name: 'r1', ScheduleExpression: 'rate(5 minutes)' }),
    );
    expect(onDefault.RuleArn).toBe('arn:aws:events:us-east-1:000000000000:rule/r1');

    const described = await client.send(new DescribeRuleCommand({ Name: 'r1', EventBusName: 'rules-bus' }));
    expect(described).toMatchObject({
      Name: 'r1',
      State: 'ENABLED',
      Description: 'd',
      EventPattern: '{"source":["a"]}',
      EventBusName: 'rules-bus',
    });
    const listed = await client.send(new ListRulesCommand({ EventBusName: 'rules-bus', NamePrefix: 'r' }));
    expect(listed.Rules?.map((r) => r.Name)).toEqual(['r1']);
    await client.send(new DeleteRuleCommand({ Name: 'r1' }));
  });

  it('rejects an invalid pattern with InvalidEventPatternException', async () => {
    await expect(
      client.send(new PutRuleCommand({ Name: 'bad', EventPattern: '{"source":"payflow.payments"}' })),
    ).rejects.toMatchObject({
      name: 'InvalidEventPatternException',
      message: 'Event pattern is not valid. Reason: "source" must be an object or an array',
    });
  });

  it('refuses to delete a rule that still has targets, then deletes it once they are removed', async () => {
    await client.send(new PutRuleCommand({ Name: 'with-targets', EventPattern: '{"source":["x"]}' }));
    const put = await client.send(
      new PutTargetsCommand({ Rule: 'with-targets', Targets: [{ Id: 't1', Arn: FUNCTION_ARN }] }),
    );
    expect(put).toMatchObject({ FailedEntryCount: 0, FailedEntries: [] });
    expect((await client.send(new ListTargetsByRuleCommand({ Rule: 'with-targets' }))).Targets).toEqual([
      { Id: 't1', Arn: FUNCTION_ARN },
    ]);
    await expect(client.send(new DeleteRuleCommand({ Name: 'with-targets' }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: "Rule can't be deleted since it has targets.",
    });
    await client.send(new RemoveTargetsCommand({ Rule: 'with-targets', Ids: ['t1'] }));
    await client.send(new DeleteRuleCommand({ Name: 'with-targets' }));
    await expect(client.send(new DescribeRuleCommand({ Name: 'with-targets' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });

  it('fails PutTargets on a rule that does not exist', async () => {
    await expect(
      client.send(new PutTargetsCommand({ Rule: 'nope', Targets: [{ Id: 't', Arn: FUNCTION_ARN }] })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe('PutEvents', () => {
  it('reports per-entry errors as AWS does and still accepts the valid entries', async () => {
    const out = await client.send(
      new PutEventsCommand({
        Entries: [
          entry({ ok: 1 }),
          { DetailType: 'X', Detail: '{}' },
          { Source: 's', Detail: '{}' },
          { Source: 's', DetailType: 'X' },
          entry({}, { Detail: '[1,2]' }),
          entry({}, { Detail: 'not json' }),
          entry({ ok: 1 }, { EventBusName: 'no-such-bus' }),
        ],
      }),
    );
    expect(out.FailedEntryCount).toBe(5);
    expect(out.Entries?.[0]?.EventId).toMatch(/^[0-9a-f-]{36}$/);
    // A bus that does not exist: AWS accepts the entry and drops the event.
    expect(out.Entries?.[6]?.EventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(out.Entries?.slice(1)).toEqual([
      {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Parameter Source is not valid. Reason: Source is a required argument.',
      },
      {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Parameter DetailType is not valid. Reason: DetailType is a required argument.',
      },
      {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Parameter Detail is not valid. Reason: Detail is a required argument.',
      },
      { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
      { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
      { EventId: expect.stringMatching(/^[0-9a-f-]{36}$/) },
    ]);
  });

  it('rejects more than 10 entries as a whole with ValidationException', async () => {
    const entries = Array.from({ length: 11 }, () => entry({}));
    await expect(client.send(new PutEventsCommand({ Entries: entries }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
  });

  it('delivers matching events to a Lambda target through an InputTransformer', async () => {
    await client.send(new CreateEventBusCommand({ Name: 'delivery-bus' }));
    const rule = await client.send(
      new PutRuleCommand({
        Name: 'payments-to-fn',
        EventBusName: 'arn:aws:events:us-east-1:000000000000:event-bus/delivery-bus',
        EventPattern: JSON.stringify({
          source: ['payflow.payments'],
          detail: { amount: [{ numeric: ['>', 0] }] },
        }),
      }),
    );
    await client.send(
      new PutTargetsCommand({
        Rule: 'payments-to-fn',
        EventBusName: 'delivery-bus',
        Targets: [
          {
            Id: 'fn',
            Arn: FUNCTION_ARN,
            InputTransformer: {
              InputPathsMap: { order: '$.detail.orderId', amount: '$.detail.amount' },
              InputTemplate:
                '{"order": <order>, "amount": <amount>, "rule": <aws.events.rule-name>, "arn": "<aws.events.rule-arn>"}',
            },
          },
        ],
      }),
    );
    const out = await client.send(
      new PutEventsCommand({
        Entries: [
          entry({ orderId: 'o-1', amount: 1250 }, { EventBusName: 'delivery-bus' }),
          entry({ orderId: 'o-2', amount: 0 }, { EventBusName: 'delivery-bus' }),
          entry({ orderId: 'o-3', amount: 5 }),
        ],
      }),
    );
    expect(out.FailedEntryCount).toBe(0);
    await emulator.idle();
    expect(received).toEqual([{ order: 'o-1', amount: 1250, rule: 'payments-to-fn', arn: rule.RuleArn }]);
  });

  it('delivers the full event JSON when the target has no input, and nothing for a disabled rule', async () => {
    await client.send(
      new PutRuleCommand({ Name: 'whole', EventPattern: '{"detail-type":["OrderConfirmed"]}' }),
    );
    await client.send(new PutTargetsCommand({ Rule: 'whole', Targets: [{ Id: 'fn', Arn: FUNCTION_ARN }] }));
    const out = await client.send(
      new PutEventsCommand({
        Entries: [entry({ id: 'x' }, { DetailType: 'OrderConfirmed', Resources: ['r:1'] })],
      }),
    );
    await emulator.idle();
    expect(received).toEqual([
      {
        version: '0',
        id: out.Entries?.[0]?.EventId,
        'detail-type': 'OrderConfirmed',
        source: 'payflow.payments',
        account: '000000000000',
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        region: 'us-east-1',
        resources: ['r:1'],
        detail: { id: 'x' },
      },
    ]);

    received.length = 0;
    await client.send(
      new PutRuleCommand({
        Name: 'whole',
        EventPattern: '{"detail-type":["OrderConfirmed"]}',
        State: 'DISABLED',
      }),
    );
    await client.send(new PutEventsCommand({ Entries: [entry({}, { DetailType: 'OrderConfirmed' })] }));
    await emulator.idle();
    expect(received).toEqual([]);
  });

  it('sends SQS targets to the queue URL on the endpoint with the message group id, and logs to log groups', async () => {
    const requests: Array<{ target: string; body: Record<string, unknown> }> = [];
    const sqs = http.createServer((req, res) => {
      let text = '';
      req.on('data', (chunk) => (text += chunk));
      req.on('end', () => {
        const body = JSON.parse(text) as Record<string, unknown>;
        requests.push({ target: String(req.headers['x-amz-target']), body });
        const md5 = createHash('md5').update(String(body.MessageBody)).digest('hex');
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify({ MessageId: 'm-1', MD5OfMessageBody: md5 }));
      });
    });
    await new Promise<void>((resolve) => sqs.listen(0, '127.0.0.1', resolve));
    const sqsEndpoint = `http://127.0.0.1:${(sqs.address() as AddressInfo).port}`;
    const local = new EventBridgeEmulator({
      endpoint: sqsEndpoint,
      retry: { firstDelayMs: 10, maxDelayMs: 10 },
    });
    const localEdge = await startEdge({ port: 0 });
    localEdge.add(local);
    const localClient = new EventBridgeClient({
      endpoint: localEdge.endpoint,
      region: 'us-east-1',
      credentials,
    });
    try {
      await localClient.send(
        new PutRuleCommand({ Name: 'to-queue', EventPattern: '{"source":["payflow.payments"]}' }),
      );
      await localClient.send(
        new PutTargetsCommand({
          Rule: 'to-queue',
          Targets: [
            {
              Id: 'q',
              Arn: 'arn:aws:sqs:us-east-1:000000000000:payflow-notification.fifo',
              InputPath: '$.detail',
              SqsParameters: { MessageGroupId: 'g1' },
            },
            { Id: 'audit', Arn: 'arn:aws:logs:us-east-1:000000000000:log-group:/payflow/audit:*' },
          ],
        }),
      );
      await localClient.send(new PutEventsCommand({ Entries: [entry({ orderId: 'o-9' })] }));
      await local.idle();
      expect(requests).toEqual([
        {
          target: 'AmazonSQS.SendMessage',
          body: expect.objectContaining({
            QueueUrl: `${sqsEndpoint}/000000000000/payflow-notification.fifo`,
            MessageBody: '{"orderId":"o-9"}',
            MessageGroupId: 'g1',
          }),
        },
      ]);
      expect(local.failedDeliveries).toEqual([]);
      expect(local.logs).toHaveLength(1);
      expect(local.logs[0]).toMatchObject({ logGroupName: '/payflow/audit' });
      expect(JSON.parse(local.logs[0]!.message)).toMatchObject({
        source: 'payflow.payments',
        detail: { orderId: 'o-9' },
      });
    } finally {
      localClient.destroy();
      await localEdge.close();
      await new Promise((resolve) => sqs.close(resolve));
    }
  });

  it('logs a delivery to a function that does not exist, without retrying it, and never fails PutEvents', async () => {
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      await client.send(
        new PutRuleCommand({ Name: 'to-missing-fn', EventPattern: '{"detail-type":["Broken"]}' }),
      );
      await client.send(
        new PutTargetsCommand({
          Rule: 'to-missing-fn',
          Targets: [
            { Id: 'gone', Arn: 'arn:aws:lambda:us-east-1:000000000000:function:payflow-nothing-local-x' },
          ],
        }),
      );
      const out = await client.send(new PutEventsCommand({ Entries: [entry({}, { DetailType: 'Broken' })] }));
      expect(out.FailedEntryCount).toBe(0);
      await emulator.idle();
      expect(emulator.failedDeliveries).toContainEqual(
        expect.objectContaining({
          ruleArn: 'arn:aws:events:us-east-1:000000000000:rule/to-missing-fn',
          targetId: 'gone',
          errorCode: 'NO_RESOURCE',
          attempts: 1,
        }),
      );
      expect(errors.mock.calls.flat().join(' ')).toMatch(
        /rule\/to-missing-fn.*gone.*1 attempt \(NO_RESOURCE\)/,
      );
    } finally {
      errors.mockRestore();
    }
  });
});

describe('TestEventPattern', () => {
  const event = {
    id: '1',
    source: 'payflow.checkout',
    'detail-type': 'OrderConfirmed',
    account: '000000000000',
    region: 'us-east-1',
    time: '2026-11-21T10:00:00Z',
    detail: { total: 1999 },
  };

  it('answers Result for matching and non-matching events', async () => {
    const match = await client.send(
      new TestEventPatternCommand({
        EventPattern: '{"detail":{"total":[{"numeric":[">=",1000]}]}}',
        Event: JSON.stringify(event),
      }),
    );
    expect(match.Result).toBe(true);
    const miss = await client.send(
      new TestEventPatternCommand({
        EventPattern: '{"source":["payflow.payments"]}',
        Event: JSON.stringify(event),
      }),
    );
    expect(miss.Result).toBe(false);
  });

  it('rejects an event without the required fields with ValidationException', async () => {
    const { id: _id, ...withoutId } = event;
    await expect(
      client.send(
        new TestEventPatternCommand({ EventPattern: '{"source":["x"]}', Event: JSON.stringify(withoutId) }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException', message: 'Parameter Event is not valid.' });
  });

  it('works through the AWS CLI v2', async () => {
    const run = promisify(execFile);
    const env = {
      ...process.env,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_DEFAULT_REGION: 'us-east-1',
    };
    const args = [
      'events',
      'test-event-pattern',
      '--endpoint-url',
      edge.endpoint,
      '--event',
      JSON.stringify(event),
    ];
    const { stdout } = await run(
      '/usr/bin/aws',
      [...args, '--event-pattern', '{"source":[{"prefix":"payflow."}]}'],
      { env },
    );
    expect(JSON.parse(stdout)).toEqual({ Result: true });
    await expect(
      run('/usr/bin/aws', [...args, '--event-pattern', '{"source":[{"wildcard":"a**b"}]}'], { env }),
    ).rejects.toMatchObject({ stderr: expect.stringContaining('InvalidEventPatternException') });
  });
});
