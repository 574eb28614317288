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
import { createHash } from 'node:crypto';
import { z } from 'zod';

export const IdempotencyKeySchema = z
  .string({ error: 'Idempotency-Key header is required: send a unique value (e.g. a UUID) per checkout' })
  .trim()
  .min(8, { error: 'Idempotency-Key must be at least 8 characters (e.g. a UUID)' })
  .max(128, { error: 'Idempotency-Key must be at most 128 characters' })
  .regex(/^[\w.:-]+$/, { error: 'Idempotency-Key may contain only letters, digits and _ . : -' });

export function readIdempotencyKey(headers: Record<string, string | undefined>): string {
  const result = IdempotencyKeySchema.safeParse(headers['idempotency-key']);
  if (!result.success) {
    const message = result.error.issues[0]?.message ?? 'Idempotency-Key header is invalid';
    throw new BadRequestError(message, [{ path: 'headers.idempotency-key', message }]);
  }
  return result.data;
}

/** The parsed body's hash: the same order sent twice (whatever its whitespace) is the same request. */
export function requestFingerprint(body: unknown): string {
  return createHash('sha256').update(JSON.stringify(body)).digest('hex');
}

export interface IdempotentRequest<Input> {
  idempotencyKey: string;
  fingerprint: string;
  input: Input;
}

/**
 * Powertools idempotency around a route: the same key and body replay the stored response (with
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
          'A checkout with this Idempotency-Key is still being processed; wait, then retry with the same key to get its result',
        );
      }
      if (error instanceof IdempotencyValidationError) {
        throw new UnprocessableError(
          'This Idempotency-Key was already used for a different checkout; use a new key for a new order',
        );
      }
      throw error;
    }
  };
}
