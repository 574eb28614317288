import type { RowRules } from '../../../src/domain/bill-row';
import { resolveHeader } from '../../../src/domain/header';
import { checkRow } from '../../../src/domain/stages/validate';

const rules: RowRules = { defaultCurrency: 'EUR', billDate: '2026-11-21', paymentTermsDays: 14 };
const resolved = resolveHeader(['InvoiceID', 'CustomerName', 'Balance', 'IsProcessed', 'Email']);
if (!resolved.ok) throw new Error(resolved.reason);
const { header } = resolved;

describe('validate stage', () => {
  it('makes a bill of a good row, with the defaults the rules give', () => {
    expect(checkRow(['7', 'Ada', '12.50', '0', 'ada@example.com'], header, rules)).toEqual({
      kind: 'bill',
      bill: expect.objectContaining({
        invoiceId: '7',
        billed: { amount: 1250, currency: 'EUR' },
        dueDate: '2026-12-05',
        channels: ['email'],
      }),
    });
  });

  it('gives the reason a bad row is rejected', () => {
    expect(checkRow(['7', 'Ada', '12,50', '0', ''], header, rules)).toEqual({
      kind: 'invalid',
      reason: expect.stringContaining('Balance "12,50" is not a number'),
    });
  });

  it('calls a row of empty or blank cells blank, not invalid', () => {
    expect(checkRow(['', ' ', '', '\t', ''], header, rules)).toEqual({ kind: 'blank' });
    expect(checkRow([''], header, rules)).toEqual({ kind: 'blank' });
  });
});
