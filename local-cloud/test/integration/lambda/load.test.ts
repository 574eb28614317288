/**
 * A burst on a freshly started service queues instead of timing out: 100 invocations at once of a function that
 * sleeps, through the Lambda Invoke API and through an HTTP route, all succeed with no more than the function's
 * concurrency running (and no more workers than that). A route whose function fails answers as an HTTP API does.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { startLocalCloud, type LocalCloud } from '../../../src';
import { gateStats } from '../../../src/concurrency';

const serviceDir = path.resolve(__dirname, '..', '..', 'fixtures', 'load-service');
const HTTP = 'http://127.0.0.1:3594';
const HTTP_LIMIT = 3;

interface SleepReport {
  startedAt: number;
  endedAt: number;
  worker: number;
}

let cloud: LocalCloud;
let dataDir: string;

beforeAll(async () => {
  process.env.PAYFLOW_FUNCTION_CONCURRENCY = String(HTTP_LIMIT);
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'payflow-load-'));
  cloud = await startLocalCloud({
    port: 0,
    dataDir,
    inMemoryTables: true,
    services: [{ key: 'load-test', dir: serviceDir }],
  });
}, 180_000);

afterAll(async () => {
  await cloud?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
  delete process.env.PAYFLOW_FUNCTION_CONCURRENCY;
});

/** The most intervals that overlap at one instant. */
function mostAtOnce(reports: SleepReport[]): number {
  const edges = reports.flatMap((r) => [
    [r.startedAt, 1],
    [r.endedAt, -1],
  ]);
  // At equal times an end comes before a start: the slot was handed over, not shared.
  edges.sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
  let now = 0;
  let most = 0;
  for (const [, step] of edges) most = Math.max(most, (now += step!));
  return most;
}

describe('a burst of 100 invocations on a freshly started service', () => {
  it('through the Lambda Invoke API: all succeed, at most the reserved concurrency (2) at once, in 2 workers', async () => {
    const lambda = new LambdaClient({
      endpoint: cloud.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    const started = Date.now();
    const outs = await Promise.all(
      Array.from({ length: 100 }, () =>
        lambda.send(
          new InvokeCommand({
            FunctionName: 'payflow-load-test-local-sleep',
            Payload: Buffer.from(JSON.stringify({ ms: 100 })),
          }),
        ),
      ),
    );
    expect(outs.filter((o) => o.FunctionError)).toEqual([]);
    const reports = outs.map((o) => JSON.parse(Buffer.from(o.Payload!).toString()) as SleepReport);
    expect(mostAtOnce(reports)).toBeLessThanOrEqual(2);
    expect(new Set(reports.map((r) => r.worker)).size).toBeLessThanOrEqual(2);
    expect(gateStats('payflow-load-test-local-sleep')).toMatchObject({ limit: 2, peak: 2, running: 0 });
    // 100 × 100 ms two at a time is 5 s of sleeping; the rest is the Invoke round trips.
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 90_000);

  it("through the service's own Lambda port (3595): gated the same way", async () => {
    const direct = new LambdaClient({
      endpoint: 'http://127.0.0.1:3595',
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    const outs = await Promise.all(
      Array.from({ length: 40 }, () =>
        direct.send(
          new InvokeCommand({
            FunctionName: 'payflow-load-test-local-sleep',
            Payload: Buffer.from(JSON.stringify({ ms: 50 })),
          }),
        ),
      ),
    );
    expect(outs.filter((o) => o.FunctionError)).toEqual([]);
    const reports = outs.map((o) => JSON.parse(Buffer.from(o.Payload!).toString()) as SleepReport);
    expect(mostAtOnce(reports)).toBeLessThanOrEqual(2);
    expect(gateStats('payflow-load-test-local-sleep')).toMatchObject({ limit: 2, peak: 2, running: 0 });
  }, 90_000);

  it(`through an HTTP route: all 200, at most ${HTTP_LIMIT} at once, in ${HTTP_LIMIT} workers`, async () => {
    const answers = await Promise.all(
      Array.from({ length: 100 }, async () => {
        const response = await fetch(`${HTTP}/sleep`);
        return { status: response.status, text: await response.text() };
      }),
    );
    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    const reports = answers.map((a) => JSON.parse(a.text) as SleepReport);
    expect(mostAtOnce(reports)).toBeLessThanOrEqual(HTTP_LIMIT);
    expect(new Set(reports.map((r) => r.worker)).size).toBeLessThanOrEqual(HTTP_LIMIT);
    expect(gateStats('payflow-load-test-local-sleepHttp')).toMatchObject({ limit: HTTP_LIMIT, running: 0 });
  }, 90_000);
});

describe('a route whose function fails answers as an HTTP API does', () => {
  it('a handler that throws: 500 {"message":"Internal Server Error"}, nothing else', async () => {
    const response = await fetch(`${HTTP}/boom`);
    expect(response.status).toBe(500);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.text()).toBe('{"message":"Internal Server Error"}');
  }, 30_000);

  it('a handler that runs past its timeout: 503 {"message":"Service Unavailable"}', async () => {
    const started = Date.now();
    const response = await fetch(`${HTTP}/slow`);
    expect(response.status).toBe(503);
    expect(await response.text()).toBe('{"message":"Service Unavailable"}');
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 30_000);

  it('the service keeps answering afterwards', async () => {
    const response = await fetch(`${HTTP}/sleep`);
    expect(response.status).toBe(200);
  }, 30_000);
});
