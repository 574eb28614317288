/**
 * p50 / p99 latency of paying an invoice next to a bare invoice look-up from the same run: the ratio is what
 * idempotency, the optimistic-locking transaction, the bank call and the event cost on top of one read.
 */
import { randomUUID } from 'node:crypto';
import { BillItemSchema, billKey, payLinkToken } from '@payflow/shared';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { BenchRow } from '@payflow/local-cloud/bench/stats';

const API = process.env.PAYMENTS_API_URL ?? 'http://localhost:3200';
const WARMUP = 10;
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 200);

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Number((sorted[Math.max(0, index)] ?? 0).toFixed(1));
}

async function timed(request: () => Promise<Response>, expected: number): Promise<number> {
  const started = performance.now();
  const response = await request();
  await response.arrayBuffer();
  const elapsed = performance.now() - started;
  if (response.status !== expected) throw new Error(`expected HTTP ${expected}, got ${response.status}`);
  return elapsed;
}

export default async function bench(ctx: {
  endpoint: string;
  log: (line: string) => void;
}): Promise<BenchRow[]> {
  const documents = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: ctx.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  );
  // One bill big enough for every payment of 1.50 EUR.
  const invoiceId = `BENCH-${randomUUID().slice(0, 8)}`;
  await documents.send(
    new PutCommand({
      TableName: 'payflow-invoices-local',
      Item: BillItemSchema.parse({
        ...billKey(invoiceId),
        customerId: `BENCH-C-${invoiceId}`,
        customerName: 'Bench Customer',
        billedAmount: 10_000_000,
        currency: 'EUR',
        dueDate: '2026-12-31',
        email: 'bench@example.com',
        channels: ['email'],
        isProcessed: false,
        billDate: '2026-11-21',
        sourceFile: 'bench',
        updatedAt: new Date().toISOString(),
      }),
    }),
  );
  // The customer's pay link (stage local's key), as their reminder carries it.
  const access = {
    'x-pay-link': payLinkToken(invoiceId, new Date(Date.now() + 3_600_000), 'local-pay-link-key'),
  };
  const lookUp = () => fetch(`${API}/invoices/${invoiceId}`, { headers: access });
  const pay = () =>
    fetch(`${API}/invoices/${invoiceId}/payments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID(), ...access },
      body: JSON.stringify({
        amount: { amount: 150, currency: 'EUR' },
        card: {
          number: '4242424242424242',
          expiryMonth: 12,
          expiryYear: 2030,
          cvv: '123',
          holderName: 'Bench',
        },
        notification: { channels: ['email'], email: 'bench@example.com' },
      }),
    });

  for (let i = 0; i < WARMUP; i += 1) {
    await timed(lookUp, 200);
    await timed(pay, 201);
  }
  const lookUps: number[] = [];
  const payments: number[] = [];
  // Interleaved, one at a time, so both see the same machine load.
  for (let i = 0; i < SAMPLES; i += 1) {
    lookUps.push(await timed(lookUp, 200));
    payments.push(await timed(pay, 201));
  }
  lookUps.sort((a, b) => a - b);
  payments.sort((a, b) => a - b);
  ctx.log(
    `payments: ${SAMPLES} look-ups and ${SAMPLES} payments, sequential, after ${WARMUP} warm-up rounds`,
  );

  const rows: BenchRow[] = [];
  for (const p of [50, 99]) {
    const payment = percentile(payments, p);
    const look = percentile(lookUps, p);
    rows.push({
      service: 'payments',
      metric: `pay invoice p${p}`,
      value: payment,
      unit: 'ms',
      baseline: { metric: `invoice look-up p${p}`, value: look, unit: 'ms' },
      ratio: Number((payment / look).toFixed(2)),
      target: 'idempotency + transaction + bank + event over one read',
    });
  }
  return rows;
}
