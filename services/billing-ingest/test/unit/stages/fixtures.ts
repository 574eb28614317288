import type { Bill } from '../../../src/domain/bill-row';
import type { AcceptedRow } from '../../../src/domain/stages/batch';

/** A bill as the validate stage makes it, for the stages after it. */
export function bill(invoiceId: string, changes: Partial<Bill> = {}): Bill {
  return {
    invoiceId,
    customerId: `CUS-${invoiceId}`,
    customerIdGiven: false,
    customerName: `Customer ${invoiceId}`,
    billed: { amount: 1000, currency: 'EUR' },
    dueDate: '2026-12-05',
    email: `c${invoiceId}@example.com`,
    channels: ['email'],
    isProcessed: false,
    ...changes,
  };
}

export function acceptedRow(row: number, invoiceId: string, changes: Partial<AcceptedRow> = {}): AcceptedRow {
  return { row, cells: [invoiceId], bill: bill(invoiceId), written: false, ...changes };
}
