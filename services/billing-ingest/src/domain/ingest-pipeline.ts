import type { CustomerDetailsIngestedData, InvoiceDueData } from '@payflow/shared';
import { validateBillRow, type Bill, type RowRules } from './bill-row';
import { BillsCsvParser, type CsvRow } from './bills-parser';
import { FirstSeenRows } from './first-seen-rows';
import { resolveHeader, type BillsHeader } from './header';
import {
  billItem,
  customerDetailsEventId,
  customerDetailsOf,
  fixedTermsConflict,
  invoiceDue,
  invoiceDueEventId,
  mayBeDue,
  type BillFile,
  type BillItem,
  type CustomerDetailsSource,
  type PaidInvoice,
} from './invoice';

/*
 * The ingest pipeline, written against ports so unit tests run it without AWS:
 * stream -> csv rows -> validate + duplicate check -> units of rows -> read LEDGERs (and the BILLs of paid
 * invoices) -> reject rows that change a paid invoice's currency or customer -> put BILLs -> InvoiceDue.
 * Units run a few at a time; reading waits while they are full, so memory stays flat whatever the file size.
 */

export interface InvoiceDueEvent {
  id: string;
  data: InvoiceDueData;
}

export interface InvoiceStore {
  /** Puts BILL items (replacing only BILL items); resolves once every item is written. */
  putBills(items: BillItem[]): Promise<void>;
  /** Each of these invoices that has a LEDGER item: its paidAmount and its stored BILL's currency and customer. */
  paidInvoices(invoiceIds: string[]): Promise<Map<string, PaidInvoice>>;
}

export interface CustomerDetailsEvent {
  id: string;
  data: CustomerDetailsIngestedData;
}

export interface InvoiceDuePublisher {
  publishInvoicesDue(events: InvoiceDueEvent[]): Promise<void>;
  publishCustomerDetails(events: CustomerDetailsEvent[]): Promise<void>;
}

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

export const defaultPipelineOptions: PipelineOptions = {
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

interface AcceptedRow {
  row: number;
  cells: string[];
  bill: Bill;
  /** Written (and announced) by an earlier invocation: only checked again, to rebuild the rejects file. */
  written: boolean;
}

interface Unit {
  lastRow: number;
  done: boolean;
}

export async function runIngestPipeline(input: PipelineInput): Promise<PipelineOutcome> {
  const options = { ...defaultPipelineOptions, ...input.options };
  const { file, rules, log } = input;
  const parser = new BillsCsvParser();
  const firstSeen = new FirstSeenRows();
  const counts: PipelineCounts = {
    rows: 0,
    accepted: 0,
    rejected: 0,
    invoicesDue: 0,
    customerDetails: 0,
    alreadyPaid: 0,
  };

  let header: BillsHeader | undefined;
  let rejects: RejectsWriter | undefined;
  let pendingRows: AcceptedRow[] = [];
  let lastRowRead = 0;
  let nextProgress = options.progressEveryRows;
  const started = Date.now();

  // Units in submission order; the checkpoint advances over the finished prefix only.
  const units: Unit[] = [];
  const inFlight = new Set<Promise<void>>();
  let unitFailure: unknown;
  let safeRow = input.resumeAfterRow;
  let checkpointedRow = input.resumeAfterRow;
  let checkpointing: Promise<void> = Promise.resolve();

  const reject = async (row: number, reason: string, cells: string[] | undefined) => {
    counts.rejected += 1;
    rejects ??= input.openRejects(header);
    await rejects.reject(row, reason, cells);
  };

  const processUnit = async (accepted: AcceptedRow[]) => {
    // Read before writing: a row that would change a paid invoice's currency or customer must not replace it.
    const paid = await input.invoices.paidInvoices(accepted.map(({ bill }) => bill.invoiceId));
    const bills: Bill[] = [];
    const customers: CustomerDetailsEvent[] = [];
    for (const { row, cells, bill, written } of accepted) {
      const conflict = fixedTermsConflict(bill, paid.get(bill.invoiceId));
      if (conflict) {
        counts.accepted -= 1;
        await reject(row, conflict, cells);
      } else if (!written) {
        bills.push(bill);
        const details = input.customers && customerDetailsOf(bill, row, file.key, input.customers);
        if (details) customers.push({ id: customerDetailsEventId(details), data: details });
      }
    }
    if (bills.length === 0) return;
    await input.invoices.putBills(bills.map((bill) => billItem(bill, file)));
    // Beside the reminders: payments keeps the customers' details; the same ids again after a crash.
    const announcingCustomers =
      customers.length > 0 ? input.events.publishCustomerDetails(customers) : Promise.resolve();
    const due: InvoiceDueEvent[] = [];
    const merchantId = input.customers?.merchantId;
    for (const bill of bills.filter((bill) => mayBeDue(bill, merchantId))) {
      const data = invoiceDue(bill, paid.get(bill.invoiceId)?.paidAmount, merchantId);
      if (data) due.push({ id: invoiceDueEventId(bill, file.billDate), data });
      else counts.alreadyPaid += 1;
    }
    await Promise.all([
      due.length > 0 ? input.events.publishInvoicesDue(due) : undefined,
      announcingCustomers,
    ]);
    counts.invoicesDue += due.length;
    counts.customerDetails += customers.length;
  };

  const advanceCheckpoint = () => {
    while (units[0]?.done) safeRow = Math.max(safeRow, units.shift()!.lastRow);
    if (safeRow - checkpointedRow >= options.checkpointEveryRows) {
      const row = safeRow;
      checkpointedRow = row;
      checkpointing = checkpointing.then(() => input.checkpoint(row));
    }
  };

  const submitPending = async () => {
    if (pendingRows.length === 0) return;
    const accepted = pendingRows;
    pendingRows = [];
    const unit: Unit = { lastRow: lastRowRead, done: false };
    units.push(unit);
    const work = processUnit(accepted).then(
      () => {
        unit.done = true;
        advanceCheckpoint();
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
      if (cells.some((cell) => /[\u0000\ufffd]/.test(cell))) {
        throw new Unreadable('it is not a CSV text file (it holds binary data)');
      }
      const result = resolveHeader(cells);
      if (!result.ok) throw new Unreadable(result.reason);
      header = result.header;
      if (header.ignored.length > 0) log.info('Ignoring unknown columns', { columns: header.ignored });
      return;
    }
    if (cells.every((cell) => cell.trim() === '')) return;
    counts.rows += 1;
    const result = validateBillRow(cells, header, rules);
    if (!result.ok) return reject(row, result.reason, cells);
    const firstRow = firstSeen.remember(result.bill.invoiceId, row);
    if (firstRow !== undefined) {
      return reject(
        row,
        `InvoiceID ${result.bill.invoiceId} appears again (first at row ${firstRow})`,
        cells,
      );
    }
    counts.accepted += 1;
    pendingRows.push({ row, cells, bill: result.bill, written: row <= input.resumeAfterRow });
    if (pendingRows.length >= options.unitRows) await submitPending();
  };

  const logProgress = () => {
    if (counts.rows < nextProgress) return;
    nextProgress += options.progressEveryRows;
    const seconds = (Date.now() - started) / 1000;
    log.info('Ingest progress', {
      rows: counts.rows,
      accepted: counts.accepted,
      rejected: counts.rejected,
      rowsPerSecond: Math.round(counts.rows / Math.max(seconds, 0.001)),
      rssMb: Math.round(process.memoryUsage.rss() / 1_048_576),
    });
  };

  let stopped = false;
  try {
    reading: for await (const chunk of input.source) {
      await parser.write(chunk);
      for (const row of parser.take()) {
        await handleRow(row);
        logProgress();
        if (header && row.row > input.resumeAfterRow && input.shouldStop()) {
          stopped = true;
          break reading;
        }
      }
      if (parser.broken) break;
    }
    if (!stopped) {
      await parser.end();
      for (const row of parser.take()) await handleRow(row);
    }
    if (!header) throw new Unreadable('it is empty');
    const broken = stopped ? undefined : parser.broken;
    if (broken) {
      if (counts.rows === 0) throw new Unreadable(`row ${broken.row}: ${broken.reason}`);
      counts.rows += 1;
      await reject(broken.row, broken.reason, undefined);
    }
    if (counts.rows === 0) throw new Unreadable('it has a header row but no bills');
    await submitPending();
    while (inFlight.size > 0) await Promise.race(inFlight);
    if (unitFailure !== undefined) throw unitFailure;
    advanceCheckpoint();
    await checkpointing;
  } catch (error) {
    // Let units already sent finish (or fail) before the caller decides what to do.
    await Promise.allSettled(inFlight);
    if (error instanceof Unreadable) return { kind: 'unreadable', reason: error.reason };
    throw error;
  } finally {
    parser.destroy();
  }
  if (stopped) return { kind: 'stopped', counts, checkpointRow: lastRowRead };
  return { kind: 'completed', counts };
}

class Unreadable extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}
