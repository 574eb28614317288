import { DuplicateInvoiceIds } from '../../../src/domain/stages/deduplicate';

describe('deduplicate stage', () => {
  it('lets the first row of an invoice id through and names it when the id comes again', () => {
    const duplicates = new DuplicateInvoiceIds();
    expect(duplicates.check('10452', 2)).toBeUndefined();
    expect(duplicates.check('10453', 3)).toBeUndefined();
    expect(duplicates.check('10452', 9)).toBe('InvoiceID 10452 appears again (first at row 2)');
    expect(duplicates.check('10452', 12)).toBe('InvoiceID 10452 appears again (first at row 2)');
  });

  it('tells ids apart that only look alike', () => {
    const duplicates = new DuplicateInvoiceIds();
    expect(duplicates.check('42', 2)).toBeUndefined();
    expect(duplicates.check('042', 3)).toBeUndefined();
    expect(duplicates.check('INV-42', 4)).toBeUndefined();
    expect(duplicates.check('inv-42', 5)).toBeUndefined();
  });
});
