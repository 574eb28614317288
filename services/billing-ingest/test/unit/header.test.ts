import { resolveHeader } from '../../src/domain/header';

describe('resolveHeader', () => {
  it('matches column names whatever their case, spacing or order', () => {
    const result = resolveHeader([
      'is_processed',
      'BALANCE',
      ' Customer Name ',
      'invoiceid',
      'E-mail',
      'DueDate',
    ]);
    expect(result).toMatchObject({
      ok: true,
      header: {
        columns: { IsProcessed: 0, Balance: 1, CustomerName: 2, InvoiceID: 3, Email: 4, DueDate: 5 },
        ignored: [],
      },
    });
  });

  it('ignores columns it does not know and says which', () => {
    const result = resolveHeader(['InvoiceID', 'CustomerName', 'Balance', 'IsProcessed', 'Notes']);
    expect(result.ok && result.header.ignored).toEqual(['Notes']);
  });

  it('names every missing required column and what was expected', () => {
    const result = resolveHeader(['id', 'name', 'amount']);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(
      /^Header row "id,name,amount" lacks InvoiceID, CustomerName, Balance, IsProcessed; expected InvoiceID, CustomerName, Balance, IsProcessed \(any order, any case\)/,
    );
  });

  it('refuses a column named twice', () => {
    const result = resolveHeader(['InvoiceID', 'CustomerName', 'Balance', 'IsProcessed', 'invoice id']);
    expect(!result.ok && result.reason).toMatch(/^Header names InvoiceID twice \(columns 1 and 5\)/);
  });
});
