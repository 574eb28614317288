import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { AwsError } from './protocol';
import { STAGE } from './config';
import { invokeAsync } from './lambda-async';
import { runGated } from './concurrency';

/** A function run in this process, for tests of the emulators themselves. */
export type InProcessFunction = (event: unknown) => Promise<unknown>;

export interface InvokeResult {
  /** The function's return value, parsed from JSON (undefined when it returned nothing). */
  payload: unknown;
  /** Set when the function threw: AWS's `X-Amz-Function-Error` ('Unhandled'). */
  functionError?: { errorType: string; errorMessage: string };
}

/** serverless `service:` name → its serverless-offline Lambda port, registered from each packaged service. */
const servicePorts = new Map<string, number>();
/** serverless `service:` name → the names of its functions, when known from its template. */
const serviceFunctions = new Map<string, Set<string>>();
/** serverless `service:` name → settles when its serverless-offline first listens (see serviceStarting). */
const serviceStarts = new Map<string, Promise<unknown>>();
const inProcess = new Map<string, InProcessFunction>();
const clients = new Map<number, LambdaClient>();

/** Routes `<service>-<stage>-*` functions to that service's serverless-offline Lambda port. */
export function registerLambdaService(service: string, port: number, functions?: string[]): void {
  servicePorts.set(service, port);
  if (functions) serviceFunctions.set(service, new Set(functions));
  else serviceFunctions.delete(service);
}

/**
 * Invocations of the service's functions wait for `started` (its serverless-offline listening), as Lambda would
 * start a sandbox, instead of failing with ECONNREFUSED: a schedule provisioned before the service is up fires then.
 */
export function serviceStarting(service: string, started: Promise<unknown>): void {
  serviceStarts.set(
    service,
    started.catch(() => undefined),
  );
}

export function registerInProcessFunction(name: string, fn: InProcessFunction): void {
  inProcess.set(name, fn);
}

/** 'arn:aws:lambda:us-east-1:000000000000:function:payflow-payments-local-payInvoice[:alias]' → the name. */
export function functionName(nameOrArn: string): string {
  const match = /^arn:aws:lambda:[^:]*:[^:]*:function:([^:]+)/.exec(nameOrArn);
  return match ? match[1]! : nameOrArn;
}

/**
 * Invokes `<service>-<stage>-<fn>` through that service's serverless-offline Lambda port. `Event` answers at once
 * and runs the function with Lambda's async retries and destinations (see lambda-async.ts).
 */
export async function invokeFunction(
  nameOrArn: string,
  event: unknown,
  invocationType: 'RequestResponse' | 'Event' = 'RequestResponse',
): Promise<InvokeResult> {
  const name = functionName(nameOrArn);
  // An unknown function is refused at once, as Lambda's Invoke API does, so the caller can retry.
  assertFunctionExists(name);
  if (invocationType === 'Event') {
    invokeAsync(name, event, invokeSync);
    return { payload: undefined };
  }
  return invokeSync(name, event);
}

async function invokeSync(name: string, event: unknown): Promise<InvokeResult> {
  const local = inProcess.get(name);
  if (local) return invokeInProcess(local, event);

  const port = portOf(name);
  await serviceStarts.get(serviceOf(name) ?? '');
  let client = clients.get(port);
  if (!client) {
    client = new LambdaClient({
      endpoint: `http://localhost:${port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    clients.set(port, client);
  }
  const lambda = client;
  // One of the function's slots, so a burst queues here instead of starting a worker per call (concurrency.ts).
  const out = await runGated(name, () =>
    lambda.send(
      new InvokeCommand({
        FunctionName: name,
        InvocationType: 'RequestResponse',
        Payload: Buffer.from(JSON.stringify(event ?? {})),
      }),
    ),
  );
  const text = out.Payload ? Buffer.from(out.Payload).toString('utf8') : '';
  const payload = text ? safeJson(text) : undefined;
  if (out.FunctionError) {
    const err = (payload ?? {}) as { errorType?: string; errorMessage?: string; trace?: string[] };
    const functionError = lambdaError(err, text);
    // serverless-offline calls Lambda's stackTrace `trace`.
    return { payload: { ...functionError, stackTrace: err.trace ?? [] }, functionError };
  }
  return { payload };
}

/** serverless-offline's message when a function runs past its timeout. */
const OFFLINE_TIMEOUT = '[504] - Lambda timeout.';

/**
 * The error as Lambda reports it. serverless-offline calls every thrown error `Error`; Lambda's Node runtime uses
 * the error's name, which the stack's first line starts with ('PaymentsUnavailable: ...'), and Step Functions and
 * destinations match on it. A timeout is Lambda's `Sandbox.Timedout`.
 */
export function lambdaError(
  err: { errorType?: string; errorMessage?: string; trace?: string[] },
  text: string,
): { errorType: string; errorMessage: string } {
  const errorMessage = err.errorMessage ?? text;
  if (errorMessage === OFFLINE_TIMEOUT) {
    return {
      errorType: 'Sandbox.Timedout',
      errorMessage: 'Task timed out: the function ran past its timeout',
    };
  }
  const named = /^([A-Za-z_$][\w$.]*):/.exec(err.trace?.[0] ?? '');
  const errorType = err.errorType && err.errorType !== 'Error' ? err.errorType : (named?.[1] ?? 'Error');
  return { errorType, errorMessage };
}

/** Throws Lambda's ResourceNotFoundException for a function no service (nor test) serves. */
export function assertFunctionExists(name: string): void {
  if (!inProcess.has(name)) portOf(name);
}

function serviceOf(name: string): string | undefined {
  return [...servicePorts.keys()].find((service) => name.startsWith(`${service}-${STAGE}-`));
}

function portOf(name: string): number {
  for (const [service, port] of servicePorts) {
    if (!name.startsWith(`${service}-${STAGE}-`)) continue;
    const known = serviceFunctions.get(service);
    if (known && !known.has(name)) {
      throw new AwsError(
        'ResourceNotFoundException',
        `Function not found: ${name}. ${service} has ${[...known].join(', ')}`,
        404,
      );
    }
    return port;
  }
  throw new AwsError(
    'ResourceNotFoundException',
    `Function not found: ${name}. Local functions are named <service>-${STAGE}-<function> for services ${[...servicePorts.keys()].join(', ')}`,
    404,
  );
}

async function invokeInProcess(fn: InProcessFunction, event: unknown): Promise<InvokeResult> {
  try {
    return { payload: await fn(structuredClone(event)) };
  } catch (error) {
    const e = error as Error;
    const functionError = { errorType: e.name ?? 'Error', errorMessage: e.message };
    return { payload: { ...functionError, stackTrace: [] }, functionError };
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
