/* eslint-disable @typescript-eslint/no-explicit-any -- HTTP answers are read as loose JSON here */
/**
 * Checkout latency: POST /checkouts to the OrderConfirmed email in the outbox, the session paid as soon as it
 * exists, beside a baseline from the same run: a one-state execution plus one notification hop (an OrderConfirmed
 * put on the bus straight away, to its email). The ratio says what the workflow itself costs.
 */
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { randomUUID } from 'node:crypto';
import type { BenchRow } from '@payflow/local-cloud/bench/stats';

const CHECKOUT = 'http://localhost:3300';
const PAYMENTS = 'http://localhost:3200';
const SAMPLES = Number(process.env.CHECKOUT_BENCH_SAMPLES ?? 20);
const CARD = {
  number: '4242 4242 4242 4242',
  expiryMonth: 12,
  expiryYear: 2030,
  cvv: '987',
  holderName: 'Bench',
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function json(url: string, init?: RequestInit): Promise<Record<string, any>> {
  const response = await fetch(url, init);
  return (await response.json()) as Record<string, any>;
}

async function poll<T>(read: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('bench: timed out waiting');
    await sleep(20);
  }
}

const emailArrived = (endpoint: string, to: string) => () =>
  fetch(`${endpoint}/_local/emails?to=${encodeURIComponent(to)}`)
    .then((r) => r.json() as Promise<unknown[]>)
    .then((emails) => (emails.length > 0 ? true : undefined));

async function checkoutOnce(endpoint: string): Promise<number> {
  const email = `bench-${randomUUID().slice(0, 8)}@example.com`;
  const started = performance.now();
  const created = await json(`${CHECKOUT}/checkouts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    body: JSON.stringify({
      customer: { id: 'bench', email, channels: ['email'] },
      items: [{ sku: 'TEA-EARLGREY-100G', quantity: 1 }],
      shippingAddress: {
        name: 'Bench',
        line1: '1 Main St',
        city: 'London',
        postalCode: 'SW1A 1AA',
        country: 'GB',
      },
    }),
  });
  const sessionId = await poll(
    async () =>
      (await json(`${CHECKOUT}/checkouts/${created.orderId}`)).payment?.sessionId as string | undefined,
  );
  await fetch(`${PAYMENTS}/payment-sessions/${sessionId}/pay`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    body: JSON.stringify({ card: CARD }),
  });
  await poll(emailArrived(endpoint, email));
  return performance.now() - started;
}

async function baselineOnce(
  endpoint: string,
  sfn: SFNClient,
  events: EventBridgeClient,
  stateMachineArn: string,
): Promise<number> {
  const email = `bench-${randomUUID().slice(0, 8)}@example.com`;
  const started = performance.now();
  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: '{}' }));
  await poll(async () =>
    (await sfn.send(new DescribeExecutionCommand({ executionArn }))).status === 'SUCCEEDED'
      ? true
      : undefined,
  );
  await events.send(
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: 'payflow-local',
          Source: 'payflow.checkout',
          DetailType: 'OrderConfirmed',
          Detail: JSON.stringify({
            id: randomUUID(),
            version: 1,
            occurredAt: new Date().toISOString(),
            correlationId: 'bench',
            data: {
              orderId: `ord_${randomUUID().replace(/-/g, '').slice(0, 24)}`,
              customer: { id: 'bench', email, channels: ['email'] },
              total: { amount: 650, currency: 'GBP' },
              paymentId: `pay_${randomUUID().slice(0, 8)}`,
            },
          }),
        },
      ],
    }),
  );
  await poll(emailArrived(endpoint, email));
  return performance.now() - started;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
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
  const sfn = new SFNClient(config);
  const events = new EventBridgeClient(config);
  const { stateMachineArn } = await sfn.send(
    new CreateStateMachineCommand({
      name: 'payflow-checkout-bench-one-state',
      roleArn: 'arn:aws:iam::000000000000:role/bench',
      definition: JSON.stringify({ StartAt: 'Only', States: { Only: { Type: 'Pass', End: true } } }),
    }),
  );
  const checkout: number[] = [];
  const baseline: number[] = [];
  for (let i = 0; i < SAMPLES; i += 1) {
    // Interleaved, so both see the same machine load.
    checkout.push(await checkoutOnce(ctx.endpoint));
    baseline.push(await baselineOnce(ctx.endpoint, sfn, events, stateMachineArn!));
  }
  ctx.log(`checkout: ${SAMPLES} checkouts and ${SAMPLES} baselines`);
  return (['p50', 'p99'] as const).map((p) => {
    const value = Math.round(percentile(checkout, Number(p.slice(1))));
    const base = Math.round(percentile(baseline, Number(p.slice(1))));
    return {
      service: 'checkout',
      metric: `POST /checkouts to OrderConfirmed email, paid at once, ${p}`,
      value,
      unit: 'ms',
      baseline: { metric: `one-state execution + one notification hop, ${p}`, value: base, unit: 'ms' },
      ratio: Math.round((value / base) * 100) / 100,
    };
  });
}
