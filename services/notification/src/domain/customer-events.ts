import {
  InvoiceDue,
  OrderConfirmed,
  OrderRejected,
  PaymentFailed,
  PaymentRefunded,
  PaymentSessionExpired,
  PaymentSucceeded,
  PaymentTimedOut,
  PayoutFailed,
  PayoutSent,
  ShippingUnavailable,
  type ReceivedEvent,
} from '@payflow/shared';

/**
 * Every event a customer is told about, keyed by detail-type. The rules in serverless.yml deliver exactly
 * these (payment events only when they are about an invoice: an order's customer hears from checkout).
 */
export const customerEvents = {
  InvoiceDue,
  PaymentSucceeded,
  PaymentFailed,
  PaymentSessionExpired,
  PaymentRefunded,
  OrderConfirmed,
  OrderRejected,
  ShippingUnavailable,
  PaymentTimedOut,
  PayoutSent,
  PayoutFailed,
} as const;

export type CustomerEvent = ReceivedEvent<typeof customerEvents>;
export type CustomerDetailType = CustomerEvent['detailType'];
export const customerDetailTypes = Object.keys(customerEvents) as CustomerDetailType[];
