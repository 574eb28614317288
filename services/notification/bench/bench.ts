/*
 * notification's part of `npm run bench`: notifications per second for 1,000 events end to end (PutEvents on the
 * bus → rule → SQS → sendNotifications → SES outbox), next to the bare local SQS-to-Lambda rate of the same run
 * (1,000 messages straight to BenchQueue, consumed by benchSink, which does nothing). Both use the same batch
 * size and batching window, and both clocks run from the first send to the last result.
 * All 1,000 events go to one address of the run's own (exactly-once is per event id, so each is one e-mail).
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { InvoiceDue } from '@payflow/shared';
import { randomUUID } from 'node:crypto';
import {
  BENCH_QUEUE,
  eventEntry,
  putEvents,
  queueDepth,
  queueUrl,
  QUEUE,
  sleep,
} from '../test/support/local-cloud';
import type { BenchRow } from '@payflow/local-cloud/bench/stats';

const EVENTS = 1_000;
const SENDERS = 4; // concurrent PutEvents / SendMessageBatch callers, as several producers would be

async function inParallel(batches: number, send: (batch: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: SENDERS }, async () => {
      while (next < batches) await send(next++);
    }),
  );
}

async function waitUntil(
  what: string,
  done: () => Promise<boolean>,
  timeoutMs: number,
  pollMs: number,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await sleep(pollMs);
  }
  return performance.now();
}

/** 1,000 messages to BenchQueue; done when benchSink has deleted every one. */
async function bareSqsToLambda(sqs: SQSClient): Promise<number> {
  const url = await queueUrl(BENCH_QUEUE, sqs);
  const started = performance.now();
  await inParallel(EVENTS / 10, async (batch) => {
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: Array.from({ length: 10 }, (_, i) => ({
          Id: String(i),
          MessageBody: `{"bench":${batch * 10 + i}}`,
        })),
      }),
    );
  });
  const finished = await waitUntil(
    'benchSink to drain BenchQueue',
    async () => (await queueDepth(BENCH_QUEUE, sqs)) === 0,
    300_000,
    50,
  );
  return EVENTS / ((finished - started) / 1000);
}

/** 1,000 InvoiceDue events on the bus; done when the outbox holds 1,000 e-mails to the run's address. */
async function endToEnd(
  endpoint: string,
  events: EventBridgeClient,
  sqs: SQSClient,
): Promise<{ perSecond: number; sent: number }> {
  const email = `bench-${randomUUID().slice(0, 8)}@example.com`;
  const entries = Array.from(
    { length: EVENTS },
    (_, i) =>
      eventEntry(InvoiceDue, {
        invoiceId: `BENCH-${i}`,
        customerName: 'Bench Customer',
        balance: { amount: 1000 + i, currency: 'EUR' },
        dueDate: '2026-12-31',
        contact: { channels: ['email'], email },
      }).entry,
  );
  const count = async () => {
    const res = await fetch(`${endpoint}/_local/emails?to=${encodeURIComponent(email)}`);
    return ((await res.json()) as unknown[]).length;
  };
  const started = performance.now();
  await inParallel(EVENTS / 10, (batch) => putEvents(entries.slice(batch * 10, batch * 10 + 10), events));
  const finished = await waitUntil(
    '1,000 e-mails in the outbox',
    async () => (await count()) >= EVENTS,
    600_000,
    // The outbox lists every e-mail the local SES holds: polled gently, so the poll does not slow what it measures.
    500,
  );
  await waitUntil(
    'the notifications queue to drain',
    async () => (await queueDepth(QUEUE, sqs)) === 0,
    120_000,
    200,
  );
  return { perSecond: EVENTS / ((finished - started) / 1000), sent: await count() };
}

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

  ctx.log(`notification: ${EVENTS} messages straight to ${BENCH_QUEUE} (benchSink)`);
  const bare = await bareSqsToLambda(sqs);
  ctx.log(`notification: ${EVENTS} InvoiceDue events on the bus, one e-mail each`);
  const { perSecond, sent } = await endToEnd(ctx.endpoint, events, sqs);
  if (sent !== EVENTS)
    throw new Error(`bench: ${sent} e-mails for ${EVENTS} events (expected exactly one each)`);

  return [
    {
      service: 'notification',
      metric: `bare SQS->Lambda, ${EVENTS} msgs (benchSink)`,
      value: bare,
      unit: 'msgs/s',
    },
    {
      service: 'notification',
      metric: `notifications, ${EVENTS} events bus->SQS->SES`,
      value: perSecond,
      unit: 'emails/s',
      baseline: { metric: 'bare SQS->Lambda', value: bare, unit: 'msgs/s' },
      ratio: perSecond / bare,
    },
  ];
}
