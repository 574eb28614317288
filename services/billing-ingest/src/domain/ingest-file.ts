import { randomUUID } from 'node:crypto';
import { billingEventId, type BillsIngestedData } from '@payflow/shared';
import type { RowRules } from './bill-row';
import { billDateOf, fileNameOf, rejectsKeyFor } from './bills-file';
import type { BillsHeader } from './header';
import {
  runIngestPipeline,
  type PipelineCounts,
  type PipelineLog,
  type PipelineOptions,
  type RejectsWriter,
} from './ingest-pipeline';
import type { InvoiceDuePublisher, InvoiceStore } from './stages/write';

/*
 * One bills file, from claim to outcome event. S3 delivers at least once and a long file may need several
 * invocations, so every file has a record keyed by (key, ETag): the first invocation claims it, a duplicate
 * delivery finds it COMPLETED (or leased) and does nothing, and a follow-up invocation resumes at its checkpoint.
 */

export interface BillsFileRef {
  bucket: string;
  key: string;
  etag: string;
}

type FileStatus = 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';

export interface FileRecord {
  status: FileStatus;
  /** Every accepted row up to this row is written and announced. */
  checkpointRow: number;
  /** Invocations that started this file from a claim or a take-over (not from a planned hand-over). */
  attempts: number;
  billDate: string;
  ingestedAt: string;
  /** Epoch ms of the first claim, for the duration of the whole file. */
  startedAt: number;
  failureReason?: string;
}

export type Claim = { kind: 'claimed'; record: FileRecord } | { kind: 'skipped'; reason: string };

interface ClaimRequest {
  owner: string;
  /** Epoch ms until which nobody else may take the file over. */
  leaseUntil: number;
  now: number;
  billDate: string;
  ingestedAt: string;
  /** Set when this invocation was started by a hand-over from the previous one. */
  resumeToken?: string;
}

export interface FilesLedger {
  claim(file: BillsFileRef, request: ClaimRequest): Promise<Claim>;
  checkpoint(file: BillsFileRef, owner: string, row: number, leaseUntil: number): Promise<void>;
  handOff(file: BillsFileRef, owner: string, row: number, token: string, leaseUntil: number): Promise<void>;
  complete(file: BillsFileRef, owner: string, summary: BillsIngestedData): Promise<void>;
  fail(file: BillsFileRef, owner: string, reason: string): Promise<void>;
  /** Gives the lease up after an error, so Lambda's retry can take the file over at once. */
  release(file: BillsFileRef, owner: string, error: string): Promise<void>;
}

export interface RejectsFile extends RejectsWriter {
  /** Completes the upload. */
  finish(): Promise<void>;
  /** Drops what was written; a resumed invocation writes the whole rejects file again. */
  abort(): Promise<void>;
}

export interface BillsBucket {
  /** The file's bytes as they arrive; throws FileGone when that version of the object is no longer there. */
  open(file: BillsFileRef): Promise<AsyncIterable<Buffer | string>>;
  openRejects(bucket: string, key: string, header: BillsHeader | undefined): RejectsFile;
  deleteRejects(bucket: string, key: string): Promise<void>;
}

/** The object was deleted or replaced before it could be read. */
export class FileGone extends Error {
  override name = 'FileGone';
}

export interface IngestEvents extends InvoiceDuePublisher {
  billsIngested(data: BillsIngestedData, id: string): Promise<void>;
  billsIngestFailed(data: { fileKey: string; reason: string }, id: string): Promise<void>;
}

export interface SelfInvoker {
  /** Starts another invocation that continues this file (Lambda Invoke, InvocationType Event). */
  resume(request: ResumeRequest): Promise<void>;
}

export interface ResumeRequest extends BillsFileRef {
  token: string;
  uploadedAt: string;
}

export interface IngestDependencies {
  ledger: FilesLedger;
  bucket: BillsBucket;
  invoices: InvoiceStore;
  events: IngestEvents;
  selfInvoker: SelfInvoker;
  log: PipelineLog & { error(message: string, details?: Record<string, unknown>): void };
  now?: () => number;
  newToken?: () => string;
}

export interface IngestSettings {
  /** The merchant (payments' app client id) this bills bucket bills for: the customers of its files are its own. */
  billerMerchantId: string;
  defaultCurrency: string;
  paymentTermsDays: number;
  /** Hand over to a new invocation when less than this is left. */
  handOffMarginMs: number;
  /** After this many failed starts, the file is given up with BillsIngestFailed. */
  maxAttempts: number;
  pipeline?: Partial<PipelineOptions>;
}

export interface IngestRequest {
  file: BillsFileRef;
  uploadedAt: Date;
  resumeToken?: string;
  /** This invocation's id and its remaining time. */
  invocationId: string;
  remainingMs: () => number;
}

export type IngestResult =
  | { status: 'skipped'; reason: string }
  | { status: 'failed'; reason: string }
  | { status: 'continued'; checkpointRow: number; counts: PipelineCounts }
  | { status: 'completed'; summary: BillsIngestedData; counts: PipelineCounts };

export async function ingestBillsFile(
  deps: IngestDependencies,
  settings: IngestSettings,
  request: IngestRequest,
): Promise<IngestResult> {
  const { ledger, bucket, events, log } = deps;
  const now = deps.now ?? Date.now;
  const { file, invocationId: owner } = request;
  const fileName = fileNameOf(file.key);
  const leaseUntil = () => now() + request.remainingMs();

  const claim = await ledger.claim(file, {
    owner,
    leaseUntil: leaseUntil(),
    now: now(),
    billDate: billDateOf(file.key, request.uploadedAt),
    ingestedAt: new Date(now()).toISOString(),
    ...(request.resumeToken ? { resumeToken: request.resumeToken } : {}),
  });
  if (claim.kind === 'skipped') {
    log.info(`Not ingesting ${fileName}: ${claim.reason}`, { fileKey: file.key, etag: file.etag });
    return { status: 'skipped', reason: claim.reason };
  }
  const { record } = claim;

  const failFile = async (reason: string): Promise<IngestResult> => {
    log.warn(`${fileName} cannot be ingested: ${reason}`, { fileKey: file.key });
    await events.billsIngestFailed(
      { fileKey: file.key, reason: `${fileName}: ${reason}` },
      billingEventId(`BillsIngestFailed|${file.key}|${file.etag}`),
    );
    await ledger.fail(file, owner, reason);
    return { status: 'failed', reason };
  };

  if (record.attempts > settings.maxAttempts) {
    return failFile(
      `gave up after ${settings.maxAttempts} attempts (last error: ${record.failureReason ?? 'unknown'})`,
    );
  }
  if (record.checkpointRow > 0) {
    log.info(`Resuming ${fileName} after row ${record.checkpointRow}`, { attempts: record.attempts });
  }

  const rules: RowRules = {
    defaultCurrency: settings.defaultCurrency,
    billDate: record.billDate,
    paymentTermsDays: settings.paymentTermsDays,
  };
  const rejectsKey = rejectsKeyFor(file.key);
  let rejects: RejectsFile | undefined;
  try {
    let source: AsyncIterable<Buffer | string>;
    try {
      source = await bucket.open(file);
    } catch (error) {
      if (error instanceof FileGone) return await failFile(error.message);
      throw error;
    }
    const outcome = await runIngestPipeline({
      file: { key: file.key, billDate: record.billDate, ingestedAt: record.ingestedAt },
      rules,
      customers: { merchantId: settings.billerMerchantId, statedAt: request.uploadedAt.toISOString() },
      source,
      resumeAfterRow: record.checkpointRow,
      shouldStop: () => request.remainingMs() < settings.handOffMarginMs,
      openRejects: (header) => (rejects = bucket.openRejects(file.bucket, rejectsKey, header)),
      invoices: deps.invoices,
      events,
      checkpoint: (row) => ledger.checkpoint(file, owner, row, leaseUntil()),
      log,
      ...(settings.pipeline ? { options: settings.pipeline } : {}),
    });

    if (outcome.kind === 'unreadable') {
      await rejects?.abort();
      return await failFile(outcome.reason);
    }
    if (outcome.kind === 'stopped') {
      await rejects?.abort();
      const token = (deps.newToken ?? randomUUID)();
      // The lease covers the gap until the next invocation claims the file with the token.
      await ledger.handOff(file, owner, outcome.checkpointRow, token, now() + 5 * 60_000);
      await deps.selfInvoker.resume({ ...file, token, uploadedAt: request.uploadedAt.toISOString() });
      log.info(`Handed ${fileName} over to a new invocation after row ${outcome.checkpointRow}`, {
        ...outcome.counts,
      });
      return { status: 'continued', checkpointRow: outcome.checkpointRow, counts: outcome.counts };
    }

    const { counts } = outcome;
    if (rejects) await (rejects as RejectsFile).finish();
    else await bucket.deleteRejects(file.bucket, rejectsKey);
    const summary: BillsIngestedData = {
      fileKey: file.key,
      accepted: counts.accepted,
      rejected: counts.rejected,
      durationMs: Math.max(0, now() - record.startedAt),
      rejectsKey: counts.rejected > 0 ? rejectsKey : null,
    };
    // Announce first, then record: a crash in between repeats the (same-id) event rather than losing it.
    await events.billsIngested(summary, billingEventId(`BillsIngested|${file.key}|${file.etag}`));
    await ledger.complete(file, owner, summary);
    log.info(`Ingested ${fileName}`, {
      ...summary,
      invoicesDue: counts.invoicesDue,
      customerDetails: counts.customerDetails,
      alreadyPaid: counts.alreadyPaid,
    });
    return { status: 'completed', summary, counts };
  } catch (error) {
    await (rejects as RejectsFile | undefined)?.abort().catch(() => undefined);
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    if (record.attempts >= settings.maxAttempts) {
      return failFile(`gave up after ${record.attempts} attempts (last error: ${message})`);
    }
    log.error(`Ingesting ${fileName} failed; it will be retried`, {
      error: message,
      attempts: record.attempts,
    });
    await ledger.release(file, owner, message).catch(() => undefined);
    throw error;
  }
}
