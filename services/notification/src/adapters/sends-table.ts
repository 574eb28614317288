import {
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  type AttributeValue,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { awsClient } from '@payflow/shared';
import { createHash } from 'node:crypto';
import type { ClaimResult, SendRecord, SendRequest } from '../domain/notify';

type Item = Record<string, AttributeValue>;

/**
 * The sends table, one item per (event id, channel), in the layout Powertools idempotency used before (key
 * `notification-send#<base64 md5 of ["<eventId>","<channel>"]>`, `status` INPROGRESS / COMPLETED, the record as
 * JSON in `data`, `expiration`, `in_progress_expiration`), so records written before still count.
 *
 * A send costs one conditional PutItem (the claim, which also reads back what an earlier delivery stored when it
 * fails) and a share of one BatchWriteItem (25 records a call) afterwards, where Powertools spent a PutItem and
 * an UpdateItem per send, one after the other.
 */
export function createSendsTable(options: {
  tableName: string;
  recordDays: number;
  client?: DynamoDBClient;
  now?: () => number;
}) {
  const client = options.client ?? awsClient(DynamoDBClient);
  const now = options.now ?? Date.now;
  const TableName = options.tableName;
  const expiration = () => String(Math.floor(now() / 1000) + Math.round(options.recordDays * 86_400));

  async function claimOne(request: SendRequest, leaseUntilMs: number): Promise<ClaimResult> {
    const id = sendKey(request.eventId, request.channel);
    try {
      await client.send(
        new PutItemCommand({
          TableName,
          Item: {
            id: { S: id },
            status: { S: 'INPROGRESS' },
            expiration: { N: expiration() },
            in_progress_expiration: { N: String(Math.floor(leaseUntilMs)) },
          },
          // Free, expired, or a claim whose holder ran out of time (crashed): the same rule Powertools used.
          ConditionExpression:
            'attribute_not_exists(id) OR #expiration < :nowSeconds OR ' +
            '(#status = :inProgress AND #leaseUntil < :nowMs)',
          ExpressionAttributeNames: {
            '#expiration': 'expiration',
            '#status': 'status',
            '#leaseUntil': 'in_progress_expiration',
          },
          ExpressionAttributeValues: {
            ':nowSeconds': { N: String(Math.floor(now() / 1000)) },
            ':nowMs': { N: String(now()) },
            ':inProgress': { S: 'INPROGRESS' },
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { state: 'claimed' };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const existing =
        error.Item ??
        (await client.send(new GetItemCommand({ TableName, Key: { id: { S: id } }, ConsistentRead: true })))
          .Item;
      return existingClaim(existing);
    }
  }

  async function write(requests: WriteRequest[]): Promise<void> {
    for (let start = 0; start < requests.length; start += 25) {
      let pending = requests.slice(start, start + 25);
      for (let attempt = 0; pending.length > 0; attempt += 1) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
        if (attempt === 6)
          throw new Error(`${pending.length} writes to ${TableName} stayed unprocessed after 6 attempts`);
        const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [TableName]: pending } }));
        pending = out.UnprocessedItems?.[TableName] ?? [];
      }
    }
  }

  return {
    /** One conditional write per request, side by side; the claim lasts until `leaseUntilMs`. */
    claim(requests: SendRequest[], leaseUntilMs: number): Promise<ClaimResult[]> {
      return Promise.all(requests.map((request) => claimOne(request, leaseUntilMs)));
    },
    /** Stores the records as COMPLETED, 25 to a BatchWriteItem call. */
    complete(records: SendRecord[]): Promise<void> {
      return write(
        records.map((record) => ({
          PutRequest: {
            Item: {
              id: { S: sendKey(record.eventId, record.channel) },
              status: { S: 'COMPLETED' },
              expiration: { N: expiration() },
              data: { S: JSON.stringify(record) },
            },
          },
        })),
      );
    },
    /** Deletes the claims of sends that failed transiently. */
    release(requests: SendRequest[]): Promise<void> {
      return write(
        requests.map((r) => ({ DeleteRequest: { Key: { id: { S: sendKey(r.eventId, r.channel) } } } })),
      );
    },
  };
}

function existingClaim(item: Item | undefined): ClaimResult {
  // Gone between the failed condition and the read (released): let the record come back and claim it.
  if (!item) return { state: 'busy' };
  if (item.status?.S === 'COMPLETED' && item.data?.S) {
    return { state: 'done', record: JSON.parse(item.data.S) as SendRecord };
  }
  // Written by Powertools idempotency (before this layout): the record is a map of plain values.
  if (item.status?.S === 'COMPLETED' && item.data?.M) {
    const record = Object.fromEntries(
      Object.entries(item.data.M).map(([name, value]) => [
        name,
        value.S ?? (value.N !== undefined ? Number(value.N) : value.BOOL),
      ]),
    );
    return { state: 'done', record: record as unknown as SendRecord };
  }
  return { state: 'busy' };
}

/** The item key of a (event, channel): as Powertools idempotency hashed `[eventId, channel]` with keyPrefix. */
export function sendKey(eventId: string, channel: string): string {
  const hash = createHash('md5')
    .update(JSON.stringify([eventId, channel]))
    .digest('base64');
  return `notification-send#${hash}`;
}
