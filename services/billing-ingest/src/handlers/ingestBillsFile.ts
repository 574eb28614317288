import { S3Schema } from '@aws-lambda-powertools/parser/schemas/s3';
import { describeIssues, metrics, observedHandler, withCorrelationId } from '@payflow/shared';
import type { Context } from 'aws-lambda';
import { countIngestedRows } from '../adapters/metrics';
import { isResumeEvent } from '../adapters/self-invoker';
import { readConfig } from '../config';
import { decodeS3Key, fileNameOf, isBillsFileKey } from '../domain/bills-file';
import { ingestBillsFile, type BillsFileRef, type IngestResult } from '../domain/ingest-file';
import { createDependencies, logger } from '../wiring';

interface FileToIngest {
  file: BillsFileRef;
  uploadedAt: Date;
  resumeToken?: string;
}

/** An S3 ObjectCreated notification (one or more records), or this function's own hand-over event. */
export function filesToIngest(event: unknown): FileToIngest[] {
  if (isResumeEvent(event)) {
    const { bucket, key, etag, token, uploadedAt } = event.resume;
    return [{ file: { bucket, key, etag }, uploadedAt: new Date(uploadedAt), resumeToken: token }];
  }
  const parsed = S3Schema.safeParse(event);
  if (!parsed.success) {
    throw new Error(`ingestBillsFile expects an S3 event or a resume event: ${describeIssues(parsed.error)}`);
  }
  return parsed.data.Records.map((record) => {
    const key = decodeS3Key(record.s3.object.key);
    const etag = record.s3.object.eTag;
    if (!etag)
      throw new Error(`The S3 event for ${key} has no eTag; cannot tell this version of the file apart`);
    return {
      file: { bucket: record.s3.bucket.name, key, etag: etag.replace(/"/g, '') },
      uploadedAt: new Date(record.eventTime),
    };
  });
}

/** Same file version, same correlation id, across retries and hand-overs. */
export function correlationIdOf(file: BillsFileRef): string {
  return `bills:${fileNameOf(file.key)}:${file.etag}`.slice(0, 128);
}

export async function ingestBillsFiles(
  event: unknown,
  context: Pick<Context, 'awsRequestId' | 'getRemainingTimeInMillis'>,
): Promise<{ files: Array<{ key: string } & IngestResult> }> {
  const config = readConfig();
  const results: Array<{ key: string } & IngestResult> = [];
  for (const { file, uploadedAt, resumeToken } of filesToIngest(event)) {
    if (!isBillsFileKey(file.key)) {
      logger.warn(`Ignoring ${file.key}: bills files are incoming/*.csv`);
      results.push({ key: file.key, status: 'skipped', reason: 'not an incoming/*.csv object' });
      continue;
    }
    const correlationId = correlationIdOf(file);
    withCorrelationId(logger, correlationId);
    const result = await ingestBillsFile(createDependencies(config, logger, correlationId), config.settings, {
      file,
      uploadedAt,
      ...(resumeToken ? { resumeToken } : {}),
      invocationId: context.awsRequestId,
      remainingMs: () => context.getRemainingTimeInMillis(),
    });
    countIngestedRows(metrics, result);
    results.push({ key: file.key, ...result });
  }
  return { files: results };
}

export const handler = observedHandler(ingestBillsFiles, { logger });
