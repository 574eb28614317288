/**
 * `npm run bench:dynamodb -w local-cloud` (or through ts-node): DynamoDB Local's start time and BatchWriteItem rows/s
 * into a table with a GSI, in memory and on disk, with the JVM settings the local cloud uses and with Java's defaults.
 * Each configuration gets a JVM of its own; rows are written 25 per batch, 8 batches at once, as an ingest does.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DynamoDBClient,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { launchDynamoDbLocal, type DynamoDbJvm } from '../src/dynamodb';
import { freePort } from '../src/ports';

const ROWS = Number(process.env.BENCH_ROWS ?? 20_000);
const WARM_UP_ROWS = 2_000;
const IN_FLIGHT = 8;

async function writeRows(client: DynamoDBClient, table: string, from: number, count: number): Promise<void> {
  const batches: WriteRequest[][] = [];
  for (let i = from; i < from + count; i += 25) {
    batches.push(
      Array.from({ length: Math.min(25, from + count - i) }, (_, k) => ({
        PutRequest: {
          Item: {
            invoiceId: { S: `INV-${i + k}` },
            customerId: { S: `CUST-${(i + k) % 997}` },
            amountCents: { N: String(1000 + ((i + k) % 50_000)) },
            dueDate: { S: '2026-12-31' },
            status: { S: 'OPEN' },
          },
        },
      })),
    );
  }
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < batches.length) {
        let requests: WriteRequest[] | undefined = batches[next++];
        while (requests && requests.length > 0) {
          const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: requests } }));
          requests = out.UnprocessedItems?.[table];
        }
      }
    }),
  );
}

type Mode = 'in memory' | 'on disk' | 'on tmpfs';

/** Where the tables live: nowhere (-inMemory), a folder on disk, or a folder in RAM-backed /dev/shm. */
function tablesDir(mode: Mode): string | undefined {
  if (mode === 'in memory') return undefined;
  return fs.mkdtempSync(path.join(mode === 'on tmpfs' ? '/dev/shm' : os.tmpdir(), 'payflow-ddb-bench-'));
}

async function run(mode: Mode, jvm: DynamoDbJvm): Promise<string> {
  const dataDir = tablesDir(mode);
  const port = await freePort();
  const started = performance.now();
  const dynamodb = await launchDynamoDbLocal({ port, dataDir, jvm });
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  try {
    await client.send(
      new CreateTableCommand({
        TableName: 'invoices',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'invoiceId', AttributeType: 'S' },
          { AttributeName: 'customerId', AttributeType: 'S' },
        ],
        KeySchema: [{ AttributeName: 'invoiceId', KeyType: 'HASH' }],
        GlobalSecondaryIndexes: [
          {
            IndexName: 'byCustomer',
            KeySchema: [{ AttributeName: 'customerId', KeyType: 'HASH' }],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      }),
    );
    const ready = performance.now();
    await writeRows(client, 'invoices', 0, WARM_UP_ROWS);
    const cold = (WARM_UP_ROWS / (performance.now() - ready)) * 1000;
    const t = performance.now();
    await writeRows(client, 'invoices', WARM_UP_ROWS, ROWS);
    const warm = (ROWS / (performance.now() - t)) * 1000;
    return `| ${mode.padEnd(9)} | ${jvm.padEnd(10)} | ${((ready - started) / 1000).toFixed(1).padStart(7)} s | ${cold.toFixed(0).padStart(8)} | ${warm.toFixed(0).padStart(8)} |`;
  } finally {
    client.destroy();
    await dynamodb.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  console.log(
    `DynamoDB Local, BatchWriteItem into a table with a GSI: first ${WARM_UP_ROWS} rows (cold), then ${ROWS}`,
  );
  console.log('| tables    | JVM        | start + CreateTable | rows/s cold | rows/s |');
  console.log('| --------- | ---------- | ------------------- | ----------- | ------ |');
  const modes: Mode[] = [
    'in memory',
    'on disk',
    ...(fs.existsSync('/dev/shm') ? (['on tmpfs'] as const) : []),
  ];
  for (const mode of modes)
    for (const jvm of ['fast-start', 'default'] as const) console.log(await run(mode, jvm));
}

void main();
