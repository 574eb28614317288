/**
 * events/billing-ingest/s3-bills-file-created.json run through ingestBillsFile (the Lambda Invoke API of the
 * local cloud), as the README tells a reader to: the notification of the generated bills-2026-11-21.csv of 1,000
 * rows. The file is generated and uploaded first (its size and ETag must be the fixture's, or the fixture is
 * stale); S3's own notification ingests it, and the fixture then finds that version already ingested, as the
 * README says it should: nothing is ingested twice.
 */
import { PassThrough } from 'node:stream';
import { invokeFunction, serviceFixtures } from '@payflow/local-cloud/src/testing';
import { writeBillsFile } from '../../scripts/bills-file';
import { assertLocalCloud, bill, ENDPOINT, settled, upload } from './local-cloud';

const fixtures = serviceFixtures('billing-ingest');

/** `npm run bills:generate -- --rows 1000 --date 2026-11-21`, in memory. */
async function generatedFile(): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  await writeBillsFile(out, {
    rows: 1_000,
    date: '2026-11-21',
    badRatio: 0,
    firstInvoiceId: 1,
    idPrefix: '',
  });
  return Buffer.concat(chunks);
}

beforeAll(() => assertLocalCloud());

describe('events/billing-ingest fixtures, through the Lambda Invoke API', () => {
  it('has a case for every fixture in the folder', () => {
    expect([...fixtures.keys()]).toEqual(['s3-bills-file-created.json']);
  });

  it('s3-bills-file-created.json: announces the generated file; invoked after S3 ingested it, it skips it', async () => {
    const fixture = fixtures.get('s3-bills-file-created.json');
    const { bucket, object } = fixture.Records[0].s3;
    expect(bucket.name).toBe('payflow-billing-ingest-local-bills');
    const file = await generatedFile();
    expect(file.length).toBe(object.size);

    const etag = await upload(object.key, file);
    expect(etag).toBe(object.eTag);
    const record = await settled(object.key, etag, 180_000);
    expect(record).toMatchObject({ status: 'COMPLETED', accepted: 1_000, rejected: 0 });
    expect(await bill('1')).toMatchObject({ billDate: '2026-11-21', sourceFile: object.key });

    const invocation = await invokeFunction(
      ENDPOINT,
      'payflow-billing-ingest-local-ingestBillsFile',
      fixture,
    );
    expect(invocation.functionError).toBeUndefined();
    expect(invocation.result).toEqual({
      files: [
        {
          key: object.key,
          status: 'skipped',
          reason: `this version (ETag ${object.eTag}) was already ingested (1000 accepted, 0 rejected)`,
        },
      ],
    });
    // Still the one ingestion S3's notification made.
    expect(await settled(object.key, etag)).toEqual(record);
  });
});
