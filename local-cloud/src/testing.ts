/** What integration tests and benchmarks of every service share: the HTTP APIs as a client sees them. */
import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';

/** Response bodies are checked by the tests' expectations, not by types. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export interface ApiResponse<Body = Record<string, Json>> {
  status: number;
  headers: Headers;
  body: Body;
}

export interface ApiRequestOptions {
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as it is (malformed JSON, other content types). */
  raw?: string;
  headers?: Record<string, string>;
  /** The Idempotency-Key header. */
  key?: string;
}

/** One HTTP call to a service's API; a JSON answer is parsed, anything else is returned as text. */
export async function callApi<Body = Record<string, Json>>(
  base: string,
  method: string,
  path: string,
  options: ApiRequestOptions = {},
): Promise<ApiResponse<Body>> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.body !== undefined || options.raw !== undefined) headers['content-type'] ??= 'application/json';
  if (options.key) headers['idempotency-key'] = options.key;
  const body = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const response = await fetch(`${base}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body }),
  });
  const text = await response.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  return { status: response.status, headers: response.headers, body: parsed as Body };
}

const tokens = new Map<string, Promise<string>>();

/**
 * An access token from the local issuer (POST /oauth2/token, client credentials) for one of the app clients the
 * templates declare; the local secret of client `x` is `local-x-secret`. Cached per client and scopes.
 */
export function localToken(endpoint: string, clientId: string, scope?: string): Promise<string> {
  const cacheKey = `${endpoint} ${clientId} ${scope ?? ''}`;
  let token = tokens.get(cacheKey);
  if (!token) {
    token = (async () => {
      const response = await fetch(`${endpoint}/oauth2/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${clientId}:local-${clientId}-secret`).toString('base64')}`,
        },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          ...(scope ? { scope } : {}),
        }).toString(),
      });
      const body = (await response.json()) as { access_token?: string };
      if (!body.access_token)
        throw new Error(`no token for ${clientId}: ${response.status} ${JSON.stringify(body)}`);
      return body.access_token;
    })();
    tokens.set(cacheKey, token);
    token.catch(() => tokens.delete(cacheKey));
  }
  return token;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- OpenAPI documents are read as JSON
type OpenApiDocument = any;

/** Checks a document against the OpenAPI 3.1 schema (the validator's CLI: it is ESM-only). Throws what is wrong. */
export function assertValidOpenApi(document: OpenApiDocument): void {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'openapi-')), 'api.json');
  fs.writeFileSync(file, JSON.stringify(document));
  const cli = path.resolve(__dirname, '../../node_modules/.bin/validate-api');
  const result = JSON.parse(execFileSync(cli, [file], { encoding: 'utf8' })) as { valid: boolean };
  if (!result.valid) throw new Error(`not a valid OpenAPI document: ${JSON.stringify(result)}`);
}

/** A service's serverless.yml as written (CloudFormation tags kept as their plain values; no variables resolved). */
function serverlessConfig(serviceDir: string): Record<string, Json> {
  const tag = (name: string, collection?: 'seq' | 'map') => ({
    tag: name,
    resolve: (value: unknown) => value,
    ...(collection ? { collection } : {}),
  });
  return parseYaml(fs.readFileSync(path.join(serviceDir, 'serverless.yml'), 'utf8'), {
    customTags: [tag('!Sub'), tag('!GetAtt'), tag('!Ref'), tag('!Join', 'seq'), tag('!Sub', 'seq')],
  }) as Record<string, Json>;
}

/** Every `httpApi` event of every function in a service's serverless.yml, as "METHOD /path". */
export function serverlessHttpRoutes(serviceDir: string): string[] {
  const config = serverlessConfig(serviceDir) as {
    functions: Record<string, { events?: { httpApi?: { method: string; path: string } }[] }>;
  };
  return Object.values(config.functions).flatMap((fn) =>
    (fn.events ?? []).flatMap((event) =>
      event.httpApi ? [`${event.httpApi.method} ${event.httpApi.path}`] : [],
    ),
  );
}

/**
 * Creates a table as the service that owns it declares it (its serverless.yml resource: keys, attributes, indexes),
 * unless it exists: a test of another service never declares the table a second time.
 */
export async function ensureDeclaredTable(
  dynamodb: DynamoDBClient,
  serviceDir: string,
  logicalId: string,
  tableName: string,
): Promise<void> {
  try {
    await dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
    return;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  const resource = serverlessConfig(serviceDir).resources?.Resources?.[logicalId];
  if (resource?.Type !== 'AWS::DynamoDB::Table') {
    throw new Error(`${serviceDir}/serverless.yml declares no DynamoDB table ${logicalId}`);
  }
  const { AttributeDefinitions, KeySchema, GlobalSecondaryIndexes, BillingMode } =
    resource.Properties as CreateTableCommandInput;
  await dynamodb
    .send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions,
        KeySchema,
        ...(GlobalSecondaryIndexes ? { GlobalSecondaryIndexes } : {}),
        BillingMode,
      }),
    )
    .catch((error: unknown) => {
      // Another test file of the same run made it first.
      if (!(error instanceof ResourceInUseException)) throw error;
    });
}

/** The routes a document describes, as "METHOD /path". */
export function documentedRoutes(document: OpenApiDocument): string[] {
  return Object.entries(document.paths as Record<string, object>).flatMap(([route, operations]) =>
    Object.keys(operations).map((method) => `${method.toUpperCase()} ${route}`),
  );
}

/** `#/components/schemas/X` → `#/$defs/X`, so one schema carries what its refs need. */
function standalone(document: OpenApiDocument, schema: unknown): object {
  const combined = { $defs: document.components?.schemas ?? {}, ...(schema as object) };
  return JSON.parse(JSON.stringify(combined).replaceAll('#/components/schemas/', '#/$defs/')) as object;
}

/** The schema of an operation's request body, or of its answer for a status and media type. */
export function openApiSchema(
  document: OpenApiDocument,
  route: string,
  method: string,
  part: 'request' | { status: number; type?: string },
): object {
  const operation = document.paths[route]?.[method.toLowerCase()];
  const schema =
    part === 'request'
      ? operation?.requestBody?.content?.['application/json']?.schema
      : operation?.responses?.[String(part.status)]?.content?.[part.type ?? 'application/json']?.schema;
  if (!schema) throw new Error(`${method} ${route} documents no ${JSON.stringify(part)} schema`);
  return standalone(document, schema);
}

/** Throws, naming what is wrong, when `value` does not match `schema` (JSON Schema 2020-12, as OpenAPI 3.1). */
export function assertMatchesSchema(schema: object, value: unknown): void {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  if (!validate(value)) throw new Error(`not valid against the document: ${ajv.errorsText(validate.errors)}`);
}

/** Debian's Chromium, headless, as the browser tests drive it (no downloads, no background network). */
export function launchChromium() {
  // Loaded here, not at the top: only browser tests need playwright-core.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { chromium } = require('playwright-core') as typeof import('playwright-core');
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

/**
 * A headless Chromium for the test file that calls this (launched before its tests, closed after them), and its
 * screenshots folder made. Returns a getter: the browser exists only once the tests run.
 */
export function chromiumForThisFile(artifacts: string): () => import('playwright-core').Browser {
  let browser: import('playwright-core').Browser | undefined;
  beforeAll(async () => {
    fs.mkdirSync(artifacts, { recursive: true });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('Chromium is launched in beforeAll; use the browser inside a test');
    return browser;
  };
}

/** Puts a bills file where billing-ingest picks it up (the local stage's bills bucket, under incoming/). */
export async function uploadBillsFile(endpoint: string, name: string, csv: string): Promise<void> {
  const s3 = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await s3.send(
    new PutObjectCommand({
      Bucket: 'payflow-billing-ingest-local-bills',
      Key: `incoming/${name}`,
      Body: csv,
      ContentType: 'text/csv',
    }),
  );
}

/** The services this jest run started (PAYFLOW_TEST_SERVICES, comma-separated); undefined when it started all. */
export function servicesUnderTest(): string[] | undefined {
  return process.env.PAYFLOW_TEST_SERVICES?.split(',').map((service) => service.trim());
}

/** Whether this run started every one of these services. */
export function servicesRunning(services: string[]): boolean {
  const only = servicesUnderTest();
  return !only || services.every((service) => only.includes(service));
}

/**
 * `describe` when this run started every service a story needs, else `describe.skip`: a narrow
 * PAYFLOW_TEST_SERVICES run reports the story as skipped instead of failing for want of a service, and a full
 * run (CI) always runs it. The one skip the linter allows, because it follows what was started, not an edit.
 */
export function describeWithServices(services: string[]): jest.Describe {
  const running = servicesRunning(services);
  // eslint-disable-next-line no-restricted-syntax -- skipped only when the run did not start these services
  return running ? describe : describe.skip;
}

/** One metric at GET /_local/metrics (local-cloud/src/metrics.ts, MetricSeries). */
export interface LocalMetric {
  namespace: string;
  name: string;
  unit: string;
  dimensions: Record<string, string>;
  values: number[];
  sum: number;
  count: number;
  lastTimestamp: number;
}

/** The metrics the functions have written so far, as the local cloud collected them from their EMF lines. */
export async function localMetrics(
  endpoint: string,
  filter: { service?: string; name?: string } = {},
): Promise<LocalMetric[]> {
  const query = new URLSearchParams(Object.entries(filter).filter(([, value]) => value !== undefined));
  const response = await fetch(`${endpoint}/_local/metrics?${query}`);
  if (!response.ok) throw new Error(`GET /_local/metrics answered ${response.status}`);
  return (await response.json()) as LocalMetric[];
}

/** Polls /_local/metrics until `found` picks what the test waits for (a function's output arrives a little later). */
export async function waitForMetric<T>(
  endpoint: string,
  filter: { service?: string; name?: string },
  found: (metrics: LocalMetric[]) => T | undefined,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const metrics = await localMetrics(endpoint, filter);
    const result = found(metrics);
    if (result !== undefined) return result;
    if (Date.now() > deadline) {
      throw new Error(`No such metric at /_local/metrics after ${timeoutMs} ms: ${JSON.stringify(metrics)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const REPO = path.resolve(__dirname, '..', '..');

/** The fixtures of one service in events/<service>/ (what `sls invoke local -p` takes), by file name. */
export function serviceFixtures(service: string): Map<string, Json> {
  const dir = path.join(REPO, 'events', service);
  return new Map(
    fs
      .readdirSync(dir)
      .filter((file) => file.endsWith('.json'))
      .sort()
      .map((file) => [file, JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Json]),
  );
}

/** What a synchronous Lambda Invoke answered: the function's result, or the error it ended with. */
export interface Invocation {
  result: Json;
  functionError?: string;
}

/**
 * Runs a deployed function as AWS would run it for a caller of the Lambda Invoke API (RequestResponse), through
 * the local cloud's edge: `<service>-local-<name>` in its service's serverless-offline.
 */
export async function invokeFunction(
  endpoint: string,
  functionName: string,
  event: unknown,
): Promise<Invocation> {
  const lambda = new LambdaClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const answer = await lambda.send(
    new InvokeCommand({
      FunctionName: functionName,
      Payload: new TextEncoder().encode(JSON.stringify(event)),
    }),
  );
  const text = answer.Payload ? new TextDecoder().decode(answer.Payload) : '';
  return {
    result: text ? (JSON.parse(text) as Json) : undefined,
    ...(answer.FunctionError ? { functionError: answer.FunctionError } : {}),
  };
}

/**
 * The first line of the functions' logs (GET /_local/logs) that holds every one of `parts`, as soon as one is
 * written; undefined when none is within the time. What a consumer logs on handling a message is the signal that
 * it did, so a test need not sleep to show that nothing else happened.
 */
export async function waitForLogLine(
  endpoint: string,
  parts: string[],
  timeoutMs = 20_000,
): Promise<string | undefined> {
  return (await waitForLogLines(endpoint, parts, 1, timeoutMs))[0];
}

/** Every line of the functions' logs so far that holds every one of `parts`. */
export async function logLines(endpoint: string, parts: string[]): Promise<string[]> {
  const logs = await (await fetch(`${endpoint}/_local/logs`)).text();
  return logs.split('\n').filter((line) => parts.every((part) => line.includes(part)));
}

/** The matching lines once there are at least `count` of them (fewer when the time runs out). */
export async function waitForLogLines(
  endpoint: string,
  parts: string[],
  count: number,
  timeoutMs = 20_000,
): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lines = await logLines(endpoint, parts);
    if (lines.length >= count || Date.now() > deadline) return lines;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
