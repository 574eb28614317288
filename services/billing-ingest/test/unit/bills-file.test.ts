import { billDateOf, decodeS3Key, isBillsFileKey, rejectsKeyFor } from '../../src/domain/bills-file';

describe('bills file names', () => {
  it('decodes S3 event keys, + meaning a space', () => {
    expect(decodeS3Key('incoming/bills+for+2026-11-21%281%29.csv')).toBe(
      'incoming/bills for 2026-11-21(1).csv',
    );
    expect(decodeS3Key('incoming/a%2Bb.csv')).toBe('incoming/a+b.csv');
  });

  it('accepts only incoming/*.csv', () => {
    expect(isBillsFileKey('incoming/bills-2026-11-21.csv')).toBe(true);
    expect(isBillsFileKey('incoming/acme/BILLS.CSV')).toBe(true);
    expect(isBillsFileKey('rejects/bills-2026-11-21.csv')).toBe(false);
    expect(isBillsFileKey('incoming/bills.txt')).toBe(false);
  });

  it('puts rejects under rejects/ with the same file name', () => {
    expect(rejectsKeyFor('incoming/bills-2026-11-21.csv')).toBe('rejects/bills-2026-11-21.csv');
    expect(rejectsKeyFor('incoming/acme/Bills.CSV')).toBe('rejects/acme/Bills.csv');
  });

  it('takes the bill date from the file name, else from the upload', () => {
    const uploaded = new Date('2026-11-22T08:00:00Z');
    expect(billDateOf('incoming/bills-2026-11-21.csv', uploaded)).toBe('2026-11-21');
    expect(billDateOf('incoming/bills-2026-13-45.csv', uploaded)).toBe('2026-11-22');
    expect(billDateOf('incoming/bills.csv', uploaded)).toBe('2026-11-22');
  });
});
