/*
 * billing-ingest's part of `npm run bench`: the whole pipeline (S3 read, parse, validate, write, events) against a
 * bare BatchWriteItem of the same rows and the source document's one-UpdateItem-per-row loop, in one run against
 * the same DynamoDB Local; and the handler's peak memory for 10,000 and 1,000,000 rows.
 *
 * The handler runs as the esbuild bundle Lambda would run, in a child process, so its peak RSS is its own.
 * Everything goes to resources of the bench's own (a table, a files table, a bucket without notifications,
 * a bus without rules) that are deleted afterwards: a million InvoiceDue events must not reach notification.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteTableCommand,
  DynamoDBClient,
  UpdateItemCommand,
  waitUntilTableExists,
  type AttributeValue,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { CreateEventBusCommand, DeleteEventBusCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { Upload } from '@aws-sdk/lib-storage';
import { parse } from 'csv-parse';
import { build } from 'esbuild';
import { validateBillRow } from '../src/domain/bill-row';
import { resolveHeader } from '../src/domain/header';
import { billItem, type BillItem } from '../src/domain/invoice';
import { writeBillsFile } from '../scripts/bills-file';
import type { BenchRow } from '@payflow/local-cloud/bench/stats';

const SERVICE = 'billing-ingest';
const SERVICE_DIR = path.resolve(__dirname, '..');
const DATE = '2026-11-21';
const THROUGHPUT_ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const UPDATE_LOOP_ROWS = Number(process.env.BENCH_UPDATE_LOOP_ROWS ?? 20_000);
const MEMORY_ROWS = (process.env.BENCH_MEMORY_ROWS ?? '10000,1000000').split(',').map(Number);
const BARE_IN_FLIGHT = 8;

const run = promisify(execFile);

export default async function bench(ctx: {
  endpoint: string;
  log: (line: string) => void;
}): Promise<BenchRow[]> {
  const { endpoint, log } = ctx;
  const runId = `${Date.now().toString(36)}`;
  const names = {
    table: `payflow-invoices-bench-${runId}`,
    files: `payflow-billing-ingest-bench-${runId}-files`,
    bucket: `payflow-billing-ingest-bench-${runId}`,
    bus: `payflow-bench-${runId}`,
  };
  const clientConfig = {
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
  const dynamodb = new DynamoDBClient(clientConfig);
  const s3 = new S3Client({
    ...clientConfig,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const events = new EventBridgeClient(clientConfig);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'billing-ingest-bench-'));

  await createBenchResources(dynamodb, s3, events, names);
  try {
    const handlerDir = await bundleHandler(work);
    const childEnv = {
      ...process.env,
      AWS_ENDPOINT_URL: endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
      AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
      AWS_LAMBDA_FUNCTION_NAME: 'payflow-billing-ingest-bench-ingestBillsFile',
      INVOICES_TABLE: names.table,
      FILES_TABLE: names.files,
      EVENT_BUS_NAME: names.bus,
      POWERTOOLS_SERVICE_NAME: SERVICE,
      POWERTOOLS_LOG_LEVEL: 'INFO',
    };
    const runHandler = async (rows: number, prefix: string) => {
      const file = path.join(work, `bills-${DATE}-${prefix}.csv`);
      await writeBillsFile(fs.createWriteStream(file), { rows, date: DATE, idPrefix: prefix });
      const key = `incoming/bench-${prefix}/bills-${DATE}.csv`;
      await new Upload({
        client: s3,
        params: { Bucket: names.bucket, Key: key, Body: fs.createReadStream(file) },
      }).done();
      fs.rmSync(file);
      return runInChild(handlerDir, childEnv, names.bucket, key, log);
    };

    // The same rows for every contender: generated once, validated by the service's own rules.
    log(`billing-ingest: preparing ${THROUGHPUT_ROWS} rows`);
    const items = await itemsOf(work, THROUGHPUT_ROWS);

    // DynamoDB Local is a JVM: its first ~100k writes run at half speed while the JIT warms up, which would
    // flatter whichever contender runs later. Warm it (and the handler's path) before anything is timed.
    log('billing-ingest: warming up DynamoDB Local and the handler');
    await bareBatchWrite(dynamodb, names.table, items, 'W-');
    await runHandler(Math.min(THROUGHPUT_ROWS, 20_000), 'W-');
    const bareBefore = await bareBatchWrite(dynamodb, names.table, items, 'B1-');
    log(`billing-ingest: bare BatchWriteItem ${Math.round(bareBefore)} rows/s`);
    const pipeline = await runHandler(THROUGHPUT_ROWS, 'P-');
    const pipelineRate = THROUGHPUT_ROWS / (pipeline.ms / 1000);
    log(`billing-ingest: pipeline ${Math.round(pipelineRate)} rows/s, peak RSS ${pipeline.maxRssMb} MB`);
    const bareAfter = await bareBatchWrite(dynamodb, names.table, items, 'B2-');
    log(`billing-ingest: bare BatchWriteItem again ${Math.round(bareAfter)} rows/s`);
    const bare = (bareBefore + bareAfter) / 2;
    const loop = await updateItemLoop(dynamodb, names.table, items.slice(0, UPDATE_LOOP_ROWS));
    log(`billing-ingest: UpdateItem per row ${Math.round(loop)} rows/s`);

    const bareMetric = {
      metric: `bare BatchWriteItem, ${BARE_IN_FLIGHT} in flight (mean of before/after: ${Math.round(bareBefore)}, ${Math.round(bareAfter)})`,
      value: Math.round(bare),
      unit: 'rows/s',
    };
    const rows: BenchRow[] = [
      {
        service: SERVICE,
        metric: `ingest pipeline, ${THROUGHPUT_ROWS.toLocaleString('en')} rows (S3 read, parse, validate, write, InvoiceDue)`,
        value: Math.round(pipelineRate),
        unit: 'rows/s',
        baseline: bareMetric,
        ratio: round(pipelineRate / bare),
        target: '>= 0.5 of bare BatchWriteItem',
      },
      {
        service: SERVICE,
        metric: `source document: one UpdateItem per row (${UPDATE_LOOP_ROWS.toLocaleString('en')} rows)`,
        value: Math.round(loop),
        unit: 'rows/s',
        baseline: bareMetric,
        ratio: round(loop / bare),
      },
      {
        service: SERVICE,
        metric: 'ingest pipeline vs one UpdateItem per row',
        value: Math.round(pipelineRate),
        unit: 'rows/s',
        baseline: { metric: 'one UpdateItem per row', value: Math.round(loop), unit: 'rows/s' },
        ratio: round(pipelineRate / loop),
      },
      {
        service: SERVICE,
        metric: `handler peak RSS, ${THROUGHPUT_ROWS.toLocaleString('en')} rows`,
        value: pipeline.maxRssMb,
        unit: 'MB',
        target: '< 256',
      },
    ];
    for (const memoryRows of MEMORY_ROWS) {
      const result = await runHandler(memoryRows, `M${memoryRows}-`);
      const rate = memoryRows / (result.ms / 1000);
      log(`billing-ingest: ${memoryRows} rows: peak RSS ${result.maxRssMb} MB, ${Math.round(rate)} rows/s`);
      rows.push({
        service: SERVICE,
        metric: `handler peak RSS, ${memoryRows.toLocaleString('en')} rows (${Math.round(rate)} rows/s)`,
        value: result.maxRssMb,
        unit: 'MB',
        target: '< 256',
      });
    }
    return rows;
  } finally {
    await deleteBenchResources(dynamodb, s3, events, names).catch((error: Error) =>
      log(`billing-ingest: cleaning up bench resources failed: ${error.message}`),
    );
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/** The rows of a generated file as the BILL items the pipeline writes (ids get a prefix per contender). */
async function itemsOf(work: string, rows: number): Promise<BillItem[]> {
  const file = path.join(work, 'items.csv');
  await writeBillsFile(fs.createWriteStream(file), { rows, date: DATE });
  const records = fs.createReadStream(file).pipe(parse({ bom: true, relax_column_count: true }));
  const items: BillItem[] = [];
  let header: ReturnType<typeof resolveHeader> | undefined;
  const fileRef = { key: `incoming/bills-${DATE}.csv`, billDate: DATE, ingestedAt: new Date().toISOString() };
  for await (const cells of records as AsyncIterable<string[]>) {
    if (!header) {
      header = resolveHeader(cells);
      continue;
    }
    if (!header.ok) throw new Error(header.reason);
    const result = validateBillRow(cells, header.header, {
      defaultCurrency: 'EUR',
      billDate: DATE,
      paymentTermsDays: 14,
    });
    if (result.ok) items.push(billItem(result.bill, fileRef));
  }
  fs.rmSync(file);
  return items;
}

function toAttributeValue(value: unknown): AttributeValue {
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') return { N: String(value) };
  if (typeof value === 'boolean') return { BOOL: value };
  if (Array.isArray(value)) return { L: value.map(toAttributeValue) };
  throw new Error(`bench cannot marshal ${typeof value}`);
}

function marshalItem(item: BillItem, prefix: string): Record<string, AttributeValue> {
  const attributes: Record<string, AttributeValue> = {};
  for (const [name, value] of Object.entries(item)) attributes[name] = toAttributeValue(value);
  attributes.invoiceId = { S: `${prefix}${item.invoiceId}` };
  return attributes;
}

/** Pre-marshalled PutRequests, 25 per call, 8 calls in flight: the floor of what any loader can cost. */
async function bareBatchWrite(
  client: DynamoDBClient,
  table: string,
  items: BillItem[],
  prefix: string,
): Promise<number> {
  const batches: WriteRequest[][] = [];
  for (let start = 0; start < items.length; start += 25) {
    batches.push(
      items.slice(start, start + 25).map((item) => ({ PutRequest: { Item: marshalItem(item, prefix) } })),
    );
  }
  const started = process.hrtime.bigint();
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      let requests = batches[next++]!;
      while (requests.length > 0) {
        const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: requests } }));
        requests = out.UnprocessedItems?.[table] ?? [];
      }
    }
  };
  await Promise.all(Array.from({ length: BARE_IN_FLIGHT }, worker));
  return items.length / (Number(process.hrtime.bigint() - started) / 1e9);
}

/** The source document's loader: one UpdateItem per row, one at a time. */
async function updateItemLoop(client: DynamoDBClient, table: string, items: BillItem[]): Promise<number> {
  const started = process.hrtime.bigint();
  for (const item of items) {
    await client.send(
      new UpdateItemCommand({
        TableName: table,
        Key: { invoiceId: { S: `U-${item.invoiceId}` }, record: { S: 'BILL' } },
        UpdateExpression: 'SET Balance = :balance, IsProcessed = :processed, CustomerName = :name',
        ExpressionAttributeValues: {
          ':balance': { N: String(item.billedAmount) },
          ':processed': { N: item.isProcessed ? '1' : '0' },
          ':name': { S: item.customerName },
        },
      }),
    );
  }
  return items.length / (Number(process.hrtime.bigint() - started) / 1e9);
}

/** The handler as Lambda runs it: one esbuild bundle, the SDK left to the runtime (here: node_modules). */
async function bundleHandler(work: string): Promise<string> {
  // Inside the service folder, so the bundle finds @aws-sdk/* in the repository's node_modules.
  const dir = path.join(SERVICE_DIR, '.esbuild', 'bench');
  fs.mkdirSync(dir, { recursive: true });
  await build({
    entryPoints: [path.join(SERVICE_DIR, 'src', 'handlers', 'ingestBillsFile.ts')],
    outfile: path.join(dir, 'handler.js'),
    bundle: true,
    minify: true,
    keepNames: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['@aws-sdk/*'],
    logLevel: 'error',
  });
  fs.writeFileSync(path.join(dir, 'invoke.js'), INVOKE_SCRIPT);
  void work;
  return dir;
}

/** Runs in the child: one invocation with a 15-minute budget, then its own peak RSS. */
const INVOKE_SCRIPT = `
const { handler } = require('./handler.js');
const started = Date.now();
// A long budget: the bench measures one uninterrupted run (the hand-over has its own test).
const deadline = started + 3 * 3600 * 1000;
const context = {
  awsRequestId: 'bench-' + started, functionName: process.env.AWS_LAMBDA_FUNCTION_NAME, functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:' + process.env.AWS_LAMBDA_FUNCTION_NAME,
  memoryLimitInMB: '1024', logGroupName: 'bench', logStreamName: 'bench', callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => deadline - Date.now(),
};
handler(JSON.parse(process.env.BENCH_EVENT), context).then(
  (result) => { process.stdout.write('\\nBENCH_RESULT ' + JSON.stringify({ result, ms: Date.now() - started, maxRssKb: process.resourceUsage().maxRSS }) + '\\n'); },
  (error) => { console.error(error); process.exit(1); },
);
`;

async function runInChild(
  dir: string,
  env: NodeJS.ProcessEnv,
  bucket: string,
  key: string,
  log: (line: string) => void,
): Promise<{ ms: number; maxRssMb: number }> {
  const event = {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: 'us-east-1',
        eventTime: new Date().toISOString(),
        eventName: 'ObjectCreated:Put',
        userIdentity: { principalId: 'bench' },
        requestParameters: { sourceIPAddress: '127.0.0.1' },
        responseElements: { 'x-amz-request-id': 'bench', 'x-amz-id-2': 'bench' },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'bench',
          bucket: { name: bucket, ownerIdentity: { principalId: 'bench' }, arn: `arn:aws:s3:::${bucket}` },
          object: { key, size: 0, eTag: await etagOf(env, bucket, key), sequencer: '0' },
        },
      },
    ],
  };
  const { stdout } = await run(process.execPath, [path.join(dir, 'invoke.js')], {
    cwd: dir,
    env: { ...env, BENCH_EVENT: JSON.stringify(event) },
    maxBuffer: 64 * 1024 * 1024,
    timeout: 3 * 3600 * 1000,
  });
  for (const line of stdout.split('\n')) if (line.includes('Ingest progress')) log(`billing-ingest: ${line}`);
  const resultLine = stdout.split('\n').find((line) => line.startsWith('BENCH_RESULT '));
  if (!resultLine) throw new Error(`the handler printed no result:\n${stdout.slice(-2000)}`);
  const { result, ms, maxRssKb } = JSON.parse(resultLine.slice('BENCH_RESULT '.length)) as {
    result: { files: Array<{ status: string }> };
    ms: number;
    maxRssKb: number;
  };
  if (result.files[0]?.status !== 'completed') {
    throw new Error(`the bench file was not ingested: ${JSON.stringify(result)}`);
  }
  return { ms, maxRssMb: Math.round(maxRssKb / 1024) };
}

async function etagOf(env: NodeJS.ProcessEnv, bucket: string, key: string): Promise<string> {
  const { HeadObjectCommand } = await import('@aws-sdk/client-s3');
  const s3 = new S3Client({
    endpoint: env.AWS_ENDPOINT_URL,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  return (head.ETag ?? '').replace(/"/g, '');
}

async function createBenchResources(
  dynamodb: DynamoDBClient,
  s3: S3Client,
  events: EventBridgeClient,
  names: { table: string; files: string; bucket: string; bus: string },
): Promise<void> {
  const attribute = (AttributeName: string) => ({ AttributeName, AttributeType: 'S' as const });
  await dynamodb.send(
    new CreateTableCommand({
      TableName: names.table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [attribute('invoiceId'), attribute('record'), attribute('customerId')],
      KeySchema: [
        { AttributeName: 'invoiceId', KeyType: 'HASH' },
        { AttributeName: 'record', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'byCustomer',
          KeySchema: [
            { AttributeName: 'customerId', KeyType: 'HASH' },
            { AttributeName: 'invoiceId', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    }),
  );
  await dynamodb.send(
    new CreateTableCommand({
      TableName: names.files,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [attribute('fileKey'), attribute('etag')],
      KeySchema: [
        { AttributeName: 'fileKey', KeyType: 'HASH' },
        { AttributeName: 'etag', KeyType: 'RANGE' },
      ],
    }),
  );
  for (const TableName of [names.table, names.files]) {
    await waitUntilTableExists({ client: dynamodb, maxWaitTime: 30 }, { TableName });
  }
  await s3.send(new CreateBucketCommand({ Bucket: names.bucket }));
  await events.send(new CreateEventBusCommand({ Name: names.bus }));
}

async function deleteBenchResources(
  dynamodb: DynamoDBClient,
  s3: S3Client,
  events: EventBridgeClient,
  names: { table: string; files: string; bucket: string; bus: string },
): Promise<void> {
  for (const TableName of [names.table, names.files]) {
    await dynamodb.send(new DeleteTableCommand({ TableName })).catch(() => undefined);
  }
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: names.bucket }));
  for (const object of listed.Contents ?? []) {
    await s3.send(new DeleteObjectCommand({ Bucket: names.bucket, Key: object.Key! }));
  }
  await s3.send(new DeleteBucketCommand({ Bucket: names.bucket }));
  await events.send(new DeleteEventBusCommand({ Name: names.bus })).catch(() => undefined);
}
