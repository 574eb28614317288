/**
 * The contract between the edge router (:4566) and each emulator module.
 * A module parses its own wire protocol (JSON 1.0/1.1, query, REST) and formats its own errors.
 */
export interface AwsRequest {
  method: string;
  /** Path without the query string, percent-encoded as sent, e.g. '/' or '/bucket/incoming/bills%202026.csv'. */
  path: string;
  query: URLSearchParams;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  body: Buffer;
}

export interface AwsResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface Emulator {
  /** SigV4 signing name this module answers, e.g. 'sqs', 'events', 'states', 'sns'. */
  readonly signingName: string;
  /** Operation name of a request (e.g. 'SendMessage'), for logs and the fault switch. */
  operation(req: AwsRequest): string;
  handle(req: AwsRequest): Promise<AwsResponse>;
  /** Formats an error the way this protocol does (used for injected faults too). */
  errorResponse(error: AwsError): AwsResponse;
  close?(): Promise<void>;
}

/** An error as AWS names it: `code` is the AWS error code, e.g. 'QueueDoesNotExist'. */
export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    /** Some SDK v3 clients map query-compatible codes (SQS); e.g. 'AWS.SimpleQueueService.NonExistentQueue;Sender'. */
    readonly queryErrorCode?: string,
  ) {
    super(message);
    this.name = code;
  }
}

/** JSON 1.0 / 1.1 protocols (X-Amz-Target): SQS, EventBridge, Step Functions, DynamoDB. */
export function jsonTarget(req: AwsRequest): string {
  const target = req.headers['x-amz-target'] ?? '';
  return target.slice(target.indexOf('.') + 1);
}

/**
 * Runs a JSON-protocol request through a service's table of operations. An operation the table lacks answers
 * 501 NotImplemented, naming what the local service does serve.
 */
export function dispatchJson(
  service: string,
  handlers: Record<string, (input: Record<string, unknown>) => unknown>,
  req: AwsRequest,
): AwsResponse {
  const operation = jsonTarget(req);
  const handler = handlers[operation];
  if (!handler) {
    throw new AwsError(
      'NotImplemented',
      `The local ${service} does not implement ${operation} (it serves ${Object.keys(handlers).join(', ')})`,
      501,
    );
  }
  return jsonResponse(handler(parseJsonBody(req)));
}

export function jsonResponse(body: unknown, contentType = 'application/x-amz-json-1.1'): AwsResponse {
  return {
    status: 200,
    headers: { 'content-type': contentType, 'x-amzn-requestid': requestId() },
    body: JSON.stringify(body ?? {}),
  };
}

export function jsonError(error: AwsError, contentType = 'application/x-amz-json-1.1'): AwsResponse {
  const headers: Record<string, string> = {
    'content-type': contentType,
    'x-amzn-requestid': requestId(),
    'x-amzn-errortype': error.code,
  };
  if (error.queryErrorCode) headers['x-amzn-query-error'] = error.queryErrorCode;
  return {
    status: error.status,
    headers,
    body: JSON.stringify({ __type: error.code, message: error.message }),
  };
}

export function parseJsonBody(req: AwsRequest): Record<string, unknown> {
  if (req.body.length === 0) return {};
  try {
    const parsed: unknown = JSON.parse(req.body.toString('utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // fall through to the AWS error below
  }
  throw new AwsError('SerializationException', 'Request body is not a JSON object');
}

/** Query protocol (form-encoded Action=...): SNS, SES v1. */
export function queryParams(req: AwsRequest): URLSearchParams {
  const params = new URLSearchParams(req.query);
  if (req.body.length > 0)
    for (const [k, v] of new URLSearchParams(req.body.toString('utf8'))) params.append(k, v);
  return params;
}

export function queryResponse(action: string, resultXml: string, xmlns: string): AwsResponse {
  const body =
    `<?xml version="1.0"?>\n<${action}Response xmlns="${xmlns}">` +
    (resultXml ? `<${action}Result>${resultXml}</${action}Result>` : '') +
    `<ResponseMetadata><RequestId>${requestId()}</RequestId></ResponseMetadata></${action}Response>`;
  return { status: 200, headers: { 'content-type': 'text/xml' }, body };
}

export function queryError(error: AwsError, xmlns: string): AwsResponse {
  const type = error.status >= 500 ? 'Receiver' : 'Sender';
  const body =
    `<?xml version="1.0"?>\n<ErrorResponse xmlns="${xmlns}"><Error><Type>${type}</Type>` +
    `<Code>${xml(error.code)}</Code><Message>${xml(error.message)}</Message></Error>` +
    `<RequestId>${requestId()}</RequestId></ErrorResponse>`;
  return { status: error.status, headers: { 'content-type': 'text/xml' }, body };
}

export function xml(value: unknown): string {
  return String(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

export function requestId(): string {
  return crypto.randomUUID();
}
