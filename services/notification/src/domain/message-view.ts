import { formatMoney, type MaskedCard, type Money, type OrderRejectedData } from '@payflow/shared';
import type { CustomerEvent } from './customer-events';

/**
 * What a template may show, as plain one-line strings. Templates never see the event itself, so a new field
 * in a contract reaches a customer only when it is added here on purpose.
 */
export interface MessageView {
  customerName?: string;
  invoiceId?: string;
  orderId?: string;
  paymentId?: string;
  refundId?: string;
  payoutId?: string;
  /** A payout's reference and its destination, masked as payments stored it ('a***@example.com', '****6789'). */
  reference?: string;
  destination?: string;
  amount: string;
  dueDate?: string;
  card?: string;
  reason?: string;
  /** Which check rejected an order, in words: 'card details check', 'stock check', 'payment'. */
  rejectedAt?: string;
  expiredAt?: string;
  /** A reminder's pay link and the access code for typing the invoice number on the page. */
  payUrl?: string;
  accessCode?: string;
}

/** What opens an invoice for its customer: computed with payments' pay link key, never carried on the bus. */
interface InvoiceAccess {
  payUrl: string;
  accessCode: string;
}
export type InvoiceAccessFor = (invoiceId: string) => InvoiceAccess;

const brandNames: Record<MaskedCard['brand'], string> = {
  visa: 'Visa',
  mastercard: 'Mastercard',
  amex: 'American Express',
  discover: 'Discover',
  unknown: 'Card',
};

/** Typed by the contract: a new stage in OrderRejected fails the typecheck here until it has words. */
const rejectionStages: Record<OrderRejectedData['stage'], string> = {
  details: 'card details check',
  stock: 'stock check',
  payment: 'payment',
};

/**
 * Control characters (a line break in a name could forge an e-mail header or a second SMS line) become
 * spaces, runs of blanks one space. HTML escaping is the template engine's job, per output.
 */
export function plainText(value: string): string {
  return value
    .replace(/[\p{Cc}\p{Zl}\p{Zp}]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function cardText(card: MaskedCard): string {
  return `${brandNames[card.brand]} ending ${card.last4}`;
}

/** Built once: a new Intl.DateTimeFormat per message cost a reminders batch of 100 about 5 ms. */
const longDateFormat = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});

/** '2026-12-05' → '5 December 2026': a date no reader gets wrong, whatever their country. */
export function longDate(isoDate: string): string {
  return longDateFormat.format(new Date(`${isoDate.slice(0, 10)}T00:00:00Z`));
}

function amountText(money: Money): string {
  return formatMoney(money);
}

function subjectOf(data: { invoiceId?: string | undefined; orderId?: string | undefined }) {
  return {
    ...(data.invoiceId !== undefined ? { invoiceId: data.invoiceId } : {}),
    ...(data.orderId !== undefined ? { orderId: data.orderId } : {}),
  };
}

function build(event: CustomerEvent, invoiceAccess?: InvoiceAccessFor): MessageView {
  switch (event.detailType) {
    case 'InvoiceDue': {
      const { data } = event.detail;
      return {
        customerName: data.customerName,
        invoiceId: data.invoiceId,
        amount: amountText(data.balance),
        dueDate: longDate(data.dueDate),
        ...(invoiceAccess ? invoiceAccess(data.invoiceId) : {}),
      };
    }
    case 'PaymentSucceeded': {
      const { data } = event.detail;
      return {
        ...subjectOf(data),
        paymentId: data.paymentId,
        amount: amountText(data.amount),
        card: cardText(data.card),
      };
    }
    case 'PaymentFailed': {
      const { data } = event.detail;
      return {
        ...subjectOf(data),
        paymentId: data.paymentId,
        amount: amountText(data.amount),
        card: cardText(data.card),
        reason: data.reason,
      };
    }
    case 'PaymentSessionExpired': {
      const { data } = event.detail;
      return { ...subjectOf(data), amount: amountText(data.amount), expiredAt: longDate(data.expiredAt) };
    }
    case 'PaymentRefunded': {
      const { data } = event.detail;
      return {
        ...subjectOf(data),
        paymentId: data.paymentId,
        refundId: data.refundId,
        amount: amountText(data.amount),
        card: cardText(data.card),
        reason: data.reason,
      };
    }
    case 'OrderConfirmed': {
      const { data } = event.detail;
      return { orderId: data.orderId, paymentId: data.paymentId, amount: amountText(data.total) };
    }
    case 'OrderRejected': {
      const { data } = event.detail;
      return {
        orderId: data.orderId,
        amount: amountText(data.total),
        reason: data.reason,
        rejectedAt: rejectionStages[data.stage],
      };
    }
    case 'ShippingUnavailable': {
      const { data } = event.detail;
      return {
        orderId: data.orderId,
        paymentId: data.paymentId,
        amount: amountText(data.total),
        reason: data.reason,
      };
    }
    case 'PaymentTimedOut': {
      const { data } = event.detail;
      return { orderId: data.orderId, amount: amountText(data.total) };
    }
    case 'PayoutSent':
    case 'PayoutFailed': {
      const { data } = event.detail;
      return {
        payoutId: data.payoutId,
        amount: amountText(data.amount),
        reference: data.reference,
        destination: `${data.destination.type === 'paypal' ? 'PayPal' : 'bank account'} ${data.destination.masked}`,
        ...('reason' in data ? { reason: data.reason } : {}),
      };
    }
  }
}

/** The template view of a customer event, every value one line of plain text. */
export function messageViewOf(event: CustomerEvent, invoiceAccess?: InvoiceAccessFor): MessageView {
  const view = build(event, invoiceAccess);
  const clean: Record<string, string> = {};
  for (const [key, value] of Object.entries(view)) {
    if (typeof value === 'string') clean[key] = plainText(value);
  }
  return clean as unknown as MessageView;
}
