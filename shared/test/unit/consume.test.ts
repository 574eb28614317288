import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  byDetailType,
  eventContracts,
  EventValidationError,
  InvoiceDue,
  parseEventBridgeEvent,
  parseSqsRecordEvent,
  parseEventBridgeEventOf,
  PaymentFailed,
  PaymentSessionExpired,
  PaymentSucceeded,
} from '../../src';

const fixture = (detailType: string) =>
  JSON.parse(readFileSync(join(__dirname, `../../../events/contracts/${detailType}.json`), 'utf8'));

/** An SQS record as a rule with an SQS target delivers it: the whole EventBridge event as the body. */
const sqsRecord = (body: string, messageId = 'msg-1') => ({
  messageId,
  receiptHandle: 'AQEB-payflow-local',
  body,
  attributes: {
    ApproximateReceiveCount: '1',
    ApproximateFirstReceiveTimestamp: '1763719200000',
    SenderId: 'AIDAPAYFLOWLOCAL',
    SentTimestamp: '1763719200000',
  },
  messageAttributes: {},
  md5OfBody: '0',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:payflow-local-notification',
  awsRegion: 'us-east-1',
});

describe('parseEventBridgeEvent', () => {
  it('returns the typed detail of a matching event', () => {
    const detail = parseEventBridgeEvent(PaymentSucceeded, fixture('PaymentSucceeded'));
    expect(detail.data.amount).toEqual({ amount: 12550, currency: 'EUR' });
    expect(detail.correlationId).toBe('corr-payflow-local-0004');
  });

  it('rejects an event of another detail-type or source, naming both', () => {
    expect(() => parseEventBridgeEvent(PaymentFailed, fixture('PaymentSucceeded'))).toThrow(
      'EventBridge event: expected source "payflow.payments" and detail-type "PaymentFailed", got source "payflow.payments" and detail-type "PaymentSucceeded"',
    );
    const spoofed = { ...fixture('InvoiceDue'), source: 'payflow.checkout' };
    expect(() => parseEventBridgeEvent(InvoiceDue, spoofed)).toThrow('got source "payflow.checkout"');
  });

  it('rejects a detail that breaks the contract, naming the field', () => {
    const event = fixture('InvoiceDue');
    event.detail.data.balance.currency = 'EURO';
    expect(() => parseEventBridgeEvent(InvoiceDue, event)).toThrow(
      'InvoiceDue event 0b7e3c4a-9f1d-4e2b-8c5a-000000000003 does not match its contract: detail.data.balance.currency: "EURO" is not an ISO 4217 currency code',
    );
  });

  it('rejects something that is not an EventBridge event', () => {
    expect(() => parseEventBridgeEvent(InvoiceDue, { hello: 'world' })).toThrow(EventValidationError);
    expect(() => parseEventBridgeEvent(InvoiceDue, { hello: 'world' })).toThrow(
      /not an EventBridge event: .*source/,
    );
  });
});

describe('parseSqsRecordEvent', () => {
  it('reads an EventBridge event from the record body with one contract', () => {
    const detail = parseSqsRecordEvent(InvoiceDue, sqsRecord(JSON.stringify(fixture('InvoiceDue'))));
    expect(detail.data.invoiceId).toBe('10452');
  });

  it('narrows by detail-type with a registry', () => {
    const received = parseSqsRecordEvent(eventContracts, sqsRecord(JSON.stringify(fixture('PaymentFailed'))));
    expect(received.detailType).toBe('PaymentFailed');
    if (received.detailType !== 'PaymentFailed') throw new Error('unreachable');
    expect(received.detail.data.reason).toBe('Card declined by the issuer: insufficient funds');
    expect(received.source).toBe('payflow.payments');
  });

  it('rejects a detail-type the registry does not hold', () => {
    const registry = { InvoiceDue };
    expect(() =>
      parseSqsRecordEvent(registry, sqsRecord(JSON.stringify(fixture('OrderConfirmed')), 'msg-9')),
    ).toThrow(
      'SQS message msg-9: detail-type "OrderConfirmed" is not one this consumer handles (InvoiceDue)',
    );
  });

  it('says which message had a body that is not JSON or not an event', () => {
    expect(() => parseSqsRecordEvent(InvoiceDue, sqsRecord('{not json', 'msg-2'))).toThrow(
      /SQS message msg-2: body is not an EventBridge event: Invalid JSON/,
    );
    expect(() => parseSqsRecordEvent(InvoiceDue, sqsRecord('{"id":"x"}', 'msg-3'))).toThrow(
      /SQS message msg-3: body is not an EventBridge event/,
    );
    expect(() => parseSqsRecordEvent(InvoiceDue, { body: 42 })).toThrow(/not an SQS record/);
  });

  it('validates the detail inside the body', () => {
    const event = fixture('InvoiceDue');
    delete event.detail.data.contact.email;
    expect(() => parseSqsRecordEvent(InvoiceDue, sqsRecord(JSON.stringify(event)))).toThrow(
      'detail.data.contact.email: email is required when channels include email',
    );
  });
});

describe('byDetailType', () => {
  const paymentResults = { PaymentSucceeded, PaymentFailed, PaymentSessionExpired } as const;
  const whatConfirms = {
    PaymentSucceeded: ({ data }: { data: { paymentId: string } }) => `payment ${data.paymentId}`,
    PaymentFailed: ({ data }: { data: { paymentId: string } }) => `payment ${data.paymentId}`,
    PaymentSessionExpired: ({ data }: { data: { sessionId: string } }) => `session ${data.sessionId}`,
  };

  it("calls the function of the event's own detail-type, with its typed detail", () => {
    const succeeded = parseEventBridgeEventOf(paymentResults, fixture('PaymentSucceeded'));
    expect(byDetailType(succeeded, whatConfirms)).toBe(
      `payment ${fixture('PaymentSucceeded').detail.data.paymentId}`,
    );
    const expired = parseEventBridgeEventOf(paymentResults, fixture('PaymentSessionExpired'));
    expect(byDetailType(expired, whatConfirms)).toBe(
      `session ${fixture('PaymentSessionExpired').detail.data.sessionId}`,
    );
  });

  it('calls no other function', () => {
    const called: string[] = [];
    const failed = parseEventBridgeEventOf(paymentResults, fixture('PaymentFailed'));
    byDetailType(failed, {
      PaymentSucceeded: () => called.push('PaymentSucceeded'),
      PaymentFailed: () => called.push('PaymentFailed'),
      PaymentSessionExpired: () => called.push('PaymentSessionExpired'),
    });
    expect(called).toEqual(['PaymentFailed']);
  });
});
