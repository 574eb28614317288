import { GetCommand, QueryCommand, type NativeAttributeValue } from '@aws-sdk/lib-dynamodb';
import { BadRequestError, type Money } from '@payflow/shared';
import type { PaymentStore } from '../domain/pay';
import type { Payment, PaymentRefund, PaymentSubject } from '../domain/payment';
import { subjectKey } from '../domain/payment';
import { dynamoDocuments } from './dynamodb';

type Item = Record<string, NativeAttributeValue>;

/** The stored form: flat attributes for the indexes, the card as brand and last four only. */
export function paymentToItem(payment: Payment): Item {
  const { subject } = payment;
  return {
    paymentId: payment.paymentId,
    status: payment.status,
    subjectKey: subjectKey(subject),
    ...(subject.kind === 'invoice'
      ? { invoiceId: subject.invoiceId, customerId: subject.customerId }
      : {
          sessionId: subject.sessionId,
          orderId: subject.orderId,
          merchantId: subject.merchantId,
          customerId: subject.customerId,
        }),
    amount: payment.amount.amount,
    currency: payment.amount.currency,
    card: { brand: payment.card.brand, last4: payment.card.last4 },
    notification: payment.notification,
    reason: payment.reason,
    failureCode: payment.failureCode,
    providerReference: payment.providerReference,
    supersedes: payment.supersedes,
    ...(payment.refund
      ? {
          refundId: payment.refund.refundId,
          refundRequestedAt: payment.refund.requestedAt,
          refundedAt: payment.refund.refundedAt,
          refundProviderReference: payment.refund.providerReference,
          refundPublishedAt: payment.refund.publishedAt,
        }
      : {}),
    createdAt: payment.createdAt,
    updatedAt: payment.updatedAt,
    historyKey: `${payment.createdAt}#${payment.paymentId}`,
  };
}

export function itemToPayment(item: Item): Payment {
  const subject: PaymentSubject = item.invoiceId
    ? { kind: 'invoice', invoiceId: item.invoiceId, customerId: item.customerId }
    : {
        kind: 'session',
        sessionId: item.sessionId,
        orderId: item.orderId,
        ...(item.merchantId ? { merchantId: item.merchantId } : {}),
        ...(item.customerId ? { customerId: item.customerId } : {}),
      };
  return {
    paymentId: item.paymentId,
    status: item.status,
    subject,
    amount: { amount: Number(item.amount), currency: item.currency },
    card: item.card,
    notification: item.notification,
    ...(item.reason ? { reason: item.reason } : {}),
    ...(item.failureCode ? { failureCode: item.failureCode } : {}),
    ...(item.providerReference ? { providerReference: item.providerReference } : {}),
    ...(item.supersedes ? { supersedes: item.supersedes } : {}),
    ...(item.refundId ? { refund: itemToRefund(item) } : {}),
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
  };
}

function itemToRefund(item: Item): PaymentRefund {
  return {
    refundId: item.refundId,
    requestedAt: item.refundRequestedAt,
    ...(item.refundedAt ? { refundedAt: item.refundedAt } : {}),
    ...(item.refundProviderReference ? { providerReference: item.refundProviderReference } : {}),
    ...(item.refundPublishedAt ? { publishedAt: item.refundPublishedAt } : {}),
  };
}

export interface PaymentPage {
  payments: Payment[];
  nextCursor: string | null;
}

function encodeCursor(key: Item | undefined): string | null {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : null;
}

/** A cursor is only ever one we issued: the customer's own index key, nothing else. */
function decodeCursor(cursor: string, customerId: string): Item {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Item;
    const names = Object.keys(key).sort().join(',');
    if (names !== 'customerId,historyKey,paymentId' || key.customerId !== customerId)
      throw new Error('foreign key');
    if (typeof key.historyKey !== 'string' || typeof key.paymentId !== 'string') throw new Error('bad key');
    return key;
  } catch {
    throw new BadRequestError(
      'cursor is not one this API issued for this customer: use nextCursor as returned',
    );
  }
}

export function createPaymentStore(tableName: string) {
  const documents = dynamoDocuments();
  return {
    async get(paymentId: string): Promise<Payment | undefined> {
      const { Item } = await documents.send(
        new GetCommand({ TableName: tableName, Key: { paymentId }, ConsistentRead: true }),
      );
      return Item ? itemToPayment(Item) : undefined;
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
          ...(cursor ? { ExclusiveStartKey: decodeCursor(cursor, customerId) } : {}),
        }),
      );
      return { payments: Items.map(itemToPayment), nextCursor: encodeCursor(LastEvaluatedKey) };
    },
  } satisfies PaymentStore & Record<string, unknown>;
}

export type PaymentsStore = ReturnType<typeof createPaymentStore>;
