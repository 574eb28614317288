import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  CreateStateMachineCommand,
  DescribeStateMachineCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  StartExecutionCommand,
  StopExecutionCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { registerInProcessFunction } from '../../../src/lambda';
import type { Edge } from '../../../src/router';
import { finished, ROLE, startSfn } from './helpers';

let edge: Edge;
let sfn: SFNClient;
beforeAll(async () => ({ edge, sfn } = await startSfn()));
afterAll(() => edge.close());

const passOnly = JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
/** Waits for a callback that never comes (Wait states are instant in these tests: waitTimeScale 0). */
const waiting = JSON.stringify({
  StartAt: 'W',
  States: {
    W: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: 'sfn-test-noop' },
      End: true,
    },
  },
});
registerInProcessFunction('sfn-test-noop', async () => ({}));

async function create(name: string, definition: string, type?: 'STANDARD' | 'EXPRESS'): Promise<string> {
  const out = await sfn.send(new CreateStateMachineCommand({ name, definition, roleArn: ROLE, type }));
  return out.stateMachineArn!;
}

test('CreateStateMachine returns the ARN, is idempotent for the same definition, and refuses a different one', async () => {
  const arn = await create('orders', passOnly);
  expect(arn).toBe('arn:aws:states:us-east-1:000000000000:stateMachine:orders');
  expect(await create('orders', passOnly)).toBe(arn);
  const other = JSON.stringify({ StartAt: 'Q', States: { Q: { Type: 'Pass', End: true } } });
  await expect(create('orders', other)).rejects.toMatchObject({ name: 'StateMachineAlreadyExists' });
  const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn }));
  expect(described).toMatchObject({
    name: 'orders',
    definition: passOnly,
    roleArn: ROLE,
    type: 'STANDARD',
    status: 'ACTIVE',
  });
  expect(described.creationDate).toBeInstanceOf(Date);
});

test('CreateStateMachine rejects a definition that is not JSON or has no StartAt', async () => {
  await expect(create('bad-json', '{not json')).rejects.toMatchObject({ name: 'InvalidDefinition' });
  await expect(create('no-start', JSON.stringify({ States: {} }))).rejects.toMatchObject({
    name: 'InvalidDefinition',
  });
  await expect(create('bad name', passOnly)).rejects.toMatchObject({ name: 'InvalidName' });
});

test('DescribeStateMachine of an unknown machine is StateMachineDoesNotExist', async () => {
  await expect(
    sfn.send(
      new DescribeStateMachineCommand({
        stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:nope',
      }),
    ),
  ).rejects.toMatchObject({ name: 'StateMachineDoesNotExist' });
});

test('StartExecution with the name and input of a running execution returns it; other input is ExecutionAlreadyExists', async () => {
  const arn = await create('idempotent', waiting);
  const input = JSON.stringify({ never: 3600 });
  const first = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'run-1', input }));
  const again = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'run-1', input }));
  expect(again.executionArn).toBe(first.executionArn);
  expect(first.executionArn).toBe('arn:aws:states:us-east-1:000000000000:execution:idempotent:run-1');
  await expect(
    sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'run-1', input: '{"never":7200}' })),
  ).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });

  await sfn.send(
    new StopExecutionCommand({ executionArn: first.executionArn, error: 'Cancelled', cause: 'test' }),
  );
  expect(await finished(sfn, first.executionArn!)).toMatchObject({
    status: 'ABORTED',
    error: 'Cancelled',
    cause: 'test',
  });
  // Once closed, the name cannot be reused even with the same input.
  await expect(
    sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'run-1', input })),
  ).rejects.toMatchObject({
    name: 'ExecutionAlreadyExists',
  });
  const aborted = await sfn.send(
    new ListExecutionsCommand({ stateMachineArn: arn, statusFilter: 'ABORTED' }),
  );
  expect(aborted.executions!.map((e) => e.name)).toEqual(['run-1']);
  const running = await sfn.send(
    new ListExecutionsCommand({ stateMachineArn: arn, statusFilter: 'RUNNING' }),
  );
  expect(running.executions).toEqual([]);
});

test('GetExecutionHistory lists AWS event types with ids and previousEventIds, reversible and paged', async () => {
  registerInProcessFunction('sfn-test-double', async (event) => ({
    doubled: (event as { n: number }).n * 2,
  }));
  const arn = await create(
    'history',
    JSON.stringify({
      StartAt: 'Start',
      States: {
        Start: { Type: 'Pass', Next: 'Double' },
        Double: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: 'sfn-test-double', 'Payload.$': '$' },
          OutputPath: '$.Payload',
          End: true,
        },
      },
    }),
  );
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({ stateMachineArn: arn, input: '{"n":21}' }),
  );
  const out = await finished(sfn, executionArn!);
  expect(JSON.parse(out.output!)).toEqual({ doubled: 42 });

  const { events } = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
  expect(events!.map((e) => e.type)).toEqual([
    'ExecutionStarted',
    'PassStateEntered',
    'PassStateExited',
    'TaskStateEntered',
    'TaskScheduled',
    'TaskStarted',
    'TaskSucceeded',
    'TaskStateExited',
    'ExecutionSucceeded',
  ]);
  expect(events!.map((e) => [e.id, e.previousEventId])).toEqual(events!.map((_, i) => [i + 1, i]));
  expect(events![0]!.executionStartedEventDetails).toMatchObject({ input: '{"n":21}', roleArn: ROLE });
  expect(events![1]!.stateEnteredEventDetails).toMatchObject({ name: 'Start' });
  expect(events![4]!.taskScheduledEventDetails).toMatchObject({
    resourceType: 'lambda',
    resource: 'invoke',
    region: 'us-east-1',
  });
  expect(JSON.parse(events![4]!.taskScheduledEventDetails!.parameters!)).toEqual({
    FunctionName: 'sfn-test-double',
    Payload: { n: 21 },
  });
  expect(JSON.parse(events![6]!.taskSucceededEventDetails!.output!)).toMatchObject({
    StatusCode: 200,
    Payload: { doubled: 42 },
  });
  expect(events![8]!.executionSucceededEventDetails!.output).toBe('{"doubled":42}');

  const reversed = await sfn.send(
    new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 5 }),
  );
  expect(reversed.events!.map((e) => e.id)).toEqual([9, 8, 7, 6, 5]);
  expect(reversed.nextToken).toBeDefined();
  const rest = await sfn.send(
    new GetExecutionHistoryCommand({
      executionArn,
      reverseOrder: true,
      maxResults: 5,
      nextToken: reversed.nextToken,
    }),
  );
  expect(rest.events!.map((e) => e.id)).toEqual([4, 3, 2, 1]);
  expect(rest.nextToken).toBeUndefined();
});

test('a Pass, Task, Choice, Wait, Succeed machine completes', async () => {
  registerInProcessFunction('sfn-test-price', async () => ({ total: 1250 }));
  const arn = await create(
    'five-states',
    JSON.stringify({
      StartAt: 'Order',
      States: {
        Order: { Type: 'Pass', Result: { orderId: 'o-5' }, ResultPath: '$.order', Next: 'Price' },
        Price: {
          Type: 'Task',
          Resource: 'arn:aws:lambda:us-east-1:000000000000:function:sfn-test-price',
          ResultPath: '$.price',
          Next: 'Big?',
        },
        'Big?': {
          Type: 'Choice',
          Choices: [{ Variable: '$.price.total', NumericGreaterThan: 1000, Next: 'Hold' }],
          Default: 'Done',
        },
        Hold: { Type: 'Wait', Seconds: 30, Next: 'Done' },
        Done: { Type: 'Succeed' },
      },
    }),
  );
  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, input: '{}' }));
  const out = await finished(sfn, executionArn!);
  expect(out.status).toBe('SUCCEEDED');
  expect(JSON.parse(out.output!)).toEqual({ order: { orderId: 'o-5' }, price: { total: 1250 } });
  const { events } = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
  const types = events!.map((e) => e.type);
  expect(types).toEqual(
    expect.arrayContaining([
      'LambdaFunctionScheduled',
      'LambdaFunctionSucceeded',
      'ChoiceStateExited',
      'WaitStateExited',
      'SucceedStateEntered',
    ]),
  );
});

test('a function error becomes the task error with the Lambda cause, and fails the execution', async () => {
  registerInProcessFunction('sfn-test-throws', async () => {
    const e = new Error('out of stock');
    e.name = 'StockError';
    throw e;
  });
  const arn = await create(
    'throws',
    JSON.stringify({
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: 'sfn-test-throws' },
          End: true,
        },
      },
    }),
  );
  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn }));
  const out = await finished(sfn, executionArn!);
  expect(out).toMatchObject({ status: 'FAILED', error: 'StockError' });
  expect(JSON.parse(out.cause!)).toMatchObject({ errorType: 'StockError', errorMessage: 'out of stock' });
});

test('a Parallel state with a Map branch runs every branch and item', async () => {
  registerInProcessFunction('sfn-test-stock', async (event) => ({
    sku: (event as { sku: string }).sku,
    inStock: true,
  }));
  const arn = await create(
    'validate',
    JSON.stringify({
      StartAt: 'Validate',
      States: {
        Validate: {
          Type: 'Parallel',
          End: true,
          Branches: [
            { StartAt: 'Card', States: { Card: { Type: 'Pass', Result: 'card-ok', End: true } } },
            {
              StartAt: 'Stock',
              States: {
                Stock: {
                  Type: 'Map',
                  ItemsPath: '$.items',
                  ItemProcessor: {
                    StartAt: 'Check',
                    States: {
                      Check: {
                        Type: 'Task',
                        Resource: 'arn:aws:lambda:us-east-1:000000000000:function:sfn-test-stock',
                        End: true,
                      },
                    },
                  },
                  End: true,
                },
              },
            },
          ],
        },
      },
    }),
  );
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({
      stateMachineArn: arn,
      input: JSON.stringify({ items: [{ sku: 'a' }, { sku: 'b' }] }),
    }),
  );
  const out = await finished(sfn, executionArn!);
  expect(out.status).toBe('SUCCEEDED');
  expect(JSON.parse(out.output!)).toEqual([
    'card-ok',
    [
      { sku: 'a', inStock: true },
      { sku: 'b', inStock: true },
    ],
  ]);
  const { events } = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
  const types = events!.map((e) => e.type);
  for (const type of [
    'ParallelStateEntered',
    'ParallelStateStarted',
    'ParallelStateSucceeded',
    'ParallelStateExited',
    'MapStateEntered',
    'MapStateStarted',
    'MapIterationStarted',
    'MapIterationSucceeded',
    'MapStateSucceeded',
    'MapStateExited',
  ]) {
    expect(types).toContain(type);
  }
  expect(events!.find((e) => e.type === 'MapStateStarted')!.mapStateStartedEventDetails).toEqual({
    length: 2,
  });
  expect(types.indexOf('ParallelStateStarted')).toBeLessThan(types.indexOf('MapStateEntered'));
  expect(types.lastIndexOf('MapStateExited')).toBeLessThan(types.indexOf('ParallelStateSucceeded'));
});

test('the machine-level TimeoutSeconds times the execution out', async () => {
  const arn = await create('slow', JSON.stringify({ ...JSON.parse(waiting), TimeoutSeconds: 1 }));
  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, input: '{}' }));
  const out = await finished(sfn, executionArn!);
  expect(out).toMatchObject({ status: 'TIMED_OUT' });
  const { events } = await sfn.send(
    new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 1 }),
  );
  expect(events![0]!.type).toBe('ExecutionTimedOut');
});

test('the AWS CLI v2 lists state machines and describes an execution', async () => {
  const arn = await create('cli-machine', passOnly);
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({ stateMachineArn: arn, input: '{"a":1}' }),
  );
  await finished(sfn, executionArn!);
  const run = promisify(execFile);
  const env = {
    ...process.env,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_DEFAULT_REGION: 'us-east-1',
  };
  const cli = async (...args: string[]) =>
    JSON.parse(
      (
        await run(
          '/usr/bin/aws',
          ['--endpoint-url', edge.endpoint, '--output', 'json', 'stepfunctions', ...args],
          { env },
        )
      ).stdout,
    );
  const listed = await cli('list-state-machines');
  expect(listed.stateMachines.map((m: { name: string }) => m.name)).toContain('cli-machine');
  const described = await cli('describe-execution', '--execution-arn', executionArn!);
  expect(described).toMatchObject({ status: 'SUCCEEDED', input: '{"a":1}', output: '{"a":1}' });
});
