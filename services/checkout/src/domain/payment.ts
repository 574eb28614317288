import type {
  Money,
  PaymentFailedData,
  PaymentSessionExpiredData,
  PaymentSucceededData,
} from '@payflow/shared';

/** The default time a customer has to pay an order's session. */
export const DEFAULT_PAYMENT_TIMEOUT_SECONDS = 15 * 60;
/** The longest a session may live at payments (24 h). */
const MAX_PAYMENT_TIMEOUT_SECONDS = 24 * 60 * 60;

export interface PaymentTimeouts {
  /** How long the payment session accepts a card, from the moment the payment state is entered. */
  sessionSeconds: number;
  /** The RequestPayment task's TimeoutSeconds: the session's life plus a grace for its last payment's event. */
  taskSeconds: number;
}

/**
 * The session expires first, so no card is charged after the task gave up; the task's own timeout is the
 * backstop for an expiry event that never arrives.
 */
export function paymentTimeouts(sessionSeconds: number): PaymentTimeouts {
  if (
    !Number.isInteger(sessionSeconds) ||
    sessionSeconds < 1 ||
    sessionSeconds > MAX_PAYMENT_TIMEOUT_SECONDS
  ) {
    throw new Error(
      `The payment timeout must be a whole number of seconds from 1 to ${MAX_PAYMENT_TIMEOUT_SECONDS}, got ${sessionSeconds}`,
    );
  }
  const grace = Math.min(60, Math.max(2, Math.ceil(sessionSeconds / 10)));
  return { sessionSeconds, taskSeconds: sessionSeconds + grace };
}

/**
 * The one absolute deadline of an order's payment: the moment the payment state was entered plus the session's
 * life. A retried RequestPayment keeps it (the state's EnteredTime does not change on a retry), so the session
 * never outlives what the task waits for.
 */
export function paymentDeadline(paymentEnteredAt: string, sessionSeconds: number): Date {
  const entered = Date.parse(paymentEnteredAt);
  if (Number.isNaN(entered)) throw new Error(`paymentEnteredAt ${paymentEnteredAt} is not a date-time`);
  return new Date(entered + sessionSeconds * 1000);
}

/** Thrown by requestPayment when retries used up the time to pay; the state machine treats it as a timeout. */
export const DEADLINE_PASSED_ERROR = 'Payment.DeadlinePassed';

/** What the RequestPayment task outputs when the customer has paid or been declined; the Choice reads `outcome`. */
interface PaymentResult {
  outcome: 'SUCCEEDED' | 'FAILED';
  paymentId: string;
  sessionId?: string;
  reason?: string;
}

/** The error the task fails with when the session expired unpaid; caught with States.Timeout. */
const SESSION_EXPIRED_ERROR = 'Payment.SessionExpired';

export type PaymentEvent =
  | { detailType: 'PaymentSucceeded'; data: PaymentSucceededData }
  | { detailType: 'PaymentFailed'; data: PaymentFailedData }
  | { detailType: 'PaymentSessionExpired'; data: PaymentSessionExpiredData };

export type TaskCompletion =
  { kind: 'success'; output: PaymentResult } | { kind: 'failure'; error: string; cause: string };

/** A payment as payments reports it (GET /payments/{id}): the only account of a payment checkout believes. */
export interface PaymentRecord {
  paymentId: string;
  status: string;
  orderId?: string;
  sessionId?: string;
  amount: Money;
  reason?: string;
}

/** A payment session as payments reports it (GET /payment-sessions/{id}). */
export interface SessionRecord {
  sessionId: string;
  status: string;
  orderId: string;
  amount: Money;
}

/** What checkout knows of the order a payment result names. */
export interface WaitingOrder {
  orderId: string;
  status: string;
  /** Set while the RequestPayment task waits. */
  waiting: boolean;
  sessionId?: string;
  total?: Money;
  /** The payment that completed the task, once one did. */
  paymentId?: string;
  /** The result the order accepted (claimed before the task is completed): a payment id or `expired:<session>`. */
  acceptedResult?: string;
}

export type PaymentDecision =
  | { action: 'complete'; completion: TaskCompletion }
  | { action: 'refund'; paymentId: string; amount: Money; reason: string }
  | { action: 'ignore'; why: string; suspicious: boolean };

/** Statuses of a payment whose money was taken (a refund may already be under way). */
const TAKEN = ['SUCCEEDED', 'REFUNDING', 'REFUNDED'];

/**
 * Why payments' own record does not back this result up (a forged, altered or misrouted event), or undefined when
 * it does: the payment (or session) exists, belongs to the order and session the event names, is for the amount
 * the event says, and is in the state the event claims.
 */
function unconfirmed(event: PaymentEvent, record: PaymentRecord | SessionRecord | undefined) {
  const { data } = event;
  const what =
    event.detailType === 'PaymentSessionExpired'
      ? `session ${data.sessionId}`
      : `payment ${(data as PaymentSucceededData).paymentId}`;
  if (!data.sessionId) return `the ${event.detailType} names no payment session`;
  if (!record) return `payments has no ${what}`;
  if (record.orderId !== data.orderId) return `payments says ${what} is not for order ${data.orderId}`;
  if ('paymentId' in record && record.sessionId !== data.sessionId) {
    return `payments says ${what} is not for session ${data.sessionId}`;
  }
  if (!sameAmount(record.amount, data.amount)) {
    return `payments says ${what} is for ${record.amount.amount} ${record.amount.currency}, not ${data.amount.amount} ${data.amount.currency}`;
  }
  const expected =
    event.detailType === 'PaymentSucceeded'
      ? TAKEN
      : event.detailType === 'PaymentFailed'
        ? ['FAILED']
        : ['EXPIRED'];
  if (!expected.includes(record.status)) return `payments says ${what} is ${record.status}`;
  return undefined;
}

/**
 * What to do with a payment result for an order: complete the waiting task only with a confirmed result for the
 * order's own session and total; give back any confirmed payment the order is not waiting for (late, after a
 * decline, a second session); ignore everything else.
 */
export function decidePaymentResult(
  event: PaymentEvent,
  record: PaymentRecord | SessionRecord | undefined,
  order: WaitingOrder | undefined,
): PaymentDecision {
  const doubt = unconfirmed(event, record);
  if (doubt) return { action: 'ignore', why: doubt, suspicious: true };
  if (!order) {
    return {
      action: 'ignore',
      why: `order ${event.data.orderId} is not in the orders table`,
      suspicious: true,
    };
  }
  const result = resultIdOf(event);
  const taken = event.detailType === 'PaymentSucceeded';
  // Accepted already (a redelivery, or a crash before the task was completed): complete it again.
  if (order.acceptedResult === result) return { action: 'complete', completion: taskCompletionFor(event) };
  const forThisOrder =
    order.waiting &&
    order.status === 'AWAITING_PAYMENT' &&
    order.acceptedResult === undefined &&
    order.sessionId === event.data.sessionId &&
    order.total !== undefined &&
    sameAmount(order.total, event.data.amount);
  if (forThisOrder && (!taken || record?.status === 'SUCCEEDED')) {
    return { action: 'complete', completion: taskCompletionFor(event) };
  }
  if (!taken)
    return {
      action: 'ignore',
      why: `order is ${order.status}, not waiting for this result`,
      suspicious: false,
    };
  const { paymentId, amount } = event.data as PaymentSucceededData;
  if (order.paymentId === paymentId) {
    return { action: 'ignore', why: 'this payment already completed the order', suspicious: false };
  }
  return { action: 'refund', paymentId, amount, reason: lateRefundReason(order.status) };
}

/** What an order accepts as its payment's outcome: the payment, or the session's expiry. */
export function resultIdOf(event: PaymentEvent): string {
  return event.detailType === 'PaymentSessionExpired'
    ? `expired:${event.data.sessionId}`
    : event.data.paymentId;
}

/**
 * After Step Functions refused the completion (the task no longer waits): what the order's status now says.
 * Still AWAITING_PAYMENT means the execution has not recorded why yet ('unsettled': try again later).
 */
export function afterStaleTask(
  event: PaymentEvent,
  order: WaitingOrder | undefined,
): Exclude<PaymentDecision, { action: 'complete' }> | 'unsettled' {
  if (order?.status === 'AWAITING_PAYMENT') return 'unsettled';
  if (event.detailType !== 'PaymentSucceeded' || !order) {
    return { action: 'ignore', why: 'the payment task no longer waits', suspicious: false };
  }
  if (order.paymentId === event.data.paymentId) {
    return { action: 'ignore', why: 'this payment already completed the order', suspicious: false };
  }
  return {
    action: 'refund',
    paymentId: event.data.paymentId,
    amount: event.data.amount,
    reason: lateRefundReason(order.status),
  };
}

/** The refund's reason, as the customer reads it in the refund message. */
function lateRefundReason(orderStatus: string): string {
  switch (orderStatus) {
    case 'PAYMENT_TIMED_OUT':
      return 'The payment arrived after the order had timed out waiting for it.';
    case 'CANCELLED':
      return 'The order had already been cancelled after a declined card when this payment arrived.';
    case 'REJECTED':
      return 'The order had already been rejected when this payment arrived.';
    default:
      return 'The order was not waiting for this payment, so it has been given back.';
  }
}

function sameAmount(left: Money, right: Money): boolean {
  return left.amount === right.amount && left.currency === right.currency;
}

/** A payment outcome becomes SendTaskSuccess (the Choice decides on it) or, for an expired session, SendTaskFailure. */
export function taskCompletionFor(event: PaymentEvent): TaskCompletion {
  switch (event.detailType) {
    case 'PaymentSucceeded':
      return {
        kind: 'success',
        output: {
          outcome: 'SUCCEEDED',
          paymentId: event.data.paymentId,
          ...(event.data.sessionId ? { sessionId: event.data.sessionId } : {}),
        },
      };
    case 'PaymentFailed':
      return {
        kind: 'success',
        output: {
          outcome: 'FAILED',
          paymentId: event.data.paymentId,
          ...(event.data.sessionId ? { sessionId: event.data.sessionId } : {}),
          reason: event.data.reason,
        },
      };
    case 'PaymentSessionExpired':
      return {
        kind: 'failure',
        error: SESSION_EXPIRED_ERROR,
        cause: `Payment session ${event.data.sessionId} expired at ${event.data.expiredAt} without a payment`,
      };
  }
}

/** Step Functions' answers for a token that can no longer be completed: a late or duplicate result. */
export const STALE_TOKEN_ERRORS = ['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken'];
