import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import DataLoader from 'dataloader';
import { dynamoDocuments } from './dynamodb';
import type { Item } from './tables/payments';

/** One item to read: its table and its full primary key. */
interface ItemKey {
  tableName: string;
  key: Item;
}

/** BatchGetItem's limit per request. */
const MAX_KEYS = 100;

const keyId = ({ tableName, key }: ItemKey) =>
  `${tableName}\n${JSON.stringify(
    Object.keys(key)
      .sort()
      .map((name) => [name, key[name]]),
  )}`;

/** The item's own key, as keyId names it, from the key's attribute names. */
const itemId = (tableName: string, names: string[], item: Item) =>
  keyId({ tableName, key: Object.fromEntries(names.map((name) => [name, item[name]])) });

/**
 * Reads the keys, strongly consistent, across tables in one BatchGetItem, asking again for what DynamoDB leaves
 * unprocessed (under load it may return only part of a batch).
 */
async function readBatch(keys: readonly ItemKey[]): Promise<(Item | undefined)[]> {
  const documents = dynamoDocuments();
  const names = new Map<string, string[]>();
  let requested: Record<string, { Keys: Item[]; ConsistentRead: true }> = {};
  const seen = new Set<string>();
  for (const wanted of keys) {
    const id = keyId(wanted);
    if (seen.has(id)) continue; // BatchGetItem refuses a key twice in one request
    seen.add(id);
    names.set(wanted.tableName, Object.keys(wanted.key));
    (requested[wanted.tableName] ??= { Keys: [], ConsistentRead: true }).Keys.push(wanted.key);
  }
  const found = new Map<string, Item>();
  for (let attempt = 1; Object.keys(requested).length > 0; attempt += 1) {
    if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * 2 ** attempt));
    if (attempt > 6) throw new Error('BatchGetItem left keys unprocessed after 6 attempts');
    const { Responses = {}, UnprocessedKeys = {} } = await documents.send(
      new BatchGetCommand({ RequestItems: requested }),
    );
    for (const [tableName, items] of Object.entries(Responses)) {
      for (const item of items) found.set(itemId(tableName, names.get(tableName) ?? [], item), item);
    }
    requested = UnprocessedKeys as typeof requested;
  }
  return keys.map((wanted) => found.get(keyId(wanted)));
}

let loader: DataLoader<ItemKey, Item | undefined, string> | undefined;

/**
 * Reads one item by key, consistently. Reads asked for in the same turn of the event loop (a payment reads its
 * target, its own record and the attempt counters at once) go to DynamoDB as one BatchGetItem instead of one
 * request each: on the pay path that is one round trip where there were three. DataLoader does the collecting.
 */
export function getItem(tableName: string, key: Item): Promise<Item | undefined> {
  loader ??= new DataLoader(readBatch, { cache: false, maxBatchSize: MAX_KEYS });
  return loader.load({ tableName, key });
}
