import { formatMoney, type Money } from '@payflow/shared';

export type InvoiceStatus = 'DUE' | 'PARTIALLY_PAID' | 'PAID';

/** The bill as billing-ingest wrote it, plus what payments has recorded against it (the ledger). */
export interface InvoiceAccount {
  invoiceId: string;
  customerId: string;
  customerName: string;
  billedAmount: number;
  currency: string;
  dueDate?: string;
  /** Sum of accepted and in-flight payments, in minor units; 0 when no ledger exists yet. */
  paidAmount: number;
  /** Ledger version read; 0 when no ledger exists yet. */
  version: number;
}

export function outstanding(account: InvoiceAccount): number {
  return account.billedAmount - account.paidAmount;
}

export function invoiceStatus(account: InvoiceAccount): InvoiceStatus {
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
    balance: money(Math.max(0, outstanding(account))),
    billed: money(account.billedAmount),
    paid: money(account.paidAmount),
    status: invoiceStatus(account),
    dueDate: account.dueDate ?? null,
  };
}

/** Why a payment may not be applied to an invoice, in words the payer can act on; undefined when it may. */
export function refusalToPay(account: InvoiceAccount, amount: Money): string | undefined {
  if (amount.currency !== account.currency) {
    return `Invoice ${account.invoiceId} is billed in ${account.currency}; a payment in ${amount.currency} cannot be applied`;
  }
  const due = outstanding(account);
  if (due <= 0) return `Invoice ${account.invoiceId} is already paid; nothing is due`;
  if (amount.amount > due) {
    const dueMoney = { amount: due, currency: account.currency };
    return (
      `A payment of ${formatMoney(amount)} would take invoice ${account.invoiceId} below zero: ` +
      `only ${formatMoney(dueMoney)} is outstanding`
    );
  }
  return undefined;
}
