import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { stringify } from 'csv-stringify';
import type { BillsHeader } from '../domain/header';
import { FileGone, type BillsBucket, type RejectsFile } from '../domain/ingest-file';

/** Rejected rows are streamed to S3 in parts of this size; at most one part is held in memory. */
const REJECTS_PART_BYTES = 5 * 1024 * 1024;

export function createBillsBucket(options: { client: S3Client }): BillsBucket {
  const { client } = options;
  return {
    async open(file) {
      try {
        const out = await client.send(
          new GetObjectCommand({ Bucket: file.bucket, Key: file.key, IfMatch: `"${file.etag}"` }),
        );
        return out.Body as Readable;
      } catch (error) {
        const name = (error as { name?: string }).name;
        if (name === 'NoSuchKey' || name === 'NotFound') {
          throw new FileGone('the file was deleted before it could be read');
        }
        if (name === 'PreconditionFailed') {
          throw new FileGone('the file was replaced by a newer upload before it could be read');
        }
        throw error;
      }
    },

    openRejects(bucket, key, header) {
      return openRejectsFile(client, bucket, key, header);
    },

    async deleteRejects(bucket, key) {
      // A clean version of a file must not leave an earlier version's rejects behind.
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
  };
}

/** rejects/<name>.csv: Row, Reason, then the row as it was in the file. */
function openRejectsFile(
  client: S3Client,
  bucket: string,
  key: string,
  header: BillsHeader | undefined,
): RejectsFile {
  const csv = stringify();
  csv.write(['Row', 'Reason', ...(header?.names ?? [])]);
  const upload = new Upload({
    client,
    params: { Bucket: bucket, Key: key, Body: csv, ContentType: 'text/csv; charset=utf-8' },
    queueSize: 1,
    partSize: REJECTS_PART_BYTES,
  });
  let failure: unknown;
  const done = upload.done().catch((error: unknown) => {
    failure = error;
  });
  return {
    async reject(row, reason, cells) {
      if (failure) throw failure;
      if (!csv.write([String(row), reason, ...(cells ?? [])])) await Promise.race([once(csv, 'drain'), done]);
    },
    async finish() {
      csv.end();
      await done;
      if (failure) throw failure;
    },
    async abort() {
      await upload.abort().catch(() => undefined);
      csv.destroy();
      await done;
    },
  };
}
