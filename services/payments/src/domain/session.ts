import {
  IdentifierSchema,
  NotificationChoiceSchema,
  type Money,
  type NotificationChoice,
} from '@payflow/shared';
import { z } from 'zod';
import { PositiveMoneySchema } from './payment';

export const DEFAULT_SESSION_SECONDS = 10 * 60;
export const MAX_SESSION_SECONDS = 24 * 60 * 60;
/** SQS's longest message delay. */
export const MAX_QUEUE_DELAY_SECONDS = 900;
/** How long a paid or expired session stays readable before TTL removes it. */
export const SESSION_RETENTION_SECONDS = 30 * 24 * 60 * 60;

export type SessionStatus = 'CREATED' | 'PROCESSING' | 'PAID' | 'EXPIRED';

export const CreateSessionBodySchema = z
  .strictObject({
    orderId: IdentifierSchema,
    merchantId: IdentifierSchema.optional(),
    customerId: IdentifierSchema.optional(),
    amount: PositiveMoneySchema,
    /** The caller's Step Functions task token, carried opaquely; payments never calls Step Functions. */
    taskToken: z.string().min(1).max(2048).optional(),
    notification: NotificationChoiceSchema.optional(),
    expiresInSeconds: z.number().int().min(1).max(MAX_SESSION_SECONDS).optional(),
  })
  .superRefine((body, context) => {
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
  correlationId: string;
  createdAt: string;
  updatedAt: string;
}

export function newSession(
  body: CreateSessionBody,
  ids: { sessionId: string; correlationId: string },
  now: Date,
): PaymentSession {
  const seconds = body.expiresInSeconds ?? DEFAULT_SESSION_SECONDS;
  return {
    sessionId: ids.sessionId,
    status: 'CREATED',
    orderId: body.orderId,
    ...(body.merchantId ? { merchantId: body.merchantId } : {}),
    ...(body.customerId ? { customerId: body.customerId } : {}),
    amount: body.amount,
    ...(body.taskToken ? { taskToken: body.taskToken } : {}),
    ...(body.notification ? { notification: body.notification } : {}),
    payBefore: new Date(now.getTime() + seconds * 1000).toISOString(),
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
    payUrl: url.toString(),
  };
}
