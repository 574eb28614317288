/**
 * The two lanes, the SES send quota, the suppression list and SMS opt-outs, and exactly-once under redelivery,
 * against the local cloud (its SES enforces a send quota and keeps a suppression list; its SNS keeps opt-outs).
 */
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { InvoiceDue, PaymentSucceeded } from '@payflow/shared';
import { randomUUID } from 'node:crypto';
import { sendKey } from '../../src/adapters/sends-table';
import {
  emailsTo,
  eventEntry,
  localEndpoint,
  putEvents,
  queueDepth,
  REMINDERS_DLQ,
  REMINDERS_QUEUE,
  settled,
  sleep,
  smsTo,
  uniqueEmail,
  uniquePhone,
  waitFor,
} from '../support/local-cloud';

const SENDS_TABLE = 'payflow-notification-local-sends';

function reminder(email: string, invoiceId = `INV-${randomUUID().slice(0, 8)}`) {
  return eventEntry(InvoiceDue, {
    invoiceId,
    customerName: 'Ada Lovelace',
    balance: { amount: 4200, currency: 'EUR' },
    dueDate: '2026-12-05',
    contact: { channels: ['email'], email },
  });
}

function receipt(notification: { channels: Array<'email' | 'sms'>; email?: string; phone?: string }) {
  return eventEntry(PaymentSucceeded, {
    paymentId: `pay-${randomUUID().slice(0, 8)}`,
    invoiceId: `INV-${randomUUID().slice(0, 8)}`,
    amount: { amount: 12550, currency: 'EUR' },
    card: { brand: 'visa', last4: '4242' },
    notification,
  });
}

/** PutEvents from four callers at once, as several producers would. */
async function putMany(entries: Array<{ entry: Parameters<typeof putEvents>[0][number] }>): Promise<void> {
  const batches: Array<typeof entries> = [];
  for (let i = 0; i < entries.length; i += 10) batches.push(entries.slice(i, i + 10));
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < batches.length) await putEvents(batches[next++]!.map((e) => e.entry));
    }),
  );
}

async function setQuota(maxSendRate: number): Promise<void> {
  const res = await fetch(`${localEndpoint()}/_local/ses/quota`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ maxSendRate }),
  });
  expect(res.status).toBe(200);
}

const quotaStats = async () =>
  (await (await fetch(`${localEndpoint()}/_local/ses/quota`)).json()) as {
    maxSendRate: number;
    peakPerSecond: number;
    throttledCalls: number;
  };

/** How many e-mails to `email` mention each invoice id. */
async function countsByInvoice(email: string, invoiceIds: string[]): Promise<Map<string, number>> {
  const emails = await emailsTo(email);
  const counts = new Map(invoiceIds.map((id) => [id, 0]));
  for (const sent of emails) {
    const id = /Invoice (\S+):/.exec(sent.subject)?.[1];
    if (id && counts.has(id)) counts.set(id, counts.get(id)! + 1);
  }
  return counts;
}

describe('two lanes', () => {
  afterAll(async () => {
    await setQuota(10_000);
  });

  it('delivers a receipt within 5 s behind 3,000 queued reminders, and every reminder exactly once', async () => {
    // At 200/s the reminders lane needs about 16 s for 3,000: a backlog still queued when the receipt is put,
    // however slowly a loaded machine puts them (at 10,000/s the workers kept up with the puts).
    await setQuota(200);
    await new Promise((resolve) => setTimeout(resolve, 2500)); // the workers read the quota every 2 s
    const bulk = uniqueEmail('backlog');
    const reminders = Array.from({ length: 3000 }, (_, i) =>
      reminder(bulk, `BACKLOG-${i}-${randomUUID().slice(0, 4)}`),
    );
    await putMany(reminders);
    const backlog = await queueDepth(REMINDERS_QUEUE);

    const customer = uniqueEmail('receipt');
    const started = Date.now();
    await putEvents([receipt({ channels: ['email'], email: customer }).entry]);
    await waitFor('the receipt', async () => (await emailsTo(customer)).length > 0, 30_000);
    const latencyMs = Date.now() - started;
    const stillQueued = await queueDepth(REMINDERS_QUEUE);

    expect(backlog).toBeGreaterThan(1000);
    expect(stillQueued).toBeGreaterThan(0); // the receipt did not wait for the reminders
    expect(latencyMs).toBeLessThan(5000);

    const ids = reminders.map((r) => r.detail.data.invoiceId);
    await waitFor(
      'every reminder',
      async () => [...(await countsByInvoice(bulk, ids)).values()].every((n) => n >= 1),
      300_000,
    );
    await settled();
    const counts = await countsByInvoice(bulk, ids);
    expect([...counts.values()].filter((n) => n !== 1)).toEqual([]);
    expect(await emailsTo(customer)).toHaveLength(1);
  });
});

describe('the SES send quota', () => {
  afterAll(async () => {
    await setQuota(10_000);
  });

  it('never exceeds a low quota, and loses and repeats nothing: reminders and receipts all arrive once', async () => {
    await setQuota(20);
    // The reminders workers read the quota every 2 s locally: let them see the new one.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const bulk = uniqueEmail('paced');
    const reminders = Array.from({ length: 160 }, () => reminder(bulk));
    const customers = Array.from({ length: 5 }, () => uniqueEmail('paced-receipt'));
    const started = Date.now();
    await putMany(reminders);
    await putEvents(customers.map((email) => receipt({ channels: ['email'], email }).entry));

    const ids = reminders.map((r) => r.detail.data.invoiceId);
    await waitFor(
      'every paced reminder',
      async () => [...(await countsByInvoice(bulk, ids)).values()].every((n) => n >= 1),
      120_000,
    );
    const seconds = (Date.now() - started) / 1000;
    await settled();

    const counts = await countsByInvoice(bulk, ids);
    expect([...counts.values()].filter((n) => n !== 1)).toEqual([]);
    for (const email of customers) expect(await emailsTo(email)).toHaveLength(1);
    const stats = await quotaStats();
    expect(stats.peakPerSecond).toBeLessThanOrEqual(20);
    // 165 e-mails at 20 a second cannot take less than about 8 s; paced, it should not take much more.
    expect(seconds).toBeGreaterThan(7);
    expect(seconds).toBeLessThan(30);
  });
});

describe('the SES daily quota', () => {
  const putQuota = async (quota: { max24HourSend: number }) => {
    const res = await fetch(`${localEndpoint()}/_local/ses/quota`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(quota),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as { sentLast24Hours: number };
  };
  afterAll(async () => {
    await putQuota({ max24HourSend: -1 });
  });

  it('stops the reminders when their share of the day is spent, leaves them queued, and sends each once when it is back', async () => {
    // The day's quota at what was sent already: the reminders' 95 % of it is spent.
    const { sentLast24Hours } = await putQuota({ max24HourSend: -1 });
    await putQuota({ max24HourSend: Math.max(1, sentLast24Hours) });
    await sleep(2500); // the workers read GetAccount every 2 s locally
    const bulk = uniqueEmail('daily');
    const reminders = Array.from({ length: 30 }, () => reminder(bulk));
    await putMany(reminders);
    await sleep(4000);
    expect(await emailsTo(bulk)).toEqual([]);
    expect(await queueDepth(REMINDERS_QUEUE)).toBeGreaterThanOrEqual(30); // waiting, not in the DLQ
    expect(await queueDepth(REMINDERS_DLQ)).toBe(0);

    await putQuota({ max24HourSend: -1 });
    const ids = reminders.map((r) => r.detail.data.invoiceId);
    await waitFor(
      'the reminders once the quota is back',
      async () => [...(await countsByInvoice(bulk, ids)).values()].every((n) => n >= 1),
      60_000,
    );
    await settled();
    expect([...(await countsByInvoice(bulk, ids)).values()].filter((n) => n !== 1)).toEqual([]);
  });
});

describe('respecting the recipient', () => {
  it('skips a suppressed address and an opted-out phone, records why, sends nothing and retries nothing', async () => {
    const bounced = uniqueEmail('bounced');
    const stopped = uniquePhone();
    const suppressed = await fetch(`${localEndpoint()}/_local/ses/suppressions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ emailAddress: bounced, reason: 'BOUNCE' }),
    });
    expect(suppressed.status).toBe(201);
    const optedOut = await fetch(`${localEndpoint()}/_local/sms/opt-outs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ phoneNumber: stopped }),
    });
    expect(optedOut.status).toBe(201);
    const fine = uniqueEmail('fine');

    const paid = receipt({ channels: ['email', 'sms'], email: bounced, phone: stopped });
    const due = reminder(bounced);
    const other = receipt({ channels: ['email'], email: fine });
    await putEvents([paid.entry, due.entry, other.entry]);
    await waitFor('the other customer', async () => (await emailsTo(fine)).length > 0);
    await settled();

    expect(await emailsTo(bounced)).toHaveLength(0);
    expect(await smsTo(stopped)).toHaveLength(0);
    const dynamodb = new DynamoDBClient({
      endpoint: localEndpoint(),
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const record = async (eventId: string, channel: string) => {
      const { Item } = await dynamodb.send(
        new GetItemCommand({ TableName: SENDS_TABLE, Key: { id: { S: sendKey(eventId, channel) } } }),
      );
      return JSON.parse(Item?.data?.S ?? '{}') as { status?: string; reason?: string };
    };
    expect(await record(paid.detail.id, 'email')).toMatchObject({
      status: 'SKIPPED',
      reason: 'on the SES account suppression list (BOUNCE)',
    });
    expect(await record(paid.detail.id, 'sms')).toMatchObject({
      status: 'SKIPPED',
      reason: 'the phone number opted out of SMS from this account',
    });
    expect(await record(due.detail.id, 'email')).toMatchObject({ status: 'SKIPPED' });
    dynamodb.destroy();
  });
});

describe('exactly once', () => {
  it('sends each reminder and each receipt once when every event is delivered three times', async () => {
    const bulk = uniqueEmail('thrice');
    const reminders = Array.from({ length: 60 }, () => reminder(bulk));
    const customers = Array.from({ length: 10 }, () => ({
      email: uniqueEmail('thrice'),
      phone: uniquePhone(),
    }));
    const receipts = customers.map((c) => receipt({ channels: ['email', 'sms'], ...c }));
    const all = [...reminders, ...receipts];
    // Three deliveries of each: at once, and again while the first ones are being sent.
    await Promise.all([putMany(all), putMany([...all].reverse())]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await putMany(all);

    const ids = reminders.map((r) => r.detail.data.invoiceId);
    await waitFor(
      'every reminder',
      async () => [...(await countsByInvoice(bulk, ids)).values()].every((n) => n >= 1),
      120_000,
    );
    await settled();
    const counts = await countsByInvoice(bulk, ids);
    expect([...counts.values()].filter((n) => n !== 1)).toEqual([]);
    for (const { email, phone } of customers) {
      expect(await emailsTo(email)).toHaveLength(1);
      expect(await smsTo(phone)).toHaveLength(1);
    }
  });
});
