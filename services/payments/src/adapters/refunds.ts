import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ledgerKey } from '@payflow/shared';
import { ledgerAfterRelease, type InvoiceAccount } from '../domain/invoice';
import type { Payment } from '../domain/payment';
import type { RecordRefundResult, RefundStore } from '../domain/refund';
import { cancellationCodes, dynamoDocuments, isTransactionRace } from './dynamodb';

type TransactItems = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>;

/**
 * Refunds on the payment record (REFUNDING, then REFUNDED with refundId, refundedAt and the reason), and for an
 * invoice payment the amount back on the invoice's LEDGER, version-checked as a payment's hold is.
 */
export function createRefundStore(
  tables: { paymentsTable: string; invoicesTable: string },
  readInvoice: (invoiceId: string) => Promise<InvoiceAccount | undefined>,
): Omit<RefundStore, 'get'> {
  const documents = dynamoDocuments();

  async function ledgerCredit(
    payment: Payment,
    invoiceId: string,
    at: string,
  ): Promise<TransactItems[number]> {
    const account = await readInvoice(invoiceId);
    if (!account)
      throw new Error(
        `Invoice ${invoiceId} of payment ${payment.paymentId} is gone; the refund is not recorded`,
      );
    // Refusing to go below zero is the domain's rule: a refund never corrupts the balance.
    const after = ledgerAfterRelease(account, (payment.refund?.amount ?? payment.amount).amount);
    return {
      Update: {
        TableName: tables.invoicesTable,
        Key: ledgerKey(invoiceId),
        UpdateExpression: 'SET paidAmount = :newPaid, version = :nextVersion, updatedAt = :now',
        ConditionExpression: 'version = :versionSeen',
        ExpressionAttributeValues: {
          ':newPaid': after.paidAmount,
          ':nextVersion': after.version,
          ':versionSeen': account.version,
          ':now': at,
        },
      },
    };
  }

  return {
    async claim(claimed: Payment): Promise<boolean> {
      try {
        await documents.send(
          new UpdateCommand({
            TableName: tables.paymentsTable,
            Key: { paymentId: claimed.paymentId },
            UpdateExpression:
              'SET #s = :refunding, refundId = :refundId, refundAmount = :refundAmount, refundRequestedAt = :at, reason = :reason, updatedAt = :at',
            ConditionExpression: '#s = :succeeded',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: {
              ':refunding': 'REFUNDING',
              ':succeeded': 'SUCCEEDED',
              ':refundId': claimed.refund?.refundId,
              ':refundAmount': (claimed.refund?.amount ?? claimed.amount).amount,
              ':at': claimed.updatedAt,
              ':reason': claimed.reason,
            },
          }),
        );
        return true;
      } catch (error) {
        if ((error as Error).name === 'ConditionalCheckFailedException') return false;
        throw error;
      }
    },

    async record(refunded: Payment): Promise<RecordRefundResult> {
      const { subject, refund } = refunded;
      const items: TransactItems = [];
      if (subject.kind === 'invoice') {
        items.push(await ledgerCredit(refunded, subject.invoiceId, refunded.updatedAt));
      }
      items.push({
        Update: {
          TableName: tables.paymentsTable,
          Key: { paymentId: refunded.paymentId },
          UpdateExpression:
            'SET #s = :refunded, refundedAt = :at, refundProviderReference = :ref, updatedAt = :at',
          ConditionExpression: '#s = :refunding AND refundId = :refundId',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: {
            ':refunded': 'REFUNDED',
            ':refunding': 'REFUNDING',
            ':refundId': refund?.refundId,
            ':at': refunded.updatedAt,
            ':ref': refund?.providerReference ?? null,
          },
        },
      });
      try {
        await documents.send(new TransactWriteCommand({ TransactItems: items }));
        return 'recorded';
      } catch (error) {
        const codes = cancellationCodes(error);
        if (!codes) throw error;
        if (codes[items.length - 1] === 'ConditionalCheckFailed') return 'not-refunding';
        if (isTransactionRace(codes)) return 'conflict';
        throw error;
      }
    },

    async markPublished(paymentId: string, at: Date): Promise<void> {
      await documents.send(
        new UpdateCommand({
          TableName: tables.paymentsTable,
          Key: { paymentId },
          UpdateExpression: 'SET refundPublishedAt = :at',
          ExpressionAttributeValues: { ':at': at.toISOString() },
        }),
      );
    },
  };
}
