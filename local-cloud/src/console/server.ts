/**
 * The local console's HTTP side: its page under /console, a JSON API under /console/api, and one server-sent
 * event stream that says which section changed (and carries new function output), so the page stays live.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { ConsoleData, ConsoleError, type ConsoleSources } from './data';

const WEB_DIR = path.join(__dirname, 'web');
const FILES: Record<string, string> = {
  '/console': 'index.html',
  '/console/': 'index.html',
  '/console/console.js': 'console.js',
  '/console/console.css': 'console.css',
};
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};
const POLL_MS = 1000;

export interface LocalConsole {
  /** Answers a request under /console and returns true; false for any other path. */
  handle(req: http.IncomingMessage, res: http.ServerResponse): boolean;
  close(): Promise<void>;
}

export function createConsole(sources: ConsoleSources): LocalConsole {
  const data = new ConsoleData(sources);
  const streams = new Set<http.ServerResponse>();
  let timer: NodeJS.Timeout | undefined;
  let last: Record<string, string> = {};
  let logCursor = -1;

  const poll = async () => {
    const versions: Record<string, string> = {
      ...data.versions(),
      executions: await executionsVersion(data).catch(() => 'error'),
      emails: String((await data.emails().catch(() => [])).length),
    };
    const changed = Object.keys(versions).filter((key) => versions[key] !== last[key]);
    last = versions;
    if (changed.length > 0) broadcast('change', { sections: changed });
    const lines = data.logs(logCursor);
    if (lines.length > 0) {
      logCursor = lines.at(-1)!.index;
      broadcast('logs', lines);
    }
  };
  const broadcast = (event: string, payload: unknown) => {
    const frame = `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
    for (const res of streams) res.write(frame);
  };
  const schedule = () => {
    if (timer || streams.size === 0) return;
    timer = setTimeout(() => {
      poll()
        .catch(() => undefined)
        .finally(() => {
          timer = undefined;
          schedule();
        });
    }, POLL_MS);
  };

  const api: Record<string, (url: URL, body: Record<string, unknown>) => Promise<unknown> | unknown> = {
    'GET /console/api/executions': async () => ({
      stateMachines: await data.stateMachines(),
      executions: await data.executions(),
    }),
    'GET /console/api/execution': (url) => data.execution(required(url, 'arn')),
    'GET /console/api/events': () => data.bus(),
    'GET /console/api/queues': () => data.queues(),
    'GET /console/api/queue/messages': (url) => data.peek(required(url, 'name')),
    'POST /console/api/queue/redrive': (url) => data.redrive(required(url, 'name')),
    'POST /console/api/queue/purge': async (url, body) => {
      const name = required(url, 'name');
      if (body.confirm !== name)
        throw new ConsoleError(
          400,
          `Purging deletes every message: confirm by sending {"confirm":"${name}"}`,
        );
      await data.purge(name);
      return { purged: name };
    },
    'GET /console/api/outbox': async (url) => {
      const to = url.searchParams.get('to') ?? undefined;
      return { emails: await data.emails(to), sms: data.sms(to) };
    },
    'GET /console/api/logs': () => data.logs(),
  };

  const handle = (req: http.IncomingMessage, res: http.ServerResponse): boolean => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/console' && !url.pathname.startsWith('/console/')) return false;
    const file = FILES[url.pathname];
    if (file && req.method === 'GET') {
      res.writeHead(200, {
        'content-type': CONTENT_TYPES[path.extname(file)]!,
        'cache-control': 'no-store',
        // The page runs only its own script; emails are shown in sandboxed frames without scripts.
        'content-security-policy':
          "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-src 'self' data:",
      });
      fs.createReadStream(path.join(WEB_DIR, file)).pipe(res);
      return true;
    }
    if (url.pathname === '/console/api/stream' && req.method === 'GET') {
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      res.write('retry: 2000\n\n');
      streams.add(res);
      req.on('close', () => streams.delete(res));
      schedule();
      return true;
    }
    const action = api[`${req.method} ${url.pathname}`];
    if (!action) {
      send(res, 404, { message: `No console route ${req.method} ${url.pathname}` });
      return true;
    }
    // A cross-site form cannot set this header: a page elsewhere cannot redrive or purge a local queue.
    if (req.method !== 'GET' && req.headers['x-payflow-console'] !== '1') {
      send(res, 403, { message: 'Send the X-Payflow-Console: 1 header (the console page does)' });
      return true;
    }
    readBody(req)
      .then((body) => action(url, body))
      .then(
        (result) => send(res, 200, result),
        (error: unknown) => {
          const status =
            error instanceof ConsoleError
              ? error.status
              : (error as { name?: string }).name?.includes('DoesNotExist')
                ? 404
                : 500;
          send(res, status, { message: error instanceof Error ? error.message : String(error) });
        },
      );
    return true;
  };

  return {
    handle,
    close: async () => {
      if (timer) clearTimeout(timer);
      for (const res of streams) res.end();
      streams.clear();
      data.close();
    },
  };
}

/** The console on a port of its own (when no billing page is served, e.g. a test cloud of the bus alone). */
export async function startConsoleServer(
  localConsole: LocalConsole,
  port: number,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (!localConsole.handle(req, res)) {
      res.writeHead(302, { location: '/console' });
      res.end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://localhost:${port}/console`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function executionsVersion(data: ConsoleData): Promise<string> {
  const executions = await data.executions();
  return executions.map((e) => `${e.executionArn}:${e.status}`).join('|');
}

function required(url: URL, name: string): string {
  const value = url.searchParams.get(name);
  if (!value) throw new ConsoleError(400, `Missing query parameter ${name}`);
  return value;
}

function readBody(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', reject);
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        resolve(text ? (JSON.parse(text) as Record<string, unknown>) : {});
      } catch {
        reject(new ConsoleError(400, 'The request body is not JSON'));
      }
    });
  });
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}
