import {
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type NativeAttributeValue,
} from '@aws-sdk/lib-dynamodb';
import {
  ConflictError,
  GoneError,
  NotFoundError,
  UnprocessableError,
  formatMoney,
  type Money,
} from '@payflow/shared';
import type { PaymentTarget, ReserveResult } from '../domain/pay';
import type { Payment } from '../domain/payment';
import { effectiveStatus, SESSION_RETENTION_SECONDS, type PaymentSession } from '../domain/session';
import { cancellationCodes, dynamoDocuments, isTransactionRace } from './dynamodb';
import { settlePaymentItem, supersedeItem, transactWithRetry } from './invoices';
import { paymentToItem } from './payments-store';

type Item = Record<string, NativeAttributeValue>;

const epochSeconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

/**
 * `expiresAt` is the TTL attribute: a retention period after the deadline, so an expired or closed session still
 * answers 410 (with why) for a month instead of vanishing into a 404 when TTL runs at the deadline.
 */
function sessionToItem(session: PaymentSession): Item {
  return { ...session, expiresAt: epochSeconds(session.payBefore) + SESSION_RETENTION_SECONDS };
}

function itemToSession(item: Item): PaymentSession {
  const { expiresAt: _ttl, expiryPublishedAt: _published, ...session } = item;
  return session as PaymentSession;
}

export function createSessionStore(sessionsTable: string) {
  const documents = dynamoDocuments();
  return {
    /** Writes a new session; when one with its id exists already (a retried request), returns that one. */
    async create(session: PaymentSession): Promise<{ created: boolean; session: PaymentSession }> {
      try {
        await documents.send(
          new PutCommand({
            TableName: sessionsTable,
            Item: sessionToItem(session),
            ConditionExpression: 'attribute_not_exists(sessionId)',
          }),
        );
        return { created: true, session };
      } catch (error) {
        if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
        const { Item } = await documents.send(
          new GetCommand({
            TableName: sessionsTable,
            Key: { sessionId: session.sessionId },
            ConsistentRead: true,
          }),
        );
        if (!Item) throw error;
        return { created: false, session: itemToSession(Item) };
      }
    },

    /**
     * Closes every session of the order that still takes a card (CREATED), for the reason given; a session being
     * paid right now (PROCESSING) finishes, and its outcome is checkout's to settle. Returns the sessions closed.
     */
    async closeForOrder(orderId: string, close: (session: PaymentSession) => PaymentSession) {
      const { Items = [] } = await documents.send(
        new QueryCommand({
          TableName: sessionsTable,
          IndexName: 'byOrder',
          KeyConditionExpression: 'orderId = :orderId',
          ExpressionAttributeValues: { ':orderId': orderId },
        }),
      );
      const closed: PaymentSession[] = [];
      for (const item of Items) {
        const session = itemToSession(item);
        if (session.status !== 'CREATED') continue;
        const next = close(session);
        try {
          await documents.send(
            new UpdateCommand({
              TableName: sessionsTable,
              Key: { sessionId: session.sessionId },
              ConditionExpression: '#s = :created',
              UpdateExpression: 'SET #s = :status, closedReason = :reason, updatedAt = :now',
              ExpressionAttributeNames: { '#s': 'status' },
              ExpressionAttributeValues: {
                ':created': 'CREATED',
                ':status': next.status,
                ':reason': next.closedReason,
                ':now': next.updatedAt,
              },
            }),
          );
          closed.push(next);
        } catch (error) {
          // Paid, expired or closed by someone else meanwhile: nothing to close.
          if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
        }
      }
      return closed;
    },

    async get(sessionId: string): Promise<PaymentSession | undefined> {
      const { Item } = await documents.send(
        new GetCommand({ TableName: sessionsTable, Key: { sessionId }, ConsistentRead: true }),
      );
      return Item ? itemToSession(Item) : undefined;
    },

    /**
     * Marks an unpaid session EXPIRED. Returns the session when its PaymentSessionExpired event still has to be
     * published (also when an earlier attempt marked it but failed to publish), undefined when there is nothing to do.
     */
    async markExpired(sessionId: string, now: Date): Promise<PaymentSession | undefined> {
      try {
        const { Attributes } = await documents.send(
          new UpdateCommand({
            TableName: sessionsTable,
            Key: { sessionId },
            UpdateExpression: 'SET #s = :expired, updatedAt = :now, expiresAt = :retainUntil',
            ConditionExpression:
              '(#s = :created AND payBefore <= :now) OR (#s = :expired AND attribute_not_exists(expiryPublishedAt))',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: {
              ':expired': 'EXPIRED',
              ':created': 'CREATED',
              ':now': now.toISOString(),
              ':retainUntil': Math.floor(now.getTime() / 1000) + SESSION_RETENTION_SECONDS,
            },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return Attributes ? itemToSession(Attributes) : undefined;
      } catch (error) {
        if ((error as Error).name === 'ConditionalCheckFailedException') return undefined;
        throw error;
      }
    },

    async markExpiryPublished(sessionId: string, now: Date): Promise<void> {
      await documents.send(
        new UpdateCommand({
          TableName: sessionsTable,
          Key: { sessionId },
          UpdateExpression: 'SET expiryPublishedAt = :now',
          ExpressionAttributeValues: { ':now': now.toISOString() },
        }),
      );
    },
  };
}

export type SessionStore = ReturnType<typeof createSessionStore>;

/** Why a session cannot be paid now, as the HTTP problem the payer sees. */
export function sessionRefusal(
  session: PaymentSession | undefined,
  sessionId: string,
  now: Date,
): Error | undefined {
  if (!session) return new NotFoundError(`Payment session ${sessionId} was not found`);
  const status = effectiveStatus(session, now);
  if (status === 'EXPIRED') {
    return new GoneError(`Payment session ${sessionId} expired at ${session.payBefore}; ask for a new one`);
  }
  if (status === 'DECLINED' || status === 'CLOSED') {
    return new GoneError(
      `Payment session ${sessionId} is closed: ${session.closedReason ?? 'its order is no longer waiting for a payment'}`,
    );
  }
  if (status === 'PAID') return new ConflictError(`Payment session ${sessionId} is already paid`);
  if (status === 'PROCESSING') {
    return new ConflictError(
      `A payment for session ${sessionId} is in progress; check the session in a moment`,
    );
  }
  return undefined;
}

/** Paying a session: it moves CREATED -> PROCESSING with the payment record, then PAID or back to CREATED. */
export function createSessionTarget(
  tables: { sessionsTable: string; paymentsTable: string },
  session: PaymentSession,
  store: SessionStore,
  now: () => Date = () => new Date(),
): PaymentTarget<PaymentSession> {
  const documents = dynamoDocuments();
  const { sessionId } = session;
  let latest: PaymentSession | undefined = session;
  let firstRead = true;

  return {
    subject: {
      kind: 'session',
      sessionId,
      orderId: session.orderId,
      ...(session.merchantId ? { merchantId: session.merchantId } : {}),
      ...(session.customerId ? { customerId: session.customerId } : {}),
    },

    async prepare(amount: Money) {
      const current = firstRead ? latest : await store.get(sessionId);
      firstRead = false;
      latest = current;
      const refusal = sessionRefusal(current, sessionId, now());
      if (refusal) throw refusal;
      const payable = current as PaymentSession;
      if (amount.amount !== payable.amount.amount || amount.currency !== payable.amount.currency) {
        throw new UnprocessableError(`Payment session ${sessionId} is for ${formatMoney(payable.amount)}`);
      }
      return payable;
    },

    async reserve(current, payment: Payment, supersedes?: Payment): Promise<ReserveResult> {
      try {
        await documents.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: tables.sessionsTable,
                  Key: { sessionId },
                  UpdateExpression: 'SET #s = :processing, paymentId = :paymentId, updatedAt = :now',
                  ConditionExpression: '#s = :created AND payBefore > :now',
                  ExpressionAttributeNames: { '#s': 'status' },
                  ExpressionAttributeValues: {
                    ':processing': 'PROCESSING',
                    ':created': 'CREATED',
                    ':paymentId': payment.paymentId,
                    ':now': payment.createdAt,
                  },
                },
              },
              {
                Put: {
                  TableName: tables.paymentsTable,
                  Item: paymentToItem(payment),
                  ConditionExpression: 'attribute_not_exists(paymentId)',
                },
              },
              ...(supersedes ? [supersedeItem(tables.paymentsTable, supersedes, payment)] : []),
            ],
          }),
        );
        latest = { ...current, status: 'PROCESSING', paymentId: payment.paymentId };
        return 'reserved';
      } catch (error) {
        const codes = cancellationCodes(error);
        if (!codes) throw error;
        if (codes[1] === 'ConditionalCheckFailed') return 'payment-exists';
        if (isTransactionRace(codes)) return 'conflict';
        throw error;
      }
    },

    async settle(payment: Payment) {
      // Paid and declined end the session (a decline ends the order too); a pending bank answer keeps it open.
      const next =
        payment.status === 'SUCCEEDED' ? 'PAID' : payment.status === 'FAILED' ? 'DECLINED' : 'CREATED';
      await transactWithRetry([
        {
          Update: {
            TableName: tables.sessionsTable,
            Key: { sessionId },
            UpdateExpression:
              next === 'CREATED'
                ? 'SET #s = :next, updatedAt = :now REMOVE paymentId'
                : next === 'DECLINED'
                  ? 'SET #s = :next, updatedAt = :now, closedReason = :reason, expiresAt = :retainUntil'
                  : 'SET #s = :next, updatedAt = :now, expiresAt = :retainUntil',
            ConditionExpression: '#s = :processing AND paymentId = :paymentId',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: {
              ':next': next,
              ':processing': 'PROCESSING',
              ':paymentId': payment.paymentId,
              ':now': payment.updatedAt,
              ...(next === 'CREATED'
                ? {}
                : { ':retainUntil': epochSeconds(payment.updatedAt) + SESSION_RETENTION_SECONDS }),
              ...(next === 'DECLINED'
                ? {
                    ':reason': `its card was declined (${(payment.reason ?? 'declined').replace(/\.$/, '')}); the order is cancelled and nothing was charged`,
                  }
                : {}),
            },
          },
        },
        settlePaymentItem(tables.paymentsTable, payment),
      ]);
    },
  };
}
