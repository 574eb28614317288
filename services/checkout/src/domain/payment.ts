import type { PaymentFailedData, PaymentSessionExpiredData, PaymentSucceededData } from '@payflow/shared';

/** The default time a customer has to pay an order's session. */
export const DEFAULT_PAYMENT_TIMEOUT_SECONDS = 15 * 60;
/** The longest a session may live at payments (24 h). */
export const MAX_PAYMENT_TIMEOUT_SECONDS = 24 * 60 * 60;

export interface PaymentTimeouts {
  /** How long the payment session accepts a card. */
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

/** What the RequestPayment task outputs when the customer has paid or been declined; the Choice reads `outcome`. */
export interface PaymentResult {
  outcome: 'SUCCEEDED' | 'FAILED';
  paymentId: string;
  sessionId?: string;
  reason?: string;
}

/** The error the task fails with when the session expired unpaid; caught with States.Timeout. */
export const SESSION_EXPIRED_ERROR = 'Payment.SessionExpired';

export type PaymentEvent =
  | { detailType: 'PaymentSucceeded'; data: PaymentSucceededData }
  | { detailType: 'PaymentFailed'; data: PaymentFailedData }
  | { detailType: 'PaymentSessionExpired'; data: PaymentSessionExpiredData };

export type TaskCompletion =
  { kind: 'success'; output: PaymentResult } | { kind: 'failure'; error: string; cause: string };

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
