/*
 * npm run bills:generate -- --rows 1000 --date 2026-11-21 [--upload] [--bad-ratio 0.1] [--out file.csv]
 * Writes .local/bills/bills-<date>.csv; with --upload puts it into the local bills bucket under incoming/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { awsClient } from '@payflow/shared';
import { writeBillsFile } from './bills-file';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const LOCAL_BILLS_BUCKET = 'payflow-billing-ingest-local-bills';

const usage = `Usage: npm run bills:generate -- --rows 1000 [--date YYYY-MM-DD] [--upload] [--bad-ratio 0..1]
       [--first-id 1] [--id-prefix TEXT] [--out FILE] [--bucket ${LOCAL_BILLS_BUCKET}]`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '1000' },
      date: { type: 'string', default: new Date().toISOString().slice(0, 10) },
      upload: { type: 'boolean', default: false },
      'bad-ratio': { type: 'string', default: '0' },
      'first-id': { type: 'string', default: '1' },
      'id-prefix': { type: 'string', default: '' },
      out: { type: 'string' },
      bucket: { type: 'string', default: LOCAL_BILLS_BUCKET },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return console.log(usage);
  const rows = Number(values.rows);
  const badRatio = Number(values['bad-ratio']);
  const firstInvoiceId = Number(values['first-id']);
  if (!Number.isInteger(rows) || rows < 0)
    throw new Error(`--rows must be a whole number, got "${values.rows}"\n${usage}`);
  if (!(badRatio >= 0 && badRatio <= 1)) throw new Error(`--bad-ratio must be between 0 and 1\n${usage}`);
  if (!Number.isInteger(firstInvoiceId) || firstInvoiceId < 0)
    throw new Error(`--first-id must be a whole number`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(values.date) || Number.isNaN(Date.parse(values.date))) {
    throw new Error(`--date must be YYYY-MM-DD, got "${values.date}"`);
  }

  const file = path.resolve(
    values.out ?? path.join(REPO_ROOT, '.local', 'bills', `bills-${values.date}.csv`),
  );
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const started = Date.now();
  const generated = await writeBillsFile(fs.createWriteStream(file), {
    rows,
    date: values.date,
    badRatio,
    firstInvoiceId,
    idPrefix: values['id-prefix'],
  });
  const size = fs.statSync(file).size;
  console.log(
    `Wrote ${generated.rows} rows (${generated.bad} with mistakes) to ${path.relative(process.cwd(), file)} ` +
      `(${(size / 1_048_576).toFixed(1)} MB) in ${Date.now() - started} ms`,
  );

  if (values.upload) {
    process.env.AWS_ENDPOINT_URL ??= 'http://localhost:4566';
    process.env.AWS_REQUEST_CHECKSUM_CALCULATION ??= 'WHEN_REQUIRED';
    const key = `incoming/${path.basename(file)}`;
    await new Upload({
      client: awsClient(S3Client),
      params: { Bucket: values.bucket, Key: key, Body: fs.createReadStream(file), ContentType: 'text/csv' },
    }).done();
    console.log(`Uploaded to s3://${values.bucket}/${key} (endpoint ${process.env.AWS_ENDPOINT_URL})`);
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
