/** Timers longer than one Node timer, `$$.State`, and States.Runtime, through the SDK against real Wait times. */
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SFNClient,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { registerInProcessFunction } from '../../../src/lambda';
import { startEdge, type Edge } from '../../../src/router';
import { StepFunctionsEmulator } from '../../../src/stepfunctions';
import { MAX_TIMER_MS } from '../../../src/timers';
import { finished, nextCall, ROLE } from './helpers';

const THIRTY_DAYS = 30 * 86_400;

let edge: Edge;
let sfn: SFNClient;
beforeAll(async () => {
  edge = await startEdge({ port: 0 });
  // Real Wait durations: the point is what a 30-day timer does.
  edge.add(new StepFunctionsEmulator({ endpoint: edge.endpoint, waitTimeScale: 1 }));
  sfn = new SFNClient({
    endpoint: edge.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
});
afterAll(() => edge.close());

let counter = 0;
async function start(definition: object, input: object = {}) {
  const { stateMachineArn } = await sfn.send(
    new CreateStateMachineCommand({
      name: `timers-${++counter}`,
      definition: JSON.stringify(definition),
      roleArn: ROLE,
    }),
  );
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }),
  );
  return executionArn!;
}

/** Every delay asked of Node's setTimeout while `run` runs. */
async function timerDelays(run: () => Promise<void>): Promise<number[]> {
  const spy = jest.spyOn(globalThis, 'setTimeout');
  try {
    await run();
    return spy.mock.calls.map(([, ms]) => Number(ms ?? 0));
  } finally {
    spy.mockRestore();
  }
}

describe('timers longer than 2^31-1 ms', () => {
  it('a 30-day Wait is still waiting after 1.5 s, and no Node timer over 2^31-1 ms was asked for', async () => {
    let executionArn = '';
    const delays = await timerDelays(async () => {
      executionArn = await start({
        StartAt: 'GracePeriod',
        States: { GracePeriod: { Type: 'Wait', Seconds: THIRTY_DAYS, End: true } },
      });
      await new Promise((resolve) => setTimeout(resolve, 1500));
    });
    const { status } = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    const { events } = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    await sfn.send(new StopExecutionCommand({ executionArn }));

    expect(status).toBe('RUNNING');
    expect(events!.at(-1)!.type).toBe('WaitStateEntered');
    expect(delays).toContain(MAX_TIMER_MS);
    expect(Math.max(...delays)).toBeLessThanOrEqual(MAX_TIMER_MS);
  });

  it('a task and an execution with TimeoutSeconds of 30 days keep waiting, then succeed', async () => {
    const call = nextCall<{ token: string }>();
    registerInProcessFunction('sfn-timers-callback', call.handler);
    let executionArn = '';
    const delays = await timerDelays(async () => {
      executionArn = await start({
        TimeoutSeconds: THIRTY_DAYS,
        StartAt: 'RequestPayment',
        States: {
          RequestPayment: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
            Parameters: { FunctionName: 'sfn-timers-callback', Payload: { 'token.$': '$$.Task.Token' } },
            TimeoutSeconds: THIRTY_DAYS,
            End: true,
          },
        },
      });
      await call.received;
      await new Promise((resolve) => setTimeout(resolve, 1500));
    });
    const { status } = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    const { token } = await call.received;
    await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"paid":true}' }));
    const out = await finished(sfn, executionArn);

    expect(status).toBe('RUNNING');
    expect(out).toMatchObject({ status: 'SUCCEEDED', output: '{"paid":true}' });
    expect(Math.max(...delays)).toBeLessThanOrEqual(MAX_TIMER_MS);
  });
});

describe('timeouts as AWS reports them', () => {
  it('a task timeout is States.Timeout with no cause, in the history and in DescribeExecution', async () => {
    registerInProcessFunction('sfn-timeouts-silent', async () => ({ accepted: true }));
    const executionArn = await start({
      StartAt: 'RequestPayment',
      States: {
        RequestPayment: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
          Parameters: { FunctionName: 'sfn-timeouts-silent', Payload: { 'token.$': '$$.Task.Token' } },
          TimeoutSeconds: 1,
          End: true,
        },
      },
    });
    const out = await finished(sfn, executionArn);
    const { events } = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));

    expect(out.status).toBe('FAILED');
    expect(out.error).toBe('States.Timeout');
    expect(out.cause).toBeUndefined();
    expect(events!.find((e) => e.type === 'TaskTimedOut')!.taskTimedOutEventDetails).toEqual({
      error: 'States.Timeout',
      resource: 'invoke.waitForTaskToken',
      resourceType: 'lambda',
    });
    expect(events!.at(-1)!.executionFailedEventDetails).toEqual({ error: 'States.Timeout' });
  });

  it('an execution timeout leaves DescribeExecution TIMED_OUT with neither error nor cause', async () => {
    const executionArn = await start({
      TimeoutSeconds: 1,
      StartAt: 'Hold',
      States: { Hold: { Type: 'Wait', Seconds: 60, End: true } },
    });
    const out = await finished(sfn, executionArn);
    expect(out.status).toBe('TIMED_OUT');
    expect(out.error).toBeUndefined();
    expect(out.cause).toBeUndefined();
  });
});

describe('$$.State', () => {
  it('gives Name, an EnteredTime fixed for the whole state entry, and RetryCount of each attempt', async () => {
    const attempts: Array<{ retryCount: number; entered: string; name: string }> = [];
    registerInProcessFunction('sfn-state-context', async (event) => {
      attempts.push(event as (typeof attempts)[number]);
      await new Promise((resolve) => setTimeout(resolve, 50));
      if (attempts.length < 3) throw Object.assign(new Error('provider busy'), { name: 'ProviderBusy' });
      return { charged: true };
    });
    const executionArn = await start({
      StartAt: 'Charge',
      States: {
        Charge: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: {
            FunctionName: 'sfn-state-context',
            Payload: {
              'retryCount.$': '$$.State.RetryCount',
              'entered.$': '$$.State.EnteredTime',
              'name.$': '$$.State.Name',
            },
          },
          Retry: [{ ErrorEquals: ['ProviderBusy'], IntervalSeconds: 1, BackoffRate: 1, MaxAttempts: 2 }],
          ResultSelector: { 'enteredAfterwards.$': '$$.State.EnteredTime', 'name.$': '$$.State.Name' },
          Next: 'Confirm',
        },
        Confirm: {
          Type: 'Pass',
          Parameters: { 'charge.$': '$', 'name.$': '$$.State.Name', 'entered.$': '$$.State.EnteredTime' },
          End: true,
        },
      },
    });
    const out = await finished(sfn, executionArn, 10_000);

    expect(out.status).toBe('SUCCEEDED');
    expect(attempts.map((a) => [a.name, a.retryCount])).toEqual([
      ['Charge', 0],
      ['Charge', 1],
      ['Charge', 2],
    ]);
    const output = JSON.parse(out.output!);
    expect(output.charge).toEqual({ enteredAfterwards: attempts[0]!.entered, name: 'Charge' });
    expect(attempts.map((a) => a.entered)).toEqual(Array(3).fill(attempts[0]!.entered));
    expect(output.name).toBe('Confirm');
    expect(Date.parse(output.entered)).toBeGreaterThan(Date.parse(attempts[0]!.entered) + 2000);
  });
});

describe('States.Runtime', () => {
  it('fails the execution even with a Retry and a Catch on States.ALL', async () => {
    const executionArn = await start({
      StartAt: 'Notify',
      States: {
        Notify: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { Payload: {} },
          Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 1, MaxAttempts: 3 }],
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Recovered' }],
          End: true,
        },
        Recovered: { Type: 'Pass', End: true },
      },
    });
    const out = await finished(sfn, executionArn);
    const { events } = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));

    expect(out).toMatchObject({
      status: 'FAILED',
      error: 'States.Runtime',
      cause: 'lambda:invoke needs Parameters.FunctionName (a function name or ARN)',
    });
    const types = events!.map((e) => e.type);
    expect(types.filter((t) => t === 'TaskScheduled')).toHaveLength(1);
    expect(types).not.toContain('PassStateEntered');
    expect(types.at(-1)).toBe('ExecutionFailed');
  });
});
