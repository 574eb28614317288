import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AwsError,
  jsonError,
  queryError,
  xml,
  type AwsRequest,
  type AwsResponse,
  type Emulator,
} from './protocol';
import { Faults } from './faults';

/** A handler for the local cloud's own routes: under /_local/ (outbox, faults, health), or public unsigned ones. */
export type LocalRoute = (req: AwsRequest) => Promise<AwsResponse> | AwsResponse;

export interface Edge {
  endpoint: string;
  port: number;
  faults: Faults;
  add(emulator: Emulator): void;
  route(method: string, path: string, handler: LocalRoute): void;
  close(): Promise<void>;
}

/**
 * The one AWS endpoint. Requests are routed by the SigV4 signing name in the credential scope
 * (`Credential=AKID/20261121/us-east-1/sqs/aws4_request`), which every SDK client and the CLI send.
 */
export async function startEdge(options: { port?: number; host?: string } = {}): Promise<Edge> {
  const emulators = new Map<string, Emulator>();
  const routes = new Map<string, LocalRoute>();
  const faults = new Faults();

  const server = http.createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const url = new URL(incoming.url ?? '/', 'http://localhost');
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(incoming.headers)) {
        if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
      }
      const req: AwsRequest = {
        method: incoming.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers,
        body: Buffer.concat(chunks),
      };
      dispatch(req)
        .catch((error: unknown) => internalError(error))
        .then((res) => {
          outgoing.writeHead(res.status, res.headers ?? {});
          outgoing.end(res.body ?? '');
        })
        .catch(() => outgoing.destroy());
    });
  });

  async function dispatch(req: AwsRequest): Promise<AwsResponse> {
    if (req.path.startsWith('/_local/')) {
      const route = routes.get(`${req.method} ${req.path}`);
      return route ? route(req) : localJson(404, { message: `No local route ${req.method} ${req.path}` });
    }
    const name = signingName(req);
    // Unsigned requests may reach a public route of an emulator (the local Cognito's /oauth2/token and JWKS).
    const publicRoute = name ? undefined : routes.get(`${req.method} ${req.path}`);
    if (publicRoute) return publicRoute(req);
    const emulator = name ? emulators.get(name) : undefined;
    if (!emulator) {
      const error = new AwsError(
        'NotImplemented',
        `The local cloud does not emulate AWS service '${name ?? 'unknown'}'. Emulated: ${[...emulators.keys()].join(', ')}`,
        501,
      );
      return unsupportedServiceError(req, name, error);
    }
    const operation = emulator.operation(req);
    const fault = faults.take(name!, operation, req.body.toString('utf8'));
    if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (fault?.error) return emulator.errorResponse(fault.error);
    try {
      return await emulator.handle(req);
    } catch (error) {
      if (error instanceof AwsError) return emulator.errorResponse(error);
      console.error(`[local-cloud] ${name} ${operation} failed:`, error);
      return emulator.errorResponse(
        new AwsError('InternalFailure', `Local ${name} failed on ${operation}: ${String(error)}`, 500),
      );
    }
  }

  routes.set('POST /_local/faults', (req) => {
    const rule = faults.add(JSON.parse(req.body.toString('utf8') || '{}'));
    return localJson(201, rule);
  });
  routes.set('GET /_local/faults', () => localJson(200, faults.list()));
  routes.set('DELETE /_local/faults', () => {
    faults.clear();
    return { status: 204 };
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  server.keepAliveTimeout = 65_000;
  const port = (server.address() as AddressInfo).port;

  return {
    endpoint: `http://localhost:${port}`,
    port,
    faults,
    add: (emulator) => emulators.set(emulator.signingName, emulator),
    route: (method, path, handler) => routes.set(`${method} ${path}`, handler),
    close: async () => {
      for (const emulator of emulators.values()) await emulator.close?.();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function signingName(req: AwsRequest): string | undefined {
  const credential =
    /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(req.headers.authorization ?? '')?.[1] ??
    /^[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request$/.exec(req.query.get('X-Amz-Credential') ?? '')?.[1];
  if (credential) return credential;
  // Unsigned requests (e.g. --no-sign-request): fall back to the JSON target prefix.
  const target = req.headers['x-amz-target']?.split('.')[0];
  const byTarget: Record<string, string> = {
    AmazonSQS: 'sqs',
    AWSEvents: 'events',
    AWSStepFunctions: 'states',
    DynamoDB_20120810: 'dynamodb',
    AmazonSSM: 'ssm',
    secretsmanager: 'secretsmanager',
  };
  return target ? byTarget[target] : undefined;
}

/** REST-XML services: their clients parse only XML errors. */
const XML_SERVICES = new Set(['s3', 'route53', 'cloudfront']);

/**
 * An error in the wire format the caller's client parses, so the AWS CLI and SDKs print it: XML for the query
 * protocol (form-encoded bodies: CloudFormation, IAM, STS) and REST-XML services, JSON with the code both in
 * `__type` and `x-amzn-errortype` otherwise (JSON and REST-JSON protocols).
 */
function unsupportedServiceError(req: AwsRequest, name: string | undefined, error: AwsError): AwsResponse {
  const contentType = req.headers['content-type'] ?? '';
  if (contentType.startsWith('application/x-www-form-urlencoded'))
    return queryError(error, 'https://local.payflow/doc/');
  if (name && XML_SERVICES.has(name)) {
    return {
      status: error.status,
      headers: { 'content-type': 'application/xml' },
      body: `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse><Error><Type>Sender</Type><Code>${xml(error.code)}</Code><Message>${xml(error.message)}</Message></Error></ErrorResponse>`,
    };
  }
  return jsonError(
    error,
    contentType.startsWith('application/x-amz-json') ? contentType : 'application/json',
  );
}

export function localJson(status: number, body: unknown): AwsResponse {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

function internalError(error: unknown): AwsResponse {
  console.error('[local-cloud] request failed:', error);
  return localJson(500, { message: String(error) });
}
