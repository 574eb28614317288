import { DomainError, formatMoney, type Money } from '@payflow/shared';
import type { PaymentRules } from './pay';

/** SETTLED: the biller settled it itself (IsProcessed=1 in its file); nothing is payable here. */
export type InvoiceStatus = 'DUE' | 'PARTIALLY_PAID' | 'PAID' | 'SETTLED';

/** What payments has recorded against an invoice: held and taken money, and a version for optimistic locking. */
export interface Ledger {
  /** Sum of accepted and held payments, in minor units. */
  paidAmount: number;
  /** 0 when no ledger exists yet. */
  version: number;
}

/** The bill as billing-ingest wrote it, plus the ledger payments keeps. */
export interface InvoiceAccount extends Ledger {
  invoiceId: string;
  customerId: string;
  customerName: string;
  billedAmount: number;
  currency: string;
  dueDate?: string;
  /** The biller settled it (IsProcessed=1). */
  settledByBiller: boolean;
}

export function outstanding(account: InvoiceAccount): number {
  return account.billedAmount - account.paidAmount;
}

export function invoiceStatus(account: InvoiceAccount): InvoiceStatus {
  if (account.settledByBiller) return 'SETTLED';
  if (outstanding(account) <= 0) return 'PAID';
  return account.paidAmount > 0 ? 'PARTIALLY_PAID' : 'DUE';
}

export interface InvoiceView {
  invoiceId: string;
  customerId: string;
  customerName: string;
  balance: Money;
  billed: Money;
  paid: Money;
  status: InvoiceStatus;
  dueDate: string | null;
}

export function invoiceView(account: InvoiceAccount): InvoiceView {
  const money = (amount: number): Money => ({ amount, currency: account.currency });
  return {
    invoiceId: account.invoiceId,
    customerId: account.customerId,
    customerName: account.customerName,
    balance: money(account.settledByBiller ? 0 : Math.max(0, outstanding(account))),
    billed: money(account.billedAmount),
    paid: money(account.paidAmount),
    status: invoiceStatus(account),
    dueDate: account.dueDate ?? null,
  };
}

export function invoiceNotFound(invoiceId: string): DomainError {
  return new DomainError('NotFound', `Invoice ${invoiceId} was not found: check the invoice id on your bill`);
}

/** Why a payment may not be applied to an invoice, in words the payer can act on; undefined when it may. */
export function refusalToPay(account: InvoiceAccount, amount: Money): DomainError | undefined {
  if (account.settledByBiller) {
    return new DomainError(
      'NotPayable',
      `Invoice ${account.invoiceId} was settled with the biller directly; nothing is due here`,
    );
  }
  if (amount.currency !== account.currency) {
    return new DomainError(
      'Invalid',
      `Invoice ${account.invoiceId} is billed in ${account.currency}; a payment in ${amount.currency} cannot be applied`,
    );
  }
  const due = outstanding(account);
  if (due <= 0)
    return new DomainError('Invalid', `Invoice ${account.invoiceId} is already paid; nothing is due`);
  if (amount.amount > due) {
    const dueMoney = { amount: due, currency: account.currency };
    return new DomainError(
      'Invalid',
      `A payment of ${formatMoney(amount)} would take invoice ${account.invoiceId} below zero: ` +
        `only ${formatMoney(dueMoney)} is outstanding`,
    );
  }
  return undefined;
}

/** The ledger once a payment's amount is held (a payment in flight counts as paid until the bank answers). */
export function ledgerAfterHold(ledger: Ledger, amount: number): Ledger {
  return { paidAmount: ledger.paidAmount + amount, version: ledger.version + 1 };
}

/** The ledger once a held amount goes back (declined, never reached the bank) or a payment is refunded. */
export function ledgerAfterRelease(ledger: Ledger, amount: number): Ledger {
  if (amount > ledger.paidAmount) {
    throw new Error(`Cannot give back ${amount}: only ${ledger.paidAmount} is held or paid on the ledger`);
  }
  return { paidAmount: ledger.paidAmount - amount, version: ledger.version + 1 };
}

/** What paying an invoice writes on its LEDGER, in the payment's transaction. */
export type LedgerChange =
  { kind: 'hold'; from: Ledger; to: Ledger } | { kind: 'release'; amount: number } | { kind: 'none' };

/** The invoice's payment rules: the ledger holds a payment's amount until the bank answers. */
export const invoiceRules = (invoiceId: string): PaymentRules<InvoiceAccount, LedgerChange> => ({
  subjectKey: `invoice#${invoiceId}`,
  notFound: () => invoiceNotFound(invoiceId),
  refusal: (account, amount) => refusalToPay(account, amount),
  subject: (account) => ({ kind: 'invoice', invoiceId: account.invoiceId, customerId: account.customerId }),
  held: (account, payment) => ({
    kind: 'hold',
    from: account,
    to: ledgerAfterHold(account, payment.amount.amount),
  }),
  // Taken: the hold becomes the payment. Declined, not received or pending: the hold goes back.
  settled: (payment) =>
    payment.status === 'SUCCEEDED' ? { kind: 'none' } : { kind: 'release', amount: payment.amount.amount },
  reheld: (account, payment) => ({
    kind: 'hold',
    from: account,
    to: ledgerAfterHold(account, payment.amount.amount),
  }),
  unchanged: { kind: 'none' },
});

/** The invoice as a payment left it: what was read before, with the amount taken if the bank took it. */
export function invoiceAfterPayment(
  before: InvoiceAccount,
  payment: { status: string; amount: Money },
): InvoiceAccount {
  const held = payment.status === 'SUCCEEDED' || payment.status === 'PROCESSING';
  return held ? { ...before, ...ledgerAfterHold(before, payment.amount.amount) } : before;
}
