import type { Bill } from '../bill-row';

/*
 * Stage 4, batch: accepted rows are grouped into units, each written with a few DynamoDB calls.
 */

export interface AcceptedRow {
  row: number;
  cells: string[];
  bill: Bill;
  /** Written (and announced) by an earlier invocation: only checked again, to rebuild the rejects file. */
  written: boolean;
}

export interface Unit {
  rows: AcceptedRow[];
  /** Every row of the file up to here is in this unit or an earlier one (or was rejected). */
  lastRow: number;
}

export class UnitBatcher {
  private pending: AcceptedRow[] = [];

  constructor(private readonly unitRows: number) {}

  /** Adds a row; returns the unit it completes, if it does. */
  add(accepted: AcceptedRow): Unit | undefined {
    this.pending.push(accepted);
    return this.pending.length >= this.unitRows ? this.flush(accepted.row) : undefined;
  }

  /** The rows not yet in a unit, as a last unit that covers the file up to `lastRow`. */
  flush(lastRow: number): Unit | undefined {
    if (this.pending.length === 0) return undefined;
    const rows = this.pending;
    this.pending = [];
    return { rows, lastRow };
  }
}
