/* Real SDK clients against the local cloud, and what the tests watch: the files table, the bus, the bucket. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import {
  CreateEventBusCommand,
  DeleteRuleCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { billKey, ledgerKey, LedgerItemSchema } from '@payflow/shared';

export const ENDPOINT = process.env.AWS_ENDPOINT_URL ?? 'http://localhost:4566';
export const BUCKET = 'payflow-billing-ingest-local-bills';
export const INVOICES_TABLE = 'payflow-invoices-local';
export const FILES_TABLE = 'payflow-billing-ingest-local-files';
export const BUS = 'payflow-local';

const config = {
  endpoint: ENDPOINT,
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
};
export const s3 = new S3Client({
  ...config,
  forcePathStyle: true,
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
});
export const documents = DynamoDBDocumentClient.from(new DynamoDBClient(config));
const sqs = new SQSClient(config);
const events = new EventBridgeClient(config);

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A prefix no other run uses, so tests share the persistent local data without seeing each other. */
export const runId = `t${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

export async function upload(key: string, body: string | Buffer, bucket = BUCKET): Promise<string> {
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: body,
      ContentLength: Buffer.byteLength(body),
      ContentType: 'text/csv',
    }),
  );
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  return (head.ETag ?? '').replace(/"/g, '');
}

export async function readObject(key: string, bucket = BUCKET): Promise<string | undefined> {
  try {
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return await out.Body!.transformToString();
  } catch (error) {
    if ((error as Error).name === 'NoSuchKey') return undefined;
    throw error;
  }
}

export interface FileItem {
  status: string;
  accepted?: number;
  rejected?: number;
  rejectsKey?: string | null;
  checkpointRow: number;
  attempts: number;
  failureReason?: string;
  completedAt?: string;
}

export async function fileRecord(key: string, etag: string): Promise<FileItem | undefined> {
  const out = await documents.send(
    new GetCommand({ TableName: FILES_TABLE, Key: { fileKey: key, etag }, ConsistentRead: true }),
  );
  return out.Item as FileItem | undefined;
}

/** Waits until the file's record says COMPLETED or FAILED (the upload's notification runs the real function). */
export async function settled(key: string, etag: string, timeoutMs = 90_000): Promise<FileItem> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const record = await fileRecord(key, etag);
    if (record && (record.status === 'COMPLETED' || record.status === 'FAILED')) return record;
    await sleep(250);
  }
  throw new Error(
    `${key} was not ingested within ${timeoutMs} ms: ${JSON.stringify(await fileRecord(key, etag))}`,
  );
}

export async function bill(invoiceId: string): Promise<Record<string, unknown> | undefined> {
  const out = await documents.send(
    new GetCommand({ TableName: INVOICES_TABLE, Key: billKey(invoiceId), ConsistentRead: true }),
  );
  return out.Item;
}

export async function ledger(invoiceId: string): Promise<Record<string, unknown> | undefined> {
  const out = await documents.send(
    new GetCommand({ TableName: INVOICES_TABLE, Key: ledgerKey(invoiceId), ConsistentRead: true }),
  );
  return out.Item;
}

/** A payment as payments records it (the LEDGER item of the invoices table's contract in shared). */
export async function recordPayment(invoiceId: string, paidAmount: number): Promise<void> {
  await documents.send(
    new PutCommand({
      TableName: INVOICES_TABLE,
      Item: LedgerItemSchema.parse({
        ...ledgerKey(invoiceId),
        paidAmount,
        version: 1,
        lastPaymentId: `pay-${invoiceId}`,
        updatedAt: new Date().toISOString(),
      }),
    }),
  );
}

export interface ReceivedEvent {
  'detail-type': string;
  detail: { id: string; correlationId: string; data: Record<string, unknown> };
}

/** An SQS queue behind a rule on the real bus: every billing-ingest event about this run's files or invoices. */
export class EventWatch {
  private queueUrl = '';
  private readonly rules: string[] = [];
  readonly received: ReceivedEvent[] = [];

  constructor(private readonly name: string) {}

  async start(filePrefix: string, invoicePrefix: string): Promise<void> {
    await events.send(new CreateEventBusCommand({ Name: BUS })).catch(() => undefined);
    const queue = await sqs.send(new CreateQueueCommand({ QueueName: this.name }));
    this.queueUrl = queue.QueueUrl!;
    const attributes = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: this.queueUrl, AttributeNames: ['QueueArn'] }),
    );
    const patterns = {
      files: {
        'detail-type': ['BillsIngested', 'BillsIngestFailed'],
        detail: { data: { fileKey: [{ prefix: filePrefix }] } },
      },
      invoices: {
        'detail-type': ['InvoiceDue'],
        detail: { data: { invoiceId: [{ prefix: invoicePrefix }] } },
      },
    };
    for (const [suffix, pattern] of Object.entries(patterns)) {
      const rule = `${this.name}-${suffix}`;
      await events.send(
        new PutRuleCommand({
          Name: rule,
          EventBusName: BUS,
          EventPattern: JSON.stringify({ source: ['payflow.billing-ingest'], ...pattern }),
        }),
      );
      await events.send(
        new PutTargetsCommand({
          Rule: rule,
          EventBusName: BUS,
          Targets: [{ Id: 'test-queue', Arn: attributes.Attributes!.QueueArn! }],
        }),
      );
      this.rules.push(rule);
    }
  }

  /** Collects what has arrived, waiting a little for stragglers. */
  async drain(quietMs = 1_000): Promise<ReceivedEvent[]> {
    let quietSince = Date.now();
    while (Date.now() - quietSince < quietMs) {
      const out = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: this.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      const messages = out.Messages ?? [];
      if (messages.length === 0) {
        await sleep(100);
        continue;
      }
      quietSince = Date.now();
      for (const message of messages) this.received.push(JSON.parse(message.Body!) as ReceivedEvent);
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: messages.map((m, index) => ({ Id: String(index), ReceiptHandle: m.ReceiptHandle! })),
        }),
      );
    }
    return this.received;
  }

  of(detailType: string, match: (data: Record<string, unknown>) => boolean = () => true): ReceivedEvent[] {
    return this.received.filter((event) => event['detail-type'] === detailType && match(event.detail.data));
  }

  async stop(): Promise<void> {
    for (const rule of this.rules) {
      await events.send(new RemoveTargetsCommand({ Rule: rule, EventBusName: BUS, Ids: ['test-queue'] }));
      await events.send(new DeleteRuleCommand({ Name: rule, EventBusName: BUS }));
    }
    if (this.queueUrl) await sqs.send(new DeleteQueueCommand({ QueueUrl: this.queueUrl }));
  }
}

export async function assertLocalCloud(): Promise<void> {
  const response = await fetch(`${ENDPOINT}/_local/health`).catch(() => undefined);
  if (response?.status !== 200) {
    throw new Error(
      `The local cloud is not running at ${ENDPOINT}: start it with \`npm start\` (or run jest's integration project)`,
    );
  }
}
