import {
  DomainError,
  formatMoney,
  type Money,
  type NotificationChannel,
  NotificationChoiceSchema,
  type NotificationChoice,
} from '@payflow/shared';
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
  /**
   * The bank once left a payment of it pending: paying it looks for a pending payment to complete. Set in the
   * transaction that makes a payment PENDING and never cleared, so it is never false while one is pending.
   */
  hadPending?: boolean;
  /** The customer's contact details from the bills file: receipts go here and nowhere else. */
  contact?: { email?: string; phone?: string };
}

/**
 * Where a payment's receipt goes: the channels the payer picked, to the invoice's own contact details from the bills
 * file (an address typed with the payment is never used, so a stranger cannot text arbitrary numbers). A channel
 * the invoice has no address for is dropped; with none left, whatever the invoice has.
 */
function receiptChoice(
  account: InvoiceAccount,
  requested: readonly NotificationChannel[],
): NotificationChoice | undefined {
  const { email, phone } = account.contact ?? {};
  const available: NotificationChannel[] = [
    ...(email ? ['email' as const] : []),
    ...(phone ? ['sms' as const] : []),
  ];
  const picked = requested.filter((channel) => available.includes(channel));
  const channels = picked.length > 0 ? picked : available;
  if (channels.length === 0) return undefined;
  return {
    channels,
    ...(channels.includes('email') && email ? { email } : {}),
    ...(channels.includes('sms') && phone ? { phone } : {}),
  };
}

function outstanding(account: InvoiceAccount): number {
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

/** The addresses a payer gave, when they make a complete choice (used only for an invoice with no contact). */
function givenAddresses(requested: {
  channels: NotificationChannel[];
  email?: string | undefined;
  phone?: string | undefined;
}): NotificationChoice | undefined {
  const parsed = NotificationChoiceSchema.safeParse(requested);
  return parsed.success ? parsed.data : undefined;
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

/** What paying an invoice writes on its LEDGER, in the payment's transaction (`pending`: see hadPending). */
export type LedgerChange =
  | { kind: 'hold'; from: Ledger; to: Ledger }
  | { kind: 'release'; amount: number; pending?: true }
  | { kind: 'none' };

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
    payment.status === 'SUCCEEDED'
      ? { kind: 'none' }
      : {
          kind: 'release',
          amount: payment.amount.amount,
          ...(payment.status === 'PENDING' ? { pending: true as const } : {}),
        },
  mayHavePending: (account) => account.hadPending === true,
  reheld: (account, payment) => ({
    kind: 'hold',
    from: account,
    to: ledgerAfterHold(account, payment.amount.amount),
  }),
  unchanged: { kind: 'none' },
  receipt: (account, requested) => {
    const choice = receiptChoice(account, requested.channels) ?? givenAddresses(requested);
    if (!choice) {
      throw new DomainError(
        'Invalid',
        `Invoice ${invoiceId} has no contact details for a receipt; give an email address or phone number`,
      );
    }
    return choice;
  },
});

/** The invoice as a payment left it: what was read before, with the amount taken if the bank took it. */
export function invoiceAfterPayment(
  before: InvoiceAccount,
  payment: { status: string; amount: Money },
): InvoiceAccount {
  const held = payment.status === 'SUCCEEDED' || payment.status === 'PROCESSING';
  return held ? { ...before, ...ledgerAfterHold(before, payment.amount.amount) } : before;
}
