import {
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  type AttributeValue,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { awsClient, backoffDelay, sleep } from '@payflow/shared';
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

  function claimPut(request: SendRequest, leaseUntilMs: number) {
    return {
      TableName,
      Item: {
        id: { S: sendKey(request.eventId, request.channel) },
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
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    };
  }

  const readBack = async (request: SendRequest, item: Item | undefined): Promise<ClaimResult> =>
    existingClaim(
      item ??
        (
          await client.send(
            new GetItemCommand({
              TableName,
              Key: { id: { S: sendKey(request.eventId, request.channel) } },
              ConsistentRead: true,
            }),
          )
        ).Item,
    );

  /**
   * Many claims in one TransactWriteItems call (up to 100): one round trip instead of one per send. A claim
   * that finds its key taken cancels the call; the cancellation says which, and the rest go again.
   */
  async function claimTogether(requests: SendRequest[], leaseUntilMs: number): Promise<ClaimResult[]> {
    const results: Array<ClaimResult | undefined> = new Array(requests.length);
    let pending = requests.map((_, i) => i);
    for (let round = 0; round < 3 && pending.length > 1; round += 1) {
      try {
        await client.send(
          new TransactWriteItemsCommand({
            TransactItems: pending.map((i) => ({ Put: claimPut(requests[i]!, leaseUntilMs) })),
          }),
        );
        for (const i of pending) results[i] = { state: 'claimed' };
        return results as ClaimResult[];
      } catch (error) {
        if (!(error instanceof TransactionCanceledException) || !error.CancellationReasons) throw error;
        const reasons = error.CancellationReasons;
        const next: number[] = [];
        await Promise.all(
          pending.map(async (i, k) => {
            const code = reasons[k]?.Code;
            if (code === 'ConditionalCheckFailed')
              results[i] = await readBack(requests[i]!, reasons[k]?.Item);
            else if (code === 'TransactionConflict') results[i] = { state: 'busy' };
            else next.push(i);
          }),
        );
        pending = next;
      }
    }
    // What is left (one, or a batch that kept colliding) is claimed one by one.
    await Promise.all(pending.map(async (i) => (results[i] = await claimOne(requests[i]!, leaseUntilMs))));
    return results as ClaimResult[];
  }

  async function claimOne(request: SendRequest, leaseUntilMs: number): Promise<ClaimResult> {
    try {
      await client.send(
        new PutItemCommand({
          ...claimPut(request, leaseUntilMs),
        }),
      );
      return { state: 'claimed' };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return readBack(request, error.Item);
    }
  }

  /** BatchWriteItem calls of 25, side by side; unprocessed items go again with back-off. */
  async function write(requests: WriteRequest[]): Promise<void> {
    const groups: WriteRequest[][] = [];
    for (let start = 0; start < requests.length; start += 25) groups.push(requests.slice(start, start + 25));
    await Promise.all(
      groups.map(async (group) => {
        let pending = group;
        for (let attempt = 0; pending.length > 0; attempt += 1) {
          if (attempt > 0) await sleep(backoffDelay(attempt, { baseMs: 100, maxMs: 1_600 }));
          if (attempt === 6)
            throw new Error(`${pending.length} writes to ${TableName} stayed unprocessed after 6 attempts`);
          const out = await client.send(
            new BatchWriteItemCommand({ RequestItems: { [TableName]: pending } }),
          );
          pending = out.UnprocessedItems?.[TableName] ?? [];
        }
      }),
    );
  }

  return {
    /**
     * One conditional write per request; the claim lasts until `leaseUntilMs`. `together`: in TransactWriteItems
     * calls of up to 100 (the reminders lane); otherwise one PutItem each, side by side (a few receipts).
     */
    claim(requests: SendRequest[], leaseUntilMs: number, together = false): Promise<ClaimResult[]> {
      if (!together || requests.length < 2)
        return Promise.all(requests.map((request) => claimOne(request, leaseUntilMs)));
      const groups: SendRequest[][] = [];
      for (let i = 0; i < requests.length; i += 100) groups.push(requests.slice(i, i + 100));
      return Promise.all(groups.map((group) => claimTogether(group, leaseUntilMs))).then((r) => r.flat());
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
