import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { EventSourceMappings } from '../../../src/event-source-mappings';
import { registerInProcessFunction } from '../../../src/lambda';
import { sleep, startSqs, uniqueName, type SqsFixture } from './helpers';

let fx: SqsFixture;
let mappings: EventSourceMappings;

beforeAll(async () => {
  fx = await startSqs();
});
beforeEach(() => {
  mappings = new EventSourceMappings(fx.sqs);
});
afterEach(async () => {
  await mappings.close();
});
afterAll(async () => {
  fx.client.destroy();
  await fx.edge.close();
});

async function queue(attributes: Record<string, string> = {}) {
  const name = uniqueName('esm');
  const { QueueUrl } = await fx.client.send(
    new CreateQueueCommand({ QueueName: name, Attributes: attributes }),
  );
  const out = await fx.client.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return { url: QueueUrl!, arn: out.Attributes!.QueueArn! };
}

async function visibleAndInFlight(url: string) {
  const out = await fx.client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }));
  return (
    Number(out.Attributes!.ApproximateNumberOfMessages) +
    Number(out.Attributes!.ApproximateNumberOfMessagesNotVisible)
  );
}

async function until(check: () => boolean | Promise<boolean>, ms = 5000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(20);
  }
}

describe('SQS event source mappings', () => {
  it('gathers 10 messages sent one by one into one event within the batching window', async () => {
    const { url, arn } = await queue();
    const events: SQSEvent[] = [];
    const fn = uniqueName('collect');
    registerInProcessFunction(fn, async (event) => {
      events.push(event as SQSEvent);
    });
    mappings.create({
      eventSourceArn: arn,
      functionName: fn,
      batchSize: 10,
      maximumBatchingWindowInSeconds: 2,
    });
    for (let i = 0; i < 10; i += 1) {
      await fx.client.send(
        new SendMessageCommand({
          QueueUrl: url,
          MessageBody: `m${i}`,
          MessageAttributes: { n: { DataType: 'Number', StringValue: String(i) } },
        }),
      );
    }
    await until(() => events.length > 0);
    expect(events).toHaveLength(1);
    const records = events[0]!.Records;
    expect(records.map((r) => r.body)).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}`));
    expect(records[0]).toMatchObject({
      eventSource: 'aws:sqs',
      eventSourceARN: arn,
      awsRegion: 'us-east-1',
      attributes: { ApproximateReceiveCount: '1', SenderId: expect.any(String) },
      messageAttributes: {
        n: { stringValue: '0', stringListValues: [], binaryListValues: [], dataType: 'Number' },
      },
    });
    expect(Number(records[0]!.attributes.SentTimestamp)).toBeGreaterThan(0);
    await until(async () => (await visibleAndInFlight(url)) === 0);
  });

  it('deletes all but the reported batch item failure, which returns with receive count 2 and then reaches the DLQ', async () => {
    const dlq = await queue();
    const { url, arn } = await queue({
      VisibilityTimeout: '1',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 2 }),
    });
    const seen: Array<{ body: string; count: string }> = [];
    const fn = uniqueName('partial');
    registerInProcessFunction(fn, async (event): Promise<SQSBatchResponse> => {
      const records = (event as SQSEvent).Records;
      for (const r of records) seen.push({ body: r.body, count: r.attributes.ApproximateReceiveCount });
      return {
        batchItemFailures: records
          .filter((r) => r.body === 'bad')
          .map((r) => ({ itemIdentifier: r.messageId })),
      };
    });
    await fx.client.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: ['good1', 'bad', 'good2'].map((body, i) => ({ Id: `e${i}`, MessageBody: body })),
      }),
    );
    mappings.create({
      eventSourceArn: arn,
      functionName: fn,
      functionResponseTypes: ['ReportBatchItemFailures'],
    });
    await until(() => seen.some((s) => s.body === 'bad' && s.count === '2'));
    expect(seen.filter((s) => s.body.startsWith('good'))).toHaveLength(2);
    await until(async () => (await visibleAndInFlight(dlq.url)) === 1);
    expect(await visibleAndInFlight(url)).toBe(0);
    expect(seen.filter((s) => s.body === 'bad').map((s) => s.count)).toEqual(['1', '2']);
    const dead = await fx.client.send(new ReceiveMessageCommand({ QueueUrl: dlq.url }));
    expect(dead.Messages![0]!.Body).toBe('bad');
  });

  it('treats an unknown itemIdentifier as a failure of the whole batch', async () => {
    const { url, arn } = await queue({ VisibilityTimeout: '30' });
    let calls = 0;
    const fn = uniqueName('bogus');
    registerInProcessFunction(fn, async () => {
      calls += 1;
      return { batchItemFailures: [{ itemIdentifier: 'not-a-message-id' }] };
    });
    await fx.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }));
    mappings.create({
      eventSourceArn: arn,
      functionName: fn,
      functionResponseTypes: ['ReportBatchItemFailures'],
    });
    await until(() => calls === 1);
    await mappings.idle();
    expect(await visibleAndInFlight(url)).toBe(1);
  });

  it('leaves every message of a batch whose function throws', async () => {
    const { url, arn } = await queue({ VisibilityTimeout: '30' });
    let calls = 0;
    const fn = uniqueName('throws');
    registerInProcessFunction(fn, async () => {
      calls += 1;
      throw new Error('boom');
    });
    await fx.client.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: [1, 2, 3].map((i) => ({ Id: `e${i}`, MessageBody: `m${i}` })),
      }),
    );
    mappings.create({ eventSourceArn: arn, functionName: fn });
    await until(() => calls >= 1);
    await mappings.idle();
    const out = await fx.client.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }),
    );
    expect(out.Attributes!.ApproximateNumberOfMessagesNotVisible).toBe('3');
    expect(mappings.list()[0]!.stats).toMatchObject({ functionErrors: 1, recordsDeleted: 0 });
  });
});
