import { parseBillsCsv, parseHeaderRow, type ParsedChunk } from '../../../src/domain/stages/parse';

async function parseAll(chunks: string[]): Promise<ParsedChunk[]> {
  const parsed: ParsedChunk[] = [];
  for await (const chunk of parseBillsCsv(
    (async function* () {
      for (const text of chunks) yield Buffer.from(text);
    })(),
  )) {
    parsed.push(chunk);
  }
  return parsed;
}

describe('parse stage', () => {
  it('yields the rows of each chunk as it arrives, with their line numbers, then the rows left at the end', async () => {
    const parsed = await parseAll(['\ufeffInvoiceID,Balance\r\n1,"5', '.00"\r\n2,"Multi\nLine"\r\n3,7.00']);
    expect(parsed).toEqual([
      { kind: 'rows', rows: [{ row: 1, cells: ['InvoiceID', 'Balance'] }], atEnd: false },
      {
        kind: 'rows',
        rows: [
          { row: 2, cells: ['1', '5.00'] },
          { row: 3, cells: ['2', 'Multi\nLine'] },
        ],
        atEnd: false,
      },
      // The last row has no line break: csv-parse only knows it is whole once the file ends.
      { kind: 'rows', rows: [{ row: 5, cells: ['3', '7.00'] }], atEnd: true },
    ]);
  });

  it('ends with where the file stopped being CSV, after the rows before it', async () => {
    const parsed = await parseAll(['InvoiceID\r\n1\r\n\r\n"never closed\r\n2\r\n']);
    expect(parsed.flatMap((chunk) => (chunk.kind === 'rows' ? chunk.rows : []))).toEqual([
      { row: 1, cells: ['InvoiceID'] },
      { row: 2, cells: ['1'] },
    ]);
    expect(parsed.at(-1)).toEqual({
      kind: 'broken',
      at: {
        row: 4,
        reason:
          'a double quote opened on this row is never closed, so the rest of the file could not be read',
      },
    });
  });

  it('reads no further than the caller asks, and closes the source when the caller stops', async () => {
    let chunksRead = 0;
    let closed = false;
    const source = (async function* () {
      try {
        for (let chunk = 0; chunk < 10; chunk += 1) {
          chunksRead += 1;
          yield `${chunk}\n`;
        }
      } finally {
        closed = true;
      }
    })();
    let readWhenStopped = 0;
    for await (const parsed of parseBillsCsv(source)) {
      readWhenStopped = chunksRead;
      if (parsed.kind === 'rows' && parsed.rows.length > 0) break;
    }
    expect(readWhenStopped).toBeLessThan(10);
    expect(chunksRead).toBe(readWhenStopped);
    expect(closed).toBe(true);
  });

  it('reads the header row, and refuses one that holds binary data or lacks the required columns', () => {
    expect(parseHeaderRow(['InvoiceID', 'CustomerName', 'Balance', 'IsProcessed', 'Colour'])).toMatchObject({
      ok: true,
      header: { columns: { InvoiceID: 0, Balance: 2 }, ignored: ['Colour'] },
    });
    expect(parseHeaderRow(['PK\u0000\u0003', 'InvoiceID'])).toEqual({
      ok: false,
      reason: 'it is not a CSV text file (it holds binary data)',
    });
    expect(parseHeaderRow(['InvoiceID', 'Balance'])).toMatchObject({
      ok: false,
      reason: expect.stringContaining('CustomerName'),
    });
  });
});
