import type { NativeAttributeValue } from '@aws-sdk/lib-dynamodb';
import type {
  OutboxEvent,
  Payment,
  PaymentRefund,
  PaymentStatus,
  PaymentSubject,
} from '../../domain/payment';
import { subjectKey } from '../../domain/payment';

/**
 * The payments table's item shape and the transaction items that change it, shared by the adapters that write a
 * payment together with its target (invoice ledger, session) in one transaction.
 *
 * `attention` (sparse GSI `byAttention`, sorted by `attentionSince`) marks what the reconciler must look at:
 * HOLD (PROCESSING: money held, no outcome yet), PENDING (the bank has not decided), OUTBOX (settled, its event
 * not yet sent; `outbox` holds the event). Nothing else carries it.
 */
export type Item = Record<string, NativeAttributeValue>;
export type Attention = 'HOLD' | 'PENDING' | 'OUTBOX';

/** The stored form: flat attributes for the indexes, the card as brand and last four only. */
function paymentToItem(payment: Payment): Item {
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
          refundAmount: payment.refund.amount?.amount,
          refundRequestedAt: payment.refund.requestedAt,
          refundedAt: payment.refund.refundedAt,
          refundProviderReference: payment.refund.providerReference,
          refundPublishedAt: payment.refund.publishedAt,
        }
      : {}),
    correlationId: payment.correlationId,
    fingerprint: payment.fingerprint,
    inFlightUntil: payment.inFlightUntil,
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
    ...(item.correlationId ? { correlationId: item.correlationId } : {}),
    ...(item.fingerprint ? { fingerprint: item.fingerprint } : {}),
    ...(item.inFlightUntil ? { inFlightUntil: item.inFlightUntil } : {}),
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
  };
}

function itemToRefund(item: Item): PaymentRefund {
  return {
    refundId: item.refundId,
    ...(item.refundAmount !== undefined
      ? { amount: { amount: Number(item.refundAmount), currency: item.currency } }
      : {}),
    requestedAt: item.refundRequestedAt,
    ...(item.refundedAt ? { refundedAt: item.refundedAt } : {}),
    ...(item.refundProviderReference ? { providerReference: item.refundProviderReference } : {}),
    ...(item.refundPublishedAt ? { publishedAt: item.refundPublishedAt } : {}),
  };
}

/** The new payment, PROCESSING: held, so the reconciler looks at it if no outcome follows. */
export function putHeldPayment(paymentsTable: string, payment: Payment) {
  return {
    Put: {
      TableName: paymentsTable,
      Item: { ...paymentToItem(payment), attention: 'HOLD', attentionSince: payment.createdAt },
      ConditionExpression: 'attribute_not_exists(paymentId)',
    },
  };
}

/** A pending payment completed by a later one. */
export function supersedeItem(paymentsTable: string, pending: Payment, by: Payment) {
  return {
    Update: {
      TableName: paymentsTable,
      Key: { paymentId: pending.paymentId },
      UpdateExpression:
        'SET #s = :superseded, supersededBy = :by, updatedAt = :now REMOVE attention, attentionSince',
      ConditionExpression: '#s = :pending',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: {
        ':superseded': 'SUPERSEDED',
        ':pending': 'PENDING',
        ':by': by.paymentId,
        ':now': by.createdAt,
      },
    },
  };
}

/** The payment from `from` to its settled status, with its event in the outbox (or PENDING: still to ask). */
export function settlePaymentItem(
  paymentsTable: string,
  payment: Payment,
  from: PaymentStatus,
  outbox: OutboxEvent | undefined,
) {
  const attention: Attention | undefined = outbox
    ? 'OUTBOX'
    : payment.status === 'PENDING'
      ? 'PENDING'
      : undefined;
  const values: Item = {
    ':status': payment.status,
    ':from': from,
    ':now': payment.updatedAt,
    ':ref': payment.providerReference ?? null,
  };
  const set = ['#s = :status', 'updatedAt = :now', 'providerReference = :ref'];
  // Settled (or pending at the bank): no request holds it any more.
  const remove: string[] = ['inFlightUntil'];
  if (payment.reason) {
    set.push('reason = :reason');
    values[':reason'] = payment.reason;
  } else remove.push('reason');
  if (payment.failureCode) {
    set.push('failureCode = :code');
    values[':code'] = payment.failureCode;
  } else remove.push('failureCode');
  if (attention) {
    set.push('attention = :attention', 'attentionSince = :now');
    values[':attention'] = attention;
  } else remove.push('attention', 'attentionSince');
  if (outbox) {
    set.push('outbox = :outbox');
    values[':outbox'] = outbox;
  }
  return {
    Update: {
      TableName: paymentsTable,
      Key: { paymentId: payment.paymentId },
      UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
      ConditionExpression: '#s = :from',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: values,
    },
  };
}
