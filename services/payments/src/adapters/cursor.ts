import { BadRequestError } from '@payflow/shared';
import type { Item } from './tables/payments';

/** A page's position as the client carries it: the index key DynamoDB returned, base64url JSON. */
export function encodeCursor(key: Item | undefined): string | null {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : null;
}

/**
 * A cursor is only ever one we issued: exactly the index key's string attributes (`names`), for the customer being
 * read, nothing else.
 */
export function decodeCursor(cursor: string, names: string[], customerId: string): Item {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Item;
    if (Object.keys(key).sort().join(',') !== [...names].sort().join(',') || key.customerId !== customerId)
      throw new Error('foreign key');
    if (names.some((name) => typeof key[name] !== 'string')) throw new Error('bad key');
    return key;
  } catch {
    throw new BadRequestError(
      'cursor is not one this API issued for this customer: use nextCursor as returned',
    );
  }
}
