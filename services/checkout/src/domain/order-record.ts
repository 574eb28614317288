import type { Money } from '@payflow/shared';
import type { OrderInput } from './order';

export type OrderStatus =
  | 'PENDING'
  | 'AWAITING_PAYMENT'
  | 'PAID'
  | 'CONFIRMED'
  | 'REJECTED'
  | 'CANCELLED'
  | 'PAYMENT_TIMED_OUT'
  | 'SHIPPING_UNAVAILABLE';

interface StatusChange {
  status: string;
  at: string;
  reason?: string;
}

/** The orders table item, as the state machine and the functions write it. */
export interface OrderRecord {
  orderId: string;
  status: string;
  paymentStatus: string;
  shippingStatus: string;
  /** The order as submitted (JSON), written by the state machine's first state. */
  order: string;
  correlationId: string;
  executionArn: string;
  createdAt: string;
  updatedAt: string;
  statusHistory: StatusChange[];
  total?: Money;
  reason?: string;
  session?: { sessionId: string; payUrl: string; expiresAt: string };
  paymentId?: string;
  carrier?: string;
  /** The payment result the order accepted (a payment id, or `expired:<session>`), claimed before the task completes. */
  acceptedResult?: string;
  /** A declined payment that cancelled the order. */
  declinedPaymentId?: string;
  /** RESERVED while the order holds stock, RELEASED once it gave it back. */
  stock?: 'RESERVED' | 'RELEASED';
  /** The RequestPayment task token: a credential of the execution, never returned or logged. */
  taskToken?: string;
}

export interface OrderView {
  orderId: string;
  status: string;
  paymentStatus: string;
  shippingStatus: string;
  total?: Money;
  items: OrderInput['items'];
  reason?: string;
  payment?: { sessionId: string; payUrl: string; expiresAt: string; paymentId?: string };
  shipping?: { carrier: string };
  history: StatusChange[];
  executionArn: string;
  createdAt: string;
  updatedAt: string;
  links: { self: string; pay?: string };
}

export function checkoutPath(orderId: string): string {
  return `/checkouts/${orderId}`;
}

/** What GET /checkouts/{orderId} shows: never the task token. */
export function orderView(record: OrderRecord): OrderView {
  const order = JSON.parse(record.order) as OrderInput;
  const total = record.total ?? order.total;
  return {
    orderId: record.orderId,
    status: record.status,
    paymentStatus: record.paymentStatus,
    shippingStatus: record.shippingStatus,
    ...(total ? { total } : {}),
    items: order.items,
    ...(record.reason ? { reason: record.reason } : {}),
    ...(record.session
      ? { payment: { ...record.session, ...(record.paymentId ? { paymentId: record.paymentId } : {}) } }
      : {}),
    ...(record.carrier ? { shipping: { carrier: record.carrier } } : {}),
    history: record.statusHistory,
    executionArn: record.executionArn,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    links: {
      self: checkoutPath(record.orderId),
      ...(record.session && record.status === 'AWAITING_PAYMENT' ? { pay: record.session.payUrl } : {}),
    },
  };
}

/** Before the state machine's first state has written the order, the execution alone says it exists. */
export function startingView(
  orderId: string,
  executionArn: string,
  startedAt: string,
  items: OrderInput['items'],
): OrderView {
  return {
    orderId,
    status: 'PENDING',
    paymentStatus: 'NOT_REQUESTED',
    shippingStatus: 'NOT_CHECKED',
    items,
    history: [{ status: 'PENDING', at: startedAt }],
    executionArn,
    createdAt: startedAt,
    updatedAt: startedAt,
    links: { self: checkoutPath(orderId) },
  };
}
