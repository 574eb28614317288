import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Money } from '@payflow/shared';
import type { PaymentStore } from '../domain/pay';
import type { OutboxEvent, Payment } from '../domain/payment';
import type { PaymentNeedingAttention } from '../domain/reconcile';
import { getItem } from './batch-get';
import { decodeCursor, encodeCursor } from './cursor';
import { dynamoDocuments } from './dynamodb';
import { itemToPayment, type Attention } from './tables/payments';

export interface PaymentPage {
  payments: Payment[];
  nextCursor: string | null;
}

export function createPaymentStore(tableName: string) {
  const documents = dynamoDocuments();
  return {
    /** Read with whatever else is read at the same moment (one BatchGetItem), consistently. */
    async get(paymentId: string): Promise<Payment | undefined> {
      const item = await getItem(tableName, { paymentId });
      return item ? itemToPayment(item) : undefined;
    },

    async claim(paymentId: string, until: Date, now: Date): Promise<boolean> {
      try {
        await documents.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { paymentId },
            UpdateExpression: 'SET inFlightUntil = :until',
            ConditionExpression:
              '#s = :processing AND (attribute_not_exists(inFlightUntil) OR inFlightUntil <= :now)',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: {
              ':until': until.toISOString(),
              ':now': now.toISOString(),
              ':processing': 'PROCESSING',
            },
          }),
        );
        return true;
      } catch (error) {
        if ((error as Error).name === 'ConditionalCheckFailedException') return false;
        throw error;
      }
    },

    async clearInFlight(paymentId: string): Promise<void> {
      try {
        await documents.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { paymentId },
            UpdateExpression: 'REMOVE inFlightUntil',
            ConditionExpression: '#s = :processing',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':processing': 'PROCESSING' },
          }),
        );
      } catch (error) {
        // Settled meanwhile: nothing to let go of.
        if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      }
    },

    async findPending(key: string, amount: Money, last4: string): Promise<Payment | undefined> {
      const { Items = [] } = await documents.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'bySubject',
          KeyConditionExpression: 'subjectKey = :subject',
          FilterExpression:
            '#s = :pending AND amount = :amount AND currency = :currency AND card.last4 = :last4',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: {
            ':subject': key,
            ':pending': 'PENDING',
            ':amount': amount.amount,
            ':currency': amount.currency,
            ':last4': last4,
          },
          ScanIndexForward: false,
        }),
      );
      return Items[0] ? itemToPayment(Items[0]) : undefined;
    },

    /** Payments marked for the reconciler (HOLD, PENDING, OUTBOX) since before `before`, oldest first. */
    async needingAttention(
      attention: Attention,
      before: string,
      limit = 50,
    ): Promise<PaymentNeedingAttention[]> {
      const { Items = [] } = await documents.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'byAttention',
          KeyConditionExpression: 'attention = :attention AND attentionSince < :before',
          ExpressionAttributeValues: { ':attention': attention, ':before': before },
          Limit: limit,
        }),
      );
      return Items.map((item) => ({
        payment: itemToPayment(item),
        ...(item.outbox ? { outbox: item.outbox as OutboxEvent } : {}),
      }));
    },

    /** The outbox event reached the bus: unmarked, so nobody sends it again (a repeat would carry the same id). */
    async markPublished(paymentId: string, eventId: string, at: string): Promise<void> {
      try {
        await documents.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { paymentId },
            UpdateExpression: 'SET eventPublishedAt = :at REMOVE attention, attentionSince, outbox',
            ConditionExpression: 'outbox.id = :eventId',
            ExpressionAttributeValues: { ':at': at, ':eventId': eventId },
          }),
        );
      } catch (error) {
        // Already marked by whoever sent it first.
        if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      }
    },

    /** Newest first; `cursor` is the `nextCursor` of the previous page. */
    async listByCustomer(customerId: string, limit: number, cursor?: string): Promise<PaymentPage> {
      const { Items = [], LastEvaluatedKey } = await documents.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'byCustomer',
          KeyConditionExpression: 'customerId = :customer',
          ExpressionAttributeValues: { ':customer': customerId },
          ScanIndexForward: false,
          Limit: limit,
          ...(cursor
            ? {
                ExclusiveStartKey: decodeCursor(
                  cursor,
                  ['customerId', 'historyKey', 'paymentId'],
                  customerId,
                ),
              }
            : {}),
        }),
      );
      return { payments: Items.map(itemToPayment), nextCursor: encodeCursor(LastEvaluatedKey) };
    },
  } satisfies PaymentStore & Record<string, unknown>;
}
