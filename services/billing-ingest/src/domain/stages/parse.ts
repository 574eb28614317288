import { BillsCsvParser, type CsvBreak, type CsvRow } from '../bills-parser';
import { resolveHeader, type HeaderResult } from '../header';

/*
 * Stage 1, parse: the file's bytes become CSV rows, chunk by chunk, and the first row becomes the header.
 */

export type ParsedChunk =
  /** The rows one chunk of the file held; `atEnd` for the rows left once the file ended. */
  | { kind: 'rows'; rows: CsvRow[]; atEnd: boolean }
  /** The file stopped being CSV here: no rows follow. */
  | { kind: 'broken'; at: CsvBreak };

/** Rows as the bytes arrive, with backpressure: the next chunk is read once the caller asks for more rows. */
export async function* parseBillsCsv(source: AsyncIterable<Buffer | string>): AsyncGenerator<ParsedChunk> {
  const parser = new BillsCsvParser();
  try {
    for await (const chunk of source) {
      await parser.write(chunk);
      yield { kind: 'rows', rows: parser.take(), atEnd: false };
      if (parser.broken) break;
    }
    await parser.end();
    yield { kind: 'rows', rows: parser.take(), atEnd: true };
    if (parser.broken) yield { kind: 'broken', at: parser.broken };
  } finally {
    parser.destroy();
  }
}

/** The header row, or why the file cannot be a bills file. */
export function parseHeaderRow(cells: string[]): HeaderResult {
  if (cells.some((cell) => /[\u0000\ufffd]/.test(cell))) {
    return { ok: false, reason: 'it is not a CSV text file (it holds binary data)' };
  }
  return resolveHeader(cells);
}
