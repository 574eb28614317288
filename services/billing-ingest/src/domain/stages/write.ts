import type { CustomerDetailsIngestedData, InvoiceDueData } from '@payflow/shared';
import type { Bill } from '../bill-row';
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
} from '../invoice';
import type { AcceptedRow } from './batch';

/*
 * Stage 5, write: one unit's LEDGERs are read, rows that would change a paid invoice's currency or customer are
 * refused, the other BILLs are put, and then the invoices still owed are announced (InvoiceDue) beside the
 * customers' details the rows state (CustomerDetailsIngested).
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

export interface RefusedRow {
  row: number;
  cells: string[];
  reason: string;
}

export interface WritePorts {
  file: BillFile;
  /** Whom the file's customers belong to; without it no CustomerDetailsIngested is sent (the benchmark). */
  customers?: CustomerDetailsSource | undefined;
  invoices: InvoiceStore;
  events: InvoiceDuePublisher;
  /** Called for each refused row, before anything of the unit is written. */
  refuse: (refused: RefusedRow) => Promise<void>;
}

export interface UnitWritten {
  /** InvoiceDue events sent. */
  invoicesDue: number;
  /** CustomerDetailsIngested events sent. */
  customerDetails: number;
  /** Bills with an outstanding amount that were not announced because the ledger shows them paid. */
  alreadyPaid: number;
}

export async function writeUnit(rows: AcceptedRow[], ports: WritePorts): Promise<UnitWritten> {
  // Read before writing: a row that would change a paid invoice's currency or customer must not replace it.
  const paid = await ports.invoices.paidInvoices(rows.map(({ bill }) => bill.invoiceId));
  const { toWrite, refused } = sortOutPaidTermChanges(rows, paid);
  for (const row of refused) await ports.refuse(row);
  if (toWrite.length === 0) return { invoicesDue: 0, customerDetails: 0, alreadyPaid: 0 };
  const bills = toWrite.map(({ bill }) => bill);
  await ports.invoices.putBills(bills.map((bill) => billItem(bill, ports.file)));
  // Beside the reminders: payments keeps the customers' details; the same ids again after a crash.
  const customers = ports.customers ? customerDetailsFor(toWrite, ports.file.key, ports.customers) : [];
  const { due, alreadyPaid } = invoicesDueOf(bills, paid, ports.file.billDate, ports.customers?.merchantId);
  await Promise.all([
    due.length > 0 ? ports.events.publishInvoicesDue(due) : undefined,
    customers.length > 0 ? ports.events.publishCustomerDetails(customers) : undefined,
  ]);
  return { invoicesDue: due.length, customerDetails: customers.length, alreadyPaid };
}

/** Which bills to put (not already written), and which rows to refuse for changing a paid invoice's terms. */
function sortOutPaidTermChanges(
  rows: AcceptedRow[],
  paid: Map<string, PaidInvoice>,
): { toWrite: AcceptedRow[]; refused: RefusedRow[] } {
  const toWrite: AcceptedRow[] = [];
  const refused: RefusedRow[] = [];
  for (const accepted of rows) {
    const { row, cells, bill, written } = accepted;
    const reason = fixedTermsConflict(bill, paid.get(bill.invoiceId));
    if (reason) refused.push({ row, cells, reason });
    else if (!written) toWrite.push(accepted);
  }
  return { toWrite, refused };
}

/** The CustomerDetailsIngested events of rows that name their customer and an address for them. */
function customerDetailsFor(
  rows: AcceptedRow[],
  fileKey: string,
  source: CustomerDetailsSource,
): CustomerDetailsEvent[] {
  return rows.flatMap(({ bill, row }) => {
    const details = customerDetailsOf(bill, row, fileKey, source);
    return details ? [{ id: customerDetailsEventId(details), data: details }] : [];
  });
}

/** The InvoiceDue events for bills still owed, and how many owed bills the ledger shows paid already. */
export function invoicesDueOf(
  bills: Bill[],
  paid: Map<string, PaidInvoice>,
  billDate: string,
  /** The file's merchant: a row naming its CustomerID without addresses is announced for that customer. */
  merchantId?: string,
): { due: InvoiceDueEvent[]; alreadyPaid: number } {
  const due: InvoiceDueEvent[] = [];
  let alreadyPaid = 0;
  for (const bill of bills.filter((bill) => mayBeDue(bill, merchantId))) {
    const data = invoiceDue(bill, paid.get(bill.invoiceId)?.paidAmount, merchantId);
    if (data) due.push({ id: invoiceDueEventId(bill, billDate), data });
    else alreadyPaid += 1;
  }
  return { due, alreadyPaid };
}
