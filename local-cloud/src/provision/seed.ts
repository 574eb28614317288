import fs from 'node:fs';
import path from 'node:path';
import { BatchWriteItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { LocalSeed } from './services';

/** Writes a service's `custom.localSeed` items (plain JSON objects) into its tables; a re-run overwrites them. */
export async function seedTables(endpoint: string, serviceDir: string, seeds: LocalSeed[]): Promise<number> {
  const db = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  let written = 0;
  for (const seed of seeds) {
    const file = path.resolve(serviceDir, seed.file);
    const items = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
    if (!Array.isArray(items))
      throw new Error(`Seed file ${file} must hold a JSON array of items for ${seed.table}`);
    for (let i = 0; i < items.length; i += 25) {
      const requests = items
        .slice(i, i + 25)
        .map((item) => ({ PutRequest: { Item: marshall(item, { removeUndefinedValues: true }) } }));
      let unprocessed: Record<string, typeof requests> | undefined = { [seed.table]: requests };
      while (unprocessed && Object.keys(unprocessed).length > 0) {
        const out = await db.send(new BatchWriteItemCommand({ RequestItems: unprocessed }));
        unprocessed = out.UnprocessedItems as typeof unprocessed;
      }
      written += requests.length;
    }
  }
  return written;
}
