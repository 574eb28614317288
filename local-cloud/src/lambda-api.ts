/**
 * Lambda's Invoke API on the edge (REST-JSON, `POST /2015-03-31/functions/<name>/invocations`), so
 * `aws lambda invoke --endpoint-url http://localhost:4566` reaches the function's serverless-offline.
 */
import http from 'node:http';
import { AwsError, requestId, type AwsRequest, type AwsResponse, type Emulator } from './protocol';
import { assertFunctionExists, functionName, invokeFunction } from './lambda';

const INVOKE = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

export class LambdaEmulator implements Emulator {
  readonly signingName = 'lambda';

  operation(req: AwsRequest): string {
    return req.method === 'POST' && INVOKE.test(req.path) ? 'Invoke' : `${req.method} ${req.path}`;
  }

  async handle(req: AwsRequest): Promise<AwsResponse> {
    const match = req.method === 'POST' ? INVOKE.exec(req.path) : null;
    if (!match) {
      throw new AwsError(
        'NotImplemented',
        `The local Lambda serves Invoke only (POST /2015-03-31/functions/<name>/invocations), not ${req.method} ${req.path}`,
        501,
      );
    }
    const name = functionName(decodeURIComponent(match[1]!));
    const type = req.headers['x-amz-invocation-type'] ?? 'RequestResponse';
    let event: unknown;
    try {
      event = req.body.length === 0 ? {} : JSON.parse(req.body.toString('utf8'));
    } catch {
      throw new AwsError('InvalidRequestContentException', 'Could not parse request body into json', 400);
    }
    const headers = { 'x-amzn-requestid': requestId(), 'x-amz-executed-version': '$LATEST' };
    if (type === 'DryRun') {
      assertFunctionExists(name);
      return { status: 204, headers };
    }
    if (type === 'Event') {
      await invokeFunction(name, event, 'Event');
      return { status: 202, headers };
    }
    if (type !== 'RequestResponse') {
      throw new AwsError('InvalidParameterValueException', `Unsupported invocation type ${type}`, 400);
    }
    const result = await invokeFunction(name, event, 'RequestResponse');
    return {
      status: 200,
      headers: {
        ...headers,
        'content-type': 'application/json',
        ...(result.functionError ? { 'x-amz-function-error': 'Unhandled' } : {}),
      },
      body: result.payload === undefined ? 'null' : JSON.stringify(result.payload),
    };
  }

  /** REST-JSON errors: the code in `x-amzn-errortype`, AWS's `{Type, message}` body. */
  errorResponse(error: AwsError): AwsResponse {
    return {
      status: error.status,
      headers: {
        'content-type': 'application/json',
        'x-amzn-errortype': error.code,
        'x-amzn-requestid': requestId(),
      },
      body: JSON.stringify({ Type: error.status < 500 ? 'User' : 'Service', message: error.message }),
    };
  }
}

/**
 * A service's serverless-offline Lambda port (3101, 3201, ...) served by this emulator, so an invocation sent there
 * directly also waits for one of the function's slots (concurrency.ts) and an `Event` invocation gets Lambda's
 * retries and destinations (lambda-async.ts) instead of killing serverless-offline when the handler throws.
 * serverless-offline itself listens on a private port behind it.
 */
export function startLambdaPort(port: number): Promise<{ close(): Promise<void> }> {
  const lambda = new LambdaEmulator();
  const server = http.createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const url = new URL(incoming.url ?? '/', 'http://localhost');
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(incoming.headers)) {
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
      }
      const req: AwsRequest = {
        method: incoming.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers,
        body: Buffer.concat(chunks),
      };
      lambda
        .handle(req)
        .catch((error: unknown) =>
          lambda.errorResponse(
            error instanceof AwsError ? error : new AwsError('ServiceException', String(error), 500),
          ),
        )
        .then((res) => {
          outgoing.writeHead(res.status, res.headers ?? {});
          outgoing.end(res.body ?? '');
        })
        .catch(() => outgoing.destroy());
    });
  });
  server.requestTimeout = 0;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve({
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
