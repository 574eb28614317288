import { parse, type Parser } from 'csv-parse';

/** One CSV record and the line of the file it starts on (the header is row 1). */
export interface CsvRow {
  row: number;
  cells: string[];
}

/** The file stopped being CSV at `row`: nothing after it can be read. */
export interface CsvBreak {
  row: number;
  reason: string;
}

/** A legitimate bills row is well under 1 KB; a longer one is a runaway quote, and must not fill memory. */
const MAX_ROW_BYTES = 64 * 1024;

/**
 * csv-parse fed chunk by chunk. Records are collected synchronously through `on_record`, so a syntax error
 * (an unclosed quote, a runaway row) never discards rows parsed before it, as destroying a stream would.
 * Memory is bounded by one chunk's rows: the caller drains `take()` after each `write`.
 */
export class BillsCsvParser {
  private readonly parser: Parser;
  private rows: CsvRow[] = [];
  private lastLine = 0;
  private lastEmptyLines = 0;
  private failure: CsvBreak | undefined;

  constructor() {
    this.parser = parse({
      bom: true,
      relax_column_count: true,
      // A stray quote inside a value (Dwayne "The Rock" Johnson) is kept as text rather than breaking the file.
      relax_quotes: true,
      skip_empty_lines: true,
      max_record_size: MAX_ROW_BYTES,
      on_record: (cells: string[], context: { lines: number; empty_lines: number }) => {
        this.rows.push({ row: this.startLine(context), cells });
        this.lastLine = context.lines;
        this.lastEmptyLines = context.empty_lines;
        return null;
      },
    });
    this.parser.on('error', (error: Error & { code?: string; lines?: number; empty_lines?: number }) => {
      const row = this.startLine({ lines: error.lines ?? this.lastLine, empty_lines: error.empty_lines });
      this.failure = { row, reason: describeCsvError(error) };
    });
    this.parser.resume();
  }

  /** Parses a chunk of the file; rows become available through take(). */
  async write(chunk: Buffer | string): Promise<void> {
    if (this.failure) return;
    await new Promise<void>((resolve) => this.parser.write(chunk, () => resolve()));
  }

  /** Signals the end of the file; a quote still open is reported through `broken`. */
  async end(): Promise<void> {
    if (this.failure || this.parser.writableEnded) return;
    await new Promise<void>((resolve) => {
      this.parser.once('error', () => resolve());
      this.parser.end(() => resolve());
    });
  }

  /** Rows parsed since the last call, in file order. */
  take(): CsvRow[] {
    const rows = this.rows;
    this.rows = [];
    return rows;
  }

  /** Set once the file stopped being CSV; no further rows will come. */
  get broken(): CsvBreak | undefined {
    return this.failure;
  }

  destroy(): void {
    this.parser.destroy();
  }

  /** `lines` is where a record ends; it starts after the previous record and any empty lines between. */
  private startLine(context: { lines: number; empty_lines?: number }): number {
    const emptyBetween = Math.max(0, (context.empty_lines ?? this.lastEmptyLines) - this.lastEmptyLines);
    return this.lastLine + 1 + emptyBetween;
  }
}

function describeCsvError(error: Error & { code?: string }): string {
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a double quote opened on this row is never closed, so the rest of the file could not be read';
    case 'CSV_MAX_RECORD_SIZE':
      return `this row is longer than ${MAX_ROW_BYTES} bytes (is a double quote left open?), so the rest of the file could not be read`;
    default:
      return `the file stops being valid CSV here (${error.message}), so the rest of it could not be read`;
  }
}
