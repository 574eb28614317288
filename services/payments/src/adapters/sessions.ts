import {
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { HoldResult, PaymentTarget, Settlement } from '../domain/pay';
import type { Payment } from '../domain/payment';
import { SESSION_RETENTION_SECONDS, type PaymentSession, type SessionChange } from '../domain/session';
import { getItem } from './batch-get';
import { cancellationCodes, dynamoDocuments, isTransactionRace, transactWithRetry } from './dynamodb';
import { putHeldPayment, settlePaymentItem, supersedeItem, type Item } from './tables/payments';

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

    /** Read with whatever else is read at the same moment (one BatchGetItem), consistently. */
    async get(sessionId: string): Promise<PaymentSession | undefined> {
      const item = await getItem(sessionsTable, { sessionId });
      return item ? itemToSession(item) : undefined;
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

/** Paying a session: the session is the lock, changed in the same transaction as the payment. */
export function createSessionTarget(
  tables: { sessionsTable: string; paymentsTable: string },
  sessionId: string,
  store: SessionStore,
): PaymentTarget<PaymentSession, SessionChange> {
  const documents = dynamoDocuments();

  function sessionItems(change: SessionChange, payment: Payment) {
    if (change.kind === 'none') return [];
    const closing = change.to === 'PAID' || change.to === 'DECLINED';
    const values: Item = { ':from': change.from, ':to': change.to, ':now': payment.updatedAt };
    const set = ['#s = :to', 'updatedAt = :now'];
    const remove: string[] = [];
    let condition = '#s = :from';
    if (change.from === 'CREATED') {
      // Only before the deadline: no card is taken for a session that expired.
      condition += ' AND payBefore > :now';
    }
    if (change.paymentId) {
      set.push('paymentId = :paymentId');
      values[':paymentId'] = change.paymentId;
    } else if (change.to === 'CREATED') {
      remove.push('paymentId');
    }
    if (change.from === 'PROCESSING') {
      condition += ' AND paymentId = :held';
      values[':held'] = payment.paymentId;
    }
    if (change.closedReason) {
      set.push('closedReason = :reason');
      values[':reason'] = change.closedReason;
    }
    if (closing) {
      set.push('expiresAt = :retainUntil');
      values[':retainUntil'] = epochSeconds(payment.updatedAt) + SESSION_RETENTION_SECONDS;
    }
    return [
      {
        Update: {
          TableName: tables.sessionsTable,
          Key: { sessionId },
          UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
          ConditionExpression: condition,
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: values,
        },
      },
    ];
  }

  return {
    read: () => store.get(sessionId),

    async hold(change, payment, supersedes): Promise<HoldResult> {
      const session = sessionItems(change, payment);
      try {
        await documents.send(
          new TransactWriteCommand({
            TransactItems: [
              ...session,
              putHeldPayment(tables.paymentsTable, payment),
              ...(supersedes ? [supersedeItem(tables.paymentsTable, supersedes, payment)] : []),
            ],
          }),
        );
        return 'held';
      } catch (error) {
        const codes = cancellationCodes(error);
        if (!codes) throw error;
        if (codes[session.length] === 'ConditionalCheckFailed') return 'payment-exists';
        if (isTransactionRace(codes)) return 'lost-race';
        throw error;
      }
    },

    async settle({ payment, from, change, outbox }: Settlement<SessionChange>): Promise<boolean> {
      const session = sessionItems(change, payment);
      try {
        await transactWithRetry([...session, settlePaymentItem(tables.paymentsTable, payment, from, outbox)]);
        return true;
      } catch (error) {
        const codes = cancellationCodes(error);
        if (codes?.[session.length] === 'ConditionalCheckFailed') return false;
        throw error;
      }
    },
  };
}
