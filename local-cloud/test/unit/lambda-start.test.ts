/**
 * An invocation that arrives while its service's serverless-offline is still starting (a schedule provisioned
 * before the service listens fires then) waits for it, as Lambda starts a sandbox, instead of failing.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { STAGE } from '../../src/config';
import { invokeFunction, registerLambdaService, serviceStarting } from '../../src/lambda';

/** A free port, closed again: nothing listens on it until `listen` is called. */
async function freePort(): Promise<number> {
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Answers Lambda's Invoke API as serverless-offline does: the function returns what it was given. */
function lambdaServer() {
  return http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ echoed: JSON.parse(body || '{}') }));
    });
  });
}

describe('an invocation while its service is starting', () => {
  const servers: http.Server[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  });

  it('waits for serverless-offline to listen, then runs', async () => {
    const port = await freePort();
    registerLambdaService('starting-svc', port, [`starting-svc-${STAGE}-tick`]);
    let listen!: () => void;
    serviceStarting('starting-svc', new Promise<void>((resolve) => (listen = resolve)));
    const result = invokeFunction(`starting-svc-${STAGE}-tick`, { n: 1 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const server = lambdaServer();
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(port, resolve));
    listen();
    await expect(result).resolves.toEqual({ payload: { echoed: { n: 1 } } });
  });

  it('without the wait, the same early invocation is refused (the control)', async () => {
    const port = await freePort();
    registerLambdaService('unwatched-svc', port, [`unwatched-svc-${STAGE}-tick`]);
    await expect(invokeFunction(`unwatched-svc-${STAGE}-tick`, { n: 1 })).rejects.toThrow(/ECONNREFUSED/);
  });
});
