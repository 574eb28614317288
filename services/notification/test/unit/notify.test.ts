import { eventContracts, type NotificationChannel } from '@payflow/shared';
import type { CustomerEvent } from '../../src/domain/customer-events';
import { classifyDeliveryError, retryDelaySeconds } from '../../src/domain/delivery-errors';
import { notificationFailedId } from '../../src/domain/event-ids';
import {
  notifyBatch,
  TransientDeliveryError,
  type NotifyPorts,
  type SendRecord,
} from '../../src/domain/notify';
import { memoryPorts } from '../support/memory-ports';
import { contractExample, readdressed } from '../support/contract-fixtures';

const awsError = (name: string) => Object.assign(new Error(`${name} from the provider`), { name });

function paymentSucceeded(channels: NotificationChannel[]): CustomerEvent {
  const event = readdressed(contractExample('PaymentSucceeded'), {
    channels,
    email: 'grace@example.com',
    phone: '+14155550123',
  });
  return {
    source: 'payflow.payments',
    detailType: 'PaymentSucceeded',
    detail: eventContracts.PaymentSucceeded.detailSchema.parse(event.detail),
  } as CustomerEvent;
}

async function notifyOne(event: CustomerEvent, ports: NotifyPorts): Promise<SendRecord[]> {
  const { items } = await notifyBatch([{ id: 'm1', event }], ports);
  if (items[0]!.error) throw items[0]!.error;
  return items[0]!.records;
}

describe('notifying a customer', () => {
  it('sends one message per chosen channel and records each as SENT with a masked address', async () => {
    const { sent, ports: p } = memoryPorts();
    const records = await notifyOne(paymentSucceeded(['email', 'sms']), p);
    expect(sent.map((s) => [s.channel, s.to])).toEqual([
      ['email', 'grace@example.com'],
      ['sms', '+14155550123'],
    ]);
    expect(records.map((r) => [r.channel, r.status, r.to])).toEqual([
      ['email', 'SENT', 'g***@example.com'],
      ['sms', 'SENT', '+1******0123'],
    ]);
    expect(records[1]!.segments).toBe(1);
  });

  it('sends nothing the second time the same event arrives', async () => {
    const { sent, ports: p } = memoryPorts();
    const event = paymentSucceeded(['email', 'sms']);
    await notifyOne(event, p);
    const again = await notifyOne(event, p);
    expect(sent).toHaveLength(2);
    expect(again.every((r) => r.replayed)).toBe(true);
  });

  it('sends once when one batch holds the same event three times; the copies read the first result', async () => {
    const { sent, ports: p } = memoryPorts();
    const event = paymentSucceeded(['email', 'sms']);
    const { items } = await notifyBatch(
      ['a', 'b', 'c'].map((id) => ({ id, event })),
      p,
    );
    expect(sent).toHaveLength(2);
    expect(items.map((i) => i.error)).toEqual([undefined, undefined, undefined]);
    expect(items.map((i) => i.records.every((r) => r.replayed === true))).toEqual([false, true, true]);
  });

  it('fails (to retry later) a delivery that finds another one mid-send, and sends nothing', async () => {
    const { sent, table, ports: p } = memoryPorts();
    const event = paymentSucceeded(['email']);
    table.set(`${event.detail.id}#email`, { claimed: true });
    const { items } = await notifyBatch([{ id: 'm1', event }], p);
    expect(items[0]!.error).toBeInstanceOf(TransientDeliveryError);
    expect(String(items[0]!.error)).toContain('being sent by another delivery');
    expect(sent).toHaveLength(0);
  });

  it('skips a suppressed or opted-out recipient with the reason, records it, and never retries it', async () => {
    const {
      sent,
      published,
      ports: p,
    } = memoryPorts(
      {},
      {
        'grace@example.com': 'on the SES account suppression list (BOUNCE)',
        '+14155550123': 'the phone number opted out of SMS from this account',
      },
    );
    const event = paymentSucceeded(['email', 'sms']);
    const records = await notifyOne(event, p);
    expect(sent).toHaveLength(0);
    expect(published).toHaveLength(0);
    expect(records.map((r) => [r.channel, r.status, r.reason])).toEqual([
      ['email', 'SKIPPED', 'on the SES account suppression list (BOUNCE)'],
      ['sms', 'SKIPPED', 'the phone number opted out of SMS from this account'],
    ]);
    expect((await notifyOne(event, p)).every((r) => r.replayed && r.status === 'SKIPPED')).toBe(true);
  });

  it('records a permanent refusal as FAILED, publishes it, and still sends the other channel', async () => {
    const { sent, published, ports: p } = memoryPorts({ email: [awsError('MessageRejected')] });
    const event = paymentSucceeded(['email', 'sms']);
    const records = await notifyOne(event, p);
    expect(records.map((r) => r.status)).toEqual(['FAILED', 'SENT']);
    expect(records[0]!.reason).toContain('MessageRejected');
    expect(sent.map((s) => s.channel)).toEqual(['sms']);
    expect(published).toEqual([{ eventId: event.detail.id, record: records[0] }]);
  });

  it('does not retry a permanent refusal: a redelivery publishes the same failure again and sends nothing', async () => {
    const { sent, published, ports: p } = memoryPorts({ sms: [awsError('InvalidParameter')] });
    const event = paymentSucceeded(['sms']);
    await notifyOne(event, p);
    await notifyOne(event, p);
    expect(sent).toHaveLength(0);
    expect(published).toHaveLength(2);
    expect(published[1]!.record.replayed).toBe(true);
  });

  it('fails on a transient error after the other channel is sent, and the retry sends only the failed one', async () => {
    const { sent, ports: p } = memoryPorts({ email: [awsError('InternalFailure')] });
    const event = paymentSucceeded(['email', 'sms']);
    await expect(notifyOne(event, p)).rejects.toThrow(TransientDeliveryError);
    expect(sent.map((s) => s.channel)).toEqual(['sms']);

    const records = await notifyOne(event, p);
    expect(sent.map((s) => s.channel)).toEqual(['sms', 'email']);
    expect(records.map((r) => [r.channel, r.status, Boolean(r.replayed)])).toEqual([
      ['email', 'SENT', false],
      ['sms', 'SENT', true],
    ]);
  });

  it('treats an error it has never seen as transient: the record goes to the DLQ rather than being dropped', async () => {
    const { ports: p } = memoryPorts({ email: [awsError('SomethingNew')] });
    await expect(notifyOne(paymentSucceeded(['email']), p)).rejects.toThrow(/email \(SomethingNew/);
  });

  it('reports records it could not store without failing the items: they were sent', async () => {
    const { sent, ports: p } = memoryPorts();
    const failing = { ...p, complete: async () => Promise.reject(new Error('DynamoDB down')) };
    const result = await notifyBatch([{ id: 'm1', event: paymentSucceeded(['email']) }], failing);
    expect(sent).toHaveLength(1);
    expect(result.items[0]!.error).toBeUndefined();
    expect(String(result.recordError)).toContain('DynamoDB down');
  });
});

describe('which provider errors are permanent', () => {
  it.each([
    ['email', 'MessageRejected', 'permanent'],
    ['email', 'MailFromDomainNotVerifiedException', 'permanent'],
    ['email', 'TooManyRequestsException', 'transient'],
    ['email', 'LimitExceededException', 'transient'],
    ['email', 'SendingPausedException', 'transient'],
    ['email', 'InternalFailure', 'transient'],
    ['sms', 'InvalidParameter', 'permanent'],
    ['sms', 'Throttling', 'transient'],
    ['sms', 'MessageRejected', 'transient'],
  ] as const)('%s %s is %s', (channel, name, kind) => {
    expect(classifyDeliveryError(channel, awsError(name))).toBe(kind);
  });

  it('treats something that is not an Error as transient', () => {
    expect(classifyDeliveryError('email', 'socket hang up')).toBe('transient');
  });
});

describe('retry delays', () => {
  it('doubles per receive from the base, capped at 15 minutes', () => {
    expect([1, 2, 3].map((n) => retryDelaySeconds(n, 10, true))).toEqual([10, 20, 40]);
    expect(retryDelaySeconds(20, 10, true)).toBe(900);
    expect(retryDelaySeconds(0, 1, true)).toBe(1);
  });

  it('is zero for a record that can never succeed, so it reaches the DLQ at once', () => {
    expect(retryDelaySeconds(2, 10, false)).toBe(0);
  });
});

describe('NotificationFailed ids', () => {
  it('are the same for the same event and channel, and differ otherwise', () => {
    const id = notificationFailedId('5d2a8f10-3c7b-4e91-a6d4-000000000004', 'email');
    expect(notificationFailedId('5d2a8f10-3c7b-4e91-a6d4-000000000004', 'email')).toBe(id);
    expect(notificationFailedId('5d2a8f10-3c7b-4e91-a6d4-000000000004', 'sms')).not.toBe(id);
    // The id published before: a deploy that changed it would let a redelivered failure through twice.
    expect(id).toBe('1602b51c-545a-55ad-bf64-d51e5c6a14e4');
  });
});

describe('a pipelined batch (a paced lane: claims and records overlap the sends)', () => {
  const events = (count: number) =>
    Array.from({ length: count }, (_, i) => {
      const event = paymentSucceeded(['email']);
      return {
        id: `m${i}`,
        event: { ...event, detail: { ...event.detail, id: `event-${i}` } } as CustomerEvent,
      };
    });

  it('sends every message once, in order, and records every one', async () => {
    const { sent, table, ports } = memoryPorts();
    const claimedBefore: number[] = [];
    const send = ports.send;
    ports.send = async (requests) => {
      claimedBefore.push(table.size);
      return send(requests);
    };
    ports.pipelined = true;
    const { items } = await notifyBatch(events(50), ports);
    expect(items.every((i) => !i.error && i.records[0]!.status === 'SENT')).toBe(true);
    expect(sent).toHaveLength(50);
    expect([...table.values()].every((v) => v.record?.status === 'SENT')).toBe(true);
    // Three parts, 10 + 30 + 10, sent one after the other.
    expect(claimedBefore).toHaveLength(3);
    const again = await notifyBatch(events(50), ports);
    expect(sent).toHaveLength(50);
    expect(again.items.every((i) => i.records[0]!.replayed)).toBe(true);
  });

  it('starts sending the first part before the rest is claimed', async () => {
    const { ports } = memoryPorts();
    const order: string[] = [];
    const claim = ports.claim;
    ports.claim = async (requests) => {
      // The big middle part's claim is slow (a transaction of many items).
      if (requests.length > 10) await new Promise((resolve) => setTimeout(resolve, 50));
      order.push(`claimed ${requests.length}`);
      return claim(requests);
    };
    const send = ports.send;
    ports.send = async (requests) => {
      order.push(`send ${requests.length}`);
      return send(requests);
    };
    ports.pipelined = true;
    await notifyBatch(events(50), ports);
    expect(order.indexOf('send 10')).toBeLessThan(order.indexOf('claimed 30'));
    expect(order.filter((o) => o.startsWith('send'))).toEqual(['send 10', 'send 30', 'send 10']);
  });

  it('when one part cannot be claimed, still sends and records the others, then fails the batch', async () => {
    const { sent, table, ports } = memoryPorts();
    const claim = ports.claim;
    ports.claim = async (requests) => {
      if (requests.length > 10) throw new Error('DynamoDB is down for this call');
      return claim(requests);
    };
    ports.pipelined = true;
    await expect(notifyBatch(events(50), ports)).rejects.toThrow('DynamoDB is down');
    expect(sent).toHaveLength(20);
    expect([...table.values()].filter((v) => v.record?.status === 'SENT')).toHaveLength(20);
  });
});
