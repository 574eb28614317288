/**
 * The local API Gateway's integration timeout: a request gives up after it (30 s for an HTTP API, 29 s for a REST
 * API; shortened here), whether it was still waiting for one of its function's concurrency slots or running, and
 * answers as API Gateway does. The "function" is a plain HTTP server standing in for serverless-offline.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFunctionConcurrency } from '../../src/concurrency';
import { startHttpGateway, type HttpGateway, type HttpRoute } from '../../src/http-gateway';
import { freePort } from '../../src/ports';

const RUN_MS = 600;
const TIMEOUT_MS = 1_500;

let target: http.Server;
let reached: string[];

beforeEach(async () => {
  reached = [];
  target = http.createServer((request, response) => {
    reached.push(request.url!);
    setTimeout(() => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ ok: request.url }));
    }, RUN_MS);
  });
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
});

afterEach(async () => {
  target.closeAllConnections();
  await new Promise((resolve) => target.close(resolve));
});

async function gateway(api: HttpRoute['api'], functionName: string): Promise<HttpGateway> {
  setFunctionConcurrency(functionName, 1);
  return startHttpGateway({
    port: await freePort(),
    targetPort: (target.address() as AddressInfo).port,
    routes: [{ method: 'GET', path: '/slow/{n}', functionName, api }],
    integrationTimeoutMs: TIMEOUT_MS,
  });
}

/** Five requests at once to a function with one slot that runs 0.6 s each, with a 1.5 s integration timeout. */
async function burst(port: number) {
  return Promise.all(
    [1, 2, 3, 4, 5].map(async (n) => {
      const response = await fetch(`http://127.0.0.1:${port}/slow/${n}`);
      return { n, status: response.status, body: (await response.json()) as unknown };
    }),
  );
}

describe('API Gateway integration timeout', () => {
  it('an HTTP API: what finishes in time answers, the rest 503 {"message":"Service Unavailable"}; those still in line never run', async () => {
    const api = await gateway('http', 'unit-gw-http');
    try {
      const answers = await burst(api.port);
      // 1 ends at 0.6 s, 2 at 1.2 s; 3 runs from 1.2 s and is cut at 1.5 s; 4 and 5 are still waiting then.
      expect(answers).toEqual([
        { n: 1, status: 200, body: { ok: '/slow/1' } },
        { n: 2, status: 200, body: { ok: '/slow/2' } },
        { n: 3, status: 503, body: { message: 'Service Unavailable' } },
        { n: 4, status: 503, body: { message: 'Service Unavailable' } },
        { n: 5, status: 503, body: { message: 'Service Unavailable' } },
      ]);
      await new Promise((resolve) => setTimeout(resolve, RUN_MS));
      expect(reached).toEqual(['/slow/1', '/slow/2', '/slow/3']);
    } finally {
      await api.close();
    }
  });

  it('a REST API answers 504 {"message":"Endpoint request timed out"}, and the slots are free afterwards', async () => {
    const api = await gateway('rest', 'unit-gw-rest');
    try {
      const answers = await burst(api.port);
      expect(answers.map((a) => a.status)).toEqual([200, 200, 504, 504, 504]);
      expect(answers[4]!.body).toEqual({ message: 'Endpoint request timed out' });
      // The one cut while running still holds its slot until it ends; then the function answers again.
      const again = await fetch(`http://127.0.0.1:${api.port}/slow/6`);
      expect(again.status).toBe(200);
    } finally {
      await api.close();
    }
  });
});
