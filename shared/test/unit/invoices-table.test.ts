import {
  billKey,
  InvoiceItemError,
  ledgerKey,
  parseBillItem,
  parseBillProjection,
  parseLedgerItem,
  parseLedgerProjection,
} from '../../src';

const bill = {
  ...billKey('1001'),
  customerId: 'C-7',
  customerName: 'Grace Hopper',
  billedAmount: 12550,
  currency: 'EUR',
  dueDate: '2026-12-31',
  email: 'grace@example.com',
  phone: '+447700900123',
  channels: ['email', 'sms'],
  isProcessed: false,
  billDate: '2026-11-21',
  sourceFile: 'incoming/bills-2026-11-21.csv',
  updatedAt: '2026-11-21T06:00:00.000Z',
};

const ledger = {
  ...ledgerKey('1001'),
  paidAmount: 5000,
  version: 2,
  lastPaymentId: 'pay-1',
  updatedAt: '2026-11-22T10:00:00.000Z',
};

describe('the invoices table contract', () => {
  it('keys a BILL and a LEDGER of one invoice by (invoiceId, record)', () => {
    expect(billKey('1001')).toEqual({ invoiceId: '1001', record: 'BILL' });
    expect(ledgerKey('1001')).toEqual({ invoiceId: '1001', record: 'LEDGER' });
  });

  it('reads a BILL as billing-ingest writes it, and one the biller settled', () => {
    expect(parseBillItem(bill)).toEqual(bill);
    const settled = { ...bill, isProcessed: true, settledByBiller: true };
    expect(parseBillItem(settled)).toEqual(settled);
  });

  it('reads a LEDGER as payments writes it, with or without its last payment', () => {
    expect(parseLedgerItem(ledger)).toEqual(ledger);
    const { lastPaymentId: _dropped, ...released } = ledger;
    expect(parseLedgerItem({ ...released, hadPending: true })).toEqual({ ...released, hadPending: true });
  });

  it.each([
    ['an amount stored as text', { billedAmount: '12550' }, 'billedAmount'],
    [
      'an amount in major units',
      { billedAmount: 125.5 },
      'billedAmount: must be a whole number of minor units',
    ],
    ['a negative amount', { billedAmount: -1 }, 'billedAmount: must be zero or more'],
    ['a lower-case currency', { currency: 'eur' }, 'currency: "eur" is not an ISO 4217 currency code'],
    ['an unknown currency', { currency: 'XYZ' }, 'currency: "XYZ" is not an ISO 4217 currency code'],
    ['no currency', { currency: undefined }, 'currency'],
    ['no customer', { customerId: undefined }, 'customerId'],
    ['a due date that is not one', { dueDate: '31/12/2026' }, 'dueDate'],
    ['an unknown channel', { channels: ['fax'] }, 'channels.0'],
    ['a LEDGER record under the BILL schema', { record: 'LEDGER' }, 'record'],
  ])('refuses a BILL with %s, naming the invoice and the field', (_what, change, field) => {
    const read = () => parseBillItem({ ...bill, ...change });
    expect(read).toThrow(InvoiceItemError);
    expect(read).toThrow('The BILL item of invoice "1001" does not match');
    expect(read).toThrow(field);
  });

  it.each([
    ['a paid amount stored as text', { paidAmount: '5000' }, 'paidAmount'],
    ['a fractional paid amount', { paidAmount: 50.5 }, 'paidAmount: must be a whole number of minor units'],
    ['a negative paid amount', { paidAmount: -100 }, 'paidAmount: must be zero or more'],
    ['no version', { version: undefined }, 'version'],
    ['a version stored as text', { version: '2' }, 'version'],
  ])('refuses a LEDGER with %s', (_what, change, field) => {
    const read = () => parseLedgerItem({ ...ledger, ...change });
    expect(read).toThrow(InvoiceItemError);
    expect(read).toThrow('The LEDGER item of invoice "1001" does not match');
    expect(read).toThrow(field);
  });

  it('checks only the projected attributes of a partial read, and still their types', () => {
    const projected = { invoiceId: '1001', record: 'BILL', currency: 'EUR', customerId: 'C-7' };
    expect(parseBillProjection(projected, ['record', 'currency', 'customerId'])).toEqual(projected);
    expect(() => parseBillProjection({ ...projected, currency: 'euro' }, ['currency'])).toThrow(
      'currency: "euro" is not an ISO 4217 currency code',
    );
    expect(parseLedgerProjection({ invoiceId: '1001', paidAmount: 0 }, ['paidAmount'])).toEqual({
      invoiceId: '1001',
      paidAmount: 0,
    });
    expect(() => parseLedgerProjection({ invoiceId: '1001' }, ['paidAmount'])).toThrow(
      'The LEDGER item of invoice "1001" does not match',
    );
  });
});
