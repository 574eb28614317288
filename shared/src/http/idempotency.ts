import { createHmac } from 'node:crypto';
import { getParameter } from '@aws-lambda-powertools/parameters/ssm';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyInconsistentStateError,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { awsClient } from '../aws';
import { BadRequestError, ConflictError, UnprocessableError } from './errors';
import type { HttpResult } from './handler';

/** Idempotency keys as clients send them (a UUID is typical); bounded so they cannot bloat a table. */
export const IdempotencyKeySchema = z
  .string({ error: 'Idempotency-Key header is required: send a unique value (e.g. a UUID) per request' })
  .trim()
  .min(8, { error: 'Idempotency-Key must be at least 8 characters (e.g. a UUID)' })
  .max(128, { error: 'Idempotency-Key must be at most 128 characters' })
  .regex(/^[\w.:-]+$/, { error: 'Idempotency-Key may contain only letters, digits and _ . : -' });

/** The `Idempotency-Key` header, or a 400 that says what a good one looks like. */
export function readIdempotencyKey(headers: Record<string, string | undefined>): string {
  const result = IdempotencyKeySchema.safeParse(headers['idempotency-key']);
  if (!result.success) {
    const message = result.error.issues[0]?.message ?? 'Idempotency-Key header is invalid';
    throw new BadRequestError(message, [{ path: 'headers.idempotency-key', message }]);
  }
  return result.data;
}

/** Locally (stage local, tests) the fingerprint key comes from this variable. */
export const FINGERPRINT_KEY_ENV = 'PAYFLOW_FINGERPRINT_KEY';
/** On AWS: the name of the SSM SecureString holding it, `/payflow/<stage>/fingerprint-key`. */
export const FINGERPRINT_KEY_PARAMETER_ENV = 'PAYFLOW_FINGERPRINT_KEY_PARAMETER';
/** How long a container keeps the key before reading the parameter again (a rotated key takes effect then). */
const FINGERPRINT_KEY_MAX_AGE_SECONDS = 15 * 60;

/**
 * The HMAC key for request fingerprints: `PAYFLOW_FINGERPRINT_KEY` when set (stage local), else the SSM
 * SecureString named by `PAYFLOW_FINGERPRINT_KEY_PARAMETER`, decrypted and cached by Powertools.
 */
export async function fingerprintKey(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const local = env[FINGERPRINT_KEY_ENV];
  if (local) return local;
  const parameter = env[FINGERPRINT_KEY_PARAMETER_ENV];
  if (!parameter) {
    throw new Error(
      `No fingerprint key: set ${FINGERPRINT_KEY_ENV} (locally) or ${FINGERPRINT_KEY_PARAMETER_ENV} to the name of an SSM SecureString`,
    );
  }
  const key = await getParameter(parameter, { decrypt: true, maxAge: FINGERPRINT_KEY_MAX_AGE_SECONDS });
  if (!key) throw new Error(`The SSM parameter ${parameter} (the fingerprint key) is empty`);
  return key;
}

/** The request as fingerprinted: every `cvv` field, at any depth, left out (nothing derived from a CVV is kept). */
function withoutCvv(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutCvv);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([name]) => name.toLowerCase() !== 'cvv')
      .map(([name, field]) => [name, withoutCvv(field)]),
  );
}

/** A raw JSON body is fingerprinted as what it parses to, so its CVV can be left out too. */
function parsedBody(body: unknown): unknown {
  if (typeof body !== 'string') return body;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return body;
  }
}

/**
 * One fingerprint per request: an HMAC-SHA256, keyed from configuration (see fingerprintKey), of the route it was
 * sent to and its body without the CVV. The same key with another fingerprint is refused. The body holds a card
 * number, so an unkeyed hash could be reversed by hashing every card number; a keyed one cannot without the key.
 */
export async function requestFingerprint(
  route: string,
  body: unknown,
  key?: string | Promise<string>,
): Promise<string> {
  return createHmac('sha256', await (key ?? fingerprintKey()))
    .update(route)
    .update('\n')
    .update(JSON.stringify(withoutCvv(parsedBody(body))) ?? '')
    .digest('hex');
}

/** What an idempotent route receives: the key and the fingerprint are all Powertools stores (hashed). */
export interface IdempotentRequest<Input> {
  idempotencyKey: string;
  fingerprint: string;
  input: Input;
}

export interface IdempotentRouteOptions {
  /** Keeps one route's keys apart from another's in the shared table. */
  scope: string;
  tableName: string;
  /** What a request creates, for the error messages: 'payment', 'checkout'. */
  subject: string;
}

/**
 * Powertools idempotency around an HTTP route: the same key and body replay the stored response (marked with
 * `Idempotent-Replayed: true`), another body under the key is 422, a request still in flight under it is 409.
 */
export function idempotentRoute<Input>(
  { scope, tableName, subject }: IdempotentRouteOptions,
  route: (request: IdempotentRequest<Input>) => Promise<HttpResult>,
): (request: IdempotentRequest<Input>, context: Context) => Promise<HttpResult> {
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

  return async (request, context) => {
    config.registerLambdaContext(context);
    try {
      return await idempotent(request);
    } catch (error) {
      if (
        error instanceof IdempotencyAlreadyInProgressError ||
        error instanceof IdempotencyInconsistentStateError
      ) {
        throw new ConflictError(
          `A ${subject} with this Idempotency-Key is still being processed; wait for it, then retry with the same key to get its result`,
        );
      }
      if (error instanceof IdempotencyValidationError) {
        throw new UnprocessableError(
          `This Idempotency-Key was already used for a different request; use a new key for a new ${subject}`,
        );
      }
      throw error;
    }
  };
}
