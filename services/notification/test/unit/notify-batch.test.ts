import { createLogger, ServiceMetrics } from '@payflow/shared';
import { captureMetrics } from '@payflow/shared/src/testing';
import type { SQSRecord } from 'aws-lambda';
import { notifySqsBatch } from '../../src/notify-batch';
import { contractExample, readdressed } from '../support/contract-fixtures';
import { memoryPorts } from '../support/memory-ports';

const awsError = (name: string) => Object.assign(new Error(`${name} from the provider`), { name });
const logger = createLogger('notification-test');
logger.setLogLevel('SILENT');

function sqsRecord(messageId: string, body: string, receiveCount = 1): SQSRecord {
  return {
    messageId,
    receiptHandle: `handle-${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: '1763720000000',
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: '1763720000001',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:payflow-notification-local-reminders',
    awsRegion: 'us-east-1',
  };
}

function harness(failures: Parameters<typeof memoryPorts>[0] = {}) {
  const { sent, ports } = memoryPorts(failures);
  const retries: Array<{ messageId: string; delaySeconds: number }> = [];
  const run = (records: SQSRecord[], scheduleFails = false) =>
    notifySqsBatch(records, {
      ports,
      retryBaseSeconds: 5,
      scheduleRetry: async (record, delaySeconds) => {
        if (scheduleFails) throw new Error('SQS down too');
        retries.push({ messageId: record.messageId, delaySeconds });
      },
      logger,
    });
  return { sent, retries, run };
}

const validBody = (email: string) =>
  JSON.stringify(readdressed(contractExample('InvoiceDue'), { channels: ['email'], email }));

function withData(change: (data: Record<string, unknown>) => void): string {
  const event = readdressed(contractExample('InvoiceDue'), { channels: ['email'], email: 'x@example.com' });
  change(event.detail.data);
  return JSON.stringify(event);
}

describe('a batch with bad records', () => {
  const bad: Array<[string, string]> = [
    ['a body that is not JSON', '{"detail-type": "InvoiceDue",'],
    ['an empty body', ''],
    ['JSON that is not an EventBridge event', '{"hello":"world"}'],
    ['an event no customer hears about (BillsIngested)', JSON.stringify(contractExample('BillsIngested'))],
    ['a missing contact', withData((data) => delete data.contact)],
    ['money as a string', withData((data) => ((data.balance as Record<string, unknown>).amount = '125.50'))],
    ['e-mail chosen without an address', withData((data) => (data.contact = { channels: ['email'] }))],
    ['a 300 kB customer name', withData((data) => (data.customerName = 'A'.repeat(300_000)))],
  ];

  it.each(bad)('fails only the record with %s, at once, and sends the rest', async (_what, body) => {
    const { sent, retries, run } = harness();
    const response = await run([
      sqsRecord('good-1', validBody('one@example.com')),
      sqsRecord('bad', body, 2),
      sqsRecord('good-2', validBody('two@example.com')),
    ]);
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'bad' }] });
    expect(sent.map((s) => s.to).sort()).toEqual(['one@example.com', 'two@example.com']);
    expect(retries).toEqual([{ messageId: 'bad', delaySeconds: 0 }]);
  });

  it('reports every record when all of them fail, instead of failing the invocation', async () => {
    const { run } = harness();
    const response = await run([sqsRecord('a', 'nope'), sqsRecord('b', 'nope')]);
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['a', 'b']);
  });
});

describe('a transient failure', () => {
  it('fails the record and hides it for a delay that doubles with each receive', async () => {
    const failure = () => Object.assign(new Error('down'), { name: 'InternalFailure' });
    const { retries, run } = harness({ email: [failure(), failure(), failure()] });
    for (const receiveCount of [1, 2, 3]) {
      const response = await run([sqsRecord('m', validBody('a@example.com'), receiveCount)]);
      expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm' }]);
    }
    expect(retries.map((r) => r.delaySeconds)).toEqual([5, 10, 20]);
  });

  it('still fails the record when the retry delay cannot be set (it returns after the visibility timeout)', async () => {
    const { run } = harness({ email: [Object.assign(new Error('down'), { name: 'InternalFailure' })] });
    const response = await run([sqsRecord('m', validBody('a@example.com'))], true);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm' }]);
  });
});

describe('logging the reminders lane', () => {
  it('logs a batch of successful sends as one line naming each record, when asked to', async () => {
    const { ports } = memoryPorts();
    const info = jest.spyOn(logger, 'info');
    await notifySqsBatch(
      [sqsRecord('a', validBody('a@example.com')), sqsRecord('b', validBody('b@example.com'))],
      { ports, retryBaseSeconds: 5, scheduleRetry: async () => undefined, logger, summariseSent: true },
    );
    expect(info).toHaveBeenCalledTimes(1);
    const [message, fields] = info.mock.calls[0]! as unknown as [
      string,
      { sends: Array<{ messageId: string }> },
    ];
    expect(message).toBe('2 notifications sent');
    expect(fields.sends.map((s) => s.messageId)).toEqual(['a', 'b']);
    info.mockRestore();
  });
});

describe('notification metrics', () => {
  it('counts a batch’s sends as sent, skipped and failed by channel, and a redelivered record not again', async () => {
    // The first SMS is refused for good; grace@ is on the suppression list.
    const { ports } = memoryPorts(
      { sms: [awsError('InvalidParameter')] },
      { 'grace@example.com': 'on the SES account suppression list (BOUNCE)' },
    );
    const metrics = new ServiceMetrics('notification');
    const deps = { ports, retryBaseSeconds: 5, scheduleRetry: async () => undefined, logger, metrics };
    const receipt = (messageId: string, contact: Parameters<typeof readdressed>[1]) =>
      sqsRecord(messageId, JSON.stringify(readdressed(contractExample('PaymentSucceeded'), contact)));
    const refusedSms = receipt('m1', { channels: ['sms'], phone: '+14155550100' });
    const ada = receipt('m2', {
      channels: ['email', 'sms'],
      email: 'ada@example.com',
      phone: '+14155550101',
    });
    const grace = receipt('m3', { channels: ['email'], email: 'grace@example.com' });

    const { datapoints, otherOutput } = await captureMetrics(async () => {
      await notifySqsBatch([refusedSms, ada, grace], deps);
      await notifySqsBatch([ada], deps); // a redelivery: already sent, nothing new
      metrics.publish();
    });

    expect(otherOutput).toBe('');
    const counted = datapoints.map(({ name, unit, values, dimensions }) => ({
      name,
      unit,
      values,
      dimensions,
    }));
    expect(counted).toEqual(
      expect.arrayContaining([
        {
          name: 'NotificationsFailed',
          unit: 'Count',
          values: [1],
          dimensions: { service: 'notification', channel: 'sms' },
        },
        {
          name: 'NotificationsSent',
          unit: 'Count',
          values: [1],
          dimensions: { service: 'notification', channel: 'email' },
        },
        {
          name: 'NotificationsSent',
          unit: 'Count',
          values: [1],
          dimensions: { service: 'notification', channel: 'sms' },
        },
        {
          name: 'NotificationsSkipped',
          unit: 'Count',
          values: [1],
          dimensions: { service: 'notification', channel: 'email' },
        },
      ]),
    );
    expect(counted).toHaveLength(4);
    expect(JSON.stringify(datapoints)).not.toMatch(/@|\+1415/);
  });
});

describe('the reminders share of the SES daily quota', () => {
  it('when spent, sends and claims nothing and leaves every record queued for the wait, then sends once it is back', async () => {
    const { sent, table, ports } = memoryPorts();
    const retries: Array<{ messageId: string; delaySeconds: number }> = [];
    let wait: number | undefined = 3600;
    const run = () =>
      notifySqsBatch(
        [sqsRecord('a', validBody('a@example.com')), sqsRecord('b', validBody('b@example.com'))],
        {
          ports,
          retryBaseSeconds: 5,
          scheduleRetry: async (record, delaySeconds) => {
            retries.push({ messageId: record.messageId, delaySeconds });
          },
          logger,
          dailyQuotaWait: async () => wait,
        },
      );
    const spent = await run();
    expect(spent.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['a', 'b']);
    expect(retries).toEqual([
      { messageId: 'a', delaySeconds: 3600 },
      { messageId: 'b', delaySeconds: 3600 },
    ]);
    expect(sent).toHaveLength(0);
    expect(table.size).toBe(0);

    wait = undefined;
    const back = await run();
    expect(back.batchItemFailures).toEqual([]);
    expect(sent.map((s) => s.to).sort()).toEqual(['a@example.com', 'b@example.com']);
  });
});
