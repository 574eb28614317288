import type { NotificationChannel } from '@payflow/shared';
import type { CustomerEvent } from './customer-events';

/** One message to send: the channel the customer chose and the address on it. */
export interface Recipient {
  channel: NotificationChannel;
  address: string;
}

interface ContactChoice {
  channels: NotificationChannel[];
  email?: string | undefined;
  phone?: string | undefined;
}

/** Where each contract keeps the customer's choice: `contact` on invoices, `notification` on payments, `customer` on orders. */
function contactOf(event: CustomerEvent): ContactChoice {
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

/** A message per channel the customer chose: e-mail, SMS or both, in the order chosen. */
export function recipientsOf(event: CustomerEvent): Recipient[] {
  const choice = contactOf(event);
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
