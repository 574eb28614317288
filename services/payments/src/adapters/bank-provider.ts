import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { getParameter } from '@aws-lambda-powertools/parameters/ssm';
import type { BankDecisions, BankProvider, StoredDecision } from '../domain/bank';
import { createBankSimulator } from '../domain/bank-simulator';
import { dynamoDocuments } from './dynamodb';

let provider: Promise<BankProvider> | undefined;

/**
 * The bank API key comes from the environment locally (BANK_API_KEY) and from SSM Parameter Store on AWS
 * (BANK_API_KEY_PARAMETER names a SecureString); never from code. The simulator is the only adapter so far.
 */
async function readApiKey(env: NodeJS.ProcessEnv): Promise<string> {
  if (env.BANK_API_KEY) return env.BANK_API_KEY;
  if (!env.BANK_API_KEY_PARAMETER) {
    throw new Error(
      'No bank credentials: set BANK_API_KEY (local) or BANK_API_KEY_PARAMETER (an SSM parameter name)',
    );
  }
  const key = await getParameter(env.BANK_API_KEY_PARAMETER, { decrypt: true, maxAge: 300 });
  if (!key) throw new Error(`SSM parameter ${env.BANK_API_KEY_PARAMETER} is empty`);
  return key;
}

/** The simulated bank's own memory of what it decided per idempotency key (a real bank keeps its own). */
function decisionsTable(tableName: string): BankDecisions {
  const documents = dynamoDocuments();
  return {
    async get(paymentId) {
      const { Item } = await documents.send(
        new GetCommand({ TableName: tableName, Key: { paymentId }, ConsistentRead: true }),
      );
      return Item
        ? ({ outcome: Item.outcome, amount: Item.amount, decidedAt: Item.decidedAt } as StoredDecision)
        : undefined;
    },
    async putFirst(paymentId, decision) {
      try {
        await documents.send(
          new PutCommand({
            TableName: tableName,
            Item: { paymentId, ...decision },
            ConditionExpression: 'attribute_not_exists(paymentId)',
          }),
        );
        return decision;
      } catch (error) {
        if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
        const { Item } = await documents.send(
          new GetCommand({ TableName: tableName, Key: { paymentId }, ConsistentRead: true }),
        );
        return { outcome: Item?.outcome, amount: Item?.amount, decidedAt: Item?.decidedAt } as StoredDecision;
      }
    },
    async put(paymentId, decision) {
      await documents.send(new PutCommand({ TableName: tableName, Item: { paymentId, ...decision } }));
    },
  };
}

export function bankProvider(env: NodeJS.ProcessEnv = process.env): Promise<BankProvider> {
  provider ??= readApiKey(env)
    .then((apiKey) => {
      if (!env.BANK_SIMULATOR_TABLE) throw new Error('BANK_SIMULATOR_TABLE is not set (see serverless.yml)');
      return createBankSimulator({
        apiKey,
        decisions: decisionsTable(env.BANK_SIMULATOR_TABLE),
        pendingSeconds: Number(env.BANK_PENDING_SECONDS ?? 60),
      });
    })
    .catch((error: unknown) => {
      provider = undefined;
      throw error;
    });
  return provider;
}
