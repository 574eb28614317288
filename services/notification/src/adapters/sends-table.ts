import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { awsClient } from '@payflow/shared';
import type { SendRecord, SendRequest } from '../domain/notify';

/**
 * Exactly once per (event id, channel), with Powertools idempotency on the sends table: a conditional put
 * claims the send (INPROGRESS, expiring with this invocation's remaining time, so a crash frees it), the
 * SendRecord is stored as its result (COMPLETED), a transient error deletes the claim. A second delivery of
 * the event reads the stored record back instead of sending; one arriving mid-send fails and comes back later.
 */
export function createSendsTable(options: {
  tableName: string;
  recordDays: number;
  client?: DynamoDBClient;
}) {
  const config = new IdempotencyConfig({
    eventKeyJmesPath: '[eventId, channel]',
    throwOnNoIdempotencyKey: true,
    expiresAfterSeconds: Math.round(options.recordDays * 24 * 60 * 60),
    responseHook: (stored) => ({ ...(stored as unknown as SendRecord), replayed: true }) as never,
  });
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName: options.tableName,
    awsSdkV3Client: options.client ?? awsClient(DynamoDBClient),
  });
  return {
    config,
    /** Wraps `deliver`: one successful call per (eventId, channel); later calls return the stored SendRecord. */
    once(
      deliver: (request: SendRequest) => Promise<SendRecord>,
    ): (request: SendRequest) => Promise<SendRecord> {
      // keyPrefix instead of the function name: renaming the function must not forget what was sent.
      return makeIdempotent(deliver, { persistenceStore, config, keyPrefix: 'notification-send' });
    },
  };
}
