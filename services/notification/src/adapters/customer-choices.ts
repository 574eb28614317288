import {
  BatchGetItemCommand,
  DynamoDBClient,
  PutItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { awsClient, type CustomerPreferencesData, type NotificationChannel } from '@payflow/shared';
import type { ContactChoice, NamedCustomer } from '../domain/recipients';

type Item = Record<string, AttributeValue>;

/**
 * Notification's own copy of each customer's channels and addresses (key `customerId`), kept from payments'
 * CustomerRegistered / CustomerUpdated: event-carried state, so a send never waits on payments or reads its table.
 * A copy is replaced only by a higher `version`, so a late or repeated event never undoes a newer one.
 */
export function createCustomerChoices(options: { tableName: string; client?: DynamoDBClient }) {
  const client = options.client ?? awsClient(DynamoDBClient);
  const TableName = options.tableName;
  return {
    /** False when the copy is already at this version or newer (nothing written). */
    async record(customer: CustomerPreferencesData, at: Date): Promise<boolean> {
      const Item: Item = {
        customerId: { S: customer.customerId },
        merchantId: { S: customer.merchantId },
        version: { N: String(customer.version) },
        channels: { L: customer.channels.map((channel) => ({ S: channel })) },
        updatedAt: { S: at.toISOString() },
        ...(customer.email ? { email: { S: customer.email } } : {}),
        ...(customer.phone ? { phone: { S: customer.phone } } : {}),
      };
      try {
        await client.send(
          new PutItemCommand({
            TableName,
            Item,
            ConditionExpression: 'attribute_not_exists(customerId) OR version < :version',
            ExpressionAttributeValues: { ':version': { N: String(customer.version) } },
          }),
        );
        return true;
      } catch (error) {
        if ((error as Error).name === 'ConditionalCheckFailedException') return false;
        throw error;
      }
    },

    /** The stored choices of these customers, by id; a customer unknown here, or another merchant's, is absent. */
    async choicesOf(customers: NamedCustomer[]): Promise<Map<string, ContactChoice>> {
      const wanted = new Map(customers.map((customer) => [customer.id, customer.merchantId]));
      const found = new Map<string, ContactChoice>();
      let keys: Item[] = [...wanted.keys()].map((customerId) => ({ customerId: { S: customerId } }));
      // BatchGetItem takes 100 keys; a batch of SQS records names at most that many customers.
      for (let attempt = 0; keys.length > 0 && attempt < 5; attempt += 1) {
        const out = await client.send(
          new BatchGetItemCommand({
            RequestItems: { [TableName]: { Keys: keys.slice(0, 100), ConsistentRead: true } },
          }),
        );
        for (const item of out.Responses?.[TableName] ?? []) {
          const customerId = item.customerId?.S ?? '';
          if (wanted.get(customerId) !== item.merchantId?.S) continue;
          found.set(customerId, {
            channels: (item.channels?.L ?? []).map((channel) => channel.S as NotificationChannel),
            ...(item.email?.S ? { email: item.email.S } : {}),
            ...(item.phone?.S ? { phone: item.phone.S } : {}),
          });
        }
        keys = [...(out.UnprocessedKeys?.[TableName]?.Keys ?? []), ...keys.slice(100)];
      }
      if (keys.length > 0) throw new Error(`${keys.length} customers' channels could not be read; try again`);
      return found;
    },
  };
}
