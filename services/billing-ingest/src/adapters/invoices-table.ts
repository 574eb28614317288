import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  backoffDelay,
  billKey,
  ledgerKey,
  type InvoiceKey,
  parseBillProjection,
  parseLedgerProjection,
  sleep as wait,
} from '@payflow/shared';
import type { BillItem, PaidInvoice } from '../domain/invoice';
import type { InvoiceStore } from '../domain/stages/write';

/** DynamoDB's documented limits. */
const BATCH_WRITE_MAX_ITEMS = 25;
const BATCH_GET_MAX_KEYS = 100;

/** Unprocessed items go again after a full-jitter wait, from up to 50 ms doubling to at most 5 s. */
const BACKOFF = { baseMs: 50, maxMs: 5_000 };

/** Some of a batch was never accepted after every retry (DynamoDB kept returning it as unprocessed). */
class UnprocessedError extends Error {
  override name = 'UnprocessedError';
}

export interface InvoicesTableOptions {
  tableName: string;
  client: Pick<DynamoDBDocumentClient, 'send'>;
  /** Calls per batch, counting the first, while DynamoDB returns unprocessed items (throttling). */
  maxAttempts?: number;
  sleep?: (milliseconds: number) => Promise<void>;
}

function chunks<Item>(items: Item[], size: number): Item[][] {
  const result: Item[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}

/**
 * BILL items go in with BatchWriteItem PutRequests: a put replaces only the BILL item, never the LEDGER
 * item payments writes, so no condition is needed and a re-put of the same row changes nothing.
 */
export function createInvoicesTable(options: InvoicesTableOptions): InvoiceStore {
  const { tableName, client, maxAttempts = 8, sleep = wait } = options;

  async function writeBatch(items: BillItem[]): Promise<void> {
    let requests: unknown[] = items.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 1; ; attempt += 1) {
      const out = await client.send(
        new BatchWriteCommand({ RequestItems: { [tableName]: requests as never } }),
      );
      requests = out.UnprocessedItems?.[tableName] ?? [];
      if (requests.length === 0) return;
      if (attempt >= maxAttempts) {
        throw new UnprocessedError(
          `${requests.length} of ${items.length} bills were still unprocessed by ${tableName} after ${maxAttempts} attempts`,
        );
      }
      await sleep(backoffDelay(attempt, BACKOFF));
    }
  }

  /** One BatchGetItem of up to 100 keys (and its unprocessed keys, with backoff); returns the items found. */
  async function readBatch(
    keys: InvoiceKey[],
    projection: string,
    names: Record<string, string>,
    what: string,
  ): Promise<Record<string, unknown>[]> {
    const found: Record<string, unknown>[] = [];
    let pending: Record<string, unknown>[] = keys;
    for (let attempt = 1; ; attempt += 1) {
      const out = await client.send(
        new BatchGetCommand({
          RequestItems: {
            [tableName]: {
              Keys: pending,
              ProjectionExpression: projection,
              ExpressionAttributeNames: names,
            },
          },
        }),
      );
      found.push(...(out.Responses?.[tableName] ?? []));
      pending = out.UnprocessedKeys?.[tableName]?.Keys ?? [];
      if (pending.length === 0) return found;
      if (attempt >= maxAttempts) {
        throw new UnprocessedError(
          `${pending.length} ${what} reads were still unprocessed by ${tableName} after ${maxAttempts} attempts`,
        );
      }
      await sleep(backoffDelay(attempt, BACKOFF));
    }
  }

  /** LEDGER items of up to 100 invoices, then (only for those that have one) their BILL's currency and customer. */
  async function readPaid(invoiceIds: string[], paid: Map<string, PaidInvoice>): Promise<void> {
    const ledgers = (
      await readBatch(
        invoiceIds.map(ledgerKey),
        '#invoiceId, #record, #paidAmount',
        { '#invoiceId': 'invoiceId', '#record': 'record', '#paidAmount': 'paidAmount' },
        'ledger',
      )
    ).map((item) => parseLedgerProjection(item, ['record', 'paidAmount']));
    if (ledgers.length === 0) return;
    for (const ledger of ledgers) paid.set(ledger.invoiceId, { paidAmount: ledger.paidAmount });
    const bills = (
      await readBatch(
        ledgers.map((ledger) => billKey(ledger.invoiceId)),
        '#invoiceId, #record, #currency, #customerId',
        {
          '#invoiceId': 'invoiceId',
          '#record': 'record',
          '#currency': 'currency',
          '#customerId': 'customerId',
        },
        'bill',
      )
    ).map((item) => parseBillProjection(item, ['record', 'currency', 'customerId']));
    for (const bill of bills) {
      const invoice = paid.get(bill.invoiceId);
      if (invoice) invoice.bill = { currency: bill.currency, customerId: bill.customerId };
    }
  }

  return {
    async putBills(items) {
      await Promise.all(chunks(items, BATCH_WRITE_MAX_ITEMS).map(writeBatch));
    },
    async paidInvoices(invoiceIds) {
      const paid = new Map<string, PaidInvoice>();
      await Promise.all(chunks(invoiceIds, BATCH_GET_MAX_KEYS).map((ids) => readPaid(ids, paid)));
      return paid;
    },
  };
}
