/** The columns of a bills file: the source document's four, plus optional contact and billing details. */
const requiredColumns = ['InvoiceID', 'CustomerName', 'Balance', 'IsProcessed'] as const;
const optionalColumns = ['CustomerID', 'Email', 'Phone', 'DueDate', 'Currency'] as const;

type ColumnName = (typeof requiredColumns)[number] | (typeof optionalColumns)[number];

/** Where each known column sits in a row; optional columns absent from the file are undefined. */
type ColumnIndex = { [Name in (typeof requiredColumns)[number]]: number } & {
  [Name in (typeof optionalColumns)[number]]?: number;
};

export interface BillsHeader {
  columns: ColumnIndex;
  /** Header cells as written in the file, for the rejects file. */
  names: string[];
  /** Columns the file has that Payflow does not read. */
  ignored: string[];
}

export type HeaderResult = { ok: true; header: BillsHeader } | { ok: false; reason: string };

/** 'Invoice ID', 'invoice_id' and 'INVOICEID' all name InvoiceID. */
function normalise(name: string): string {
  return name.replace(/[\s_-]/g, '').toLowerCase();
}

const knownColumns = new Map<string, ColumnName>(
  [...requiredColumns, ...optionalColumns].map((name) => [normalise(name), name]),
);

const expected = `${requiredColumns.join(', ')} (any order, any case), optionally ${optionalColumns.join(', ')}`;

/** Reads the header row: names are matched without regard to case, spacing or order. */
export function resolveHeader(cells: string[]): HeaderResult {
  const columns: Partial<Record<ColumnName, number>> = {};
  const ignored: string[] = [];
  for (const [index, cell] of cells.entries()) {
    const name = knownColumns.get(normalise(cell));
    if (!name) {
      if (cell.trim() !== '') ignored.push(cell.trim());
      continue;
    }
    if (columns[name] !== undefined) {
      return {
        ok: false,
        reason: `Header names ${name} twice (columns ${columns[name] + 1} and ${index + 1}); expected ${expected}`,
      };
    }
    columns[name] = index;
  }
  const missing = requiredColumns.filter((name) => columns[name] === undefined);
  if (missing.length > 0) {
    const shown = cells.join(',');
    return {
      ok: false,
      reason:
        `Header row "${shown.length > 200 ? `${shown.slice(0, 200)}...` : shown}" lacks ${missing.join(', ')}; ` +
        `expected ${expected}`,
    };
  }
  return {
    ok: true,
    header: { columns: columns as ColumnIndex, names: cells.map((cell) => cell.trim()), ignored },
  };
}
