/**
 * sendNotifications through the local cloud: events put on the bus with the real SDK, rules to the real
 * (emulated) SQS queue, the function under serverless-offline, and what customers get read from the outbox.
 * Run alone: PAYFLOW_TEST_SERVICES=notification PAYFLOW_EDGE_PORT=4620 npx jest services/notification/test/integration
 */
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { InvoiceDue, PaymentSucceeded } from '@payflow/shared';
import { randomUUID } from 'node:crypto';
import { peek, redrive } from '../../scripts/dlq';
import { measureSms } from '../../src/domain/render';
import { contractExample, readdressed, type BusEvent } from '../support/contract-fixtures';
import {
  BUS,
  busEvents,
  clearFaults,
  emailsTo,
  eventEntry,
  functionLogs,
  injectFault,
  localEndpoint,
  putEvents,
  settled,
  smsTo,
  STAGE,
  takeFromDlq,
  REMINDERS_DLQ,
  uniqueEmail,
  uniquePhone,
  waitFor,
} from '../support/local-cloud';

function paymentSucceeded(notification: {
  channels: Array<'email' | 'sms'>;
  email?: string;
  phone?: string;
}) {
  return eventEntry(PaymentSucceeded, {
    paymentId: `pay-${randomUUID().slice(0, 8)}`,
    invoiceId: `INV-${randomUUID().slice(0, 6)}`,
    amount: { amount: 12550, currency: 'EUR' },
    card: { brand: 'visa', last4: '4242' },
    notification,
  });
}

function invoiceDue(email: string, customerName = 'Grace Hopper') {
  return eventEntry(InvoiceDue, {
    invoiceId: `INV-${randomUUID().slice(0, 6)}`,
    customerName,
    balance: { amount: 4200, currency: 'EUR' },
    dueDate: '2026-12-05',
    contact: { channels: ['email'], email },
  });
}

const entryOf = (event: BusEvent): PutEventsRequestEntry => ({
  EventBusName: BUS,
  Source: event.source,
  DetailType: event['detail-type'],
  Detail: JSON.stringify(event.detail),
});

/** The contract examples of these pay for orders; the same payment of an invoice is the customer's to hear about. */
function asInvoicePayment(event: BusEvent): void {
  delete event.detail.data.orderId;
  event.detail.data.invoiceId = `INV-${randomUUID().slice(0, 6)}`;
}

afterEach(clearFaults);

describe('a customer is told on the channels they chose', () => {
  it('turns a PaymentSucceeded put on the bus into one e-mail, in text and HTML, from the configured sender', async () => {
    const email = uniqueEmail('grace');
    const { entry, detail } = paymentSucceeded({ channels: ['email'], email });
    await putEvents([entry]);

    const [sent] = await waitFor('the e-mail', async () => {
      const emails = await emailsTo(email);
      return emails.length > 0 && emails;
    });
    expect(sent!.from).toBe('notifications@payflow.example');
    expect(sent!.subject).toBe(`Payment received: 125.50 EUR for invoice ${detail.data.invoiceId}`);
    expect(sent!.text).toContain('Card: Visa ending 4242');
    expect(sent!.html).toContain(`<strong>${detail.data.invoiceId}</strong>`);
    await settled();
    expect(await emailsTo(email)).toHaveLength(1);
  });

  it('sends an SMS-only choice as one text within one 160-character GSM-7 segment, and no e-mail', async () => {
    const phone = uniquePhone();
    const { entry, detail } = paymentSucceeded({ channels: ['sms'], phone });
    await putEvents([entry]);

    const [text] = await waitFor('the SMS', async () => {
      const texts = await smsTo(phone);
      return texts.length > 0 && texts;
    });
    expect(text!.message).toContain(`payment of 125.50 EUR received for invoice ${detail.data.invoiceId}`);
    expect(text!.message.length).toBeLessThanOrEqual(160);
    expect(measureSms(text!.message)).toEqual({ segments: 1, encoding: 'GSM-7' });
  });

  it('sends "both" as one e-mail and one SMS', async () => {
    const email = uniqueEmail();
    const phone = uniquePhone();
    await putEvents([paymentSucceeded({ channels: ['email', 'sms'], email, phone }).entry]);

    await waitFor(
      'an e-mail and an SMS',
      async () => (await emailsTo(email)).length === 1 && (await smsTo(phone)).length === 1,
    );
    await settled();
    expect(await emailsTo(email)).toHaveLength(1);
    expect(await smsTo(phone)).toHaveLength(1);
  });

  it('reaches the customer of every customer-facing event, and no one for events that are not theirs', async () => {
    const types = [
      'InvoiceDue',
      'PaymentSucceeded',
      'PaymentFailed',
      'PaymentSessionExpired',
      'PaymentRefunded',
      'OrderConfirmed',
      'OrderRejected',
      'ShippingUnavailable',
      'PaymentTimedOut',
    ];
    const told = types.map((type) => {
      const email = uniqueEmail(type.toLowerCase());
      const event = readdressed(contractExample(type), { channels: ['email'], email });
      if (['PaymentFailed', 'PaymentSessionExpired'].includes(type)) asInvoicePayment(event);
      return { type, email, event };
    });
    // An order's payment is announced by checkout (OrderConfirmed, OrderRejected), not by payments.
    const untold = ['PaymentSucceeded', 'PaymentFailed', 'PaymentSessionExpired'].map((type) => {
      const email = uniqueEmail(`order-${type.toLowerCase()}`);
      const event = readdressed(contractExample(type), { channels: ['email'], email });
      delete event.detail.data.invoiceId;
      event.detail.data.orderId = 'ord-test-1';
      return { email, event };
    });
    await putEvents([...told, ...untold].map(({ event }) => entryOf(event)));

    for (const { type, email } of told) {
      const [sent] = await waitFor(`the ${type} e-mail`, async () => {
        const emails = await emailsTo(email);
        return emails.length > 0 && emails;
      });
      expect(sent!.subject.length).toBeGreaterThan(10);
      expect(sent!.text).not.toMatch(/\{\{|\}\}/);
      expect(sent!.html).not.toMatch(/\{\{|\}\}/);
    }
    await settled();
    for (const { email } of told) expect(await emailsTo(email)).toHaveLength(1);
    for (const { email } of untold) expect(await emailsTo(email)).toHaveLength(0);
  });
});

describe('exactly once per event and channel', () => {
  it('sends one e-mail and one SMS for the same event put on the bus three times at once', async () => {
    const email = uniqueEmail();
    const phone = uniquePhone();
    const { entry } = paymentSucceeded({ channels: ['email', 'sms'], email, phone });
    // Three PutEvents of one detail: three SQS messages with three EventBridge ids and one detail.id.
    await putEvents([entry, entry, entry]);

    await waitFor(
      'the first e-mail and SMS',
      async () => (await emailsTo(email)).length > 0 && (await smsTo(phone)).length > 0,
    );
    await settled();
    expect(await emailsTo(email)).toHaveLength(1);
    expect(await smsTo(phone)).toHaveLength(1);
  });

  it('sends nothing more when the same event arrives again later', async () => {
    const email = uniqueEmail();
    const { entry } = paymentSucceeded({ channels: ['email'], email });
    await putEvents([entry]);
    await waitFor('the e-mail', async () => (await emailsTo(email)).length === 1);
    await settled();

    await putEvents([entry]);
    await settled();
    expect(await emailsTo(email)).toHaveLength(1);
  });
});

describe('failures', () => {
  it('moves a poison reminder to the reminders DLQ after five receives while the other nine are sent', async () => {
    const valid = Array.from({ length: 9 }, () => invoiceDue(uniqueEmail('batch')));
    const poison = invoiceDue(uniqueEmail('poison'));
    const poisonDetail = structuredClone(poison.detail) as unknown as {
      data: { balance: { amount: unknown } };
    };
    poisonDetail.data.balance.amount = '42.00'; // money as a string: the contract refuses it
    const poisonEntry = { ...poison.entry, Detail: JSON.stringify(poisonDetail) };
    await putEvents([
      ...valid.slice(0, 4).map((v) => v.entry),
      poisonEntry,
      ...valid.slice(4).map((v) => v.entry),
    ]);

    for (const { detail } of valid) {
      await waitFor(
        `the e-mail to ${detail.data.contact!.email}`,
        async () => (await emailsTo(detail.data.contact!.email!)).length > 0,
      );
    }
    const parked = await takeFromDlq(
      (message) => message.Body?.includes(poison.detail.id) ?? false,
      60_000,
      REMINDERS_DLQ,
    );
    await settled();

    for (const { detail } of valid) expect(await emailsTo(detail.data.contact!.email!)).toHaveLength(1);
    expect(await emailsTo(poison.detail.data.contact!.email!)).toHaveLength(0);
    expect(JSON.parse(parked.Body!).detail.id).toBe(poison.detail.id);
    const logs = await functionLogs();
    const receives = logs
      .split('\n')
      .filter((line) => line.includes(parked.MessageId!) && line.includes('Record is not a customer event'));
    expect(receives).toHaveLength(5);
  });

  it('still sends exactly one e-mail when SES throttles the next two calls', async () => {
    const email = uniqueEmail();
    await injectFault({
      service: 'ses',
      operation: 'SendEmail',
      error: 'TooManyRequestsException',
      count: 2,
      match: email,
    });
    await putEvents([paymentSucceeded({ channels: ['email'], email }).entry]);

    await waitFor('the e-mail', async () => (await emailsTo(email)).length > 0);
    await settled();
    expect(await emailsTo(email)).toHaveLength(1);
  });

  it('retries a record SES keeps failing (503) past the SDK retries, without resending its SMS', async () => {
    const email = uniqueEmail();
    const phone = uniquePhone();
    // Five 503s: more than one invocation's SDK attempts (3), so the record itself fails and comes back.
    // (Throttling is waited out inside the invocation instead: see the pacing tests.)
    await injectFault({
      service: 'ses',
      operation: 'SendEmail',
      error: 'ServiceUnavailable',
      status: 503,
      count: 5,
      match: email,
    });
    const { entry, detail } = paymentSucceeded({ channels: ['email', 'sms'], email, phone });
    await putEvents([entry]);

    await waitFor('the e-mail after the retry', async () => (await emailsTo(email)).length > 0, 60_000);
    await settled();
    expect(await emailsTo(email)).toHaveLength(1);
    expect(await smsTo(phone)).toHaveLength(1);
    const logs = await functionLogs();
    expect(
      logs
        .split('\n')
        .some((line) => line.includes(detail.id) && line.includes('the record will be retried')),
    ).toBe(true);
  });

  it('records a rejected address as failed, publishes NotificationFailed once, does not retry, and still texts', async () => {
    const email = uniqueEmail('bounce');
    const phone = uniquePhone();
    await injectFault({
      service: 'ses',
      operation: 'SendEmail',
      error: 'MessageRejected',
      count: 1,
      match: email,
    });
    const { entry, detail } = paymentSucceeded({ channels: ['email', 'sms'], email, phone });
    await putEvents([entry]);

    const failed = await waitFor('NotificationFailed on the bus', async () => {
      const found = (await busEvents()).filter(
        (event) =>
          event['detail-type'] === 'NotificationFailed' &&
          (event.detail.data as { originalEventId: string }).originalEventId === detail.id,
      );
      return found.length > 0 && found;
    });
    await settled();
    expect(failed).toHaveLength(1);
    expect(failed[0]!.source).toBe('payflow.notification');
    expect(failed[0]!.detail.data).toMatchObject({
      originalDetailType: 'PaymentSucceeded',
      channel: 'email',
    });
    expect(String((failed[0]!.detail.data as { reason: string }).reason)).toContain('MessageRejected');
    expect(await emailsTo(email)).toHaveLength(0);
    expect(await smsTo(phone)).toHaveLength(1);
  });

  it('treats a number SNS refuses (InvalidParameter) as failed for good and sends the e-mail', async () => {
    const email = uniqueEmail();
    const phone = uniquePhone();
    await injectFault({
      service: 'sns',
      operation: 'Publish',
      error: 'InvalidParameter',
      count: 1,
      match: phone,
    });
    const { entry, detail } = paymentSucceeded({ channels: ['email', 'sms'], email, phone });
    await putEvents([entry]);

    await waitFor('NotificationFailed for the SMS', async () =>
      (await busEvents()).some(
        (event) =>
          event['detail-type'] === 'NotificationFailed' &&
          (event.detail.data as { originalEventId: string; channel: string }).originalEventId === detail.id &&
          (event.detail.data as { channel: string }).channel === 'sms',
      ),
    );
    await settled();
    expect(await emailsTo(email)).toHaveLength(1);
    expect(await smsTo(phone)).toHaveLength(0);
  });
});

describe('customer values are escaped', () => {
  it('shows an HTML-injection name as text in the HTML e-mail and as typed in the plain text', async () => {
    const email = uniqueEmail();
    const name = '<script>alert("pwned")</script> <b>Mallory</b> & Co';
    await putEvents([invoiceDue(email, name).entry]);

    const [sent] = await waitFor('the e-mail', async () => {
      const emails = await emailsTo(email);
      return emails.length > 0 && emails;
    });
    expect(sent!.html).not.toContain('<script');
    expect(sent!.html).not.toContain('<b>Mallory');
    expect(sent!.html).toContain(
      '&lt;script&gt;alert(&quot;pwned&quot;)&lt;&#x2F;script&gt; &lt;b&gt;Mallory&lt;&#x2F;b&gt; &amp; Co',
    );
    expect(sent!.text).toContain(`Dear ${name},`);
  });
});

describe('DLQ tools', () => {
  it('peek lists a record SES refused through all three receives; redrive sends it once when SES is back', async () => {
    const email = uniqueEmail('parked');
    // Enough 503s for three receives of three SDK attempts each.
    await injectFault({
      service: 'ses',
      operation: 'SendEmail',
      error: 'ServiceUnavailable',
      status: 503,
      count: 9,
      match: email,
    });
    const { entry, detail } = paymentSucceeded({ channels: ['email'], email });
    await putEvents([entry]);

    const parked = await waitFor(
      'the record in the DLQ',
      async () =>
        (await peek({ stage: STAGE, endpoint: localEndpoint() })).messages.find(
          (m) => m.eventId === detail.id,
        ),
      60_000,
    );
    expect(parked).toMatchObject({ detailType: 'PaymentSucceeded', correlationId: detail.correlationId });
    expect(parked.receiveCount).toBeGreaterThanOrEqual(3);
    // Peeking leaves it there.
    const again = await peek({ stage: STAGE, endpoint: localEndpoint() });
    expect(again.messages.some((m) => m.eventId === detail.id)).toBe(true);
    expect(await emailsTo(email)).toHaveLength(0);

    await clearFaults();
    const { moved } = await redrive({ stage: STAGE, endpoint: localEndpoint() });
    expect(moved).toBeGreaterThanOrEqual(1);
    await waitFor('the e-mail after the redrive', async () => (await emailsTo(email)).length > 0);
    await settled();
    expect(await emailsTo(email)).toHaveLength(1);
    expect(
      (await peek({ stage: STAGE, endpoint: localEndpoint() })).messages.some((m) => m.eventId === detail.id),
    ).toBe(false);
  });
});
