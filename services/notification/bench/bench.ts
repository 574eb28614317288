/*
 * notification's part of `npm run bench`, three measurements in one run:
 *
 * 1. The SES quota unlimited (the local default, 10,000/s): 10,000 InvoiceDue events end to end (PutEvents on
 *    the bus → rule → reminders queue → sendReminders → SES SendBulkEmail), next to the bare local SQS-to-Lambda
 *    rate of the same run (10,000 messages straight to BenchQueue, consumed by benchSink, which does nothing, with
 *    the same batch size, batching window and workers as sendReminders). Both clocks run from the first send to
 *    the last result.
 * 2. While those 10,000 reminders drain, a payment receipt every 250 ms on the transactional lane: its latency
 *    from PutEvents to SES accepting the e-mail, p50 and p99.
 * 3. The SES quota at 50/s: 1,000 reminders; the rate they are accepted at (first to last), beside the quota, and
 *    what was throttled or parked in the reminders DLQ (nothing may be).
 *
 * Every reminder goes to one address of the run's own (exactly once is per event id, so each is one e-mail), and
 * deliveries are counted by the local SES (GET /_local/emails/delivered), not by listing the outbox.
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { InvoiceDue, PaymentSucceeded } from '@payflow/shared';
import { randomUUID } from 'node:crypto';
import {
  BENCH_QUEUE,
  eventEntry,
  putEvents,
  queueDepth,
  queueUrl,
  REMINDERS_DLQ,
  REMINDERS_QUEUE,
  QUEUE,
  sleep,
} from '../test/support/local-cloud';
import type { BenchRow } from '@payflow/local-cloud/bench/stats';

const REMINDERS = 10_000;
const PACED_REMINDERS = 1_000;
const PACED_QUOTA = 50;
/** Untimed, before each of the two timed runs: warm containers and a warm DynamoDB Local for both alike. */
const WARM_UP = 1_000;
const SENDERS = 4; // concurrent PutEvents / SendMessageBatch callers, as several producers would be

async function inParallel(batches: number, send: (batch: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: SENDERS }, async () => {
      while (next < batches) await send(next++);
    }),
  );
}

async function waitUntil(what: string, done: () => Promise<boolean>, timeoutMs: number, pollMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await sleep(pollMs);
  }
}

interface Delivered {
  count: number;
  firstAt?: number;
  lastAt?: number;
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

export default async function bench(ctx: {
  endpoint: string;
  log: (line: string) => void;
}): Promise<BenchRow[]> {
  const config = {
    endpoint: ctx.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
  const sqs = new SQSClient(config);
  const events = new EventBridgeClient(config);
  const delivered = async (to: string): Promise<Delivered> =>
    (await (
      await fetch(`${ctx.endpoint}/_local/emails/delivered?to=${encodeURIComponent(to)}`)
    ).json()) as Delivered;
  const setQuota = async (maxSendRate: number) => {
    const res = await fetch(`${ctx.endpoint}/_local/ses/quota`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ maxSendRate }),
    });
    if (res.status !== 200) throw new Error(`bench: PUT /_local/ses/quota answered ${res.status}`);
  };
  const quotaStats = async () =>
    (await (await fetch(`${ctx.endpoint}/_local/ses/quota`)).json()) as {
      throttledCalls: number;
      throttledRecipients: number;
      peakPerSecond: number;
    };
  const reminders = (count: number, email: string) =>
    Array.from(
      { length: count },
      (_, i) =>
        eventEntry(InvoiceDue, {
          invoiceId: `BENCH-${i}`,
          customerName: 'Bench Customer',
          balance: { amount: 1000 + i, currency: 'EUR' },
          dueDate: '2026-12-31',
          contact: { channels: ['email'], email },
        }).entry,
    );
  const putAll = (entries: ReturnType<typeof reminders>) =>
    inParallel(Math.ceil(entries.length / 10), (batch) =>
      putEvents(entries.slice(batch * 10, batch * 10 + 10), events),
    );

  // 1. The bare SQS-to-Lambda rate (after an untimed warm-up of the same kind, as the reminders get below).
  const benchUrl = await queueUrl(BENCH_QUEUE, sqs);
  const bareRun = async (count: number) => {
    const started = performance.now();
    await inParallel(count / 10, async (batch) => {
      await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: benchUrl,
          Entries: Array.from({ length: 10 }, (_, i) => ({
            Id: String(i),
            MessageBody: `{"bench":${batch * 10 + i}}`,
          })),
        }),
      );
    });
    await waitUntil(
      'benchSink to drain BenchQueue',
      async () => (await queueDepth(BENCH_QUEUE, sqs)) === 0,
      600_000,
      50,
    );
    return count / ((performance.now() - started) / 1000);
  };
  ctx.log(`notification: ${WARM_UP} messages to warm benchSink up, untimed`);
  await bareRun(WARM_UP);
  ctx.log(`notification: ${REMINDERS} messages straight to ${BENCH_QUEUE} (benchSink)`);
  const bare = await bareRun(REMINDERS);

  // The same warm-up for the reminders lane: its first batches pay for cold containers and for DynamoDB Local's
  // JIT (a claim transaction of 100 takes 180 ms cold, 25 ms warm), which is not the pipeline's rate.
  ctx.log(`notification: ${WARM_UP} InvoiceDue events to warm the reminders lane up, untimed`);
  const warmUpEmail = `bench-warm-up-${randomUUID().slice(0, 8)}@example.com`;
  await putAll(reminders(WARM_UP, warmUpEmail));
  await waitUntil(
    'the warm-up reminders',
    async () => (await delivered(warmUpEmail)).count >= WARM_UP,
    300_000,
    250,
  );

  // 1 and 2. 10,000 reminders with the quota unlimited, receipts put every 250 ms meanwhile.
  ctx.log(`notification: ${REMINDERS} InvoiceDue events on the bus, a PaymentSucceeded receipt every 250 ms`);
  const bulkEmail = `bench-${randomUUID().slice(0, 8)}@example.com`;
  const entries = reminders(REMINDERS, bulkEmail);
  // One receipt first, so the transactional lane's first cold start is not counted as a wait behind reminders.
  const warmUp = `bench-warm-up-${randomUUID().slice(0, 8)}@example.com`;
  await putEvents(
    [
      eventEntry(PaymentSucceeded, {
        paymentId: `pay-${randomUUID().slice(0, 8)}`,
        invoiceId: `BENCH-W-${randomUUID().slice(0, 6)}`,
        amount: { amount: 100, currency: 'EUR' },
        card: { brand: 'visa', last4: '4242' },
        notification: { channels: ['email'], email: warmUp },
      }).entry,
    ],
    events,
  );
  await waitUntil('the warm-up receipt', async () => (await delivered(warmUp)).count > 0, 60_000, 100);
  const latencies: number[] = [];
  const probeTimes: Array<{ at: number; latency: number }> = [];
  const benchStart = Date.now();
  let draining = true;
  const probes: Promise<void>[] = [];
  const prober = (async () => {
    while (draining) {
      const email = `bench-receipt-${randomUUID().slice(0, 8)}@example.com`;
      const { entry } = eventEntry(PaymentSucceeded, {
        paymentId: `pay-${randomUUID().slice(0, 8)}`,
        invoiceId: `BENCH-R-${randomUUID().slice(0, 6)}`,
        amount: { amount: 12550, currency: 'EUR' },
        card: { brand: 'visa', last4: '4242' },
        notification: { channels: ['email'], email },
      });
      const put = Date.now();
      await putEvents([entry], events);
      probes.push(
        (async () => {
          const deadline = Date.now() + 120_000;
          for (;;) {
            const seen = await delivered(email);
            if (seen.firstAt !== undefined) {
              probeTimes.push({ at: put - benchStart, latency: seen.firstAt - put });
              return void latencies.push(seen.firstAt - put);
            }
            if (Date.now() > deadline) return void latencies.push(Infinity);
            await sleep(100);
          }
        })(),
      );
      await sleep(250);
    }
  })();
  const started = performance.now();
  await putAll(entries);
  ctx.log(
    `notification: ${REMINDERS} events put in ${((performance.now() - started) / 1000).toFixed(1)} s; ` +
      `${(await delivered(bulkEmail)).count} delivered by then`,
  );
  await waitUntil(
    `${REMINDERS} reminders delivered`,
    async () => (await delivered(bulkEmail)).count >= REMINDERS,
    900_000,
    250,
  );
  const perSecond = REMINDERS / ((performance.now() - started) / 1000);
  draining = false;
  await prober;
  await Promise.all(probes);
  await waitUntil(
    'both queues to drain',
    async () => (await queueDepth(REMINDERS_QUEUE, sqs)) + (await queueDepth(QUEUE, sqs)) === 0,
    120_000,
    200,
  );
  const sent = (await delivered(bulkEmail)).count;
  if (sent !== REMINDERS)
    throw new Error(`bench: ${sent} e-mails for ${REMINDERS} reminders (expected one each)`);
  const sorted = [...latencies].sort((a, b) => a - b);
  const slowest = [...probeTimes].sort((a, b) => b.latency - a.latency).slice(0, 3);
  ctx.log(
    `notification: slowest receipts ${slowest.map((p) => `${p.latency} ms (put ${(p.at / 1000).toFixed(1)} s in)`).join(', ')}`,
  );

  // 3. Paced to a 50/s quota.
  ctx.log(`notification: ${PACED_REMINDERS} InvoiceDue events with the SES quota at ${PACED_QUOTA}/s`);
  await setQuota(PACED_QUOTA);
  await sleep(2500); // the reminders workers read the quota every 2 s locally
  const pacedEmail = `bench-paced-${randomUUID().slice(0, 8)}@example.com`;
  const throttledBefore = await quotaStats();
  await putAll(reminders(PACED_REMINDERS, pacedEmail));
  await waitUntil(
    `${PACED_REMINDERS} paced reminders delivered`,
    async () => (await delivered(pacedEmail)).count >= PACED_REMINDERS,
    600_000,
    250,
  );
  await waitUntil(
    'the reminders queue to drain',
    async () => (await queueDepth(REMINDERS_QUEUE, sqs)) === 0,
    120_000,
    200,
  );
  const paced = await delivered(pacedEmail);
  const stats = await quotaStats();
  const parked = await queueDepth(REMINDERS_DLQ, sqs);
  await setQuota(10_000);
  if (paced.count !== PACED_REMINDERS)
    throw new Error(
      `bench: ${paced.count} e-mails for ${PACED_REMINDERS} paced reminders (expected one each)`,
    );
  // From the first acceptance to the last: the steady rate, without the first batching window.
  const pacedRate = (paced.count - 1) / ((paced.lastAt! - paced.firstAt!) / 1000);
  ctx.log(
    `notification: paced peak ${stats.peakPerSecond}/s in any second, ${stats.throttledCalls - throttledBefore.throttledCalls} ` +
      `calls throttled (${stats.throttledRecipients - throttledBefore.throttledRecipients} recipients, all retried), ` +
      `${parked} in the reminders DLQ`,
  );

  return [
    {
      service: 'notification',
      metric: `bare SQS->Lambda, ${REMINDERS} msgs (benchSink, batch 100)`,
      value: bare,
      unit: 'msgs/s',
    },
    {
      service: 'notification',
      metric: `reminders, ${REMINDERS} events bus->SQS->SES bulk, quota unlimited`,
      value: perSecond,
      unit: 'emails/s',
      baseline: { metric: 'bare SQS->Lambda', value: bare, unit: 'msgs/s' },
      ratio: perSecond / bare,
    },
    {
      service: 'notification',
      metric: `receipt latency p50 while ${REMINDERS} reminders drain (${latencies.length} receipts)`,
      value: percentile(sorted, 50),
      unit: 'ms',
    },
    {
      service: 'notification',
      metric: `receipt latency p99 while ${REMINDERS} reminders drain`,
      value: percentile(sorted, 99),
      unit: 'ms',
      target: '< 5000 ms',
    },
    {
      service: 'notification',
      metric: `reminders paced to a ${PACED_QUOTA}/s SES quota (${PACED_REMINDERS}; ${parked} in DLQ)`,
      value: pacedRate,
      unit: 'emails/s',
      baseline: { metric: 'SES MaxSendRate', value: PACED_QUOTA, unit: 'emails/s' },
      ratio: pacedRate / PACED_QUOTA,
    },
  ];
}
