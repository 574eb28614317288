/** Scheduled rules through the SDK: `rate(1 minute)` fires with AWS's Scheduled Event (a minute lasts 0.6 s here). */
import {
  CreateEventBusCommand,
  DisableRuleCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { startEdge, type Edge } from '../../../src/router';
import { registerInProcessFunction } from '../../../src/lambda';
import { EventBridgeEmulator } from '../../../src/eventbridge';

const SCALE = 0.01;
const MINUTE_MS = 60_000 * SCALE;
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

let edge: Edge;
let client: EventBridgeClient;
const received: Array<{ at: number; event: Record<string, unknown> }> = [];

beforeAll(async () => {
  edge = await startEdge({ port: 0 });
  edge.add(new EventBridgeEmulator({ endpoint: edge.endpoint, scheduleTimeScale: SCALE }));
  client = new EventBridgeClient({ endpoint: edge.endpoint, region: 'us-east-1', credentials });
  registerInProcessFunction('payflow-schedule-test-local-reconcile', async (event) => {
    received.push({ at: Date.now(), event: event as Record<string, unknown> });
  });
});

afterAll(async () => {
  client.destroy();
  await edge.close();
});

it('fires a rate(1 minute) rule every minute with the Scheduled Event AWS sends, until it is disabled', async () => {
  const created = Date.now();
  const { RuleArn } = await client.send(
    new PutRuleCommand({ Name: 'reconcile-every-minute', ScheduleExpression: 'rate(1 minute)' }),
  );
  await client.send(
    new PutTargetsCommand({
      Rule: 'reconcile-every-minute',
      Targets: [
        {
          Id: 'reconcile',
          Arn: 'arn:aws:lambda:us-east-1:000000000000:function:payflow-schedule-test-local-reconcile',
        },
      ],
    }),
  );
  while (received.length < 2) await new Promise((resolve) => setTimeout(resolve, 20));
  await client.send(new DisableRuleCommand({ Name: 'reconcile-every-minute' }));

  expect(RuleArn).toBe('arn:aws:events:us-east-1:000000000000:rule/reconcile-every-minute');
  expect(received[0]!.event).toEqual({
    version: '0',
    id: expect.stringMatching(/^[0-9a-f-]{36}$/),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '000000000000',
    time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
    region: 'us-east-1',
    resources: [RuleArn],
    detail: {},
  });
  // The n-th firing is due n minutes after the rule was created: never early, though a late
  // delivery may shorten the gap to the next one (the schedule keeps its cadence, as AWS's does).
  expect(received[0]!.at - created).toBeGreaterThanOrEqual(MINUTE_MS - 5);
  expect(received[1]!.at - created).toBeGreaterThanOrEqual(2 * MINUTE_MS - 5);
  expect(received[1]!.event.id).not.toBe(received[0]!.event.id);

  const count = received.length;
  await new Promise((resolve) => setTimeout(resolve, 3 * MINUTE_MS));
  expect(received).toHaveLength(count);
});

it('refuses a schedule on a custom bus and an expression AWS refuses', async () => {
  await client.send(new CreateEventBusCommand({ Name: 'payflow-schedules' }));
  await expect(
    client.send(
      new PutRuleCommand({
        Name: 'on-custom-bus',
        EventBusName: 'payflow-schedules',
        ScheduleExpression: 'rate(5 minutes)',
      }),
    ),
  ).rejects.toMatchObject({
    name: 'ValidationException',
    message: 'ScheduleExpression is supported only on the default event bus.',
  });
  await expect(
    client.send(new PutRuleCommand({ Name: 'bad-rate', ScheduleExpression: 'rate(1 minutes)' })),
  ).rejects.toMatchObject({
    name: 'ValidationException',
    message: 'Parameter ScheduleExpression is not valid.',
  });
  await expect(
    client.send(new PutRuleCommand({ Name: 'both-days', ScheduleExpression: 'cron(0 10 * * MON *)' })),
  ).rejects.toMatchObject({
    name: 'ValidationException',
    message: 'Parameter ScheduleExpression is not valid.',
  });
});
