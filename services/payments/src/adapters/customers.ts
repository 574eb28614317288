import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Customer } from '../domain/customer';
import { dynamoDocuments } from './dynamodb';

/**
 * The customers table (key `customerId`): one item per customer, written conditionally on its version. A merchant's
 * or a bills file's change is written with `unsent` / `unsentSince` / `unsentCorrelationId` (sparse GSI `byUnsent`):
 * its CustomerRegistered / CustomerUpdated is owed to the bus until `announced` removes them, so a publish that
 * fails after the write is made up by the reconciler instead of being lost (the event is derived from the item).
 */
const UNSENT = ['unsent', 'unsentSince', 'unsentCorrelationId'];

type Item = Record<string, unknown>;

function itemToCustomer(item: Item): Customer {
  const customer = { ...item };
  for (const name of UNSENT) delete customer[name];
  return customer as unknown as Customer;
}

/** The item of a customer whose change is still to be announced. */
function owingAnnouncement(customer: Customer, correlationId: string): Item {
  return {
    ...customer,
    unsent: 'ANNOUNCE',
    unsentSince: customer.updatedAt,
    unsentCorrelationId: correlationId,
  };
}

export interface UnannouncedCustomer {
  customer: Customer;
  correlationId: string;
}

const lostRace = (error: unknown) => (error as Error).name === 'ConditionalCheckFailedException';

export function createCustomerStore(tableName: string) {
  const documents = dynamoDocuments();
  return {
    async get(customerId: string): Promise<Customer | undefined> {
      const { Item } = await documents.send(
        new GetCommand({ TableName: tableName, Key: { customerId }, ConsistentRead: true }),
      );
      return Item ? itemToCustomer(Item) : undefined;
    },

    /** False when a customer with this id already exists (nothing is changed). The change is owed to the bus. */
    async create(customer: Customer, correlationId: string): Promise<boolean> {
      try {
        await documents.send(
          new PutCommand({
            TableName: tableName,
            Item: owingAnnouncement(customer, correlationId),
            ConditionExpression: 'attribute_not_exists(customerId)',
          }),
        );
        return true;
      } catch (error) {
        if (lostRace(error)) return false;
        throw error;
      }
    },

    /** Replaces the customer read at `version - 1`; false when someone changed it meanwhile. Owed to the bus. */
    async replace(customer: Customer, correlationId: string): Promise<boolean> {
      try {
        await documents.send(
          new PutCommand({
            TableName: tableName,
            Item: owingAnnouncement(customer, correlationId),
            ConditionExpression: 'version = :read',
            ExpressionAttributeValues: { ':read': customer.version - 1 },
          }),
        );
        return true;
      } catch (error) {
        if (lostRace(error)) return false;
        throw error;
      }
    },

    /** The bus has this version: nothing is owed, unless a newer version was written meanwhile (it stays owed). */
    async announced(customer: Pick<Customer, 'customerId' | 'version'>): Promise<void> {
      try {
        await documents.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { customerId: customer.customerId },
            UpdateExpression: `REMOVE ${UNSENT.join(', ')}`,
            ConditionExpression: 'version = :version AND attribute_exists(unsent)',
            ExpressionAttributeValues: { ':version': customer.version },
          }),
        );
      } catch (error) {
        if (!lostRace(error)) throw error;
      }
    },

    /** Customers whose change has been owed to the bus since before `before`, oldest first. */
    async unannounced(before: string, limit = 50): Promise<UnannouncedCustomer[]> {
      const { Items = [] } = await documents.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'byUnsent',
          KeyConditionExpression: 'unsent = :unsent AND unsentSince < :before',
          ExpressionAttributeValues: { ':unsent': 'ANNOUNCE', ':before': before },
          Limit: limit,
        }),
      );
      return Items.map((item) => ({
        customer: itemToCustomer(item),
        correlationId: String(item.unsentCorrelationId),
      }));
    },
  };
}

/**
 * The transaction item that records a customer's new payout destination with the payout that uses it. An update of
 * those fields only, so an announcement still owed (`unsent`) stays owed.
 */
export function customerDestinationItem(tableName: string, customer: Customer) {
  const changedAt = customer.destinationChangedAt !== undefined;
  return {
    Update: {
      TableName: tableName,
      Key: { customerId: customer.customerId },
      UpdateExpression: `SET payoutDestination = :destination, version = :version, updatedAt = :updatedAt${
        changedAt ? ', destinationChangedAt = :changedAt' : ''
      }`,
      ConditionExpression: 'version = :read',
      ExpressionAttributeValues: {
        ':destination': customer.payoutDestination,
        ':version': customer.version,
        ':updatedAt': customer.updatedAt,
        ':read': customer.version - 1,
        ...(changedAt ? { ':changedAt': customer.destinationChangedAt } : {}),
      },
    },
  };
}
