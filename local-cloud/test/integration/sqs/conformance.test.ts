/**
 * SQS behaviour as AWS answers it (the API reference and AWS-recorded responses): sizes, error shapes of the JSON
 * protocol, what is refused and what is accepted, FIFO message groups, move tasks, attribute filters, permissions.
 */
import {
  AddPermissionCommand,
  CancelMessageMoveTaskCommand,
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  RemovePermissionCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  StartMessageMoveTaskCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { sleep, startSqs, uniqueName, type SqsFixture } from './helpers';

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

async function createQueue(attributes: Record<string, string> = {}, name = uniqueName('conf')) {
  const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  return QueueUrl!;
}

const createFifo = (attributes: Record<string, string> = {}) =>
  createQueue({ FifoQueue: 'true', ...attributes }, `${uniqueName('conf')}.fifo`);

async function arnOf(url: string) {
  const out = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  return out.Attributes!.QueueArn!;
}

const send = (url: string, body: string, extra: Record<string, unknown> = {}) =>
  client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body, ...extra }));

async function bodies(url: string, extra: Record<string, unknown> = {}) {
  const out = await client.send(
    new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, ...extra }),
  );
  return (out.Messages ?? []).map((m) => m.Body);
}

/** A raw JSON-protocol call, to see the wire answer the SDK hides. */
async function rawJson(operation: string, input: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(fx.edge.endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `AmazonSQS.${operation}`,
      authorization:
        'AWS4-HMAC-SHA256 Credential=AKID/20261121/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=0',
      ...headers,
    },
    body: JSON.stringify(input),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, string>,
  };
}

describe('sizes', () => {
  it('defaults MaximumMessageSize to 1 MiB and takes a message of exactly that size', async () => {
    const url = await createQueue();
    const out = await client.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['MaximumMessageSize'] }),
    );
    expect(out.Attributes!.MaximumMessageSize).toBe('1048576');
    await expect(send(url, 'a'.repeat(1_048_576))).resolves.toHaveProperty('MessageId');
    await expect(send(url, 'a'.repeat(1_048_577))).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: 'One or more parameters are invalid. Reason: Message must be shorter than 1048576 bytes.',
    });
  });

  it('refuses a batch whose bodies and attributes exceed 1 MiB as a whole with BatchRequestTooLong', async () => {
    const url = await createQueue();
    await expect(
      client.send(
        new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: [
            {
              Id: '1',
              MessageBody: 'a'.repeat(1_048_576 - 8),
              MessageAttributes: { k: { DataType: 'String', StringValue: 'x' } },
            },
            { Id: '2', MessageBody: 'a' },
          ],
        }),
      ),
    ).rejects.toMatchObject({
      name: 'BatchRequestTooLong',
      message: 'Batch requests cannot be longer than 1048576 bytes. You have sent 1048577 bytes.',
    });
    expect(await bodies(url)).toEqual([]);
    const raw = await rawJson('SendMessageBatch', {
      QueueUrl: url,
      Entries: [
        { Id: '1', MessageBody: 'a'.repeat(1_048_576) },
        { Id: '2', MessageBody: 'a' },
      ],
    });
    expect(raw.headers.get('x-amzn-query-error')).toBe('AWS.SimpleQueueService.BatchRequestTooLong;Sender');
  });
  it("fails only the batch entry over the queue's MaximumMessageSize, in the batch's own words", async () => {
    const url = await createQueue({ MaximumMessageSize: '1024' });
    const out = await client.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: [
          { Id: 'fits', MessageBody: 'a'.repeat(1024) },
          { Id: 'over', MessageBody: 'a'.repeat(1025) },
        ],
      }),
    );
    expect(out.Successful!.map((entry) => entry.Id)).toEqual(['fits']);
    expect(out.Failed).toEqual([
      {
        Id: 'over',
        Code: 'InvalidParameterValue',
        Message:
          'One or more parameters cannot be validated. Reason: Message must be shorter than 1024 bytes.',
        SenderFault: true,
      },
    ]);
  });
});

describe('JSON protocol errors', () => {
  it('names InvalidParameterValue InvalidParameterValueException in __type, with the query code in the header', async () => {
    const url = await createQueue();
    const answer = await rawJson('ReceiveMessage', { QueueUrl: url, MaxNumberOfMessages: 11 });
    expect(answer.status).toBe(400);
    expect(answer.body.__type).toBe('com.amazon.coral.service#InvalidParameterValueException');
    expect(answer.headers.get('x-amzn-query-error')).toBe('InvalidParameterValue;Sender');
    expect(answer.body.message).toBe(
      'Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.',
    );
  });

  it('names MissingParameter MissingRequiredParameterException in __type', async () => {
    const url = await createQueue();
    const answer = await rawJson('SendMessage', { QueueUrl: url, MessageBody: '' });
    expect(answer.body.__type).toBe('com.amazon.coral.service#MissingRequiredParameterException');
    expect(answer.headers.get('x-amzn-query-error')).toBe('MissingParameter;Sender');
    await expect(send(url, '')).rejects.toMatchObject({
      name: 'MissingParameter',
      message: 'The request must contain the parameter MessageBody.',
    });
  });

  it('keeps QueueDoesNotExist in __type and AWS.SimpleQueueService.NonExistentQueue in the header', async () => {
    const answer = await rawJson('GetQueueUrl', { QueueName: uniqueName('missing') });
    expect(answer.body.__type).toBe('com.amazonaws.sqs#QueueDoesNotExist');
    expect(answer.headers.get('x-amzn-query-error')).toBe('AWS.SimpleQueueService.NonExistentQueue;Sender');
  });
});

describe('query protocol errors', () => {
  it('words a missing queue for this wsdl version and carries an empty Detail', async () => {
    const response = await fetch(fx.edge.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKID/20261121/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: `Action=GetQueueAttributes&QueueUrl=${encodeURIComponent(`${fx.edge.endpoint}/000000000000/${uniqueName('gone')}`)}`,
    });
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(text).toContain('<Code>AWS.SimpleQueueService.NonExistentQueue</Code>');
    expect(text).toContain(
      '<Message>The specified queue does not exist for this wsdl version.</Message><Detail/>',
    );
  });
});

describe('input AWS refuses', () => {
  it.each([
    ['empty', ''],
    ['too long', 'a'.repeat(129)],
    ['with a space', 'group 123'],
    ['with a control character', 'Invalid-\u0008'],
  ])('refuses a MessageGroupId %s on a standard queue', async (_, groupId) => {
    const url = await createQueue();
    await expect(send(url, 'message', { MessageGroupId: groupId })).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: `Value ${groupId} for parameter MessageGroupId is invalid. Reason: MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length.`,
    });
  });

  it.each([
    ['empty', ''],
    ['too long', 'a'.repeat(129)],
    ['with a space', 'group 123'],
  ])('refuses a MessageDeduplicationId %s on a FIFO queue', async (_, dedupId) => {
    const url = await createFifo();
    await expect(
      send(url, 'Hello World!', { MessageGroupId: 'test', MessageDeduplicationId: dedupId }),
    ).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: `Value ${dedupId} for parameter MessageDeduplicationId is invalid. Reason: MessageDeduplicationId can only include alphanumeric and punctuation characters. 1 to 128 in length.`,
    });
    await expect(
      send(url, 'Hello World!', { MessageGroupId: 'test', MessageDeduplicationId: 'a'.repeat(128) }),
    ).resolves.toHaveProperty('MessageId');
  });

  it('refuses a body with control characters or U+FFFF with InvalidMessageContents', async () => {
    const url = await createQueue();
    for (const body of ['Invalid-\u0000-\u0008-\u0013-\uffff', 'ok \u0001', 'ok \uffff']) {
      await expect(send(url, body)).rejects.toMatchObject({ name: 'InvalidMessageContents' });
    }
    expect(await bodies(url)).toEqual([]);
  });

  it('fails only the batch entry whose body has a control character', async () => {
    const url = await createQueue();
    const out = await client.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: [
          { Id: '0', MessageBody: '0' },
          { Id: '9', MessageBody: '\u0001' },
        ],
      }),
    );
    expect(out.Failed).toEqual([expect.objectContaining({ Id: '9', Code: 'InvalidMessageContents' })]);
    expect(out.Successful!.map((s) => s.Id)).toEqual(['0']);
  });

  it('refuses an attribute value with control characters', async () => {
    const url = await createQueue();
    await expect(
      send(url, 'test', {
        MessageAttributes: { attr1: { DataType: 'String', StringValue: 'Invalid-\u0008,\u000b' } },
      }),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue', message: expect.stringContaining('Invalid') });
  });

  it('refuses an empty string attribute with AWS message', async () => {
    const url = await createQueue();
    await expect(
      send(url, 'test', { MessageAttributes: { ErrorDetails: { DataType: 'String', StringValue: '' } } }),
    ).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: "Message (user) attribute 'ErrorDetails' must contain a non-empty value of type 'String'.",
    });
  });

  it('refuses FifoQueue=false when creating a standard queue, and FIFO-only attributes, with InvalidAttributeName', async () => {
    const name = uniqueName('std');
    await expect(createQueue({ FifoQueue: 'false' }, name)).rejects.toMatchObject({
      name: 'InvalidAttributeName',
      message: 'Unknown Attribute FifoQueue.',
    });
    await expect(createQueue({ ContentBasedDeduplication: 'false' }, name)).rejects.toMatchObject({
      message: 'Unknown Attribute ContentBasedDeduplication.',
    });
    await expect(createQueue({ DeduplicationScope: 'queue' }, name)).rejects.toMatchObject({
      name: 'InvalidAttributeName',
      message: 'You can specify the DeduplicationScope only when FifoQueue is set to true.',
    });
    await expect(createQueue({ FifoThroughputLimit: 'perQueue' }, name)).rejects.toMatchObject({
      message: 'You can specify the FifoThroughputLimit only when FifoQueue is set to true.',
    });
  });

  it('fails a whole FIFO batch when an entry has no deduplication id and the queue no content-based deduplication', async () => {
    const url = await createFifo();
    await expect(
      client.send(
        new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: [
            { Id: '1', MessageBody: 'one', MessageGroupId: 'g', MessageDeduplicationId: 'd1' },
            { Id: '2', MessageBody: 'two', MessageGroupId: 'g' },
          ],
        }),
      ),
    ).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message:
        'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly',
    });
    await expect(
      client.send(
        new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: [{ Id: '1', MessageBody: 'one', MessageDeduplicationId: 'd1' }],
        }),
      ),
    ).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: 'The request must contain the parameter MessageGroupId.',
    });
    expect(await bodies(url)).toEqual([]);
  });
});

describe('input AWS accepts', () => {
  it('accepts attribute names with letters such as ø, ß and ä, but not § or !', async () => {
    const url = await createQueue();
    await send(url, 'test', {
      MessageAttributes: { 'attr.1øßä': { DataType: 'String', StringValue: 'Valida' } },
    });
    const out = await client.send(
      new ReceiveMessageCommand({ QueueUrl: url, MessageAttributeNames: ['All'] }),
    );
    expect(Object.keys(out.Messages![0]!.MessageAttributes!)).toEqual(['attr.1øßä']);
    for (const name of ['Invalid-§-attr', 'Invalid-!-attr', 'aWs.-Invalid-attr', 'L'.repeat(257)]) {
      await expect(
        send(url, 'test', { MessageAttributes: { [name]: { DataType: 'String', StringValue: 'Valid' } } }),
      ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    }
  });

  it('accepts FifoQueue=true on a FIFO queue and refuses false as modifying the queue type', async () => {
    const url = await createFifo();
    await client.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { FifoQueue: 'true' } }));
    await expect(
      client.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { FifoQueue: 'false' } })),
    ).rejects.toMatchObject({
      name: 'InvalidAttributeValue',
      message: 'Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported.',
    });
    const standard = await createQueue();
    await expect(
      client.send(new SetQueueAttributesCommand({ QueueUrl: standard, Attributes: { FifoQueue: 'true' } })),
    ).rejects.toMatchObject({ name: 'InvalidAttributeName', message: 'Unknown Attribute FifoQueue.' });
  });

  it('accepts a MessageGroupId on a standard queue (fair queues) and returns it as an attribute', async () => {
    const url = await createQueue();
    const sent = await send(url, 'message', { MessageGroupId: 'test' });
    expect(sent.MD5OfMessageBody).toBe('78e731027d8fd50ed642340b7c9a63b3');
    const out = await client.send(
      new ReceiveMessageCommand({ QueueUrl: url, MessageSystemAttributeNames: ['All'] }),
    );
    expect(out.Messages![0]!.Attributes).toMatchObject({
      MessageGroupId: 'test',
      ApproximateReceiveCount: '1',
    });
  });
});

describe('FIFO message groups', () => {
  const sendAll = async (url: string, messages: Array<[string, string]>) => {
    for (const [body, group] of messages) await send(url, body, { MessageGroupId: group });
  };

  it("returns one group's messages together and in order before the next group's", async () => {
    const url = await createFifo({ ContentBasedDeduplication: 'true' });
    await sendAll(url, [
      ['g1-m1', 'group-1'],
      ['g2-m1', 'group-2'],
      ['g1-m2', 'group-1'],
      ['g1-m3', 'group-1'],
    ]);
    expect(await bodies(url)).toEqual(['g1-m1', 'g1-m2', 'g1-m3', 'g2-m1']);
  });

  it('holds back a group behind its in-flight message and gives the next group its turn', async () => {
    const url = await createFifo({ ContentBasedDeduplication: 'true', VisibilityTimeout: '1' });
    await sendAll(url, [
      ['g1-m1', 'group-1'],
      ['g1-m2', 'group-1'],
      ['g1-m3', 'group-1'],
      ['g1-m4', 'group-1'],
      ['g2-m1', 'group-2'],
      ['g3-m1', 'group-3'],
    ]);
    expect(await bodies(url, { MaxNumberOfMessages: 2 })).toEqual(['g1-m1', 'g1-m2']);
    expect(await bodies(url, { MaxNumberOfMessages: 1 })).toEqual(['g2-m1']);
    await sleep(2000);
    expect(await bodies(url, { VisibilityTimeout: 0 })).toEqual([
      'g3-m1',
      'g1-m1',
      'g1-m2',
      'g1-m3',
      'g1-m4',
      'g2-m1',
    ]);
  });

  it("keeps handing out a group's visible messages ahead of one still in flight", async () => {
    const url = await createFifo({ ContentBasedDeduplication: 'true', VisibilityTimeout: '30' });
    await sendAll(url, [
      ['g1-m1', 'group-1'],
      ['g1-m2', 'group-1'],
      ['g2-m1', 'group-2'],
    ]);
    const first = await client.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 2 }));
    await client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: url,
        ReceiptHandle: first.Messages![0]!.ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    );
    expect(await bodies(url, { MaxNumberOfMessages: 3 })).toEqual(['g2-m1', 'g1-m1']);
  });

  it('rotates groups received with a zero visibility timeout to the back', async () => {
    const url = await createFifo({ ContentBasedDeduplication: 'true' });
    await sendAll(url, [
      ['g1-m1', 'group-1'],
      ['g2-m1', 'group-2'],
      ['g2-m2', 'group-2'],
      ['g3-m1', 'group-3'],
      ['g1-m2', 'group-1'],
    ]);
    expect(await bodies(url, { MaxNumberOfMessages: 3, VisibilityTimeout: 0 })).toEqual([
      'g1-m1',
      'g1-m2',
      'g2-m1',
    ]);
    expect(await bodies(url, { VisibilityTimeout: 0 })).toEqual([
      'g3-m1',
      'g1-m1',
      'g1-m2',
      'g2-m1',
      'g2-m2',
    ]);
  });

  it('keeps a group blocked while its received head is in flight, even after a later one is deleted', async () => {
    const url = await createFifo({ ContentBasedDeduplication: 'true' });
    await sendAll(url, [
      ['g1-m1', 'group-1'],
      ['g2-m1', 'group-2'],
      ['g1-m2', 'group-1'],
      ['g2-m2', 'group-2'],
      ['g1-m3', 'group-1'],
      ['g3-m1', 'group-3'],
    ]);
    const first = await client.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 2 }));
    expect(first.Messages!.map((m) => m.Body)).toEqual(['g1-m1', 'g1-m2']);
    await client.send(
      new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first.Messages![0]!.ReceiptHandle }),
    );
    expect(await bodies(url)).toEqual(['g2-m1', 'g2-m2', 'g3-m1']);
  });

  it('forgets deduplication ids on PurgeQueue', async () => {
    const url = await createFifo();
    const ids = { MessageGroupId: 'g', MessageDeduplicationId: 'same' };
    await send(url, 'message-1', ids);
    await client.send(new PurgeQueueCommand({ QueueUrl: url }));
    await send(url, 'message-2', ids);
    expect(await bodies(url)).toEqual(['message-2']);
  });
});

describe('queue attributes', () => {
  it('refuses KMS and SQS-managed encryption together', async () => {
    const url = await createQueue();
    await expect(
      client.send(
        new SetQueueAttributesCommand({
          QueueUrl: url,
          Attributes: { KmsMasterKeyId: 'testKeyId', SqsManagedSseEnabled: 'true' },
        }),
      ),
    ).rejects.toMatchObject({
      name: 'InvalidAttributeName',
      message:
        'You can use one type of server-side encryption (SSE) at one time. You can either enable KMS SSE or SQS SSE.',
    });
  });

  it('keeps deduplicating in the scope the FIFO queue was created with, whatever SetQueueAttributes says', async () => {
    const url = await createFifo({ DeduplicationScope: 'queue' });
    await client.send(
      new SetQueueAttributesCommand({
        QueueUrl: url,
        Attributes: { DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perMessageGroupId' },
      }),
    );
    const attributes = await client.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['DeduplicationScope'] }),
    );
    expect(attributes.Attributes!.DeduplicationScope).toBe('messageGroup');
    await send(url, 'Test1', { MessageGroupId: 'group1', MessageDeduplicationId: 'same' });
    await send(url, 'Test2', { MessageGroupId: 'group2', MessageDeduplicationId: 'same' });
    expect(await bodies(url)).toEqual(['Test1']);
  });
});

describe('receive filters and system attributes', () => {
  it('filters message attributes by All, *, .*, exact names and prefix.*', async () => {
    const url = await createQueue({ VisibilityTimeout: '0' });
    await send(url, 'msg', {
      MessageAttributes: {
        'Help.Me': { DataType: 'String', StringValue: 'Me' },
        Hello: { DataType: 'String', StringValue: 'There' },
        General: { DataType: 'String', StringValue: 'Kenobi' },
      },
    });
    const names = async (filter: string[]) => {
      const out = await client.send(
        new ReceiveMessageCommand({ QueueUrl: url, MessageAttributeNames: filter }),
      );
      return Object.keys(out.Messages![0]!.MessageAttributes ?? {}).sort();
    };
    expect(await names([])).toEqual([]);
    for (const all of [['All'], ['*'], ['.*']])
      expect(await names(all)).toEqual(['General', 'Hello', 'Help.Me']);
    expect(await names(['Foo', 'Help'])).toEqual([]);
    expect(await names(['Foo', 'Hello'])).toEqual(['Hello']);
    expect(await names(['Hel.*'])).toEqual(['Hello', 'Help.Me']);
  });

  it('stores the X-Amzn-Trace-Id header of SendMessage as the AWSTraceHeader system attribute', async () => {
    const url = await createQueue();
    const trace = 'Root=1-3152b799-8954dae64eda91bc9a23a7e8;Parent=7fa8c0f79203be72;Sampled=1';
    const sent = await rawJson(
      'SendMessage',
      { QueueUrl: url, MessageBody: 'test' },
      { 'x-amzn-trace-id': trace },
    );
    expect(sent.status).toBe(200);
    expect(sent.body.MD5OfMessageSystemAttributes).toMatch(/^[0-9a-f]{32}$/);
    const out = await client.send(
      new ReceiveMessageCommand({ QueueUrl: url, MessageSystemAttributeNames: ['AWSTraceHeader'] }),
    );
    expect(out.Messages![0]!.Attributes).toEqual({ AWSTraceHeader: trace });
  });
});

describe('permissions', () => {
  it('adds and removes labelled statements in the queue policy as AWS writes them', async () => {
    const url = await createQueue();
    const arn = await arnOf(url);
    const policy = async () =>
      (await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['Policy'] })))
        .Attributes?.Policy;
    await client.send(
      new AddPermissionCommand({
        QueueUrl: url,
        Label: 'crossaccountpermission',
        AWSAccountIds: ['000000000000', '668614515564'],
        Actions: ['ReceiveMessage'],
      }),
    );
    expect(JSON.parse((await policy())!)).toEqual({
      Version: '2008-10-17',
      Id: `${arn}/SQSDefaultPolicy`,
      Statement: [
        {
          Sid: 'crossaccountpermission',
          Effect: 'Allow',
          Principal: { AWS: ['arn:aws:iam::000000000000:root', 'arn:aws:iam::668614515564:root'] },
          Action: 'SQS:ReceiveMessage',
          Resource: arn,
        },
      ],
    });
    await expect(
      client.send(
        new AddPermissionCommand({
          QueueUrl: url,
          Label: 'crossaccountpermission',
          AWSAccountIds: ['668614515564'],
          Actions: ['ReceiveMessage'],
        }),
      ),
    ).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: 'Value crossaccountpermission for parameter Label is invalid. Reason: Already exists.',
    });
    await client.send(new RemovePermissionCommand({ QueueUrl: url, Label: 'crossaccountpermission' }));
    expect(await policy()).toBeUndefined();
    await expect(
      client.send(new RemovePermissionCommand({ QueueUrl: url, Label: 'crossaccountpermission' })),
    ).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: "Value crossaccountpermission for parameter Label is invalid. Reason: can't find label.",
    });
  });
});

describe('message move tasks', () => {
  async function dlqWithSource() {
    const dlq = await createQueue();
    const source = await createQueue({
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: await arnOf(dlq), maxReceiveCount: 1 }),
    });
    return { dlq, source };
  }

  it('refuses a source that is no dead-letter queue, and bad task handles, with AWS codes', async () => {
    const plain = await createQueue();
    await expect(
      client.send(new StartMessageMoveTaskCommand({ SourceArn: await arnOf(plain) })),
    ).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: 'Source queue must be configured as a Dead Letter Queue.',
    });
    await expect(
      client.send(new CancelMessageMoveTaskCommand({ TaskHandle: 'garbage' })),
    ).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: 'Value for parameter TaskHandle is invalid.',
    });
    const missingSource = Buffer.from(
      JSON.stringify({ taskId: 'x', sourceArn: 'arn:aws:sqs:us-east-1:000000000000:nope' }),
    ).toString('base64');
    await expect(
      client.send(new CancelMessageMoveTaskCommand({ TaskHandle: missingSource })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 404 } });
    const { dlq } = await dlqWithSource();
    const unknownTask = Buffer.from(JSON.stringify({ taskId: 'x', sourceArn: await arnOf(dlq) })).toString(
      'base64',
    );
    await expect(
      client.send(new CancelMessageMoveTaskCommand({ TaskHandle: unknownTask })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException', message: 'Task does not exist.' });
  });

  it('moves no faster than MaxNumberOfMessagesPerSecond', async () => {
    const { dlq, source } = await dlqWithSource();
    for (let i = 0; i < 10; i++) await send(dlq, `m${i}`);
    await client.send(
      new StartMessageMoveTaskCommand({
        SourceArn: await arnOf(dlq),
        DestinationArn: await arnOf(source),
        MaxNumberOfMessagesPerSecond: 2,
      }),
    );
    await sleep(1600);
    const [task] = (await client.send(new ListMessageMoveTasksCommand({ SourceArn: await arnOf(dlq) })))
      .Results!;
    expect(task).toMatchObject({ Status: 'RUNNING', MaxNumberOfMessagesPerSecond: 2 });
    expect(task!.ApproximateNumberOfMessagesMoved).toBeGreaterThanOrEqual(2);
    expect(task!.ApproximateNumberOfMessagesMoved).toBeLessThanOrEqual(4);
    const moved = await client.send(new CancelMessageMoveTaskCommand({ TaskHandle: task!.TaskHandle }));
    // Cancelling stops the task where it is: at most a tick or two after the listing above, far from all ten.
    expect(moved.ApproximateNumberOfMessagesMoved).toBeGreaterThanOrEqual(
      task!.ApproximateNumberOfMessagesMoved!,
    );
    expect(moved.ApproximateNumberOfMessagesMoved).toBeLessThan(10);
    expect((await bodies(source)).length).toBe(moved.ApproximateNumberOfMessagesMoved);
  });
});
