import type { NotificationChannel } from '@payflow/shared';
import type { CustomerEvent } from './customer-events';

/** One message to send: the channel the customer chose and the address on it. */
export interface Recipient {
  channel: NotificationChannel;
  address: string;
}

export interface ContactChoice {
  channels: NotificationChannel[];
  email?: string | undefined;
  phone?: string | undefined;
}

/** A merchant's customer, named by an event that carries no choice of its own. */
export interface NamedCustomer {
  id: string;
  merchantId: string;
}

/**
 * Where each contract keeps the customer's choice: `contact` on invoices, `notification` on payments, `customer` on
 * orders. Undefined when the event carries none (an InvoiceDue that names a stored customer instead).
 */
function contactOf(event: CustomerEvent): ContactChoice | undefined {
  switch (event.detailType) {
    case 'InvoiceDue':
      return event.detail.data.contact;
    case 'PaymentSucceeded':
    case 'PaymentFailed':
    case 'PaymentSessionExpired':
    case 'PaymentRefunded':
    case 'PayoutSent':
    case 'PayoutFailed':
      return event.detail.data.notification;
    case 'OrderConfirmed':
    case 'OrderRejected':
    case 'ShippingUnavailable':
    case 'PaymentTimedOut':
      return event.detail.data.customer;
  }
}

/** The customer whose stored channels an event without a choice of its own is sent on. */
export function customerNamedBy(event: CustomerEvent): NamedCustomer | undefined {
  if (contactOf(event)) return undefined;
  return event.detailType === 'InvoiceDue' ? event.detail.data.customer : undefined;
}

/** The event names a customer notification has no stored channels for (yet): the record is retried, then DLQ'd. */
export class UnknownCustomerError extends Error {
  override name = 'UnknownCustomerError';
  constructor(event: CustomerEvent, customer: NamedCustomer) {
    super(
      `${event.detailType} ${event.detail.id} carries no channels and names customer ${customer.id} of merchant ` +
        `${customer.merchantId}, whose stored channels are not known here (yet); the record is retried`,
    );
  }
}

/**
 * A message per channel the customer chose, in the order chosen: the event's own choice, else the customer's
 * stored one (`stored`, looked up by the caller for the customer the event names).
 */
export function recipientsOf(event: CustomerEvent, stored?: ContactChoice): Recipient[] {
  const choice = contactOf(event) ?? stored;
  if (!choice) {
    const customer = customerNamedBy(event);
    if (customer) throw new UnknownCustomerError(event, customer);
    throw new Error(`${event.detailType} ${event.detail.id} carries no channels and names no customer`);
  }
  return choice.channels.map((channel) => {
    const address = channel === 'email' ? choice.email : choice.phone;
    // The contracts refuse a channel without its address; this guards against a contract that stops doing so.
    if (!address) {
      throw new Error(
        `${event.detailType} ${event.detail.id} asks for ${channel} but gives no ${channel} address`,
      );
    }
    return { channel, address };
  });
}

/** 'grace.hopper@example.com' → 'g***@example.com': enough for an operator to match a complaint, no more. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '***';
  return `${email[0]}***${email.slice(at)}`;
}

/** '+14155550123' → '+1******0123'. */
export function maskPhone(phone: string): string {
  if (phone.length < 7) return '***';
  return `${phone.slice(0, 2)}${'*'.repeat(phone.length - 6)}${phone.slice(-4)}`;
}

export function maskAddress(recipient: Recipient): string {
  return recipient.channel === 'email' ? maskEmail(recipient.address) : maskPhone(recipient.address);
}
