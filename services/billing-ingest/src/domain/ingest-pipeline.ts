import type { RowRules } from './bill-row';
import type { CsvRow } from './bills-parser';
import type { BillsHeader } from './header';
import type { BillFile, CustomerDetailsSource } from './invoice';
import { UnitBatcher, type Unit } from './stages/batch';
import { Checkpoints } from './stages/checkpoint';
import { DuplicateInvoiceIds } from './stages/deduplicate';
import { parseBillsCsv, parseHeaderRow } from './stages/parse';
import { checkRow } from './stages/validate';
import { writeUnit, type InvoiceDuePublisher, type InvoiceStore } from './stages/write';

/*
 * The ingest pipeline, written against ports so unit tests run it without AWS. Its stages, each in stages/:
 * parse (bytes -> CSV rows, the header) -> validate (row -> bill or reason) -> deduplicate (first row of an id
 * wins) -> batch (units of rows) -> write (read LEDGERs, refuse paid-terms changes, put BILLs, InvoiceDue and
 * CustomerDetailsIngested) ->
 * checkpoint (over the finished prefix of units).
 * Units run a few at a time; reading waits while they are full, so memory stays flat whatever the file size.
 */

export interface RejectsWriter {
  reject(row: number, reason: string, cells: string[] | undefined): Promise<void>;
}

export interface PipelineLog {
  info(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
}

export interface PipelineOptions {
  /** Rows per unit: one LEDGER BatchGetItem (one of BILLs too if any is paid), ceil(n/25) BatchWriteItem calls. */
  unitRows: number;
  /** Units in flight at once. */
  unitsInFlight: number;
  checkpointEveryRows: number;
  progressEveryRows: number;
}

const defaultPipelineOptions: PipelineOptions = {
  unitRows: 100,
  unitsInFlight: 3,
  checkpointEveryRows: 20_000,
  progressEveryRows: 50_000,
};

export interface PipelineInput {
  file: BillFile;
  rules: RowRules;
  /** Whom the file's customers belong to; without it no CustomerDetailsIngested is sent (the benchmark). */
  customers?: CustomerDetailsSource;
  /** Bytes of the file, chunk by chunk, with backpressure (an S3 GetObject body). */
  source: AsyncIterable<Buffer | string>;
  /** Rows up to here were written (and their InvoiceDue sent) by an earlier invocation. */
  resumeAfterRow: number;
  /** Asked between rows: true when this invocation must hand over before its time runs out. */
  shouldStop: () => boolean;
  /** Opens the rejects file for this header (lazily: a clean file has none). */
  openRejects: (header: BillsHeader | undefined) => RejectsWriter;
  invoices: InvoiceStore;
  events: InvoiceDuePublisher;
  /** Records that every row up to `row` is done; called in row order. */
  checkpoint: (row: number) => Promise<void>;
  log: PipelineLog;
  options?: Partial<PipelineOptions>;
}

export interface PipelineCounts {
  /** Data rows read (accepted + rejected, including rows refused for changing a paid invoice's terms). */
  rows: number;
  accepted: number;
  rejected: number;
  /** InvoiceDue events sent by this invocation. */
  invoicesDue: number;
  /** CustomerDetailsIngested events sent by this invocation. */
  customerDetails: number;
  /** Bills with an outstanding amount that were not announced because the ledger shows them paid. */
  alreadyPaid: number;
}

export type PipelineOutcome =
  | { kind: 'unreadable'; reason: string }
  | { kind: 'completed'; counts: PipelineCounts }
  | { kind: 'stopped'; counts: PipelineCounts; checkpointRow: number };

export async function runIngestPipeline(input: PipelineInput): Promise<PipelineOutcome> {
  const options = { ...defaultPipelineOptions, ...input.options };
  const { log } = input;
  const counts: PipelineCounts = {
    rows: 0,
    accepted: 0,
    rejected: 0,
    invoicesDue: 0,
    customerDetails: 0,
    alreadyPaid: 0,
  };
  const duplicates = new DuplicateInvoiceIds();
  const batcher = new UnitBatcher(options.unitRows);
  const checkpoints = new Checkpoints(input.resumeAfterRow, options.checkpointEveryRows, input.checkpoint);
  const progress = progressLog(log, counts, options.progressEveryRows);

  let header: BillsHeader | undefined;
  let rejects: RejectsWriter | undefined;
  let lastRowRead = 0;
  const inFlight = new Set<Promise<void>>();
  let unitFailure: unknown;

  const reject = async (row: number, reason: string, cells: string[] | undefined) => {
    counts.rejected += 1;
    rejects ??= input.openRejects(header);
    await rejects.reject(row, reason, cells);
  };

  const submit = async (unit: Unit | undefined) => {
    if (!unit) return;
    const ticket = checkpoints.started(unit.lastRow);
    const work = writeUnit(unit.rows, {
      file: input.file,
      customers: input.customers,
      invoices: input.invoices,
      events: input.events,
      refuse: async ({ row, reason, cells }) => {
        counts.accepted -= 1;
        await reject(row, reason, cells);
      },
    }).then(
      (written) => {
        counts.invoicesDue += written.invoicesDue;
        counts.customerDetails += written.customerDetails;
        counts.alreadyPaid += written.alreadyPaid;
        checkpoints.finished(ticket);
      },
      (error: unknown) => {
        unitFailure ??= error;
      },
    );
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
    while (inFlight.size >= options.unitsInFlight && unitFailure === undefined) await Promise.race(inFlight);
    if (unitFailure !== undefined) throw unitFailure;
  };

  const handleRow = async ({ row, cells }: CsvRow) => {
    lastRowRead = row;
    if (!header) {
      const result = parseHeaderRow(cells);
      if (!result.ok) throw new Unreadable(result.reason);
      header = result.header;
      if (header.ignored.length > 0) log.info('Ignoring unknown columns', { columns: header.ignored });
      return;
    }
    const checked = checkRow(cells, header, input.rules);
    if (checked.kind === 'blank') return;
    counts.rows += 1;
    if (checked.kind === 'invalid') return reject(row, checked.reason, cells);
    const duplicate = duplicates.check(checked.bill.invoiceId, row);
    if (duplicate) return reject(row, duplicate, cells);
    counts.accepted += 1;
    await submit(batcher.add({ row, cells, bill: checked.bill, written: row <= input.resumeAfterRow }));
  };

  let stopped = false;
  try {
    let broken: { row: number; reason: string } | undefined;
    reading: for await (const parsed of parseBillsCsv(input.source)) {
      if (parsed.kind === 'broken') {
        broken = parsed.at;
        break;
      }
      for (const csvRow of parsed.rows) {
        await handleRow(csvRow);
        // The rows left once the file ended are few: they are read to the end rather than handed over.
        if (parsed.atEnd) continue;
        progress();
        if (header && csvRow.row > input.resumeAfterRow && input.shouldStop()) {
          stopped = true;
          break reading;
        }
      }
    }
    if (!header) throw new Unreadable('it is empty');
    if (broken) {
      if (counts.rows === 0) throw new Unreadable(`row ${broken.row}: ${broken.reason}`);
      counts.rows += 1;
      await reject(broken.row, broken.reason, undefined);
    }
    if (counts.rows === 0) throw new Unreadable('it has a header row but no bills');
    await submit(batcher.flush(lastRowRead));
    while (inFlight.size > 0) await Promise.race(inFlight);
    if (unitFailure !== undefined) throw unitFailure;
    await checkpoints.settle();
  } catch (error) {
    // Let units already sent finish (or fail) before the caller decides what to do.
    await Promise.allSettled(inFlight);
    if (error instanceof Unreadable) return { kind: 'unreadable', reason: error.reason };
    throw error;
  }
  if (stopped) return { kind: 'stopped', counts, checkpointRow: lastRowRead };
  return { kind: 'completed', counts };
}

/** Logs rows read, rows per second and memory every `everyRows` data rows. */
function progressLog(log: PipelineLog, counts: PipelineCounts, everyRows: number): () => void {
  const started = Date.now();
  let nextProgress = everyRows;
  return () => {
    if (counts.rows < nextProgress) return;
    nextProgress += everyRows;
    const seconds = (Date.now() - started) / 1000;
    log.info('Ingest progress', {
      rows: counts.rows,
      accepted: counts.accepted,
      rejected: counts.rejected,
      rowsPerSecond: Math.round(counts.rows / Math.max(seconds, 0.001)),
      rssMb: Math.round(process.memoryUsage.rss() / 1_048_576),
    });
  };
}

class Unreadable extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}
