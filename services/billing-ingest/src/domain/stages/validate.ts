import { validateBillRow, type Bill, type RowRules } from '../bill-row';
import type { BillsHeader } from '../header';

/*
 * Stage 2, validate: a data row becomes a bill, or a reason for the rejects file; a blank row is no row at all.
 */

export type CheckedRow =
  { kind: 'blank' } | { kind: 'invalid'; reason: string } | { kind: 'bill'; bill: Bill };

export function checkRow(cells: string[], header: BillsHeader, rules: RowRules): CheckedRow {
  if (cells.every((cell) => cell.trim() === '')) return { kind: 'blank' };
  const result = validateBillRow(cells, header, rules);
  return result.ok ? { kind: 'bill', bill: result.bill } : { kind: 'invalid', reason: result.reason };
}
