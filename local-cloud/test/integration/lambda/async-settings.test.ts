/** The settings of asynchronous invocations AWS honours, with in-process functions and the SQS emulator. */
import { CreateQueueCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { invokeFunction, registerInProcessFunction } from '../../../src/lambda';
import { asyncInvocationsIdle, configureAsyncInvoke } from '../../../src/lambda-async';
import { startSqs, type SqsFixture } from '../sqs/helpers';

let fx: SqsFixture;
const attempts = new Map<string, number>();

beforeAll(async () => {
  fx = await startSqs();
  process.env.PAYFLOW_ASYNC_RETRY_DELAY_MS = '50';
});
afterAll(async () => {
  delete process.env.PAYFLOW_ASYNC_RETRY_DELAY_MS;
  fx.client.destroy();
  await fx.edge.close();
});

/** A function that counts its attempts and fails (or succeeds) every time. */
function register(name: string, outcome: 'fail' | 'succeed'): void {
  registerInProcessFunction(name, async (event) => {
    attempts.set(name, (attempts.get(name) ?? 0) + 1);
    if (outcome === 'fail') throw Object.assign(new Error('card number missing'), { name: 'ContractError' });
    return { handled: event };
  });
}

async function queue(name: string): Promise<{ arn: string; url: string }> {
  const { QueueUrl } = await fx.client.send(new CreateQueueCommand({ QueueName: name }));
  return { arn: `arn:aws:sqs:us-east-1:000000000000:${name}`, url: QueueUrl! };
}

async function messages(url: string) {
  const out = await fx.client.send(
    new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] }),
  );
  return out.Messages ?? [];
}

it('MaximumRetryAttempts 0: one attempt, then the on-failure destination', async () => {
  register('async-no-retry', 'fail');
  const failed = await queue('async-no-retry-failed');
  configureAsyncInvoke('async-no-retry', {
    maximumRetryAttempts: 0,
    onFailure: failed.arn,
    endpoint: fx.edge.endpoint,
  });
  await invokeFunction('async-no-retry', { orderId: 'o-1' }, 'Event');
  await asyncInvocationsIdle();

  expect(attempts.get('async-no-retry')).toBe(1);
  const [message] = await messages(failed.url);
  expect(JSON.parse(message!.Body!)).toMatchObject({
    requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 1 },
    requestPayload: { orderId: 'o-1' },
    responsePayload: { errorType: 'ContractError', errorMessage: 'card number missing' },
  });
});

it('MaximumEventAgeInSeconds: an event too old for its next retry goes to the destination as EventAgeExceeded', async () => {
  register('async-too-old', 'fail');
  const failed = await queue('async-too-old-failed');
  configureAsyncInvoke('async-too-old', {
    maximumEventAgeSeconds: 60,
    onFailure: failed.arn,
    endpoint: fx.edge.endpoint,
  });
  // The first retry would come 61 s after the event: past its maximum age of 60 s.
  process.env.PAYFLOW_ASYNC_RETRY_DELAY_MS = '61000';
  try {
    await invokeFunction('async-too-old', { orderId: 'o-2' }, 'Event');
    await asyncInvocationsIdle();
  } finally {
    process.env.PAYFLOW_ASYNC_RETRY_DELAY_MS = '50';
  }

  expect(attempts.get('async-too-old')).toBe(1);
  const [message] = await messages(failed.url);
  expect(JSON.parse(message!.Body!).requestContext).toMatchObject({
    condition: 'EventAgeExceeded',
    approximateInvokeCount: 1,
  });
});

it("without a destination, the function's DeadLetterConfig gets the event itself with Lambda's attributes", async () => {
  register('async-dlq', 'fail');
  const dlq = await queue('async-dlq-dead-letters');
  configureAsyncInvoke('async-dlq', { deadLetterTarget: dlq.arn, endpoint: fx.edge.endpoint });
  await invokeFunction('async-dlq', { orderId: 'o-3' }, 'Event');
  await asyncInvocationsIdle();

  expect(attempts.get('async-dlq')).toBe(3);
  const [message] = await messages(dlq.url);
  expect(JSON.parse(message!.Body!)).toEqual({ orderId: 'o-3' });
  expect(message!.MessageAttributes).toEqual({
    RequestID: { DataType: 'String', StringValue: expect.stringMatching(/^[0-9a-f-]{36}$/) },
    ErrorCode: { DataType: 'Number', StringValue: '200' },
    ErrorMessage: { DataType: 'String', StringValue: 'card number missing' },
  });
});

it('an on-success destination gets the result with condition Success', async () => {
  register('async-success', 'succeed');
  const done = await queue('async-success-done');
  configureAsyncInvoke('async-success', { onSuccess: done.arn, endpoint: fx.edge.endpoint });
  await invokeFunction('async-success', { orderId: 'o-4' }, 'Event');
  await asyncInvocationsIdle();

  expect(attempts.get('async-success')).toBe(1);
  const [message] = await messages(done.url);
  expect(JSON.parse(message!.Body!)).toMatchObject({
    requestContext: { condition: 'Success', approximateInvokeCount: 1 },
    responseContext: { statusCode: 200, executedVersion: '$LATEST' },
    responsePayload: { handled: { orderId: 'o-4' } },
  });
  expect(JSON.parse(message!.Body!).responseContext.functionError).toBeUndefined();
});
