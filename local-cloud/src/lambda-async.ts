/**
 * Asynchronous invocations as Lambda runs them (EventBridge, S3 and SNS invoke this way): the caller gets 202 at
 * once; the function runs synchronously against its serverless-offline (an `Event` invocation there crashes the
 * process when the handler throws); errors and timeouts are retried with AWS's back-off, then the event goes to
 * the on-failure destination or the function's dead-letter queue.
 */
import { randomUUID } from 'node:crypto';
import { ACCOUNT_ID, REGION } from './config';
import { sendToDestination } from './lambda-destinations';

/** `AWS::Lambda::EventInvokeConfig` and the function's `DeadLetterConfig`, as provisioned. */
export interface AsyncInvokeConfig {
  /** 0 to 2; AWS's default is 2. */
  maximumRetryAttempts?: number;
  /** 60 to 21600 seconds; AWS's default is 6 hours. */
  maximumEventAgeSeconds?: number;
  onFailure?: string;
  onSuccess?: string;
  deadLetterTarget?: string;
  /** The edge the destinations are sent through. */
  endpoint: string;
}

/** One run of the function: what Lambda's sync Invoke API answers. */
interface AttemptResult {
  payload: unknown;
  functionError?: { errorType: string; errorMessage: string };
}

export type RunFunction = (name: string, event: unknown) => Promise<AttemptResult>;

/** The on-failure (or on-success) destination record, as AWS sends it. */
interface InvocationRecord {
  version: '1.0';
  timestamp: string;
  requestContext: {
    requestId: string;
    functionArn: string;
    condition: 'Success' | 'RetriesExhausted' | 'EventAgeExceeded';
    approximateInvokeCount: number;
  };
  requestPayload: unknown;
  responseContext: { statusCode: number; executedVersion: string; functionError?: string };
  responsePayload: unknown;
}

const DEFAULT_RETRIES = 2;
const DEFAULT_MAX_AGE_SECONDS = 21_600;

/** AWS waits about a minute before the first retry and two before the second; tests shorten the unit. */
function retryDelayMs(retry: number): number {
  const unit = Number(process.env.PAYFLOW_ASYNC_RETRY_DELAY_MS ?? 60_000);
  return unit * 2 ** retry;
}

const configs = new Map<string, AsyncInvokeConfig>();
const pending = new Set<Promise<void>>();
/** Bumped when the local cloud stops: invocations queued before then end quietly instead of retrying. */
let generation = 0;

/** Drops the invocations still queued or waiting for a retry (they are lost at stop, as the README says). */
export function abandonAsyncInvocations(): void {
  generation++;
}

/** Merges what a template says about one function's async invocations (EventInvokeConfig, DeadLetterConfig). */
export function configureAsyncInvoke(functionName: string, config: AsyncInvokeConfig): void {
  configs.set(functionName, { ...configs.get(functionName), ...config });
}

/** Queues one asynchronous invocation and returns its request id at once, as Lambda's 202 does. */
export function invokeAsync(functionName: string, event: unknown, run: RunFunction): string {
  const requestId = randomUUID();
  const work = runWithRetries(functionName, event, requestId, run)
    .catch((error: unknown) =>
      console.error(
        `[local-cloud] lambda: async invocation ${requestId} of ${functionName} was lost:`,
        error,
      ),
    )
    .finally(() => pending.delete(work));
  pending.add(work);
  return requestId;
}

/** Resolves when every asynchronous invocation queued so far has succeeded or reached its destination. */
export async function asyncInvocationsIdle(): Promise<void> {
  while (pending.size > 0) await Promise.allSettled([...pending]);
}

async function runWithRetries(
  functionName: string,
  event: unknown,
  requestId: string,
  run: RunFunction,
): Promise<void> {
  const config = configs.get(functionName);
  const retries = config?.maximumRetryAttempts ?? DEFAULT_RETRIES;
  const maxAgeMs = (config?.maximumEventAgeSeconds ?? DEFAULT_MAX_AGE_SECONDS) * 1000;
  const queuedAt = Date.now();
  const queuedIn = generation;
  // Let the caller have its 202 first, as on AWS.
  await new Promise((resolve) => setImmediate(resolve));
  let result: AttemptResult = { payload: undefined };
  let attempts = 0;
  for (;;) {
    if (queuedIn !== generation) return;
    attempts++;
    result = await attempt(functionName, event, run);
    if (queuedIn !== generation) return;
    if (!result.functionError) {
      if (config?.onSuccess) {
        const success = record('Success', functionName, requestId, event, result, attempts);
        await send(config, config.onSuccess, success, run);
      }
      return;
    }
    if (attempts > retries) break;
    const delay = retryDelayMs(attempts - 1);
    if (Date.now() + delay - queuedAt > maxAgeMs) {
      return fail(config, 'EventAgeExceeded', { functionName, requestId, event, result, attempts }, run);
    }
    // A retry waiting does not keep a stopping process alive (it is lost at stop, as README says).
    await new Promise((resolve) => setTimeout(resolve, delay).unref());
  }
  return fail(config, 'RetriesExhausted', { functionName, requestId, event, result, attempts }, run);
}

/** A refused connection or a timeout counts as a failed attempt, as a crashed sandbox does on AWS. */
async function attempt(functionName: string, event: unknown, run: RunFunction): Promise<AttemptResult> {
  try {
    return await run(functionName, event);
  } catch (error) {
    const e = error as Error;
    return {
      payload: { errorType: e.name ?? 'Error', errorMessage: e.message },
      functionError: { errorType: e.name ?? 'Error', errorMessage: e.message },
    };
  }
}

interface Invocation {
  functionName: string;
  requestId: string;
  event: unknown;
  result: AttemptResult;
  attempts: number;
}

async function fail(
  config: AsyncInvokeConfig | undefined,
  condition: 'RetriesExhausted' | 'EventAgeExceeded',
  invocation: Invocation,
  run: RunFunction,
): Promise<void> {
  const { functionName, requestId, event, result, attempts } = invocation;
  const error = result.functionError!;
  const why = `${error.errorType}: ${error.errorMessage}`;
  if (config?.onFailure) {
    await send(
      config,
      config.onFailure,
      record(condition, functionName, requestId, event, result, attempts),
      run,
    );
    console.error(
      `[local-cloud] lambda: ${functionName} failed ${attempts} time(s) (${why}); event sent to ${config.onFailure}`,
    );
  } else if (config?.deadLetterTarget) {
    await sendToDestination(config.endpoint, config.deadLetterTarget, {
      deadLetter: { event, requestId, errorMessage: error.errorMessage },
    });
    console.error(
      `[local-cloud] lambda: ${functionName} failed ${attempts} time(s) (${why}); event sent to its DLQ ${config.deadLetterTarget}`,
    );
  } else {
    console.error(
      `[local-cloud] lambda: ${functionName} failed ${attempts} time(s) (${why}); event dropped (no destination or DLQ)`,
    );
  }
}

/** A Lambda destination is itself invoked asynchronously; the others are sent through the edge. */
async function send(
  config: AsyncInvokeConfig,
  destination: string,
  invocation: InvocationRecord,
  run: RunFunction,
): Promise<void> {
  const lambda = /^arn:aws:lambda:[^:]*:[^:]*:function:([^:]+)/.exec(destination);
  if (lambda) invokeAsync(lambda[1]!, invocation, run);
  else await sendToDestination(config.endpoint, destination, { record: invocation });
}

function record(
  condition: InvocationRecord['requestContext']['condition'],
  functionName: string,
  requestId: string,
  event: unknown,
  result: AttemptResult,
  attempts: number,
): InvocationRecord {
  return {
    version: '1.0',
    timestamp: new Date().toISOString(),
    requestContext: {
      requestId,
      functionArn: `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:${functionName}:$LATEST`,
      condition,
      approximateInvokeCount: attempts,
    },
    requestPayload: event,
    responseContext: {
      statusCode: 200,
      executedVersion: '$LATEST',
      ...(result.functionError ? { functionError: 'Unhandled' } : {}),
    },
    responsePayload: result.payload ?? null,
  };
}
