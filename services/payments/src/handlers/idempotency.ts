import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyInconsistentStateError,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import {
  awsClient,
  BadRequestError,
  ConflictError,
  UnprocessableError,
  type HttpResult,
} from '@payflow/shared';
import type { Context } from 'aws-lambda';
import { IdempotencyKeySchema } from '../domain/payment';

/** What an idempotent route receives: the key and a fingerprint are all Powertools stores (hashed). */
export interface IdempotentRequest<Input> {
  idempotencyKey: string;
  fingerprint: string;
  input: Input;
}

export function readIdempotencyKey(headers: Record<string, string | undefined>): string {
  const result = IdempotencyKeySchema.safeParse(headers['idempotency-key']);
  if (!result.success) {
    throw new BadRequestError(result.error.issues[0]?.message ?? 'Idempotency-Key header is invalid', [
      { path: 'headers.idempotency-key', message: result.error.issues[0]?.message ?? 'invalid' },
    ]);
  }
  return result.data;
}

/**
 * Powertools idempotency around a route: the same key and body replay the stored response (marked with
 * `Idempotent-Replayed: true`), another body is 422, a request still in flight under the key is 409.
 */
export function idempotentRoute<Input>(
  scope: string,
  tableName: string,
  route: (request: IdempotentRequest<Input>) => Promise<HttpResult>,
) {
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'idempotencyKey',
    payloadValidationJmesPath: 'fingerprint',
    expiresAfterSeconds: 24 * 60 * 60,
    responseHook: (response) => {
      const result = response as unknown as HttpResult;
      return { ...result, headers: { ...result.headers, 'idempotent-replayed': 'true' } } as never;
    },
  });
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName,
    awsSdkV3Client: awsClient(DynamoDBClient),
  });
  const idempotent = makeIdempotent(route, { persistenceStore, config, keyPrefix: scope });

  return async (request: IdempotentRequest<Input>, context: Context): Promise<HttpResult> => {
    config.registerLambdaContext(context);
    try {
      return await idempotent(request);
    } catch (error) {
      if (
        error instanceof IdempotencyAlreadyInProgressError ||
        error instanceof IdempotencyInconsistentStateError
      ) {
        throw new ConflictError(
          'A request with this Idempotency-Key is still being processed; wait for it, then retry with the same key to get its result',
        );
      }
      if (error instanceof IdempotencyValidationError) {
        throw new UnprocessableError(
          'This Idempotency-Key was already used for a different request; use a new key for a new payment',
        );
      }
      throw error;
    }
  };
}
