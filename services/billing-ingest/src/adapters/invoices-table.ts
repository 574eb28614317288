import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LEDGER_RECORD, type BillItem } from '../domain/invoice';
import type { InvoiceStore } from '../domain/ingest-pipeline';
import { backoffDelay, sleep as wait, UnprocessedError } from './retry';

/** DynamoDB's documented limits. */
const BATCH_WRITE_MAX_ITEMS = 25;
const BATCH_GET_MAX_KEYS = 100;

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
      await sleep(backoffDelay(attempt));
    }
  }

  async function readBatch(invoiceIds: string[], paid: Map<string, number>): Promise<void> {
    let keys: Record<string, unknown>[] = invoiceIds.map((invoiceId) => ({
      invoiceId,
      record: LEDGER_RECORD,
    }));
    for (let attempt = 1; ; attempt += 1) {
      const out = await client.send(
        new BatchGetCommand({
          RequestItems: {
            [tableName]: { Keys: keys, ProjectionExpression: 'invoiceId, paidAmount' },
          },
        }),
      );
      for (const ledger of out.Responses?.[tableName] ?? []) {
        if (typeof ledger.paidAmount === 'number') paid.set(String(ledger.invoiceId), ledger.paidAmount);
      }
      keys = out.UnprocessedKeys?.[tableName]?.Keys ?? [];
      if (keys.length === 0) return;
      if (attempt >= maxAttempts) {
        throw new UnprocessedError(
          `${keys.length} ledger reads were still unprocessed by ${tableName} after ${maxAttempts} attempts`,
        );
      }
      await sleep(backoffDelay(attempt));
    }
  }

  return {
    async putBills(items) {
      await Promise.all(chunks(items, BATCH_WRITE_MAX_ITEMS).map(writeBatch));
    },
    async paidAmounts(invoiceIds) {
      const paid = new Map<string, number>();
      await Promise.all(chunks(invoiceIds, BATCH_GET_MAX_KEYS).map((ids) => readBatch(ids, paid)));
      return paid;
    },
  };
}
