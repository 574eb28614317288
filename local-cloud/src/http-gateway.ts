/**
 * API Gateway in front of a service's serverless-offline HTTP server: it listens on the service's `httpPort`,
 * runs each route's function through that function's concurrency slots (concurrency.ts), and answers a function
 * that failed as API Gateway does. serverless-offline itself runs on a private port behind it.
 *
 * Without it, a burst of requests made serverless-offline start one worker per request, and they ran past their
 * timeout on 2 cores; an HTTP API (payload 2.0) route then answered 200 with the error and its stack trace.
 */
import http from 'node:http';
import { runGated } from './concurrency';

export interface HttpRoute {
  /** 'GET', or '*' for any method. */
  method: string;
  /** '/checkouts/{orderId}', '/{proxy+}', or '*' for any path. */
  path: string;
  /** The function's full name, `<service>-<stage>-<function>`. */
  functionName: string;
  /** HTTP API (`httpApi` events) or REST API (`http` events): they report failures differently. */
  api: 'http' | 'rest';
}

export interface HttpGateway {
  port: number;
  close(): Promise<void>;
}

/** serverless-offline's error message when a function runs past its timeout. */
const OFFLINE_TIMEOUT = '[504] - Lambda timeout.';

/**
 * What API Gateway answers when the function fails. HTTP API: 500 Internal Server Error for an error, 503
 * Service Unavailable for a timeout. REST API: 502 Internal server error, 504 Endpoint request timed out.
 */
function gatewayError(api: HttpRoute['api'], timedOut: boolean): { status: number; message: string } {
  if (api === 'http') {
    return timedOut
      ? { status: 503, message: 'Service Unavailable' }
      : { status: 500, message: 'Internal Server Error' };
  }
  return timedOut
    ? { status: 504, message: 'Endpoint request timed out' }
    : { status: 502, message: 'Internal server error' };
}

/** API Gateway's integration timeout: an HTTP API's is at most 30 s, a REST API's 29 s unless raised. */
function integrationTimeout(api: HttpRoute['api'], configured?: number): number {
  const fromEnv = Number(process.env.PAYFLOW_HTTP_INTEGRATION_TIMEOUT_MS);
  if (configured !== undefined) return configured;
  if (Number.isFinite(fromEnv) && fromEnv > 0) return fromEnv;
  return api === 'http' ? 30_000 : 29_000;
}

const EXPIRED = Symbol('integration timeout');

/** Resolves (never rejects: nobody may be listening by then) when the integration timeout passes. */
function expiry(deadline: AbortSignal): Promise<typeof EXPIRED> {
  return new Promise((resolve) => deadline.addEventListener('abort', () => resolve(EXPIRED), { once: true }));
}

interface CompiledRoute extends HttpRoute {
  pattern: RegExp;
  /** Literal characters in the path: the most specific route wins, as in API Gateway. */
  weight: number;
}

function compile(route: HttpRoute): CompiledRoute {
  if (route.path === '*' || route.path === '$default') return { ...route, pattern: /^/, weight: -1 };
  const normalized = route.path.startsWith('/') ? route.path : `/${route.path}`;
  const source = normalized
    .split(/(\{[^}]+\})/)
    .map((part) => {
      if (/^\{[^}]+\+\}$/.test(part)) return '.+';
      if (/^\{[^}]+\}$/.test(part)) return '[^/]+';
      return part.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
    })
    .join('');
  return {
    ...route,
    pattern: new RegExp(`^${source}/?$`),
    weight: normalized.replace(/\{[^}]+\}/g, '').length,
  };
}

/** Finds the route that serves a request, if any (CORS preflights and unknown paths have none). */
export function routeMatcher(routes: HttpRoute[]): (method: string, path: string) => HttpRoute | undefined {
  const compiled = routes.map(compile).sort((a, b) => b.weight - a.weight);
  return (method, path) =>
    compiled.find(
      (r) => (r.method === '*' || r.method.toUpperCase() === method.toUpperCase()) && r.pattern.test(path),
    );
}

/** The routes of a packaged service, from the function definitions in its serverless-state.json. */
export function routesOf(functions: Record<string, { name?: string; events?: unknown[] }>): HttpRoute[] {
  const routes: HttpRoute[] = [];
  for (const fn of Object.values(functions)) {
    if (!fn.name) continue;
    for (const event of fn.events ?? []) {
      const e = event as {
        httpApi?: string | { method?: string; path?: string };
        http?: string | { method?: string; path?: string };
        resolvedMethod?: string;
        resolvedPath?: string;
      };
      const definition = e.httpApi ?? e.http;
      if (definition === undefined) continue;
      const api = e.httpApi !== undefined ? 'http' : 'rest';
      let method: string | undefined;
      let path: string | undefined;
      if (typeof definition === 'string') {
        [method, path] = definition === '*' ? ['*', '*'] : definition.split(' ');
      } else {
        method = definition.method;
        path = definition.path;
      }
      method = (e.resolvedMethod ?? method ?? '*').toUpperCase();
      path = e.resolvedPath ?? path ?? '*';
      routes.push({ method: method === 'ANY' ? '*' : method, path, functionName: fn.name, api });
    }
  }
  return routes;
}

/**
 * The origins an HTTP API's CORS configuration allows (`provider.httpApi.cors.allowedOrigins`); undefined when it
 * allows any (`cors: true`, `'*'`) or has no CORS configuration.
 */
export function allowedOrigins(cors: unknown): string[] | undefined {
  if (typeof cors !== 'object' || cors === null) return undefined;
  const origins = (cors as { allowedOrigins?: unknown }).allowedOrigins;
  if (!Array.isArray(origins) || origins.includes('*')) return undefined;
  return origins.filter((o): o is string => typeof o === 'string');
}

/** Listens on `port` and forwards to serverless-offline on `targetPort`. */
export function startHttpGateway(options: {
  port: number;
  targetPort: number;
  routes: HttpRoute[];
  /**
   * The HTTP API's allowed origins: a request from any other origin gets no CORS headers, as on API Gateway
   * (serverless-offline echoes every origin).
   */
  allowedOrigins?: string[];
  /**
   * How long API Gateway waits for the function, in line for a slot and running: by default
   * PAYFLOW_HTTP_INTEGRATION_TIMEOUT_MS, else AWS's (30 s for an HTTP API, 29 s for a REST API).
   */
  integrationTimeoutMs?: number;
  log?: (line: string) => void;
}): Promise<HttpGateway> {
  const agent = new http.Agent({ keepAlive: true });
  const matchRoute = routeMatcher(options.routes);
  const server = http.createServer((incoming, outgoing) => {
    const path = (incoming.url ?? '/').split('?')[0]!;
    const route = matchRoute(incoming.method ?? 'GET', path);
    const body: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => body.push(chunk));
    incoming.on('end', () => {
      const received = Date.now();
      let ran = false;
      const forwardOnce = () => {
        ran = true;
        return forward(agent, options.targetPort, incoming, Buffer.concat(body));
      };
      // API Gateway gives up on the integration after its timeout, whether the request waited or ran.
      const deadline =
        route && AbortSignal.timeout(integrationTimeout(route.api, options.integrationTimeoutMs));
      const forwarded = route ? runGated(route.functionName, forwardOnce, deadline) : forwardOnce();
      const answered = deadline
        ? Promise.race([
            // Leaving the waiting line rejects with the deadline's reason: that is the timeout too.
            forwarded.catch((error: Error) => (deadline.aborted && !ran ? EXPIRED : Promise.reject(error))),
            expiry(deadline),
          ])
        : forwarded;
      answered.then(
        (answer) => {
          if (answer === EXPIRED) {
            const { status, message } = gatewayError(route!.api, true);
            const seconds = ((Date.now() - received) / 1000).toFixed(1);
            options.log?.(
              `${incoming.method} ${path}: ${route!.functionName} ${ran ? 'still ran' : 'still waited for a concurrency slot'} after ${seconds} s, past the API's integration timeout; answered ${status}`,
            );
            return send(
              outgoing,
              status,
              { 'content-type': 'application/json' },
              JSON.stringify({ message }),
            );
          }
          const failure = route && functionFailure(route.api, answer);
          if (failure) {
            const { status, message } = gatewayError(route.api, failure.timedOut);
            options.log?.(
              `${incoming.method} ${path}: ${route.functionName} ${failure.timedOut ? 'timed out' : `failed (${failure.errorType}: ${failure.errorMessage})`}; answered ${status}`,
            );
            return send(
              outgoing,
              status,
              { 'content-type': 'application/json' },
              JSON.stringify({ message }),
            );
          }
          const origin = incoming.headers.origin;
          if (origin && options.allowedOrigins && !options.allowedOrigins.includes(origin)) {
            for (const name of Object.keys(answer.headers))
              if (name.startsWith('access-control-')) delete answer.headers[name];
          }
          send(outgoing, answer.status, answer.headers, answer.body);
        },
        (error: Error) => {
          options.log?.(`${incoming.method} ${path}: serverless-offline did not answer (${error.message})`);
          const { status, message } = gatewayError(route?.api ?? 'http', false);
          send(outgoing, status, { 'content-type': 'application/json' }, JSON.stringify({ message }));
        },
      );
    });
  });
  // A queued request can wait longer than Node's default 5 minutes for a slot.
  server.requestTimeout = 0;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve({
        port: options.port,
        close: () =>
          new Promise<void>((done) => {
            agent.destroy();
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

interface Answer {
  status: number;
  headers: http.OutgoingHttpHeaders;
  body: Buffer;
}

function forward(
  agent: http.Agent,
  port: number,
  incoming: http.IncomingMessage,
  body: Buffer,
): Promise<Answer> {
  const headers = { ...incoming.headers };
  delete headers['transfer-encoding'];
  headers['content-length'] = String(body.length);
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: '127.0.0.1', port, method: incoming.method, path: incoming.url, headers, agent },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const out: http.OutgoingHttpHeaders = {};
          for (const [name, value] of Object.entries(response.headers)) {
            if (value !== undefined && !['transfer-encoding', 'connection', 'keep-alive'].includes(name))
              out[name] = value;
          }
          resolve({ status: response.statusCode ?? 502, headers: out, body: Buffer.concat(chunks) });
        });
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/**
 * serverless-offline's way of saying the function failed: an HTTP API route answers 200 with Lambda's error
 * object as its body; a REST route answers 502 (504 for a timeout) with it.
 */
function functionFailure(
  api: HttpRoute['api'],
  answer: Answer,
): { timedOut: boolean; errorType?: string; errorMessage?: string } | undefined {
  const expected = api === 'http' ? [200] : [502, 504];
  if (!expected.includes(answer.status)) return undefined;
  if (!String(answer.headers['content-type'] ?? '').includes('application/json')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const error = parsed as { errorMessage?: unknown; errorType?: unknown; stackTrace?: unknown };
  const keys = Object.keys(parsed).filter((k) => k !== 'offlineInfo');
  const isLambdaError =
    typeof error.errorMessage === 'string' &&
    typeof error.errorType === 'string' &&
    Array.isArray(error.stackTrace) &&
    keys.length === 3;
  if (!isLambdaError) return undefined;
  return {
    timedOut: error.errorMessage === OFFLINE_TIMEOUT,
    errorType: error.errorType as string,
    errorMessage: error.errorMessage as string,
  };
}

function send(
  outgoing: http.ServerResponse,
  status: number,
  headers: http.OutgoingHttpHeaders,
  body: Buffer | string,
): void {
  outgoing.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body) });
  outgoing.end(body);
}
