/*
 * A file that does not fit in one invocation: the handler runs here with an artificially short budget, hands the
 * file over with a real Lambda Invoke (InvocationType Event) to serverless-offline, which finishes it.
 */
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { PassThrough } from 'node:stream';
import { writeBillsFile } from '../../scripts/bills-file';
import { ingestBillsFiles } from '../../src/handlers/ingestBillsFile';
import {
  assertLocalCloud,
  bill,
  BUS,
  ENDPOINT,
  EventWatch,
  FILES_TABLE,
  fileRecord,
  INVOICES_TABLE,
  runId,
  s3,
  settled,
  upload,
} from './local-cloud';

// A bucket without notifications, so only this test's invocation starts the file.
const bucket = `payflow-billing-ingest-resume-${runId}`.toLowerCase();
const key = `incoming/${runId}/resume/bills-2026-11-24.csv`;
const watch = new EventWatch(`billing-ingest-resume-${runId}`);

beforeAll(async () => {
  await assertLocalCloud();
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: ENDPOINT,
    AWS_REGION: 'us-east-1',
    AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
    INVOICES_TABLE,
    FILES_TABLE,
    EVENT_BUS_NAME: BUS,
    AWS_LAMBDA_FUNCTION_NAME: 'payflow-billing-ingest-local-ingestBillsFile',
    LAMBDA_ENDPOINT: 'http://localhost:3101',
    HANDOFF_MARGIN_MS: '1000',
    // The local stage's billerMerchantId (serverless.yml params.local).
    BILLER_MERCHANT_ID: 'tea-shop',
    POWERTOOLS_LOG_LEVEL: 'WARN',
  });
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await watch.start(`incoming/${runId}/resume`, `${runId}-r`);
});
afterAll(() => watch.stop());

it('hands a file over when time runs low and the next invocation finishes it, announcing each invoice once', async () => {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  const summary = await writeBillsFile(out, {
    rows: 5_000,
    date: '2026-11-24',
    idPrefix: `${runId}-r`,
    seed: 7,
  });
  const etag = await upload(key, Buffer.concat(chunks), bucket);

  // Plenty of time for the first ~1,500 rows, then "1/2 s left": below the 1 s hand-over margin.
  let calls = 0;
  const result = await ingestBillsFiles(
    {
      Records: [
        {
          eventVersion: '2.1',
          eventSource: 'aws:s3',
          awsRegion: 'us-east-1',
          eventTime: new Date().toISOString(),
          eventName: 'ObjectCreated:Put',
          userIdentity: { principalId: 'test' },
          requestParameters: { sourceIPAddress: '127.0.0.1' },
          responseElements: { 'x-amz-request-id': 'test', 'x-amz-id-2': 'test' },
          s3: {
            s3SchemaVersion: '1.0',
            configurationId: 'test',
            bucket: { name: bucket, ownerIdentity: { principalId: 'test' }, arn: `arn:aws:s3:::${bucket}` },
            object: {
              key: encodeURIComponent(key).replace(/%2F/g, '/'),
              size: 1,
              eTag: etag,
              sequencer: '1',
            },
          },
        },
      ],
    },
    {
      awsRequestId: `resume-${runId}`,
      getRemainingTimeInMillis: () => ((calls += 1) < 1_500 ? 900_000 : 500),
    },
  );
  const first = result.files[0]!;
  expect(first.status).toBe('continued');
  const checkpointRow = first.status === 'continued' ? first.checkpointRow : 0;
  expect(checkpointRow).toBeGreaterThan(1_000);
  expect(checkpointRow).toBeLessThan(5_000);
  expect((await fileRecord(key, etag))?.checkpointRow).toBe(checkpointRow);

  const record = await settled(key, etag);
  expect(record).toMatchObject({ status: 'COMPLETED', accepted: 5_000, rejected: 0, attempts: 1 });
  expect(await bill(`${runId}-r1`)).toMatchObject({ billDate: '2026-11-24' });
  expect(await bill(`${runId}-r5000`)).toMatchObject({ billDate: '2026-11-24' });

  await watch.drain(2_000);
  const due = watch.of('InvoiceDue');
  expect(due).toHaveLength(summary.announceable);
  expect(new Set(due.map((event) => event.detail.data.invoiceId)).size).toBe(summary.announceable);
  expect(watch.of('BillsIngested')).toHaveLength(1);
});
