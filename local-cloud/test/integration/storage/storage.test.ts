import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import {
  CreateTableCommand,
  DynamoDBClient,
  TransactWriteItemsCommand,
  GetItemCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDbEmulator } from '../../../src/dynamodb';
import { S3Emulator } from '../../../src/s3';
import { registerInProcessFunction } from '../../../src/lambda';
import { startEdge, type Edge } from '../../../src/router';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

describe('DynamoDB Local and s3rver behind the edge', () => {
  let edge: Edge;
  let s3emulator: S3Emulator;
  let dir: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'payflow-storage-'));
    edge = await startEdge({ port: 0 });
    const [dynamodb, s3] = await Promise.all([
      DynamoDbEmulator.start({ port: 14567 }),
      S3Emulator.start({ port: 14568, dataDir: path.join(dir, 's3') }),
    ]);
    s3emulator = s3;
    edge.add(dynamodb);
    edge.add(s3);
  }, 60_000);

  afterAll(async () => {
    await edge.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs a DynamoDB transaction and rejects a failed condition with the AWS error', async () => {
    const db = new DynamoDBClient({ endpoint: edge.endpoint, region: 'us-east-1', credentials });
    await db.send(
      new CreateTableCommand({
        TableName: 'invoices',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      }),
    );
    const put = (balance: number) =>
      db.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              Put: {
                TableName: 'invoices',
                Item: { pk: { S: 'INV-1' }, balance: { N: String(balance) } },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
    await put(100);
    await expect(put(200)).rejects.toMatchObject({ name: 'TransactionCanceledException' });
    const item = await db.send(new GetItemCommand({ TableName: 'invoices', Key: { pk: { S: 'INV-1' } } }));
    expect(item.Item?.balance).toEqual({ N: '100' });
  });

  it('stores objects (streamed upload intact) and notifies the bucket Lambda with the S3 event', async () => {
    const received: unknown[] = [];
    registerInProcessFunction('payflow-storage-local-onUpload', async (event) => void received.push(event));
    s3emulator.setLambdaNotifications('bills', [
      {
        functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:payflow-storage-local-onUpload',
        events: ['s3:ObjectCreated:*'],
        prefix: 'incoming/',
        suffix: '.csv',
      },
    ]);
    const s3 = new S3Client({
      endpoint: edge.endpoint,
      region: 'us-east-1',
      credentials,
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
    await s3.send(new CreateBucketCommand({ Bucket: 'bills' }));
    await s3.send(
      new PutObjectCommand({ Bucket: 'bills', Key: 'incoming/bills 2026-11-21.csv', Body: 'a,b\n1,2\n' }),
    );
    await s3.send(new PutObjectCommand({ Bucket: 'bills', Key: 'rejects/x.csv', Body: 'no' }));
    // A streamed upload: 3 MiB of random bytes sent from a stream in 64 KiB pieces, read back byte for byte.
    const bytes = crypto.randomBytes(3 * 1024 * 1024);
    const pieces = Array.from({ length: bytes.length / 65_536 }, (_, i) =>
      bytes.subarray(i * 65_536, (i + 1) * 65_536),
    );
    await s3.send(
      new PutObjectCommand({
        Bucket: 'bills',
        Key: 'uploads/streamed.bin',
        Body: Readable.from(pieces),
        ContentLength: bytes.length,
      }),
    );
    await s3emulator.idle();

    const got = await s3.send(
      new GetObjectCommand({ Bucket: 'bills', Key: 'incoming/bills 2026-11-21.csv' }),
    );
    expect(await got.Body?.transformToString()).toBe('a,b\n1,2\n');
    const streamed = await s3.send(new GetObjectCommand({ Bucket: 'bills', Key: 'uploads/streamed.bin' }));
    expect(Buffer.from((await streamed.Body?.transformToByteArray()) ?? []).equals(bytes)).toBe(true);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      Records: [
        {
          eventSource: 'aws:s3',
          eventName: 'ObjectCreated:Put',
          s3: {
            bucket: { name: 'bills', arn: 'arn:aws:s3:::bills' },
            object: { key: 'incoming/bills+2026-11-21.csv', size: 8 },
          },
        },
      ],
    });
  });
});
