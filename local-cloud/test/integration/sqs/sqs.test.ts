import { createHash } from 'node:crypto';
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListDeadLetterSourceQueuesCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  StartMessageMoveTaskCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { sleep, sqsClient, startSqs, uniqueName, type SqsFixture } from './helpers';

let fx: SqsFixture;
let client: SQSClient;

beforeAll(async () => {
  fx = await startSqs();
  client = fx.client;
});
afterAll(async () => {
  client.destroy();
  await fx.edge.close();
});

async function createQueue(attributes: Record<string, string> = {}, name = uniqueName('q')) {
  const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  return QueueUrl!;
}

async function arnOf(url: string) {
  const out = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  return out.Attributes!.QueueArn!;
}

async function counts(url: string) {
  const out = await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }));
  return {
    visible: Number(out.Attributes!.ApproximateNumberOfMessages),
    notVisible: Number(out.Attributes!.ApproximateNumberOfMessagesNotVisible),
    delayed: Number(out.Attributes!.ApproximateNumberOfMessagesDelayed),
  };
}

const receive = (url: string, extra: Partial<ConstructorParameters<typeof ReceiveMessageCommand>[0]> = {}) =>
  client.send(new ReceiveMessageCommand({ QueueUrl: url, MessageSystemAttributeNames: ['All'], ...extra }));

describe('queues', () => {
  it('creates idempotently with the same attributes and refuses different ones with QueueNameExists', async () => {
    const name = uniqueName('idem');
    const url = await createQueue({ VisibilityTimeout: '20' }, name);
    expect(url).toBe(`${fx.edge.endpoint}/000000000000/${name}`);
    await expect(createQueue({ VisibilityTimeout: '20' }, name)).resolves.toBe(url);
    await expect(createQueue({ VisibilityTimeout: '21' }, name)).rejects.toMatchObject({
      name: 'QueueNameExists',
    });
  });

  it('answers QueueDoesNotExist for an unknown queue', async () => {
    await expect(client.send(new GetQueueUrlCommand({ QueueName: 'no-such-queue' }))).rejects.toMatchObject({
      name: 'QueueDoesNotExist',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(
      client.send(
        new SendMessageCommand({ QueueUrl: `${fx.edge.endpoint}/000000000000/nope`, MessageBody: 'x' }),
      ),
    ).rejects.toMatchObject({ name: 'QueueDoesNotExist' });
  });

  it('returns the documented defaults and counts delayed messages', async () => {
    const url = await createQueue();
    const out = await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }));
    expect(out.Attributes).toMatchObject({
      VisibilityTimeout: '30',
      MessageRetentionPeriod: '345600',
      DelaySeconds: '0',
      ReceiveMessageWaitTimeSeconds: '0',
      MaximumMessageSize: '1048576',
      QueueArn: `arn:aws:sqs:us-east-1:000000000000:${url.split('/').pop()}`,
    });
    await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'later', DelaySeconds: 60 }));
    expect(await counts(url)).toEqual({ visible: 0, notVisible: 0, delayed: 1 });
    expect((await receive(url)).Messages).toBeUndefined();
  });

  it('rejects an out-of-range attribute with InvalidAttributeValue', async () => {
    await expect(createQueue({ VisibilityTimeout: '43201' })).rejects.toMatchObject({
      name: 'InvalidAttributeValue',
    });
  });
});

describe('messages', () => {
  it('hides a received message for the visibility timeout, then returns it with ApproximateReceiveCount 2', async () => {
    const url = await createQueue({ VisibilityTimeout: '1' });
    await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'hello' }));
    const first = await receive(url);
    expect(first.Messages![0]!.Attributes!.ApproximateReceiveCount).toBe('1');
    expect((await receive(url)).Messages).toBeUndefined();
    expect(await counts(url)).toEqual({ visible: 0, notVisible: 1, delayed: 0 });
    await sleep(1100);
    const second = await receive(url);
    expect(second.Messages![0]!.Body).toBe('hello');
    expect(second.Messages![0]!.Attributes!.ApproximateReceiveCount).toBe('2');
    expect(second.Messages![0]!.ReceiptHandle).not.toBe(first.Messages![0]!.ReceiptHandle);
  });

  it('does not count ChangeMessageVisibility as a receive; 0 makes the message visible at once', async () => {
    const url = await createQueue();
    await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'cmv' }));
    const first = (await receive(url)).Messages![0]!;
    await client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: url,
        ReceiptHandle: first.ReceiptHandle,
        VisibilityTimeout: 60,
      }),
    );
    await client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: url,
        ReceiptHandle: first.ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    );
    const second = (await receive(url)).Messages![0]!;
    expect(second.Attributes!.ApproximateReceiveCount).toBe('2');
    expect(second.Attributes!.ApproximateFirstReceiveTimestamp).toBe(
      first.Attributes!.ApproximateFirstReceiveTimestamp,
    );
  });

  it('accepts ChangeMessageVisibility with the handle of an earlier receive, as AWS does, and ignores DeleteMessage with it', async () => {
    const url = await createQueue();
    await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'stale' }));
    const first = (await receive(url, { VisibilityTimeout: 0 })).Messages![0]!;
    const second = (await receive(url)).Messages![0]!;
    await client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: url,
        ReceiptHandle: first.ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    );
    expect(await counts(url)).toMatchObject({ visible: 1 });
    const third = (await receive(url)).Messages![0]!;
    await client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: second.ReceiptHandle }));
    expect(await counts(url)).toMatchObject({ notVisible: 1 });
    await client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: third.ReceiptHandle }));
    expect(await counts(url)).toEqual({ visible: 0, notVisible: 0, delayed: 0 });
  });

  it('rejects a receipt handle that is not one with ReceiptHandleIsInvalid', async () => {
    const url = await createQueue();
    await expect(
      client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: 'garbage' })),
    ).rejects.toMatchObject({ name: 'ReceiptHandleIsInvalid' });
  });

  it('moves a message to the DLQ on the receive attempt after maxReceiveCount receives, not before', async () => {
    const dlq = await createQueue();
    const source = await createQueue({
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: await arnOf(dlq), maxReceiveCount: 2 }),
    });
    await client.send(new SendMessageCommand({ QueueUrl: source, MessageBody: 'poison' }));
    for (const count of ['1', '2']) {
      const got = (await receive(source, { VisibilityTimeout: 0 })).Messages!;
      expect(got[0]!.Attributes!.ApproximateReceiveCount).toBe(count);
      expect(await counts(dlq)).toMatchObject({ visible: 0 });
    }
    expect((await receive(source)).Messages).toBeUndefined();
    const dead = (await receive(dlq)).Messages!;
    expect(dead[0]!.Body).toBe('poison');
    expect(dead[0]!.Attributes!.DeadLetterQueueSourceArn).toBe(await arnOf(source));
    const sources = await client.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlq }));
    expect(sources.queueUrls).toEqual([source]);
  });

  it('moves DLQ messages back to their source queue with StartMessageMoveTask', async () => {
    const dlq = await createQueue();
    const source = await createQueue({
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: await arnOf(dlq), maxReceiveCount: 1 }),
    });
    await client.send(new SendMessageCommand({ QueueUrl: source, MessageBody: 'again' }));
    await receive(source, { VisibilityTimeout: 0 });
    await receive(source);
    expect(await counts(dlq)).toMatchObject({ visible: 1 });
    await client.send(new StartMessageMoveTaskCommand({ SourceArn: await arnOf(dlq) }));
    for (let i = 0; i < 50 && (await counts(source)).visible === 0; i += 1) await sleep(20);
    expect((await receive(source)).Messages![0]!.Body).toBe('again');
    const tasks = await client.send(new ListMessageMoveTasksCommand({ SourceArn: await arnOf(dlq) }));
    expect(tasks.Results![0]).toMatchObject({ Status: 'COMPLETED', ApproximateNumberOfMessagesMoved: 1 });
  });

  it('returns a long poll as soon as another client sends a message', async () => {
    const url = await createQueue();
    const other = sqsClient(fx.edge.endpoint);
    const started = Date.now();
    const polling = receive(url, { WaitTimeSeconds: 20 });
    await sleep(300);
    await other.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'wake' }));
    const out = await polling;
    other.destroy();
    expect(out.Messages![0]!.Body).toBe('wake');
    // Long before the 20 s wait would have ended (a loaded machine may add seconds, never fifteen).
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('returns whatever is available when fewer than MaxNumberOfMessages are ready', async () => {
    const url = await createQueue();
    await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'one' }));
    const started = Date.now();
    const out = await receive(url, { WaitTimeSeconds: 20, MaxNumberOfMessages: 10 });
    expect(out.Messages).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('sends MD5s the SDK checks and the AWS MD5 of message attributes', async () => {
    const url = await createQueue();
    const sent = await client.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: 'héllo',
        MessageAttributes: { timestamp: { DataType: 'Number', StringValue: '1493147359900' } },
      }),
    );
    expect(sent.MD5OfMessageBody).toBe(createHash('md5').update('héllo', 'utf8').digest('hex'));
    expect(sent.MD5OfMessageAttributes).toBe('235c5c510d26fb653d073faed50ae77c');
    const got = (await receive(url, { MessageAttributeNames: ['All'] })).Messages![0]!;
    expect(got.MessageAttributes).toEqual({
      timestamp: { DataType: 'Number', StringValue: '1493147359900' },
    });
    expect(got.MD5OfMessageAttributes).toBe('235c5c510d26fb653d073faed50ae77c');
  });

  it('reports per-entry failures in SendMessageBatch and DeleteMessageBatch', async () => {
    const url = await createQueue();
    const sent = await client.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: [
          { Id: 'ok1', MessageBody: 'a' },
          { Id: 'bad', MessageBody: 'b', DelaySeconds: 901 },
          { Id: 'ok2', MessageBody: 'c' },
        ],
      }),
    );
    expect(sent.Successful!.map((e) => e.Id).sort()).toEqual(['ok1', 'ok2']);
    expect(sent.Failed).toEqual([
      expect.objectContaining({ Id: 'bad', SenderFault: true, Code: 'InvalidParameterValue' }),
    ]);
    const got = (await receive(url, { MaxNumberOfMessages: 10 })).Messages!;
    expect(got).toHaveLength(2);
    const deleted = await client.send(
      new DeleteMessageBatchCommand({
        QueueUrl: url,
        Entries: [
          ...got.map((m, i) => ({ Id: `m${i}`, ReceiptHandle: m.ReceiptHandle! })),
          { Id: 'junk', ReceiptHandle: 'not-a-handle' },
        ],
      }),
    );
    expect(deleted.Successful!.map((e) => e.Id).sort()).toEqual(['m0', 'm1']);
    expect(deleted.Failed).toEqual([expect.objectContaining({ Id: 'junk', Code: 'ReceiptHandleIsInvalid' })]);
    expect(await counts(url)).toEqual({ visible: 0, notVisible: 0, delayed: 0 });
  });

  it('refuses a batch with repeated ids or more than 10 entries', async () => {
    const url = await createQueue();
    await expect(
      client.send(
        new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: [
            { Id: 'a', MessageBody: '1' },
            { Id: 'a', MessageBody: '2' },
          ],
        }),
      ),
    ).rejects.toMatchObject({ name: 'BatchEntryIdsNotDistinct' });
    const eleven = Array.from({ length: 11 }, (_, i) => ({ Id: `e${i}`, MessageBody: 'x' }));
    await expect(
      client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: eleven })),
    ).rejects.toMatchObject({
      name: 'TooManyEntriesInBatchRequest',
    });
  });

  it('rejects MaxNumberOfMessages above 10', async () => {
    const url = await createQueue();
    await expect(receive(url, { MaxNumberOfMessages: 11 })).rejects.toMatchObject({
      name: 'InvalidParameterValue',
    });
  });
});

describe('FIFO queues', () => {
  it('delivers a group in order, one in-flight batch per group, and deduplicates within 5 minutes', async () => {
    const url = await createQueue({ FifoQueue: 'true' }, `${uniqueName('f')}.fifo`);
    const send = (body: string, group: string, dedup: string) =>
      client.send(
        new SendMessageCommand({
          QueueUrl: url,
          MessageBody: body,
          MessageGroupId: group,
          MessageDeduplicationId: dedup,
        }),
      );
    const a1 = await send('a1', 'A', '1');
    const dup = await send('a1 again', 'A', '1');
    expect(dup.MessageId).toBe(a1.MessageId);
    await send('a2', 'A', '2');
    await send('b1', 'B', '3');
    const first = (await receive(url, { MaxNumberOfMessages: 1 })).Messages!;
    expect(first.map((m) => m.Body)).toEqual(['a1']);
    expect(first[0]!.Attributes!.MessageGroupId).toBe('A');
    const next = (await receive(url, { MaxNumberOfMessages: 10 })).Messages!;
    expect(next.map((m) => m.Body)).toEqual(['b1']);
    await client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first[0]!.ReceiptHandle }));
    expect((await receive(url)).Messages!.map((m) => m.Body)).toEqual(['a2']);
  });

  it('requires MessageGroupId', async () => {
    const url = await createQueue(
      { FifoQueue: 'true', ContentBasedDeduplication: 'true' },
      `${uniqueName('f')}.fifo`,
    );
    await expect(
      client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' })),
    ).rejects.toMatchObject({
      name: 'MissingParameter',
    });
  });
});
