/**
 * Every fixture in events/notification run through the function the README names for it, through the local
 * cloud's Lambda Invoke API, with the outcome the README documents: each valid record sent once per chosen channel
 * (a COMPLETED record in the sends table, status SENT), a record that fails its contract reported back for a retry
 * (and, after its third receive, the DLQ), and a second invocation of the same batch sending nothing.
 */
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { invokeFunction, serviceFixtures } from '@payflow/local-cloud/src/testing';
import { EventValidationError, parseSqsRecordEvent } from '@payflow/shared';
import type { SQSRecord } from 'aws-lambda';
import { sendKey } from '../../src/adapters/sends-table';
import { customerEvents, type CustomerEvent } from '../../src/domain/customer-events';
import { recipientsOf } from '../../src/domain/recipients';
import type { SendRecord } from '../../src/domain/notify';
import { emailsTo, localEndpoint, smsTo, STAGE } from '../support/local-cloud';

const SENDS_TABLE = `payflow-notification-${STAGE}-sends`;
const CUSTOMERS_TABLE = `payflow-notification-${STAGE}-customers`;
const fixtures = serviceFixtures('notification');
const fn = (name: string) => `payflow-notification-${STAGE}-${name}`;

/** The fixture's records, each with the customer event it holds or undefined when it fails its contract. */
function recordsOf(fixture: string) {
  return (fixtures.get(fixture).Records as SQSRecord[]).map((record) => {
    try {
      return {
        messageId: record.messageId,
        event: parseSqsRecordEvent(customerEvents, record) as CustomerEvent,
      };
    } catch (error) {
      if (!(error instanceof EventValidationError)) throw error;
      return { messageId: record.messageId, event: undefined };
    }
  });
}

const dynamodb = () =>
  new DynamoDBClient({
    endpoint: localEndpoint(),
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });

async function sendRecord(eventId: string, channel: string): Promise<SendRecord | undefined> {
  const { Item } = await dynamodb().send(
    new GetItemCommand({
      TableName: SENDS_TABLE,
      Key: { id: { S: sendKey(eventId, channel) } },
      ConsistentRead: true,
    }),
  );
  return Item?.status?.S === 'COMPLETED' && Item.data?.S
    ? (JSON.parse(Item.data.S) as SendRecord)
    : undefined;
}

/** How many messages the outbox holds for every address the fixture's valid records name. */
async function outboxCounts(fixture: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const { event } of recordsOf(fixture)) {
    for (const { channel, address } of event ? recipientsOf(event) : []) {
      counts[`${channel}:${address}`] ??= (
        channel === 'email' ? await emailsTo(address) : await smsTo(address)
      ).length;
    }
  }
  return counts;
}

/** Invokes the function with the fixture and checks every valid record was sent, once per channel it chose. */
async function expectSent(fixture: string, functionName: string) {
  const records = recordsOf(fixture);
  const invocation = await invokeFunction(localEndpoint(), fn(functionName), fixtures.get(fixture));
  expect(invocation.functionError).toBeUndefined();
  expect(invocation.result).toEqual({
    batchItemFailures: records
      .filter((record) => !record.event)
      .map((record) => ({ itemIdentifier: record.messageId })),
  });
  for (const { event } of records) {
    for (const { channel, address } of event ? recipientsOf(event) : []) {
      const record = await sendRecord(event!.detail.id, channel);
      expect({ detailType: event!.detailType, channel, record }).toEqual({
        detailType: event!.detailType,
        channel,
        record: expect.objectContaining({ status: 'SENT', detailType: event!.detailType }),
      });
      // What was sent is in the outbox at its address (the record keeps it masked).
      expect((channel === 'email' ? await emailsTo(address) : await smsTo(address)).length).toBeGreaterThan(
        0,
      );
    }
  }
}

describe('events/notification fixtures, through the Lambda Invoke API', () => {
  const cases: Record<string, () => Promise<void>> = {
    'sqs-batch.json': async () => {
      expect(recordsOf('sqs-batch.json').every((record) => record.event)).toBe(true);
      await expectSent('sqs-batch.json', 'sendNotifications');
      // The README's second invocation, on the other lane: exactly once, so nothing more is sent.
      const before = await outboxCounts('sqs-batch.json');
      await expectSent('sqs-batch.json', 'sendReminders');
      expect(await outboxCounts('sqs-batch.json')).toEqual(before);
    },
    'sqs-batch-with-invalid-record.json': async () => {
      // One record (a PaymentSessionExpired whose amount is a string) fails its contract; the others go out.
      const invalid = recordsOf('sqs-batch-with-invalid-record.json').filter((record) => !record.event);
      expect(invalid).toHaveLength(1);
      await expectSent('sqs-batch-with-invalid-record.json', 'sendNotifications');
    },
    'sqs-batch-customer-choices.json': async () => {
      // payments registered CUST-10452 (email and sms), then changed it to sms only: the copy holds version 2.
      const batch = fixtures.get('sqs-batch-customer-choices.json');
      const copy = async () =>
        (
          await dynamodb().send(
            new GetItemCommand({
              TableName: CUSTOMERS_TABLE,
              Key: { customerId: { S: 'CUST-10452' } },
              ConsistentRead: true,
            }),
          )
        ).Item;
      for (let invocation = 0; invocation < 2; invocation += 1) {
        // The second invocation (a redelivery) changes nothing: the copy only moves to a higher version.
        const result = await invokeFunction(localEndpoint(), fn('recordCustomerChoices'), batch);
        expect(result.functionError).toBeUndefined();
        expect(result.result).toEqual({ batchItemFailures: [] });
        expect(await copy()).toMatchObject({
          version: { N: '2' },
          merchantId: { S: 'tea-shop' },
          channels: { L: [{ S: 'sms' }] },
        });
      }
    },
    'sqs-batch-payouts.json': async () => {
      expect(recordsOf('sqs-batch-payouts.json').map((record) => record.event?.detailType)).toEqual([
        'PayoutSent',
        'PayoutFailed',
      ]);
      await expectSent('sqs-batch-payouts.json', 'sendNotifications');
      const before = await outboxCounts('sqs-batch-payouts.json');
      await expectSent('sqs-batch-payouts.json', 'sendNotifications');
      expect(await outboxCounts('sqs-batch-payouts.json')).toEqual(before);
    },
  };

  it('has a case for every fixture in the folder', () => {
    expect(Object.keys(cases).sort()).toEqual([...fixtures.keys()]);
  });

  it.each(Object.keys(cases))('%s', (name) => cases[name]!());
});
