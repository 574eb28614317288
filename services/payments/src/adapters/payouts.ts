import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Customer } from '../domain/customer';
import type { Payout, PayoutOutboxEvent } from '../domain/payout';
import { decodeCursor, encodeCursor } from './cursor';
import { customerDestinationItem } from './customers';
import { cancellationCodes, dynamoDocuments, transactWithRetry } from './dynamodb';
import type { Item } from './tables/payments';

/**
 * The payouts table (key `payoutId`). Besides the payout and its append-only `history`, an item carries:
 * - `attention` / `attentionSince` (sparse GSI `byAttention`): SUBMIT (released, the provider's answer not
 *   recorded) or PENDING (the provider has not decided; `attentionSince` is when it was last asked);
 * - `outbox` (events recorded with the change that causes them, by id) and `unsent` / `unsentSince` (sparse GSI
 *   `byUnsent`) while it holds any;
 * - `historyKey` (`<createdAt>#<payoutId>`, GSI `byCustomer`).
 * The limits table counts what each merchant paid out per UTC day and currency (`limitKey`, `used`).
 */
export type PayoutAttention = 'SUBMIT' | 'PENDING';

function attentionOf(payout: Payout): PayoutAttention | undefined {
  if (payout.status === 'SUBMITTING') return 'SUBMIT';
  if (payout.status === 'PENDING') return 'PENDING';
  return undefined;
}

const GSI_AND_OUTBOX = ['attention', 'attentionSince', 'outbox', 'unsent', 'unsentSince', 'historyKey'];

function itemToPayout(item: Item): Payout {
  const payout = { ...item };
  for (const name of GSI_AND_OUTBOX) delete payout[name];
  return payout as Payout;
}

export interface StoredPayout {
  payout: Payout;
  /** Events recorded and not yet sent. */
  outbox: PayoutOutboxEvent[];
}

function stored(item: Item): StoredPayout {
  return {
    payout: itemToPayout(item),
    outbox: Object.values((item.outbox ?? {}) as Record<string, PayoutOutboxEvent>),
  };
}

/** Why a new payout was not recorded. */
export type CreateRefusal = 'exists' | 'over-limit' | 'customer-changed';

interface PayoutTables {
  payoutsTable: string;
  limitsTable: string;
  customersTable: string;
}

/** Days a limit counter is kept after its day (TTL). */
const LIMIT_KEPT_SECONDS = 3 * 86_400;

function releaseLimitItem(limitsTable: string, payout: Payout) {
  return {
    Update: {
      TableName: limitsTable,
      Key: { limitKey: payout.limitKey },
      UpdateExpression: 'ADD used :release',
      ExpressionAttributeValues: { ':release': -payout.amount.amount },
    },
  };
}

export function createPayoutStore({ payoutsTable, limitsTable, customersTable }: PayoutTables) {
  const documents = dynamoDocuments();
  return {
    async get(payoutId: string): Promise<StoredPayout | undefined> {
      const { Item } = await documents.send(
        new GetCommand({ TableName: payoutsTable, Key: { payoutId }, ConsistentRead: true }),
      );
      return Item ? stored(Item) : undefined;
    },

    /**
     * Records a new payout in one transaction: the payout with its first event, its amount counted against the
     * merchant's day (refused past `dailyLimit`), and the customer's new destination when it changed.
     */
    async create(
      payout: Payout,
      event: PayoutOutboxEvent,
      dailyLimit: number,
      customer: Customer | undefined,
    ): Promise<CreateRefusal | undefined> {
      const attention = attentionOf(payout);
      const items = [
        {
          Put: {
            TableName: payoutsTable,
            Item: {
              ...payout,
              historyKey: `${payout.createdAt}#${payout.payoutId}`,
              ...(attention ? { attention, attentionSince: payout.createdAt } : {}),
              outbox: { [event.id]: event },
              unsent: 'OUTBOX',
              unsentSince: payout.createdAt,
            },
            ConditionExpression: 'attribute_not_exists(payoutId)',
          },
        },
        {
          Update: {
            TableName: limitsTable,
            Key: { limitKey: payout.limitKey },
            UpdateExpression: 'SET expiresAt = if_not_exists(expiresAt, :expires) ADD used :amount',
            ConditionExpression: 'attribute_not_exists(used) OR used <= :room',
            ExpressionAttributeValues: {
              ':amount': payout.amount.amount,
              ':room': dailyLimit - payout.amount.amount,
              ':expires': Math.floor(Date.parse(payout.createdAt) / 1000) + LIMIT_KEPT_SECONDS,
            },
          },
        },
        ...(customer ? [customerDestinationItem(customersTable, customer)] : []),
      ];
      try {
        await transactWithRetry(items);
        return undefined;
      } catch (error) {
        const codes = cancellationCodes(error);
        if (!codes) throw error;
        if (codes[0] === 'ConditionalCheckFailed') return 'exists';
        if (codes[1] === 'ConditionalCheckFailed') return 'over-limit';
        if (codes[2] === 'ConditionalCheckFailed') return 'customer-changed';
        throw error;
      }
    },

    /**
     * Moves the payout from the version read to `after` (its new history lines appended), recording `event` in
     * its outbox and giving a failed payout's amount back to the day's limit, in one transaction. False when
     * someone else changed the payout first.
     */
    async transition(
      before: Payout,
      after: Payout,
      event: PayoutOutboxEvent | undefined,
      releaseLimit: boolean,
    ): Promise<boolean> {
      const attention = attentionOf(after);
      const values: Item = {
        ':status': after.status,
        ':version': after.version,
        ':read': before.version,
        ':now': after.updatedAt,
        ':entries': after.history.slice(before.history.length),
      };
      const names: Record<string, string> = { '#s': 'status' };
      const set = [
        '#s = :status',
        'version = :version',
        'updatedAt = :now',
        'history = list_append(history, :entries)',
      ];
      const remove: string[] = [];
      for (const field of ['approvedBy', 'providerReference', 'failureCode', 'reason'] as const) {
        if (after[field] !== undefined && after[field] !== before[field]) {
          set.push(`${field} = :${field}`);
          values[`:${field}`] = after[field];
        }
      }
      if (attention) {
        set.push('attention = :attention', 'attentionSince = :now');
        values[':attention'] = attention;
      } else remove.push('attention', 'attentionSince');
      if (event) {
        names['#event'] = event.id;
        set.push(
          'outbox.#event = :event',
          'unsent = :unsent',
          'unsentSince = if_not_exists(unsentSince, :now)',
        );
        values[':event'] = event;
        values[':unsent'] = 'OUTBOX';
      }
      const items = [
        {
          Update: {
            TableName: payoutsTable,
            Key: { payoutId: before.payoutId },
            UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
            ConditionExpression: 'version = :read',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          },
        },
        ...(releaseLimit ? [releaseLimitItem(limitsTable, after)] : []),
      ];
      try {
        await transactWithRetry(items);
        return true;
      } catch (error) {
        if (cancellationCodes(error)?.[0] === 'ConditionalCheckFailed') return false;
        throw error;
      }
    },

    /** A pending payout was asked about and is still pending: it goes to the back of the reconciler's queue. */
    async askedAt(payout: Payout, at: string): Promise<void> {
      await documents
        .send(
          new UpdateCommand({
            TableName: payoutsTable,
            Key: { payoutId: payout.payoutId },
            UpdateExpression: 'SET attentionSince = :at',
            ConditionExpression: 'version = :read AND attention = :pending',
            ExpressionAttributeValues: { ':at': at, ':read': payout.version, ':pending': 'PENDING' },
          }),
        )
        .catch((error: Error) => {
          if (error.name !== 'ConditionalCheckFailedException') throw error;
        });
    },

    /** The event reached the bus: out of the outbox; the payout unmarked once its outbox is empty. */
    async markPublished(payoutId: string, eventId: string): Promise<void> {
      const ignoreLostRace = (error: Error) => {
        if (error.name !== 'ConditionalCheckFailedException') throw error;
      };
      await documents
        .send(
          new UpdateCommand({
            TableName: payoutsTable,
            Key: { payoutId },
            UpdateExpression: 'REMOVE outbox.#event',
            ConditionExpression: 'attribute_exists(outbox.#event)',
            ExpressionAttributeNames: { '#event': eventId },
          }),
        )
        .catch(ignoreLostRace);
      await documents
        .send(
          new UpdateCommand({
            TableName: payoutsTable,
            Key: { payoutId },
            UpdateExpression: 'REMOVE unsent, unsentSince',
            ConditionExpression: 'attribute_exists(unsent) AND size(outbox) = :none',
            ExpressionAttributeValues: { ':none': 0 },
          }),
        )
        .catch(ignoreLostRace);
    },

    /** Payouts marked SUBMIT or PENDING since before `before`, oldest first. */
    async needingAttention(attention: PayoutAttention, before: string, limit = 50): Promise<StoredPayout[]> {
      const { Items = [] } = await documents.send(
        new QueryCommand({
          TableName: payoutsTable,
          IndexName: 'byAttention',
          KeyConditionExpression: 'attention = :attention AND attentionSince < :before',
          ExpressionAttributeValues: { ':attention': attention, ':before': before },
          Limit: limit,
        }),
      );
      return Items.map(stored);
    },

    /** Payouts whose outbox has held an event since before `before`. */
    async unsent(before: string, limit = 50): Promise<StoredPayout[]> {
      const { Items = [] } = await documents.send(
        new QueryCommand({
          TableName: payoutsTable,
          IndexName: 'byUnsent',
          KeyConditionExpression: 'unsent = :unsent AND unsentSince < :before',
          ExpressionAttributeValues: { ':unsent': 'OUTBOX', ':before': before },
          Limit: limit,
        }),
      );
      return Items.map(stored);
    },

    /** A customer's payouts, newest first; `cursor` is the `nextCursor` of the previous page. */
    async listByCustomer(
      customerId: string,
      limit: number,
      cursor?: string,
    ): Promise<{ payouts: Payout[]; nextCursor: string | null }> {
      const { Items = [], LastEvaluatedKey } = await documents.send(
        new QueryCommand({
          TableName: payoutsTable,
          IndexName: 'byCustomer',
          KeyConditionExpression: 'customerId = :customer',
          ExpressionAttributeValues: { ':customer': customerId },
          ScanIndexForward: false,
          Limit: limit,
          ...(cursor
            ? {
                ExclusiveStartKey: decodeCursor(cursor, ['customerId', 'historyKey', 'payoutId'], customerId),
              }
            : {}),
        }),
      );
      return { payouts: Items.map(itemToPayout), nextCursor: encodeCursor(LastEvaluatedKey) };
    },
  };
}
