import { QueryCommand, TransactWriteCommand, type NativeAttributeValue } from '@aws-sdk/lib-dynamodb';
import { NotFoundError, UnprocessableError, type Money } from '@payflow/shared';
import { refusalToPay, type InvoiceAccount } from '../domain/invoice';
import type { PaymentTarget, ReserveResult } from '../domain/pay';
import type { Payment } from '../domain/payment';
import { cancellationCodes, dynamoDocuments, isTransactionRace } from './dynamodb';
import { paymentToItem } from './payments-store';

type Item = Record<string, NativeAttributeValue>;

/**
 * The invoices table belongs to billing-ingest: it writes the BILL item; payments writes only the LEDGER item
 * (paidAmount, version, lastPaymentId, updatedAt). Outstanding = billedAmount - paidAmount.
 */
export function createInvoiceReader(invoicesTable: string) {
  const documents = dynamoDocuments();
  return async function readInvoice(invoiceId: string): Promise<InvoiceAccount | undefined> {
    const { Items = [] } = await documents.send(
      new QueryCommand({
        TableName: invoicesTable,
        KeyConditionExpression: 'invoiceId = :id',
        ExpressionAttributeValues: { ':id': invoiceId },
        ConsistentRead: true,
      }),
    );
    const bill = Items.find((item) => item.record === 'BILL');
    if (!bill) return undefined;
    const ledger: Item = Items.find((item) => item.record === 'LEDGER') ?? {};
    return {
      invoiceId,
      customerId: String(bill.customerId),
      customerName: String(bill.customerName),
      billedAmount: Number(bill.billedAmount),
      currency: String(bill.currency),
      ...(bill.dueDate ? { dueDate: String(bill.dueDate) } : {}),
      paidAmount: Number(ledger.paidAmount ?? 0),
      version: Number(ledger.version ?? 0),
    };
  };
}

export type InvoiceReader = ReturnType<typeof createInvoiceReader>;

/** Paying an invoice: the amount is held on its LEDGER in the same transaction that writes the payment. */
export function createInvoiceTarget(
  tables: { invoicesTable: string; paymentsTable: string },
  invoiceId: string,
  readInvoice: InvoiceReader,
  initial?: InvoiceAccount,
): PaymentTarget<InvoiceAccount> & { account(): InvoiceAccount | undefined } {
  const documents = dynamoDocuments();
  let latest = initial;
  let firstRead = initial !== undefined;

  return {
    get subject() {
      if (!latest) throw new Error('invoice not read yet');
      return { kind: 'invoice' as const, invoiceId, customerId: latest.customerId };
    },
    account: () => latest,

    async prepare(amount: Money) {
      // The caller's first read is fresh enough; every retry reads again.
      const account = firstRead ? latest : await readInvoice(invoiceId);
      firstRead = false;
      if (!account)
        throw new NotFoundError(`Invoice ${invoiceId} was not found: check the invoice id on your bill`);
      latest = account;
      const refusal = refusalToPay(account, amount);
      if (refusal) throw new UnprocessableError(refusal);
      return account;
    },

    async reserve(account, payment: Payment, supersedes?: Payment): Promise<ReserveResult> {
      const now = payment.createdAt;
      const items = [
        {
          ConditionCheck: {
            TableName: tables.invoicesTable,
            Key: { invoiceId, record: 'BILL' },
            ConditionExpression: 'billedAmount = :billedSeen',
            ExpressionAttributeValues: { ':billedSeen': account.billedAmount },
          },
        },
        {
          Update: {
            TableName: tables.invoicesTable,
            Key: { invoiceId, record: 'LEDGER' },
            UpdateExpression:
              'SET paidAmount = :newPaid, version = :nextVersion, lastPaymentId = :paymentId, updatedAt = :now',
            ConditionExpression: 'attribute_not_exists(version) OR version = :versionSeen',
            ExpressionAttributeValues: {
              ':newPaid': account.paidAmount + payment.amount.amount,
              ':nextVersion': account.version + 1,
              ':versionSeen': account.version,
              ':paymentId': payment.paymentId,
              ':now': now,
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
      ];
      try {
        await documents.send(new TransactWriteCommand({ TransactItems: items }));
        latest = {
          ...account,
          paidAmount: account.paidAmount + payment.amount.amount,
          version: account.version + 1,
        };
        return 'reserved';
      } catch (error) {
        const codes = cancellationCodes(error);
        if (!codes) throw error;
        if (codes[2] === 'ConditionalCheckFailed') return 'payment-exists';
        if (isTransactionRace(codes)) return 'conflict';
        throw error;
      }
    },

    async settle(payment: Payment) {
      const updatePayment = settlePaymentItem(tables.paymentsTable, payment);
      if (payment.status === 'SUCCEEDED') {
        await transactWithRetry([updatePayment]);
        return;
      }
      // Declined or pending: no money moved, so the hold goes back; the version bump makes racing payers re-read.
      await transactWithRetry([
        {
          Update: {
            TableName: tables.invoicesTable,
            Key: { invoiceId, record: 'LEDGER' },
            UpdateExpression:
              'SET paidAmount = paidAmount - :amount, version = version + :one, updatedAt = :now',
            ConditionExpression: 'paidAmount >= :amount',
            ExpressionAttributeValues: {
              ':amount': payment.amount.amount,
              ':one': 1,
              ':now': payment.updatedAt,
            },
          },
        },
        updatePayment,
      ]);
      if (latest) latest = { ...latest, paidAmount: latest.paidAmount - payment.amount.amount };
    },
  };
}

export function supersedeItem(paymentsTable: string, pending: Payment, by: Payment) {
  return {
    Update: {
      TableName: paymentsTable,
      Key: { paymentId: pending.paymentId },
      UpdateExpression: 'SET #s = :superseded, supersededBy = :by, updatedAt = :now',
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

export function settlePaymentItem(paymentsTable: string, payment: Payment) {
  const values: Item = {
    ':status': payment.status,
    ':processing': 'PROCESSING',
    ':now': payment.updatedAt,
    ':ref': payment.providerReference ?? null,
  };
  let expression = 'SET #s = :status, updatedAt = :now, providerReference = :ref';
  if (payment.reason) {
    expression += ', reason = :reason';
    values[':reason'] = payment.reason;
  }
  if (payment.failureCode) {
    expression += ', failureCode = :code';
    values[':code'] = payment.failureCode;
  }
  return {
    Update: {
      TableName: paymentsTable,
      Key: { paymentId: payment.paymentId },
      UpdateExpression: expression,
      ConditionExpression: '#s = :processing',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: values,
    },
  };
}

/** Settling must not be lost to a momentary conflict with another transaction on the same ledger. */
export async function transactWithRetry(
  items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>,
  attempts = 8,
): Promise<void> {
  const documents = dynamoDocuments();
  for (let attempt = 1; ; attempt += 1) {
    try {
      await documents.send(new TransactWriteCommand({ TransactItems: items }));
      return;
    } catch (error) {
      const codes = cancellationCodes(error);
      if (!codes?.includes('TransactionConflict') || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
    }
  }
}
