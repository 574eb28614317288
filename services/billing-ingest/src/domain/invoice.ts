import {
  BILL_RECORD,
  billingEventId,
  type BillItem,
  type CustomerDetailsIngestedData,
  type InvoiceDueData,
} from '@payflow/shared';
import type { Bill } from './bill-row';

/** The BILL item is the invoices table's contract (shared), which payments reads; this is where a row becomes one. */
export type { BillItem };

export interface BillFile {
  /** s3 key of the file, e.g. incoming/bills-2026-11-21.csv. */
  key: string;
  billDate: string;
  /** When ingestion of this file started; every BILL of the file carries it, so a re-put is identical. */
  ingestedAt: string;
}

export function billItem(bill: Bill, file: BillFile): BillItem {
  return {
    invoiceId: bill.invoiceId,
    record: BILL_RECORD,
    customerId: bill.customerId,
    customerName: bill.customerName,
    billedAmount: bill.billed.amount,
    currency: bill.billed.currency,
    dueDate: bill.dueDate,
    ...(bill.email ? { email: bill.email } : {}),
    ...(bill.phone ? { phone: bill.phone } : {}),
    channels: bill.channels,
    isProcessed: bill.isProcessed,
    ...(bill.isProcessed ? { settledByBiller: true as const } : {}),
    billDate: file.billDate,
    sourceFile: file.key,
    updatedAt: file.ingestedAt,
  };
}

/** An invoice that has a LEDGER item (it has had payments), with the terms its stored BILL was paid under. */
export interface PaidInvoice {
  paidAmount: number;
  /** The BILL as stored before this file; absent only if it was deleted by hand. */
  bill?: { currency: string; customerId: string };
}

/**
 * Once an invoice has payments its currency and customer are fixed: a ledger of 5000 paid means 50.00 EUR, and
 * must not become 5000 JPY, or another customer's invoice, because a later file says so. Returns why a row may
 * not replace the BILL, or undefined when it may (an amount, a due date or contact details may still change).
 */
export function fixedTermsConflict(bill: Bill, paid: PaidInvoice | undefined): string | undefined {
  if (!paid?.bill) return undefined;
  const problems: string[] = [];
  if (bill.billed.currency !== paid.bill.currency) {
    problems.push(`Currency ${bill.billed.currency} differs from ${paid.bill.currency}`);
  }
  if (bill.customerId !== paid.bill.customerId) {
    problems.push(`CustomerID ${bill.customerId} differs from ${paid.bill.customerId}`);
  }
  if (problems.length === 0) return undefined;
  return (
    `${problems.join('; ')}: invoice ${bill.invoiceId} already has payments, so its currency and customer ` +
    `cannot change (keep them as they were, or bill the change under a new InvoiceID)`
  );
}

export type InvoiceStatus = 'DUE' | 'PARTIALLY_PAID' | 'PAID';

/** Outstanding balance = billed - paid; no LEDGER item means nothing was paid. */
export function outstandingAmount(billedAmount: number, paidAmount: number | undefined): number {
  return billedAmount - (paidAmount ?? 0);
}

export function invoiceStatus(billedAmount: number, paidAmount: number | undefined): InvoiceStatus {
  if (outstandingAmount(billedAmount, paidAmount) <= 0) return 'PAID';
  return (paidAmount ?? 0) > 0 ? 'PARTIALLY_PAID' : 'DUE';
}

/**
 * Whether a customer could be told about this bill at all, before the ledger is read: by the row's own addresses,
 * or, for a row naming its CustomerID without any, by that customer's stored channels (when `merchantId` says whose).
 */
export function mayBeDue(bill: Bill, merchantId?: string): boolean {
  const reachable = bill.channels.length > 0 || (bill.customerIdGiven && merchantId !== undefined);
  return !bill.isProcessed && reachable && bill.billed.amount > 0;
}

/**
 * The InvoiceDue to send for a bill given what was paid, or undefined when nothing is owed or nobody can be told.
 * A row without addresses that names its customer sends `customer` instead of `contact`: notification uses the
 * channels the merchant's customer has stored.
 */
export function invoiceDue(
  bill: Bill,
  paidAmount: number | undefined,
  merchantId?: string,
): InvoiceDueData | undefined {
  if (!mayBeDue(bill, merchantId)) return undefined;
  const outstanding = outstandingAmount(bill.billed.amount, paidAmount);
  if (outstanding <= 0) return undefined;
  return {
    invoiceId: bill.invoiceId,
    customerName: bill.customerName,
    balance: { amount: outstanding, currency: bill.billed.currency },
    dueDate: bill.dueDate,
    ...(bill.channels.length > 0
      ? {
          contact: {
            channels: bill.channels,
            ...(bill.email ? { email: bill.email } : {}),
            ...(bill.phone ? { phone: bill.phone } : {}),
          },
        }
      : { customer: { id: bill.customerId, merchantId: merchantId! } }),
  };
}

/**
 * The same invoice, bill date and billed amount always give the same InvoiceDue id, so a retried batch
 * or a re-delivered file can be recognised downstream.
 */
export function invoiceDueEventId(bill: Bill, billDate: string): string {
  return billingEventId(`InvoiceDue|${bill.invoiceId}|${billDate}|${bill.billed.amount}`);
}

/** Whom a file's customers belong to and as of when the file states their details. */
export interface CustomerDetailsSource {
  /** The merchant (app client id) the bills bucket bills for. */
  merchantId: string;
  /** The file's upload time (ISO 8601). */
  statedAt: string;
}

/**
 * What a row states about its customer, for payments to keep: only a row with its own CustomerID (a derived id is
 * not the biller's customer number) and an address to reach the customer on; otherwise undefined.
 */
export function customerDetailsOf(
  bill: Bill,
  row: number,
  fileKey: string,
  source: CustomerDetailsSource,
): CustomerDetailsIngestedData | undefined {
  if (!bill.customerIdGiven || (!bill.email && !bill.phone)) return undefined;
  return {
    customerId: bill.customerId,
    merchantId: source.merchantId,
    customerName: bill.customerName,
    ...(bill.email ? { email: bill.email } : {}),
    ...(bill.phone ? { phone: bill.phone } : {}),
    fileKey,
    statedAt: source.statedAt,
    row,
  };
}

/** The same row of the same upload always gives the same id, so a retried unit or a resumed file repeats it. */
export function customerDetailsEventId(details: CustomerDetailsIngestedData): string {
  return billingEventId(
    `CustomerDetailsIngested|${details.fileKey}|${details.statedAt}|${details.row}|${details.customerId}`,
  );
}
