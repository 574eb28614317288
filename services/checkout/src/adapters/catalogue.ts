import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { documentClient } from '@payflow/shared';
import type { CatalogueItem } from '../domain/catalogue';
import type { OrderLine } from '../domain/order';

export type ReserveResult =
  | { reserved: true; already: boolean }
  /** A line the catalogue cannot cover: unknown, not enough left, or its price changed. */
  | { reserved: false; line: OrderLine; entry?: CatalogueItem };

/** Concurrent transactions on the same SKUs: nothing was written; the caller retries. */
class StockBusyError extends Error {
  override name = 'StockBusy';
}

/**
 * The seller's catalogue table (SKU, name, unit price, units available) and the reservations orders hold on it.
 * Every change of `available` is conditional and made in one transaction with the order's own item.
 */
export function createCatalogue(
  tables: { catalogueTable: string; ordersTable: string },
  client: DynamoDBDocumentClient = documentClient(),
) {
  const { catalogueTable, ordersTable } = tables;

  async function read(skus: readonly string[]): Promise<Map<string, CatalogueItem>> {
    const found = new Map<string, CatalogueItem>();
    const unique = [...new Set(skus)];
    for (let i = 0; i < unique.length; i += 100) {
      let keys: Record<string, unknown>[] | undefined = unique.slice(i, i + 100).map((sku) => ({ sku }));
      while (keys && keys.length > 0) {
        const out: BatchGetCommandOutput = await client.send(
          new BatchGetCommand({ RequestItems: { [catalogueTable]: { Keys: keys, ConsistentRead: true } } }),
        );
        for (const item of out.Responses?.[catalogueTable] ?? []) found.set(item.sku, item as CatalogueItem);
        keys = out.UnprocessedKeys?.[catalogueTable]?.Keys;
      }
    }
    return found;
  }

  return {
    read,

    /**
     * Takes every line's quantity off `available`, all or none: each SKU only if enough is left at the price the
     * order was given, and only once per order (the order's item moves to stock RESERVED in the same transaction).
     */
    async reserve(orderId: string, lines: readonly OrderLine[], at: string): Promise<ReserveResult> {
      try {
        await client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: ordersTable,
                  Key: { orderId },
                  ConditionExpression: 'attribute_exists(orderId) AND attribute_not_exists(stock)',
                  UpdateExpression: 'SET stock = :reserved, stockReservedAt = :at',
                  ExpressionAttributeValues: { ':reserved': 'RESERVED', ':at': at },
                },
              },
              ...lines.map((line) => ({
                Update: {
                  TableName: catalogueTable,
                  Key: { sku: line.sku },
                  ConditionExpression:
                    'attribute_exists(sku) AND available >= :quantity AND unitPrice.amount = :amount AND unitPrice.#currency = :currency',
                  UpdateExpression: 'SET available = available - :quantity',
                  ExpressionAttributeNames: { '#currency': 'currency' },
                  ExpressionAttributeValues: {
                    ':quantity': line.quantity,
                    ':amount': line.unitPrice.amount,
                    ':currency': line.unitPrice.currency,
                  },
                },
              })),
            ],
          }),
        );
        return { reserved: true, already: false };
      } catch (error) {
        const reasons = cancellationCodes(error);
        if (!reasons) throw error;
        if (reasons.some((code) => code === 'TransactionConflict')) {
          throw new StockBusyError(`Another order is reserving the same stock for ${orderId}; retry`);
        }
        if (reasons[0] === 'ConditionalCheckFailed') {
          const order = await client.send(
            new GetCommand({ TableName: ordersTable, Key: { orderId }, ConsistentRead: true }),
          );
          if (!order.Item)
            throw new Error(`Order ${orderId} is not in the orders table; RecordOrder runs first`);
          // A retry of a reservation that went through: nothing more is taken.
          return { reserved: true, already: true };
        }
        const failed = reasons.findIndex((code, index) => index > 0 && code === 'ConditionalCheckFailed');
        const line = lines[failed - 1];
        if (!line) throw error;
        const entry = (await read([line.sku])).get(line.sku);
        return { reserved: false, line, ...(entry ? { entry } : {}) };
      }
    },

    /**
     * Gives back what the order reserved, once: the order's item moves RESERVED → RELEASED in the same transaction.
     * Returns false when there was nothing to give back (never reserved, or already released).
     */
    async release(orderId: string, lines: readonly OrderLine[], at: string): Promise<boolean> {
      try {
        await client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: ordersTable,
                  Key: { orderId },
                  ConditionExpression: 'stock = :reserved',
                  UpdateExpression: 'SET stock = :released, stockReleasedAt = :at',
                  ExpressionAttributeValues: { ':reserved': 'RESERVED', ':released': 'RELEASED', ':at': at },
                },
              },
              ...lines.map((line) => ({
                Update: {
                  TableName: catalogueTable,
                  Key: { sku: line.sku },
                  ConditionExpression: 'attribute_exists(sku)',
                  UpdateExpression: 'ADD available :quantity',
                  ExpressionAttributeValues: { ':quantity': line.quantity },
                },
              })),
            ],
          }),
        );
        return true;
      } catch (error) {
        const reasons = cancellationCodes(error);
        if (!reasons) throw error;
        if (reasons.some((code) => code === 'TransactionConflict')) {
          throw new StockBusyError(
            `Another order is changing the same stock while ${orderId} releases; retry`,
          );
        }
        if (reasons[0] === 'ConditionalCheckFailed') return false;
        throw error;
      }
    },
  };
}

/** The per-item codes of a cancelled transaction ('None', 'ConditionalCheckFailed', ...), or undefined. */
function cancellationCodes(error: unknown): string[] | undefined {
  if ((error as Error).name !== 'TransactionCanceledException') return undefined;
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
  return reasons?.map((reason) => reason.Code ?? 'None') ?? [];
}
