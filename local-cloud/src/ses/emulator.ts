import type { Server } from 'node:http';
import { forward } from '../proxy';
import {
  AwsError,
  queryError,
  requestId,
  type AwsRequest,
  type AwsResponse,
  type Emulator,
} from '../protocol';
import { sesOperation, sesProtocol, type SesProtocol } from './operations';

export const SES_V1_XMLNS = 'http://ses.amazonaws.com/doc/2010-12-01/';

/** An email as aws-ses-v2-local stores it (GET /store). */
export interface StoredEmail {
  messageId: string;
  from: string;
  replyTo: string[];
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { html?: string; text?: string };
  /** Epoch seconds. */
  at: number;
}

/** SES v1 and v2 in front of aws-ses-v2-local: requests are forwarded as they are, errors formatted per protocol. */
export class SesEmulator implements Emulator {
  readonly signingName = 'ses';
  /**
   * errorResponse() gets no request; the router calls it synchronously right after operation()
   * for injected faults, so the protocol of that request is remembered here.
   */
  private lastProtocol: SesProtocol = 'v2-rest-json';

  constructor(
    readonly port: number,
    private readonly server: Server,
  ) {}

  operation(req: AwsRequest): string {
    this.lastProtocol = sesProtocol(req);
    return sesOperation(req);
  }

  async handle(req: AwsRequest): Promise<AwsResponse> {
    const protocol = sesProtocol(req);
    let res: AwsResponse;
    try {
      res = await forward(this.port, req);
    } catch (error) {
      return formatError(
        new AwsError(
          'InternalFailure',
          `Local SES (aws-ses-v2-local on port ${this.port}) failed: ${String(error)}`,
          500,
        ),
        protocol,
      );
    }
    return protocol === 'v2-rest-json' ? withV2ErrorType(res) : res;
  }

  errorResponse(error: AwsError): AwsResponse {
    return formatError(error, this.lastProtocol);
  }

  async emails(): Promise<StoredEmail[]> {
    const res = await forward(this.port, localRequest('GET', '/store'));
    if (res.status !== 200) throw new Error(`aws-ses-v2-local GET /store answered ${res.status}`);
    return (JSON.parse(String(res.body)) as { emails: StoredEmail[] }).emails;
  }

  async clearEmails(): Promise<void> {
    const res = await forward(this.port, localRequest('POST', '/clear-store'));
    if (res.status !== 200) throw new Error(`aws-ses-v2-local POST /clear-store answered ${res.status}`);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function formatError(error: AwsError, protocol: SesProtocol): AwsResponse {
  if (protocol === 'v1-query') return queryError(error, SES_V1_XMLNS);
  return {
    status: error.status,
    headers: {
      'content-type': 'application/json',
      'x-amzn-requestid': requestId(),
      'x-amzn-errortype': error.code,
    },
    body: JSON.stringify({ message: error.message }),
  };
}

/** aws-ses-v2-local answers v2 errors without x-amzn-errortype; name them as SES v2 does. */
function withV2ErrorType(res: AwsResponse): AwsResponse {
  if (res.status < 400 || res.headers?.['x-amzn-errortype']) return res;
  const code =
    res.status === 404 ? 'NotFoundException' : res.status >= 500 ? 'InternalFailure' : 'BadRequestException';
  let message = String(res.body ?? '');
  try {
    const parsed = JSON.parse(message) as { message?: string; detail?: string };
    message = [parsed.message, parsed.detail].filter(Boolean).join(': ');
  } catch {
    // not JSON (e.g. '<UnknownOperationException/>'): keep the text
  }
  return formatError(new AwsError(code, message, res.status), 'v2-rest-json');
}

function localRequest(method: string, path: string): AwsRequest {
  return { method, path, query: new URLSearchParams(), headers: {}, body: Buffer.alloc(0) };
}
