import { invoiceStatus, invoiceView, refusalToPay, type InvoiceAccount } from '../../src/domain/invoice';

const account = (paidAmount: number, billedAmount = 10000): InvoiceAccount => ({
  invoiceId: 'INV-1',
  customerId: 'C-1',
  customerName: 'Grace Hopper',
  billedAmount,
  currency: 'EUR',
  dueDate: '2026-12-01',
  paidAmount,
  version: paidAmount > 0 ? 1 : 0,
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
    expect(refusalToPay(account(9000), eur(3000))).toMatch(
      /30.00 EUR would take invoice INV-1 below zero: only 10.00 EUR/,
    );
  });

  it('refuses paying a paid invoice and paying in another currency', () => {
    expect(refusalToPay(account(10000), eur(100))).toMatch(/already paid/);
    expect(refusalToPay(account(0), { amount: 100, currency: 'USD' })).toMatch(/billed in EUR/);
  });
});
