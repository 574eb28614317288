import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, type Money } from '@payflow/shared';
import type { OrderRecord } from '../domain/order-record';

export interface PaymentRequested {
  orderId: string;
  taskToken: string;
  total: Money;
  session: { sessionId: string; payUrl: string; expiresAt: string };
  at: string;
}

/** The orders table, which the state machine writes through direct integrations and the functions read. */
export function createOrderStore(tableName: string, client: DynamoDBDocumentClient = documentClient()) {
  return {
    async get(orderId: string): Promise<OrderRecord | undefined> {
      const out = await client.send(
        new GetCommand({ TableName: tableName, Key: { orderId }, ConsistentRead: true }),
      );
      return out.Item as OrderRecord | undefined;
    },

    /** Saves the task's token and its session, and moves the order to AWAITING_PAYMENT (once: a retry keeps one history entry). */
    async paymentRequested(request: PaymentRequested): Promise<void> {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { orderId: request.orderId },
          ConditionExpression: 'attribute_exists(orderId)',
          UpdateExpression:
            'SET taskToken = :token, #session = :session, #total = :total, paymentStatus = :awaiting, ' +
            '#status = :awaiting, updatedAt = :at, statusHistory = list_append(statusHistory, :change)',
          ExpressionAttributeNames: { '#session': 'session', '#total': 'total', '#status': 'status' },
          ExpressionAttributeValues: {
            ':token': request.taskToken,
            ':session': request.session,
            ':total': request.total,
            ':awaiting': 'AWAITING_PAYMENT',
            ':at': request.at,
            ':change': [{ status: 'AWAITING_PAYMENT', at: request.at }],
          },
        }),
      );
    },

    /**
     * Claims the order's one payment result before the task is completed: only while it awaits payment on this
     * session and has accepted no other. False when the order is not (or no longer) waiting for this result.
     */
    async acceptResult(orderId: string, sessionId: string, resultId: string, at: string): Promise<boolean> {
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { orderId },
            ConditionExpression:
              '#status = :awaiting AND #session.sessionId = :sessionId AND attribute_exists(taskToken) AND ' +
              '(attribute_not_exists(acceptedResult) OR acceptedResult = :result)',
            UpdateExpression: 'SET acceptedResult = :result, acceptedAt = :at',
            ExpressionAttributeNames: { '#status': 'status', '#session': 'session' },
            ExpressionAttributeValues: {
              ':awaiting': 'AWAITING_PAYMENT',
              ':sessionId': sessionId,
              ':result': resultId,
              ':at': at,
            },
          }),
        );
        return true;
      } catch (error) {
        if ((error as Error).name === 'ConditionalCheckFailedException') return false;
        throw error;
      }
    },

    /** A retried RequestPayment reuses the session it already made and only swaps in the new token. */
    async replaceTaskToken(orderId: string, taskToken: string, at: string): Promise<void> {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { orderId },
          ConditionExpression: 'attribute_exists(orderId)',
          UpdateExpression: 'SET taskToken = :token, updatedAt = :at',
          ExpressionAttributeValues: { ':token': taskToken, ':at': at },
        }),
      );
    },
  };
}
