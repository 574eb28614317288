/**
 * The SQS batches in events/notification/, built from the contract examples in events/contracts/ so they
 * never drift from the contracts: `npm run fixtures -w @payflow/notification` writes them,
 * test/unit/fixtures.test.ts checks them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { contractExample, type BusEvent } from '../test/support/contract-fixtures';

export const FIXTURES_DIR = path.resolve(__dirname, '..', '..', '..', 'events', 'notification');
const QUEUE_ARN = 'arn:aws:sqs:us-east-1:000000000000:payflow-notification-local-notifications';

/** A contract example that pays for an order, turned into the payment of an invoice (what the rule delivers). */
function forInvoice(event: BusEvent, invoiceId: string): BusEvent {
  const copy = structuredClone(event);
  delete copy.detail.data.orderId;
  copy.detail.data.invoiceId = invoiceId;
  return copy;
}

/** Ten events as the rules deliver them: every customer-facing type, a second customer texted only. */
function customerEvents(): BusEvent[] {
  const smsOnly = structuredClone(contractExample('InvoiceDue'));
  smsOnly.id = '0b7e3c4a-9f1d-4e2b-8c5a-000000000101';
  smsOnly.detail.id = '5d2a8f10-3c7b-4e91-a6d4-000000000101';
  Object.assign(smsOnly.detail.data, {
    invoiceId: '10453',
    customerName: 'Alan Turing',
    contact: { channels: ['sms'], phone: '+447700900456' },
  });
  return [
    contractExample('InvoiceDue'),
    smsOnly,
    contractExample('PaymentSucceeded'),
    forInvoice(contractExample('PaymentFailed'), '10452'),
    forInvoice(contractExample('PaymentSessionExpired'), '10452'),
    contractExample('PaymentRefunded'),
    contractExample('OrderConfirmed'),
    contractExample('OrderRejected'),
    contractExample('ShippingUnavailable'),
    contractExample('PaymentTimedOut'),
  ];
}

function sqsRecord(event: BusEvent, index: number, body = JSON.stringify(event)) {
  const n = String(index + 1).padStart(4, '0');
  const sent = Date.parse(event.time);
  return {
    messageId: `7c1f4e2a-51b0-4a8e-9d3c-00000000${n}`,
    receiptHandle: `AQEBfixture${n}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(sent),
      SenderId: 'AIDAIENQZJOLO23YVJ4VO',
      ApproximateFirstReceiveTimestamp: String(sent + 15),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: QUEUE_ARN,
    awsRegion: 'us-east-1',
  };
}

/** File name → contents. */
export function buildFixtures(): Record<string, unknown> {
  const events = customerEvents();
  const batch = { Records: events.map((event, index) => sqsRecord(event, index)) };
  // The fifth record's money is a string: the contract refuses it, so that record alone is reported failed.
  const poison = structuredClone(events[4]!);
  (poison.detail.data.amount as Record<string, unknown>).amount = '15.00';
  const withPoison = {
    Records: events.map((event, index) => (index === 4 ? sqsRecord(poison, index) : sqsRecord(event, index))),
  };
  // Payout outcomes (an SQS batch holds at most ten): the failed one's customer is texted only.
  const textedOnly = structuredClone(contractExample('PayoutFailed'));
  textedOnly.detail.data.notification = { channels: ['sms'], phone: '+447700900456' };
  const payouts = {
    Records: [contractExample('PayoutSent'), textedOnly].map((event, index) => sqsRecord(event, index)),
  };
  // payments' announcements of a customer's channels, for recordCustomerChoices (its own queue).
  const customerChoices = {
    Records: [contractExample('CustomerRegistered'), contractExample('CustomerUpdated')].map(
      (event, index) => ({
        ...sqsRecord(event, index),
        eventSourceARN: QUEUE_ARN.replace('-notifications', '-customer-choices'),
      }),
    ),
  };
  return {
    'sqs-batch.json': batch,
    'sqs-batch-with-invalid-record.json': withPoison,
    'sqs-batch-payouts.json': payouts,
    'sqs-batch-customer-choices.json': customerChoices,
  };
}

export function fixtureText(contents: unknown): string {
  return `${JSON.stringify(contents, null, 2)}\n`;
}

if (require.main === module) {
  fs.mkdirSync(FIXTURES_DIR, { recursive: true });
  for (const [name, contents] of Object.entries(buildFixtures())) {
    fs.writeFileSync(path.join(FIXTURES_DIR, name), fixtureText(contents));
    console.log(`wrote events/notification/${name}`);
  }
}
