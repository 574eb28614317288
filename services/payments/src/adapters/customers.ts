import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Customer } from '../domain/customer';
import { dynamoDocuments } from './dynamodb';

/** The customers table (key `customerId`): one item per customer, written conditionally on its version. */
export function createCustomerStore(tableName: string) {
  const documents = dynamoDocuments();
  return {
    async get(customerId: string): Promise<Customer | undefined> {
      const { Item } = await documents.send(
        new GetCommand({ TableName: tableName, Key: { customerId }, ConsistentRead: true }),
      );
      return Item as Customer | undefined;
    },

    /** False when a customer with this id already exists (nothing is changed). */
    async create(customer: Customer): Promise<boolean> {
      try {
        await documents.send(
          new PutCommand({
            TableName: tableName,
            Item: customer,
            ConditionExpression: 'attribute_not_exists(customerId)',
          }),
        );
        return true;
      } catch (error) {
        if ((error as Error).name === 'ConditionalCheckFailedException') return false;
        throw error;
      }
    },

    /** Replaces the customer read at `version - 1`; false when someone changed it meanwhile. */
    async replace(customer: Customer): Promise<boolean> {
      try {
        await documents.send(
          new PutCommand({
            TableName: tableName,
            Item: customer,
            ConditionExpression: 'version = :read',
            ExpressionAttributeValues: { ':read': customer.version - 1 },
          }),
        );
        return true;
      } catch (error) {
        if ((error as Error).name === 'ConditionalCheckFailedException') return false;
        throw error;
      }
    },
  };
}

/** The transaction item that records a customer's new payout destination with the payout that uses it. */
export function putCustomerItem(tableName: string, customer: Customer) {
  return {
    Put: {
      TableName: tableName,
      Item: customer,
      ConditionExpression: 'version = :read',
      ExpressionAttributeValues: { ':read': customer.version - 1 },
    },
  };
}
