import { createHash } from 'node:crypto';
import {
  DomainError,
  formatMoney,
  IdentifierSchema,
  NotificationChoiceSchema,
  type Money,
  type NotificationChoice,
} from '@payflow/shared';
import { z } from 'zod';
import type { PaymentRules } from './pay';
import { minimumCharge, PositiveMoneySchema } from './payment';

const DEFAULT_SESSION_SECONDS = 10 * 60;
const MAX_SESSION_SECONDS = 24 * 60 * 60;
/** SQS's longest message delay. */
const MAX_QUEUE_DELAY_SECONDS = 900;
/** How long a paid or expired session stays readable before TTL removes it. */
export const SESSION_RETENTION_SECONDS = 30 * 24 * 60 * 60;

/**
 * CREATED: payable. PROCESSING: a payment holds it. PAID. EXPIRED: its deadline passed unpaid.
 * DECLINED: its payment was declined, which ends it (checkout cancels the order). CLOSED: the order it was for was
 * decided elsewhere (rejected, cancelled, timed out), so nothing may be paid on it any more.
 */
export type SessionStatus = 'CREATED' | 'PROCESSING' | 'PAID' | 'EXPIRED' | 'DECLINED' | 'CLOSED';

export const CreateSessionBodySchema = z
  .strictObject({
    orderId: IdentifierSchema,
    merchantId: IdentifierSchema.optional(),
    customerId: IdentifierSchema.optional(),
    amount: PositiveMoneySchema.refine((money) => money.amount >= minimumCharge(money.currency), {
      error: 'amount is below the smallest payment this currency allows (e.g. 0.50 EUR)',
      path: ['amount'],
    }),
    /** The caller's Step Functions task token, carried opaquely; payments never calls Step Functions. */
    taskToken: z.string().min(1).max(2048).optional(),
    notification: NotificationChoiceSchema.optional(),
    expiresInSeconds: z.number().int().min(1).max(MAX_SESSION_SECONDS).optional(),
    /** An absolute deadline instead (checkout's one payment deadline); at most 24 h ahead. */
    expiresAt: z.iso.datetime({ offset: true }).optional(),
  })
  .superRefine((body, context) => {
    if (body.expiresAt && body.expiresInSeconds) {
      context.addIssue({
        code: 'custom',
        path: ['expiresAt'],
        message: 'give expiresAt or expiresInSeconds, not both',
      });
    }
    // A waiting caller learns the outcome through events, and every payment event names who to notify.
    if (body.taskToken && !body.notification) {
      context.addIssue({
        code: 'custom',
        path: ['notification'],
        message: 'notification is required when taskToken is given',
      });
    }
  });
export type CreateSessionBody = z.output<typeof CreateSessionBodySchema>;

export interface PaymentSession {
  sessionId: string;
  status: SessionStatus;
  orderId: string;
  merchantId?: string;
  customerId?: string;
  amount: Money;
  taskToken?: string;
  notification?: NotificationChoice;
  /** The deadline to pay, ISO 8601. */
  payBefore: string;
  paymentId?: string;
  /** Why a DECLINED or CLOSED session ended. */
  closedReason?: string;
  correlationId: string;
  createdAt: string;
  updatedAt: string;
}

/** Why a session cannot be created with this deadline, or undefined. */
export function deadlineProblem(body: CreateSessionBody, now: Date): string | undefined {
  if (!body.expiresAt) return undefined;
  const deadline = Date.parse(body.expiresAt);
  if (deadline <= now.getTime()) return `expiresAt ${body.expiresAt} has already passed`;
  if (deadline - now.getTime() > MAX_SESSION_SECONDS * 1000) {
    return `expiresAt ${body.expiresAt} is more than ${MAX_SESSION_SECONDS / 3600} h away`;
  }
  return undefined;
}

/** The same request for the same key names the same session: a caller's retry finds the session it made. */
export function sessionIdFor(idempotencyKey: string, orderId: string): string {
  const digest = createHash('sha256').update(`session\n${idempotencyKey}\n${orderId}`).digest('hex');
  return `ps_${digest.slice(0, 32)}`;
}

/** Whether an existing session is what this request asked for (a retry), not another request under its key. */
export function isSameSessionRequest(session: PaymentSession, body: CreateSessionBody): boolean {
  return (
    session.orderId === body.orderId &&
    session.amount.amount === body.amount.amount &&
    session.amount.currency === body.amount.currency
  );
}

/** A session that no longer takes a card, for a reason the payer reads: its order was decided elsewhere. */
/** Why an order's sessions take no card any more, by the order outcome that closed them, in the payer's words. */
export const orderClosedReasons = {
  OrderRejected: 'the order was cancelled or rejected; nothing was charged',
  PaymentTimedOut: 'the order timed out waiting for its payment; nothing was charged',
} as const satisfies Record<'OrderRejected' | 'PaymentTimedOut', string>;

export function closeSession(session: PaymentSession, reason: string, now: Date): PaymentSession {
  return { ...session, status: 'CLOSED', closedReason: reason, updatedAt: now.toISOString() };
}

export function newSession(
  body: CreateSessionBody,
  ids: { sessionId: string; correlationId: string },
  now: Date,
): PaymentSession {
  const payBefore = body.expiresAt
    ? new Date(body.expiresAt)
    : new Date(now.getTime() + (body.expiresInSeconds ?? DEFAULT_SESSION_SECONDS) * 1000);
  return {
    sessionId: ids.sessionId,
    status: 'CREATED',
    orderId: body.orderId,
    ...(body.merchantId ? { merchantId: body.merchantId } : {}),
    ...(body.customerId ? { customerId: body.customerId } : {}),
    amount: body.amount,
    ...(body.taskToken ? { taskToken: body.taskToken } : {}),
    ...(body.notification ? { notification: body.notification } : {}),
    payBefore: payBefore.toISOString(),
    correlationId: ids.correlationId,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
}

export function isPastDeadline(session: PaymentSession, now: Date): boolean {
  return now.getTime() >= Date.parse(session.payBefore);
}

/** The status a reader should see: an unpaid session past its deadline is expired even before the sweeper ran. */
export function effectiveStatus(session: PaymentSession, now: Date): SessionStatus {
  return session.status === 'CREATED' && isPastDeadline(session, now) ? 'EXPIRED' : session.status;
}

/** Delay for the next expiry check: SQS delays at most 15 minutes, so a longer session is checked again. */
export function expiryCheckDelaySeconds(payBefore: string, now: Date): number {
  const seconds = Math.ceil((Date.parse(payBefore) - now.getTime()) / 1000);
  return Math.min(MAX_QUEUE_DELAY_SECONDS, Math.max(0, seconds));
}

export interface SessionView {
  sessionId: string;
  status: SessionStatus;
  orderId: string;
  merchantId?: string;
  amount: Money;
  expiresAt: string;
  paymentId?: string;
  /** Why a DECLINED or CLOSED session ended. */
  closedReason?: string;
  payUrl: string;
}

export function sessionView(session: PaymentSession, payPageUrl: string, now: Date): SessionView {
  const url = new URL(payPageUrl);
  url.searchParams.set('session', session.sessionId);
  return {
    sessionId: session.sessionId,
    status: effectiveStatus(session, now),
    orderId: session.orderId,
    ...(session.merchantId ? { merchantId: session.merchantId } : {}),
    amount: session.amount,
    expiresAt: session.payBefore,
    ...(session.paymentId ? { paymentId: session.paymentId } : {}),
    ...(session.closedReason ? { closedReason: session.closedReason } : {}),
    payUrl: url.toString(),
  };
}

export function sessionNotFound(sessionId: string): DomainError {
  return new DomainError('NotFound', `Payment session ${sessionId} was not found`);
}

/** Why a session cannot be paid now (or with this amount), as the payer reads it; undefined when it can. */
function refusalToPaySession(session: PaymentSession, amount: Money, now: Date): DomainError | undefined {
  const { sessionId } = session;
  const status = effectiveStatus(session, now);
  if (status === 'EXPIRED') {
    return new DomainError(
      'Closed',
      `Payment session ${sessionId} expired at ${session.payBefore}; ask for a new one`,
    );
  }
  if (status === 'DECLINED' || status === 'CLOSED') {
    return new DomainError(
      'Closed',
      `Payment session ${sessionId} is closed: ${session.closedReason ?? 'its order is no longer waiting for a payment'}`,
    );
  }
  if (status === 'PAID') return new DomainError('NotPayable', `Payment session ${sessionId} is already paid`);
  if (status === 'PROCESSING') {
    return new DomainError(
      'Busy',
      `A payment for session ${sessionId} is in progress; check the session in a moment`,
    );
  }
  if (amount.amount !== session.amount.amount || amount.currency !== session.amount.currency) {
    return new DomainError('Invalid', `Payment session ${sessionId} is for ${formatMoney(session.amount)}`);
  }
  return undefined;
}

/** A session once its payment's outcome is known: paid, ended by a decline, or open again while the bank decides. */
function sessionStatusAfter(paymentStatus: 'SUCCEEDED' | 'FAILED' | 'PENDING'): SessionStatus {
  if (paymentStatus === 'SUCCEEDED') return 'PAID';
  return paymentStatus === 'FAILED' ? 'DECLINED' : 'CREATED';
}

/** Why a session ended with its declined payment, as the payer reads it on the page. */
function declinedReason(paymentReason: string | undefined): string {
  return `its card was declined (${(paymentReason ?? 'declined').replace(/\.$/, '')}); the order is cancelled and nothing was charged`;
}

/** What paying a session writes on it, in the payment's transaction. */
export type SessionChange =
  | { kind: 'status'; from: SessionStatus; to: SessionStatus; paymentId?: string; closedReason?: string }
  | { kind: 'none' };

/** The session's payment rules: the session itself is the lock (one payment at a time, one outcome). */
export const sessionRules = (sessionId: string): PaymentRules<PaymentSession, SessionChange> => ({
  subjectKey: `session#${sessionId}`,
  notFound: () => sessionNotFound(sessionId),
  refusal: (session, amount, now) => refusalToPaySession(session, amount, now),
  subject: (session) => ({
    kind: 'session',
    sessionId: session.sessionId,
    orderId: session.orderId,
    ...(session.merchantId ? { merchantId: session.merchantId } : {}),
    ...(session.customerId ? { customerId: session.customerId } : {}),
  }),
  held: (_session, payment) => ({
    kind: 'status',
    from: 'CREATED',
    to: 'PROCESSING',
    paymentId: payment.paymentId,
  }),
  settled: (payment) => {
    const to = sessionStatusAfter(payment.status as 'SUCCEEDED' | 'FAILED' | 'PENDING');
    return {
      kind: 'status',
      from: 'PROCESSING',
      to,
      ...(to === 'DECLINED' ? { closedReason: declinedReason(payment.reason) } : {}),
    };
  },
  reheld: (_session, payment) => ({
    kind: 'status',
    from: 'CREATED',
    to: 'PAID',
    paymentId: payment.paymentId,
  }),
  unchanged: { kind: 'none' },
});
