import { CreateStateMachineCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { startEdge, type Edge } from '../../../src/router';
import { StepFunctionsEmulator } from '../../../src/stepfunctions';
import { finished } from '../../integration/stepfunctions/helpers';

const calls: { service: string; action: string; input: Record<string, unknown> }[] = [];
let edge: Edge;
let sfn: SFNClient;
beforeAll(async () => {
  edge = await startEdge({ port: 0 });
  const callAws = async (service: string, action: string, input: Record<string, unknown>) => {
    calls.push({ service, action, input });
    if (service === 'dynamodb' && action === 'updateItem') {
      throw Object.assign(new Error('The conditional request failed'), {
        name: 'ConditionalCheckFailedException',
      });
    }
    if (service === 'sqs') return { $metadata: {}, MessageId: 'm-1', MD5OfMessageBody: 'x' };
    return { $metadata: {}, Item: { id: { S: 'o-1' } } };
  };
  edge.add(new StepFunctionsEmulator({ endpoint: edge.endpoint, waitTimeScale: 0, callAws }));
  sfn = new SFNClient({
    endpoint: edge.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
});
afterAll(() => edge.close());

async function run(name: string, states: Record<string, unknown>, input = '{}') {
  const definition = JSON.stringify({ StartAt: Object.keys(states)[0], States: states });
  const { stateMachineArn } = await sfn.send(
    new CreateStateMachineCommand({ name, definition, roleArn: 'arn:aws:iam::000000000000:role/r' }),
  );
  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input }));
  return finished(sfn, executionArn!);
}

test('dynamodb:getItem passes the resolved Parameters and returns the API response without SDK metadata', async () => {
  const out = await run(
    'ddb-get',
    {
      Get: {
        Type: 'Task',
        Resource: 'arn:aws:states:::dynamodb:getItem',
        Parameters: { TableName: 'orders', Key: { id: { 'S.$': '$.id' } } },
        End: true,
      },
    },
    '{"id":"o-1"}',
  );
  expect(calls.at(-1)).toEqual({
    service: 'dynamodb',
    action: 'getItem',
    input: { TableName: 'orders', Key: { id: { S: 'o-1' } } },
  });
  expect(JSON.parse(out.output!)).toEqual({ Item: { id: { S: 'o-1' } } });
});

test('a DynamoDB error is named DynamoDB.<code> and can be caught', async () => {
  const out = await run('ddb-update', {
    Update: {
      Type: 'Task',
      Resource: 'arn:aws:states:::dynamodb:updateItem',
      Parameters: { TableName: 'orders', Key: { id: { S: 'o-1' } } },
      Catch: [{ ErrorEquals: ['DynamoDB.ConditionalCheckFailedException'], Next: 'Conflict' }],
      End: true,
    },
    Conflict: { Type: 'Pass', End: true },
  });
  expect(out.status).toBe('SUCCEEDED');
  expect(JSON.parse(out.output!).Error).toBe('DynamoDB.ConditionalCheckFailedException');
});

test('sqs:sendMessage.waitForTaskToken serialises a JSON MessageBody carrying the task token', async () => {
  const pending = run('sqs-wait', {
    Send: {
      Type: 'Task',
      Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
      Parameters: { QueueUrl: 'http://q', MessageBody: { 'token.$': '$$.Task.Token' } },
      TimeoutSeconds: 1,
      End: true,
    },
  });
  const out = await pending;
  const body = JSON.parse(calls.at(-1)!.input.MessageBody as string);
  expect(typeof body.token).toBe('string');
  expect(out).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
});
