import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { billKey, ledgerKey, parseBillItem, parseLedgerItem, type LedgerItem } from '@payflow/shared';
import type { InvoiceAccount, LedgerChange } from '../domain/invoice';
import type { HoldResult, PaymentTarget, Settlement } from '../domain/pay';
import type { Payment } from '../domain/payment';
import { getItem } from './batch-get';
import { cancellationCodes, dynamoDocuments, isTransactionRace, transactWithRetry } from './dynamodb';
import { putHeldPayment, settlePaymentItem, supersedeItem } from './tables/payments';

/**
 * The invoices table belongs to billing-ingest: it writes the BILL item; payments writes only the LEDGER item
 * (paidAmount, version, lastPaymentId, updatedAt). Reads one invoice's account.
 */
export function createInvoiceReader(invoicesTable: string) {
  return async function readInvoice(invoiceId: string): Promise<InvoiceAccount | undefined> {
    // Its two items, in the same BatchGetItem as whatever else is read at the same moment; each checked against
    // the invoices table's contract, so a malformed item is an error rather than a wrong balance.
    const [billFound, ledgerFound] = await Promise.all([
      getItem(invoicesTable, billKey(invoiceId)),
      getItem(invoicesTable, ledgerKey(invoiceId)),
    ]);
    if (!billFound) return undefined;
    const bill = parseBillItem(billFound);
    const ledger: Partial<LedgerItem> = ledgerFound ? parseLedgerItem(ledgerFound) : {};
    return {
      invoiceId,
      customerId: bill.customerId,
      customerName: bill.customerName,
      billedAmount: bill.billedAmount,
      currency: bill.currency,
      dueDate: bill.dueDate,
      settledByBiller: bill.settledByBiller === true,
      hadPending: ledger.hadPending === true,
      contact: {
        ...(bill.email ? { email: bill.email } : {}),
        ...(bill.phone ? { phone: bill.phone } : {}),
      },
      paidAmount: ledger.paidAmount ?? 0,
      version: ledger.version ?? 0,
    };
  };
}

export type InvoiceReader = ReturnType<typeof createInvoiceReader>;

/** Paying an invoice: its LEDGER changes in the same transaction as the payment, conditionally. */
export function createInvoiceTarget(
  tables: { invoicesTable: string; paymentsTable: string },
  invoiceId: string,
  readInvoice: InvoiceReader,
): PaymentTarget<InvoiceAccount, LedgerChange> {
  const documents = dynamoDocuments();

  /** The LEDGER write of a change, conditional on the version (and the BILL) it was computed from. */
  function ledgerItems(change: LedgerChange, payment: Payment, account?: InvoiceAccount) {
    if (change.kind === 'none') return [];
    if (change.kind === 'release') {
      return [
        {
          Update: {
            TableName: tables.invoicesTable,
            Key: ledgerKey(invoiceId),
            UpdateExpression: `SET paidAmount = paidAmount - :amount, version = version + :one, updatedAt = :now${
              change.pending ? ', hadPending = :true' : ''
            }`,
            ConditionExpression: 'paidAmount >= :amount',
            ExpressionAttributeValues: {
              ':amount': change.amount,
              ':one': 1,
              ':now': payment.updatedAt,
              ...(change.pending ? { ':true': true } : {}),
            },
          },
        },
      ];
    }
    return [
      // The BILL as read (amount, currency, customer): a bills file that changed it meanwhile makes this payment
      // read again, so a payment never lands on terms it was not made for.
      ...(account
        ? [
            {
              ConditionCheck: {
                TableName: tables.invoicesTable,
                Key: billKey(invoiceId),
                ConditionExpression:
                  'billedAmount = :billedSeen AND currency = :currencySeen AND customerId = :customerSeen',
                ExpressionAttributeValues: {
                  ':billedSeen': account.billedAmount,
                  ':currencySeen': account.currency,
                  ':customerSeen': account.customerId,
                },
              },
            },
          ]
        : []),
      {
        Update: {
          TableName: tables.invoicesTable,
          Key: ledgerKey(invoiceId),
          UpdateExpression:
            'SET paidAmount = :newPaid, version = :nextVersion, lastPaymentId = :paymentId, updatedAt = :now',
          ConditionExpression: 'attribute_not_exists(version) OR version = :versionSeen',
          ExpressionAttributeValues: {
            ':newPaid': change.to.paidAmount,
            ':nextVersion': change.to.version,
            ':versionSeen': change.from.version,
            ':paymentId': payment.paymentId,
            ':now': payment.updatedAt,
          },
        },
      },
    ];
  }

  return {
    read: () => readInvoice(invoiceId),

    async hold(change, payment, supersedes): Promise<HoldResult> {
      const account = change.kind === 'hold' ? (change.from as InvoiceAccount) : undefined;
      const ledger = ledgerItems(change, payment, account);
      try {
        await documents.send(
          new TransactWriteCommand({
            TransactItems: [
              ...ledger,
              putHeldPayment(tables.paymentsTable, payment),
              ...(supersedes ? [supersedeItem(tables.paymentsTable, supersedes, payment)] : []),
            ],
          }),
        );
        return 'held';
      } catch (error) {
        const codes = cancellationCodes(error);
        if (!codes) throw error;
        if (codes[ledger.length] === 'ConditionalCheckFailed') return 'payment-exists';
        if (isTransactionRace(codes)) return 'lost-race';
        throw error;
      }
    },

    async settle({ payment, from, change, outbox }: Settlement<LedgerChange>): Promise<boolean> {
      const ledger = ledgerItems(change, payment);
      try {
        await transactWithRetry([...ledger, settlePaymentItem(tables.paymentsTable, payment, from, outbox)]);
        return true;
      } catch (error) {
        const codes = cancellationCodes(error);
        // The payment had already left `from`: someone else settled it.
        if (codes?.[ledger.length] === 'ConditionalCheckFailed') return false;
        throw error;
      }
    },
  };
}
