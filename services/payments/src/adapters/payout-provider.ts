import { getParameter } from '@aws-lambda-powertools/parameters/ssm';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { awsClient } from '@payflow/shared';
import type { PayoutDestinationInput, PayoutProvider } from '../domain/payout-provider';
import {
  createPayoutSimulator,
  type PayoutProviderRecords,
  type SimulatedPayout,
} from '../domain/payout-simulator';
import { dynamoDocuments } from './dynamodb';
import { queueUrlOf } from './queue-url';

/** The simulated provider's own memory (a real provider keeps its own): `recipient#<token>`, `payout#<id>`. */
function providerRecords(tableName: string): PayoutProviderRecords {
  const documents = dynamoDocuments();
  const read = async (key: string) =>
    (await documents.send(new GetCommand({ TableName: tableName, Key: { key }, ConsistentRead: true }))).Item;
  return {
    async getRecipient(token) {
      return (await read(`recipient#${token}`))?.destination as PayoutDestinationInput | undefined;
    },
    async putRecipient(token, destination) {
      await documents.send(
        new PutCommand({ TableName: tableName, Item: { key: `recipient#${token}`, destination } }),
      );
    },
    async getPayout(payoutId) {
      return (await read(`payout#${payoutId}`))?.record as SimulatedPayout | undefined;
    },
    async putFirstPayout(record) {
      try {
        await documents.send(
          new PutCommand({
            TableName: tableName,
            Item: { key: `payout#${record.report.payoutId}`, record },
            ConditionExpression: 'attribute_not_exists(#key)',
            ExpressionAttributeNames: { '#key': 'key' },
          }),
        );
        return { record, first: true };
      } catch (error) {
        if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
        return {
          record: (await read(`payout#${record.report.payoutId}`))?.record as SimulatedPayout,
          first: false,
        };
      }
    },
    async putPayout(record) {
      await documents.send(
        new PutCommand({ TableName: tableName, Item: { key: `payout#${record.report.payoutId}`, record } }),
      );
    },
  };
}

/** The simulator's outgoing webhooks: a message per payout, delayed until it is decided. */
function webhookQueue(queueName: string, sqs: SQSClient = awsClient(SQSClient)) {
  const url = queueUrlOf(sqs, queueName);
  return async (payoutId: string, delaySeconds: number) => {
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: await url(),
        MessageBody: JSON.stringify({ payoutId }),
        DelaySeconds: Math.min(900, Math.max(0, Math.ceil(delaySeconds))),
      }),
    );
  };
}

let provider: PayoutProvider | undefined;

/** The payouts provider: the simulator is the only adapter so far (PAYOUT_PROVIDER_TABLE, its webhook queue). */
export function payoutProvider(env: NodeJS.ProcessEnv = process.env): PayoutProvider {
  if (!env.PAYOUT_PROVIDER_TABLE || !env.PAYOUT_WEBHOOK_QUEUE_NAME) {
    throw new Error('PAYOUT_PROVIDER_TABLE and PAYOUT_WEBHOOK_QUEUE_NAME must be set (see serverless.yml)');
  }
  provider ??= createPayoutSimulator({
    records: providerRecords(env.PAYOUT_PROVIDER_TABLE),
    scheduleWebhook: webhookQueue(env.PAYOUT_WEBHOOK_QUEUE_NAME),
    delaySeconds: Number(env.PAYOUT_PROVIDER_DELAY_SECONDS ?? 30),
  });
  return provider;
}

/**
 * The secret the provider signs webhooks with: PAYOUT_WEBHOOK_SECRET locally, else the SSM SecureString named by
 * PAYOUT_WEBHOOK_SECRET_PARAMETER (cached 5 minutes by Powertools).
 */
export async function payoutWebhookSecret(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (env.PAYOUT_WEBHOOK_SECRET) return env.PAYOUT_WEBHOOK_SECRET;
  if (!env.PAYOUT_WEBHOOK_SECRET_PARAMETER) {
    throw new Error(
      'No webhook secret: set PAYOUT_WEBHOOK_SECRET (local) or PAYOUT_WEBHOOK_SECRET_PARAMETER',
    );
  }
  const secret = await getParameter(env.PAYOUT_WEBHOOK_SECRET_PARAMETER, { decrypt: true, maxAge: 300 });
  if (!secret) throw new Error(`SSM parameter ${env.PAYOUT_WEBHOOK_SECRET_PARAMETER} is empty`);
  return secret;
}
