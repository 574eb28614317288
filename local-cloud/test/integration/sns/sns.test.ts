import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  CreateTopicCommand,
  DeleteTopicCommand,
  GetSubscriptionAttributesCommand,
  GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand,
  ListTopicsCommand,
  PublishBatchCommand,
  PublishCommand,
  SetSubscriptionAttributesCommand,
  SNSClient,
  SubscribeCommand,
  UnsubscribeCommand,
} from '@aws-sdk/client-sns';
import { registerInProcessFunction } from '../../../src/lambda';
import { registerOutboxRoutes } from '../../../src/outbox';
import { startEdge, type Edge } from '../../../src/router';
import { startSes, type SesEmulator } from '../../../src/ses';
import { SnsEmulator, type SmsRecord } from '../../../src/sns';
import { FakeSqs } from './fake-sqs';

const run = promisify(execFile);

let edge: Edge;
let sns: SnsEmulator;
let ses: SesEmulator;
let sqs: FakeSqs;
let client: SNSClient;

beforeAll(async () => {
  edge = await startEdge({ port: 0 });
  sns = new SnsEmulator({ endpoint: edge.endpoint });
  ses = await startSes({ port: 0 });
  sqs = new FakeSqs();
  edge.add(sns);
  edge.add(ses);
  edge.add(sqs);
  registerOutboxRoutes(edge, { sns, ses });
  client = new SNSClient({
    endpoint: edge.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
});

afterAll(async () => {
  client.destroy();
  await edge.close();
});

async function createTopic(name: string): Promise<string> {
  const { TopicArn } = await client.send(new CreateTopicCommand({ Name: name }));
  return TopicArn!;
}

async function sms(phoneNumber: string): Promise<SmsRecord[]> {
  const res = await fetch(`${edge.endpoint}/_local/sms?phoneNumber=${encodeURIComponent(phoneNumber)}`);
  return (await res.json()) as SmsRecord[];
}

describe('topics', () => {
  it('creates a topic idempotently, lists it, reads its attributes and deletes it', async () => {
    const arn = await createTopic('orders');
    expect(arn).toBe('arn:aws:sns:us-east-1:000000000000:orders');
    expect(await createTopic('orders')).toBe(arn);

    const listed = await client.send(new ListTopicsCommand({}));
    expect(listed.Topics?.map((t) => t.TopicArn)).toContain(arn);

    const { Attributes } = await client.send(new GetTopicAttributesCommand({ TopicArn: arn }));
    expect(Attributes).toMatchObject({ TopicArn: arn, Owner: '000000000000', SubscriptionsConfirmed: '0' });

    await client.send(new DeleteTopicCommand({ TopicArn: arn }));
    const after = await client.send(new ListTopicsCommand({}));
    expect(after.Topics?.map((t) => t.TopicArn) ?? []).not.toContain(arn);
    // AWS: deleting a topic that does not exist is not an error.
    await expect(client.send(new DeleteTopicCommand({ TopicArn: arn }))).resolves.toBeDefined();
  });

  it('answers NotFound for a topic that does not exist', async () => {
    const error = await client
      .send(new GetTopicAttributesCommand({ TopicArn: 'arn:aws:sns:us-east-1:000000000000:nope' }))
      .catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'NotFoundException', message: 'Topic does not exist' });
    expect((error as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(404);
  });

  it('creates a FIFO topic only with a .fifo name', async () => {
    const arn = (
      await client.send(new CreateTopicCommand({ Name: 'payments.fifo', Attributes: { FifoTopic: 'true' } }))
    ).TopicArn!;
    const { Attributes } = await client.send(new GetTopicAttributesCommand({ TopicArn: arn }));
    expect(Attributes).toMatchObject({ FifoTopic: 'true', ContentBasedDeduplication: 'false' });

    await expect(
      client.send(new CreateTopicCommand({ Name: 'payments', Attributes: { FifoTopic: 'true' } })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await expect(client.send(new CreateTopicCommand({ Name: 'bad name!' }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'Invalid parameter: Topic Name',
    });
  });

  it('requires MessageGroupId when publishing to a FIFO topic and returns a SequenceNumber', async () => {
    const arn = (
      await client.send(
        new CreateTopicCommand({
          Name: 'ledger.fifo',
          Attributes: { FifoTopic: 'true', ContentBasedDeduplication: 'true' },
        }),
      )
    ).TopicArn!;
    await expect(client.send(new PublishCommand({ TopicArn: arn, Message: 'x' }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'Invalid parameter: The MessageGroupId parameter is required for FIFO topics',
    });
    const out = await client.send(new PublishCommand({ TopicArn: arn, Message: 'x', MessageGroupId: 'g' }));
    expect(out.SequenceNumber).toMatch(/^\d+$/);
  });
});

describe('SMS', () => {
  it('stores an SMS sent to a valid E.164 number with its segment count', async () => {
    const phone = '+14155550101';
    const { MessageId } = await client.send(
      new PublishCommand({
        PhoneNumber: phone,
        Message: 'a'.repeat(160),
        MessageAttributes: {
          'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
          'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: 'Payflow' },
        },
      }),
    );
    await client.send(new PublishCommand({ PhoneNumber: phone, Message: 'a'.repeat(161) }));
    await client.send(new PublishCommand({ PhoneNumber: phone, Message: `paid 😀 ${'b'.repeat(68)}` }));

    const [first, second, third] = await sms(phone);
    expect(first).toMatchObject({
      id: MessageId,
      phoneNumber: phone,
      segments: 1,
      encoding: 'GSM-7',
      smsType: 'Transactional',
      senderId: 'Payflow',
    });
    expect(second).toMatchObject({ segments: 2, encoding: 'GSM-7', smsType: 'Promotional' });
    // 'paid ' + emoji (2 UTF-16 units) + ' ' + 68 = 76 units > 70: two UCS-2 parts of up to 67.
    expect(third).toMatchObject({ segments: 2, encoding: 'UCS-2' });
  });

  it.each(['14155550101', '+04155550101', '+1415555010123456', '+1 415 555 0101', '+'])(
    'rejects the phone number %p with InvalidParameter',
    async (phone) => {
      const error = await client
        .send(new PublishCommand({ PhoneNumber: phone, Message: 'hi' }))
        .catch((e: Error) => e);
      expect(error).toMatchObject({
        name: 'InvalidParameterException',
        message: expect.stringMatching(/^Invalid parameter: PhoneNumber Reason: /),
      });
      expect(await sms(phone)).toEqual([]);
    },
  );

  it('clears the SMS outbox with DELETE /_local/sms', async () => {
    await client.send(new PublishCommand({ PhoneNumber: '+447700900123', Message: 'hello' }));
    expect(await sms('+447700900123')).toHaveLength(1);
    expect((await fetch(`${edge.endpoint}/_local/sms`, { method: 'DELETE' })).status).toBe(204);
    expect(await sms('+447700900123')).toEqual([]);
  });

  it('works through the AWS CLI v2', async () => {
    const { stdout } = await run(
      '/usr/bin/aws',
      [
        'sns',
        'publish',
        '--phone-number',
        '+15005550006',
        '--message',
        'CLI hello',
        '--endpoint-url',
        edge.endpoint,
      ],
      {
        env: {
          ...process.env,
          AWS_ACCESS_KEY_ID: 'test',
          AWS_SECRET_ACCESS_KEY: 'test',
          AWS_DEFAULT_REGION: 'us-east-1',
          AWS_PAGER: '',
          AWS_CONFIG_FILE: '/dev/null',
          AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
        },
      },
    );
    const { MessageId } = JSON.parse(stdout) as { MessageId: string };
    expect(await sms('+15005550006')).toEqual([
      expect.objectContaining({ id: MessageId, message: 'CLI hello' }),
    ]);
  });
});

describe('publish', () => {
  it('rejects an empty message, a missing target and a message over 256 KB', async () => {
    const arn = await createTopic('limits');
    await expect(client.send(new PublishCommand({ TopicArn: arn, Message: '' }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'Invalid parameter: Empty message',
    });
    await expect(client.send(new PublishCommand({ Message: 'x' }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
    await expect(
      client.send(new PublishCommand({ TopicArn: arn, Message: 'x'.repeat(262_144) })),
    ).resolves.toHaveProperty('MessageId');
    await expect(
      client.send(new PublishCommand({ TopicArn: arn, Message: 'x'.repeat(262_145) })),
    ).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'Invalid parameter: Message too long',
    });
  });

  it('answers NotFound when publishing to a topic that does not exist', async () => {
    await expect(
      client.send(new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:000000000000:ghost', Message: 'x' })),
    ).rejects.toMatchObject({ name: 'NotFoundException' });
  });

  it('reports per-entry results of PublishBatch', async () => {
    const arn = await createTopic('batch');
    const out = await client.send(
      new PublishBatchCommand({
        TopicArn: arn,
        PublishBatchRequestEntries: [
          { Id: 'ok-1', Message: 'one' },
          { Id: 'empty', Message: '' },
          { Id: 'ok_2', Message: 'two', MessageAttributes: { n: { DataType: 'Number', StringValue: '2' } } },
        ],
      }),
    );
    expect(out.Successful?.map((s) => s.Id)).toEqual(['ok-1', 'ok_2']);
    expect(out.Successful?.every((s) => typeof s.MessageId === 'string')).toBe(true);
    expect(out.Failed).toEqual([
      {
        Id: 'empty',
        Code: 'InvalidParameter',
        Message: 'Invalid parameter: Empty message',
        SenderFault: true,
      },
    ]);
  });

  it('refuses more than 10 batch entries and repeated Ids', async () => {
    const arn = await createTopic('batch-limits');
    const entries = Array.from({ length: 11 }, (_, i) => ({ Id: `m${i}`, Message: 'x' }));
    await expect(
      client.send(new PublishBatchCommand({ TopicArn: arn, PublishBatchRequestEntries: entries })),
    ).rejects.toMatchObject({ name: 'TooManyEntriesInBatchRequestException' });
    await expect(
      client.send(
        new PublishBatchCommand({
          TopicArn: arn,
          PublishBatchRequestEntries: [
            { Id: 'same', Message: 'a' },
            { Id: 'same', Message: 'b' },
          ],
        }),
      ),
    ).rejects.toMatchObject({ name: 'BatchEntryIdsNotDistinctException' });
  });
});

describe('subscribers', () => {
  it('delivers the SNS event to a Lambda subscriber', async () => {
    const received: unknown[] = [];
    registerInProcessFunction('payflow-notification-local-onSns', async (event) => {
      received.push(event);
    });
    const arn = await createTopic('to-lambda');
    const { SubscriptionArn } = await client.send(
      new SubscribeCommand({
        TopicArn: arn,
        Protocol: 'lambda',
        Endpoint: 'arn:aws:lambda:us-east-1:000000000000:function:payflow-notification-local-onSns',
      }),
    );
    const { MessageId } = await client.send(
      new PublishCommand({
        TopicArn: arn,
        Message: '{"orderId":"o-1"}',
        Subject: 'Order',
        MessageAttributes: { kind: { DataType: 'String', StringValue: 'receipt' } },
      }),
    );
    await sns.drain();
    await waitFor(() => received.length > 0);

    expect(received).toEqual([
      {
        Records: [
          expect.objectContaining({
            EventSource: 'aws:sns',
            EventVersion: '1.0',
            EventSubscriptionArn: SubscriptionArn,
            Sns: expect.objectContaining({
              Type: 'Notification',
              MessageId,
              TopicArn: arn,
              Subject: 'Order',
              Message: '{"orderId":"o-1"}',
              SignatureVersion: '1',
              MessageAttributes: { kind: { Type: 'String', Value: 'receipt' } },
            }),
          }),
        ],
      },
    ]);
  });

  it('delivers the notification envelope to an SQS subscriber, or the raw message with RawMessageDelivery', async () => {
    const arn = await createTopic('to-sqs');
    const envelopeQueue = 'arn:aws:sqs:us-east-1:000000000000:envelope-q';
    const rawQueue = 'arn:aws:sqs:us-east-1:000000000000:raw-q';
    await client.send(new SubscribeCommand({ TopicArn: arn, Protocol: 'sqs', Endpoint: envelopeQueue }));
    await client.send(
      new SubscribeCommand({
        TopicArn: arn,
        Protocol: 'sqs',
        Endpoint: rawQueue,
        Attributes: { RawMessageDelivery: 'true' },
      }),
    );
    const { MessageId } = await client.send(
      new PublishCommand({
        TopicArn: arn,
        Message: 'paid',
        MessageAttributes: { amount: { DataType: 'Number', StringValue: '1250' } },
      }),
    );
    await sns.drain();

    const envelope = sqs.sent.find((s) => s.queueUrl === `${edge.endpoint}/000000000000/envelope-q`);
    expect(JSON.parse(envelope!.body)).toEqual({
      Type: 'Notification',
      MessageId,
      TopicArn: arn,
      Message: 'paid',
      Timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      SignatureVersion: '1',
      Signature: expect.any(String),
      SigningCertURL: expect.any(String),
      UnsubscribeURL: expect.stringContaining('Action=Unsubscribe'),
      MessageAttributes: { amount: { Type: 'Number', Value: '1250' } },
    });
    const raw = sqs.sent.find((s) => s.queueUrl === `${edge.endpoint}/000000000000/raw-q`);
    expect(raw).toMatchObject({
      body: 'paid',
      messageAttributes: { amount: { DataType: 'Number', StringValue: '1250' } },
    });
  });

  it('delivers only messages that match the subscription filter policy', async () => {
    const arn = await createTopic('filtered');
    const queue = 'arn:aws:sqs:us-east-1:000000000000:filtered-q';
    const { SubscriptionArn } = await client.send(
      new SubscribeCommand({
        TopicArn: arn,
        Protocol: 'sqs',
        Endpoint: queue,
        Attributes: {
          RawMessageDelivery: 'true',
          FilterPolicy: JSON.stringify({
            event: [{ prefix: 'Payment' }],
            amount: [{ numeric: ['>=', 100] }],
          }),
        },
      }),
    );
    const publish = (event: string, amount: string) =>
      client.send(
        new PublishCommand({
          TopicArn: arn,
          Message: `${event}:${amount}`,
          MessageAttributes: {
            event: { DataType: 'String', StringValue: event },
            amount: { DataType: 'Number', StringValue: amount },
          },
        }),
      );
    await publish('PaymentSucceeded', '150');
    await publish('PaymentSucceeded', '99');
    await publish('OrderConfirmed', '500');
    await client.send(new PublishCommand({ TopicArn: arn, Message: 'no attributes' }));
    await sns.drain();
    const bodies = sqs.sent.filter((s) => s.queueUrl.endsWith('/filtered-q')).map((s) => s.body);
    expect(bodies).toEqual(['PaymentSucceeded:150']);

    const { Attributes } = await client.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }));
    expect(Attributes).toMatchObject({
      Protocol: 'sqs',
      Endpoint: queue,
      RawMessageDelivery: 'true',
      FilterPolicyScope: 'MessageAttributes',
      PendingConfirmation: 'false',
    });
  });

  it('lists, updates and removes subscriptions', async () => {
    const arn = await createTopic('subs');
    const { SubscriptionArn } = await client.send(
      new SubscribeCommand({
        TopicArn: arn,
        Protocol: 'sqs',
        Endpoint: 'arn:aws:sqs:us-east-1:000000000000:subs-q',
      }),
    );
    expect(SubscriptionArn).toMatch(new RegExp(`^${arn}:[0-9a-f-]{36}$`));
    const listed = await client.send(new ListSubscriptionsByTopicCommand({ TopicArn: arn }));
    expect(listed.Subscriptions).toEqual([
      {
        SubscriptionArn,
        Owner: '000000000000',
        Protocol: 'sqs',
        Endpoint: 'arn:aws:sqs:us-east-1:000000000000:subs-q',
        TopicArn: arn,
      },
    ]);
    await client.send(
      new SetSubscriptionAttributesCommand({
        SubscriptionArn,
        AttributeName: 'RawMessageDelivery',
        AttributeValue: 'true',
      }),
    );
    expect(
      (await client.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }))).Attributes,
    ).toMatchObject({
      RawMessageDelivery: 'true',
    });
    await expect(
      client.send(
        new SetSubscriptionAttributesCommand({
          SubscriptionArn,
          AttributeName: 'Bogus',
          AttributeValue: 'x',
        }),
      ),
    ).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'Invalid parameter: AttributeName',
    });

    await client.send(new UnsubscribeCommand({ SubscriptionArn }));
    expect((await client.send(new ListSubscriptionsByTopicCommand({ TopicArn: arn }))).Subscriptions).toEqual(
      [],
    );
    await expect(
      client.send(new GetSubscriptionAttributesCommand({ SubscriptionArn })),
    ).rejects.toMatchObject({
      name: 'NotFoundException',
    });
  });

  it('rejects a Lambda subscription with RawMessageDelivery and an SQS endpoint that is not an ARN', async () => {
    const arn = await createTopic('bad-subs');
    await expect(
      client.send(new SubscribeCommand({ TopicArn: arn, Protocol: 'sqs', Endpoint: 'my-queue' })),
    ).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'Invalid parameter: SQS endpoint ARN',
    });
    await expect(
      client.send(new SubscribeCommand({ TopicArn: arn, Protocol: 'carrier-pigeon', Endpoint: 'x' })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
