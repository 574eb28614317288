import {
  invoiceStatus,
  invoiceView,
  ledgerAfterHold,
  ledgerAfterRelease,
  refusalToPay,
  type InvoiceAccount,
} from '../../src/domain/invoice';

const account = (paidAmount: number, billedAmount = 10000): InvoiceAccount => ({
  invoiceId: 'INV-1',
  customerId: 'C-1',
  customerName: 'Grace Hopper',
  billedAmount,
  currency: 'EUR',
  dueDate: '2026-12-01',
  paidAmount,
  version: paidAmount > 0 ? 1 : 0,
  settledByBiller: false,
});
const eur = (amount: number) => ({ amount, currency: 'EUR' });

describe('invoice balance rules', () => {
  it('is DUE with nothing paid, PARTIALLY_PAID in between, PAID at zero', () => {
    expect(invoiceStatus(account(0))).toBe('DUE');
    expect(invoiceStatus(account(3000))).toBe('PARTIALLY_PAID');
    expect(invoiceStatus(account(10000))).toBe('PAID');
  });

  it('shows the balance as billed minus paid', () => {
    expect(invoiceView(account(3000))).toMatchObject({
      balance: eur(7000),
      billed: eur(10000),
      paid: eur(3000),
      customerName: 'Grace Hopper',
      dueDate: '2026-12-01',
    });
  });

  it('allows a partial payment and one that clears the balance exactly', () => {
    expect(refusalToPay(account(0), eur(3000))).toBeUndefined();
    expect(refusalToPay(account(9000), eur(1000))).toBeUndefined();
  });

  it('refuses a payment that would take the invoice below zero, naming what is left', () => {
    expect(refusalToPay(account(9000), eur(3000))?.message).toMatch(
      /30.00 EUR would take invoice INV-1 below zero: only 10.00 EUR/,
    );
  });

  it('refuses paying a paid invoice and paying in another currency', () => {
    expect(refusalToPay(account(10000), eur(100))?.message).toMatch(/already paid/);
    expect(refusalToPay(account(0), { amount: 100, currency: 'USD' })).toMatchObject({
      kind: 'Invalid',
      message: expect.stringMatching(/billed in EUR/),
    });
  });

  it('shows an invoice the biller settled as SETTLED with nothing due, and refuses to take a payment (409)', () => {
    const settled = { ...account(0), settledByBiller: true };
    expect(invoiceView(settled)).toMatchObject({ status: 'SETTLED', balance: eur(0) });
    expect(refusalToPay(settled, eur(100))).toMatchObject({
      kind: 'NotPayable',
      message: 'Invoice INV-1 was settled with the biller directly; nothing is due here',
    });
  });

  it('holds, releases and refuses to release more than the ledger holds', () => {
    expect(ledgerAfterHold({ paidAmount: 1000, version: 3 }, 500)).toEqual({ paidAmount: 1500, version: 4 });
    expect(ledgerAfterRelease({ paidAmount: 1500, version: 4 }, 500)).toEqual({
      paidAmount: 1000,
      version: 5,
    });
    expect(() => ledgerAfterRelease({ paidAmount: 100, version: 1 }, 500)).toThrow(/only 100 is held/);
  });
});
