import { FirstSeenRows } from '../first-seen-rows';

/*
 * Stage 3, deduplicate: an invoice id may appear once in a file; its first row wins, later ones are rejected.
 */

export class DuplicateInvoiceIds {
  private readonly firstSeen = new FirstSeenRows();

  /** Undefined the first time `invoiceId` is seen; after that, why `row` is rejected. */
  check(invoiceId: string, row: number): string | undefined {
    const firstRow = this.firstSeen.remember(invoiceId, row);
    return firstRow === undefined
      ? undefined
      : `InvoiceID ${invoiceId} appears again (first at row ${firstRow})`;
  }
}
