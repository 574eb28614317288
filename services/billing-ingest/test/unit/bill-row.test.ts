import { resolveHeader, type BillsHeader } from '../../src/domain/header';
import { addDays, deriveCustomerId, normalisePhone, validateBillRow } from '../../src/domain/bill-row';

const rules = { defaultCurrency: 'EUR', billDate: '2026-11-21', paymentTermsDays: 14 };

function headerOf(...names: string[]): BillsHeader {
  const result = resolveHeader(names);
  if (!result.ok) throw new Error(result.reason);
  return result.header;
}

const full = headerOf(
  'InvoiceID',
  'CustomerName',
  'Balance',
  'IsProcessed',
  'Email',
  'Phone',
  'DueDate',
  'Currency',
);
const minimal = headerOf('InvoiceID', 'CustomerName', 'Balance', 'IsProcessed');

describe('validateBillRow', () => {
  it('reads a full row into minor units, E.164 phone and both channels', () => {
    const result = validateBillRow(
      [
        '10452',
        ' Grace Hopper ',
        '125.50',
        '0',
        'grace@example.com',
        '+1 (415) 555-0123',
        '2026-12-05',
        'usd',
      ],
      full,
      rules,
    );
    expect(result).toEqual({
      ok: true,
      bill: {
        invoiceId: '10452',
        customerId: deriveCustomerId('grace@example.com'),
        customerIdGiven: false,
        customerName: 'Grace Hopper',
        billed: { amount: 12550, currency: 'USD' },
        dueDate: '2026-12-05',
        email: 'grace@example.com',
        phone: '+14155550123',
        channels: ['email', 'sms'],
        isProcessed: false,
      },
    });
  });

  it('fills currency from configuration and the due date from the payment terms', () => {
    const result = validateBillRow(['7', 'Ada Lovelace', '900', 'true'], minimal, rules);
    expect(result).toMatchObject({
      ok: true,
      bill: {
        billed: { amount: 90000, currency: 'EUR' },
        dueDate: '2026-12-05',
        channels: [],
        isProcessed: true,
      },
    });
  });

  it('derives the customer id from the name when there is no e-mail, case-insensitively', () => {
    const a = validateBillRow(['1', 'Ada Lovelace', '1', '0'], minimal, rules);
    const b = validateBillRow(['2', 'ADA LOVELACE', '1', '0'], minimal, rules);
    expect(a.ok && a.bill.customerId).toMatch(/^CUS-[0-9a-f]{12}$/);
    expect(a.ok && a.bill.customerId).toBe(b.ok && b.bill.customerId);
  });

  it('takes a CustomerID column when the file has one', () => {
    const header = headerOf('CustomerID', 'InvoiceID', 'CustomerName', 'Balance', 'IsProcessed');
    const result = validateBillRow(['C-77', '1', 'Ada', '1.00', '0'], header, rules);
    expect(result.ok && result.bill.customerId).toBe('C-77');
    expect(result.ok && result.bill.customerIdGiven).toBe(true);
  });

  it.each([
    [['17', 'Ada', '12,50', '0'], 'Balance "12,50" is not a number (write it like 12.50'],
    [['17', 'Ada', '', '0'], 'Balance is missing'],
    [['17', 'Ada', '-3.00', '0'], 'Balance "-3.00" is negative'],
    [['17', 'Ada', '3.005', '0'], 'Balance "3.005" has 3 decimals but EUR has 2'],
    [['', 'Ada', '3', '0'], 'InvoiceID is missing'],
    [['12 a', 'Ada', '3', '0'], 'InvoiceID "12 a" is not an invoice number'],
    [['17', '  ', '3', '0'], 'CustomerName is missing'],
    [['17', 'x'.repeat(201), '3', '0'], 'CustomerName is 201 characters long; at most 200 fit'],
    [['17', 'Ada', '3', 'maybe'], 'IsProcessed "maybe" is not one of 0, 1, true, false, yes, no'],
  ])('rejects %j with a reason a person understands', (cells, reason) => {
    const result = validateBillRow(cells, minimal, rules);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toContain(reason);
  });

  it.each([
    ['Email', 'billing@', 'Email "billing@" is not an e-mail address'],
    ['Phone', '07700 900123', 'Phone "07700 900123" is not an international number'],
    ['DueDate', '31/12/2026', 'DueDate "31/12/2026" is not a date in YYYY-MM-DD form'],
    ['DueDate', '2026-02-30', 'DueDate "2026-02-30" is not a date'],
    ['Currency', 'EURO', 'Currency "EURO" is not an ISO 4217 code like EUR'],
  ])('rejects a bad %s (%s)', (column, value, reason) => {
    const header = headerOf('InvoiceID', 'CustomerName', 'Balance', 'IsProcessed', column);
    const result = validateBillRow(['1', 'Ada', '5.00', '0', value], header, rules);
    expect(!result.ok && result.reason).toContain(reason);
  });

  it('names every problem of a row at once', () => {
    const result = validateBillRow(['', '', 'abc', 'x'], minimal, rules);
    expect(!result.ok && result.reason.split('; ')).toHaveLength(4);
  });

  it('rejects a row whose field count differs from the header, hinting at unquoted commas', () => {
    expect(validateBillRow(['1', 'Doe', ' John', '5.00', '0'], minimal, rules)).toEqual({
      ok: false,
      reason: 'Row has 5 fields but the header has 4 (a value with a comma must be in double quotes)',
    });
    expect(validateBillRow(['1', 'Doe', '5'], minimal, rules)).toEqual({
      ok: false,
      reason: 'Row has 3 fields but the header has 4',
    });
  });
});

describe('row helpers', () => {
  it('normalises phone numbers as typed to E.164 candidates', () => {
    expect(normalisePhone('+44 7700 900-123')).toBe('+447700900123');
    expect(normalisePhone('0044 (7700) 900.123')).toBe('+447700900123');
    expect(normalisePhone('07700 900123')).toBe('07700900123');
  });

  it('adds days across month and year ends', () => {
    expect(addDays('2026-12-25', 14)).toBe('2027-01-08');
    expect(addDays('2028-02-20', 10)).toBe('2028-03-01');
  });
});
