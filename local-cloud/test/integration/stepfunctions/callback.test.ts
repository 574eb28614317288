import {
  CreateStateMachineCommand,
  GetExecutionHistoryCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { registerInProcessFunction } from '../../../src/lambda';
import type { Edge } from '../../../src/router';
import { finished, nextCall, ROLE, startSfn } from './helpers';

let edge: Edge;
let sfn: SFNClient;
beforeAll(async () => ({ edge, sfn } = await startSfn()));
afterAll(() => edge.close());

let counter = 0;
/** A machine whose RequestPayment task hands `$$.Task.Token` to an in-process function and waits. */
async function callbackMachine(task: Record<string, unknown>, extraStates: Record<string, unknown> = {}) {
  const fn = `sfn-test-callback-${++counter}`;
  const call = nextCall<{ token: string; orderId: string }>();
  registerInProcessFunction(fn, call.handler);
  const definition = {
    StartAt: 'RequestPayment',
    States: {
      RequestPayment: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: { FunctionName: fn, Payload: { 'token.$': '$$.Task.Token', 'orderId.$': '$.orderId' } },
        End: true,
        ...task,
      },
      ...extraStates,
    },
  };
  const { stateMachineArn } = await sfn.send(
    new CreateStateMachineCommand({
      name: `callback-${counter}`,
      definition: JSON.stringify(definition),
      roleArn: ROLE,
    }),
  );
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({ stateMachineArn, input: JSON.stringify({ orderId: 'o-1' }) }),
  );
  return { executionArn: executionArn!, received: call.received };
}

test('SendTaskSuccess completes the waiting task with its output', async () => {
  const { executionArn, received } = await callbackMachine({});
  const { token, orderId } = await received;
  expect(orderId).toBe('o-1');
  await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ paid: 1250 }) }));
  const out = await finished(sfn, executionArn);
  expect(out.status).toBe('SUCCEEDED');
  expect(JSON.parse(out.output!)).toEqual({ paid: 1250 });
});

test('SendTaskFailure fails the execution with the error and cause', async () => {
  const { executionArn, received } = await callbackMachine({});
  const { token } = await received;
  await sfn.send(
    new SendTaskFailureCommand({ taskToken: token, error: 'PaymentFailed', cause: 'card declined' }),
  );
  const out = await finished(sfn, executionArn);
  expect(out).toMatchObject({ status: 'FAILED', error: 'PaymentFailed', cause: 'card declined' });
});

test('a Catch handles the error sent by SendTaskFailure', async () => {
  const { executionArn, received } = await callbackMachine(
    { Catch: [{ ErrorEquals: ['PaymentFailed'], ResultPath: '$.failure', Next: 'Rejected' }] },
    { Rejected: { Type: 'Pass', End: true } },
  );
  const { token } = await received;
  await sfn.send(
    new SendTaskFailureCommand({ taskToken: token, error: 'PaymentFailed', cause: 'card declined' }),
  );
  const out = await finished(sfn, executionArn);
  expect(out.status).toBe('SUCCEEDED');
  expect(JSON.parse(out.output!)).toEqual({
    orderId: 'o-1',
    failure: { Error: 'PaymentFailed', Cause: 'card declined' },
  });
});

test('a task with HeartbeatSeconds and no heartbeat fails with States.Timeout', async () => {
  const { executionArn, received } = await callbackMachine({ HeartbeatSeconds: 1 });
  await received;
  const out = await finished(sfn, executionArn);
  expect(out).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
});

test('SendTaskHeartbeat keeps a task alive past HeartbeatSeconds', async () => {
  const { executionArn, received } = await callbackMachine({ HeartbeatSeconds: 1 });
  const { token } = await received;
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setTimeout(r, 600));
    await sfn.send(new SendTaskHeartbeatCommand({ taskToken: token }));
  }
  await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"ok":true}' }));
  const out = await finished(sfn, executionArn);
  expect(out.status).toBe('SUCCEEDED');
});

test('TimeoutSeconds fails the task with States.Timeout, which a Catch can handle', async () => {
  const { executionArn, received } = await callbackMachine(
    {
      TimeoutSeconds: 1,
      Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.timeout', Next: 'TimedOut' }],
    },
    { TimedOut: { Type: 'Pass', End: true } },
  );
  await received;
  const out = await finished(sfn, executionArn);
  expect(out.status).toBe('SUCCEEDED');
  expect(JSON.parse(out.output!).timeout.Error).toBe('States.Timeout');
  const { events } = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
  expect(events!.map((e) => e.type)).toContain('TaskTimedOut');
});

test('States.TaskFailed does not catch States.Timeout', async () => {
  const { executionArn, received } = await callbackMachine(
    { TimeoutSeconds: 1, Catch: [{ ErrorEquals: ['States.TaskFailed'], Next: 'Caught' }] },
    { Caught: { Type: 'Pass', End: true } },
  );
  await received;
  const out = await finished(sfn, executionArn);
  expect(out).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
});

test('a token of a finished task is TaskTimedOut, of a timed-out task too, and a garbled one is InvalidToken', async () => {
  const done = await callbackMachine({});
  const { token } = await done.received;
  await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }));
  await finished(sfn, done.executionArn);
  await expect(
    sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })),
  ).rejects.toMatchObject({
    name: 'TaskTimedOut',
  });

  const timedOut = await callbackMachine({ TimeoutSeconds: 1 });
  const late = await timedOut.received;
  await finished(sfn, timedOut.executionArn);
  await expect(
    sfn.send(new SendTaskFailureCommand({ taskToken: late.token, error: 'X' })),
  ).rejects.toMatchObject({
    name: 'TaskTimedOut',
  });
  await expect(sfn.send(new SendTaskHeartbeatCommand({ taskToken: late.token }))).rejects.toMatchObject({
    name: 'TaskTimedOut',
  });

  await expect(
    sfn.send(new SendTaskSuccessCommand({ taskToken: 'not-a-token', output: '{}' })),
  ).rejects.toMatchObject({
    name: 'InvalidToken',
  });
});

test('SendTaskSuccess with output that is not JSON is InvalidOutput', async () => {
  const { executionArn, received } = await callbackMachine({});
  const { token } = await received;
  await expect(
    sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: 'not json' })),
  ).rejects.toMatchObject({
    name: 'InvalidOutput',
  });
  await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }));
  expect((await finished(sfn, executionArn)).status).toBe('SUCCEEDED');
});
