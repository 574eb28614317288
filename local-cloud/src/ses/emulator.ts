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
import { randomUUID } from 'node:crypto';
import { bareAddress, SesAccount } from './account';
import { sesOperation, sesProtocol, type SesProtocol } from './operations';

const SES_V1_XMLNS = 'http://ses.amazonaws.com/doc/2010-12-01/';

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
  /** Send quota (throttling) and the account-level suppression list: aws-ses-v2-local has neither. */
  readonly account = new SesAccount();

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
      const local = protocol === 'v2-rest-json' ? this.accountOperation(req) : this.admitV1(req);
      if (local && 'status' in local) return local;
      res = await forward(this.port, local ?? req);
      if (local && req.path.endsWith('/outbound-bulk-emails')) res = this.withDroppedEntries(req, res);
      if (res.status === 200) this.noteDelivered(req, res);
    } catch (error) {
      if (error instanceof AwsError) return formatError(error, protocol);
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

  /**
   * SES v2 operations answered here (GetAccount, the suppression list) or checked here first (sends: the quota,
   * then recipients on the suppression list are dropped as SES drops them: the call succeeds, nothing is
   * delivered). Returns a response, a rewritten request to forward, or undefined to forward as it is.
   */
  private accountOperation(req: AwsRequest): AwsResponse | AwsRequest | undefined {
    const operation = sesOperation(req);
    const address = () => decodeURIComponent(req.path.split('/').pop() ?? '');
    switch (operation) {
      case 'GetAccount': {
        const quota = this.account.sendQuota();
        return json({
          DedicatedIpAutoWarmupEnabled: false,
          EnforcementStatus: 'HEALTHY',
          ProductionAccessEnabled: true,
          SendingEnabled: true,
          SendQuota: {
            Max24HourSend: quota.max24HourSend,
            MaxSendRate: quota.maxSendRate,
            SentLast24Hours: quota.sentLast24Hours,
          },
          SuppressionAttributes: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
        });
      }
      case 'PutSuppressedDestination': {
        const body = parseBody(req) as { EmailAddress?: string; Reason?: string };
        if (!body.EmailAddress || !body.Reason)
          throw new AwsError('BadRequestException', 'EmailAddress and Reason are required');
        this.account.suppress(body.EmailAddress, body.Reason);
        return json({});
      }
      case 'GetSuppressedDestination': {
        const found = this.account.suppression(address());
        if (!found)
          throw new AwsError(
            'NotFoundException',
            `Email address ${address()} does not exist on your suppression list.`,
            404,
          );
        return json({
          SuppressedDestination: {
            EmailAddress: found.emailAddress,
            Reason: found.reason,
            LastUpdateTime: found.lastUpdateTime / 1000,
          },
        });
      }
      case 'DeleteSuppressedDestination':
        if (!this.account.unsuppress(address()))
          throw new AwsError(
            'NotFoundException',
            `Email address ${address()} does not exist on your suppression list.`,
            404,
          );
        return json({});
      case 'ListSuppressedDestinations': {
        const reasons = req.query.getAll('Reason');
        return json({
          SuppressedDestinationSummaries: this.account
            .suppressions()
            .filter((s) => reasons.length === 0 || reasons.includes(s.reason))
            .map((s) => ({
              EmailAddress: s.emailAddress,
              Reason: s.reason,
              LastUpdateTime: s.lastUpdateTime / 1000,
            })),
        });
      }
      case 'SendEmail': {
        const body = parseBody(req) as { Destination?: Destination };
        const all = recipientsOf(body.Destination);
        this.account.admit(all.length);
        const kept = this.withoutSuppressed(body.Destination);
        if (all.length > 0 && recipientsOf(kept).length === 0) return json({ MessageId: droppedMessageId() });
        this.forwardedRecipients.set(req, [recipientsOf(kept)]);
        return { ...req, body: Buffer.from(JSON.stringify({ ...body, Destination: kept })) };
      }
      case 'SendBulkEmail': {
        const body = parseBody(req) as { BulkEmailEntries?: Array<{ Destination?: Destination }> };
        const entries = body.BulkEmailEntries ?? [];
        this.account.admit(entries.reduce((sum, e) => sum + recipientsOf(e.Destination).length, 0));
        const kept = entries.map((e) => ({ ...e, Destination: this.withoutSuppressed(e.Destination) }));
        this.droppedEntries.set(
          req,
          kept.map((e) => recipientsOf(e.Destination).length === 0),
        );
        this.forwardedRecipients.set(
          req,
          kept.map((e) => recipientsOf(e.Destination)).filter((r) => r.length > 0),
        );
        return {
          ...req,
          body: Buffer.from(
            JSON.stringify({
              ...body,
              BulkEmailEntries: kept.filter((e) => recipientsOf(e.Destination).length > 0),
            }),
          ),
        };
      }
      default:
        return undefined;
    }
  }

  /** Recipients of each message forwarded to aws-ses-v2-local, by request (one list per e-mail or bulk entry). */
  private readonly forwardedRecipients = new WeakMap<AwsRequest, string[][]>();
  /** Per recipient (lower case): how many e-mails were delivered, and when the first and the last were (ms). */
  private readonly delivered = new Map<string, { count: number; firstAt: number; lastAt: number }>();

  /**
   * What was delivered to an address, without listing the store (which holds every message body): cheap enough
   * to poll while thousands of e-mails go out (GET /_local/emails/delivered?to=).
   */
  deliveredTo(address: string): { count: number; firstAt?: number; lastAt?: number } {
    return this.delivered.get(bareAddress(address).toLowerCase()) ?? { count: 0 };
  }

  private noteDelivered(req: AwsRequest, res: AwsResponse): void {
    const messages = this.forwardedRecipients.get(req);
    if (!messages) return;
    let accepted = messages.map(() => true);
    if (req.path.endsWith('/outbound-bulk-emails')) {
      // Only the forwarded entries' results, in order (dropped entries were answered here, not forwarded).
      const dropped = this.droppedEntries.get(req) ?? [];
      const results =
        (JSON.parse(String(res.body)) as { BulkEmailEntryResults?: Array<{ Status?: string }> })
          .BulkEmailEntryResults ?? [];
      accepted = results.filter((_, i) => !dropped[i]).map((r) => r.Status === 'SUCCESS');
    }
    const now = Date.now();
    messages.forEach((recipients, i) => {
      if (!accepted[i]) return;
      for (const address of recipients) {
        const key = address.toLowerCase();
        const seen = this.delivered.get(key);
        if (seen) {
          seen.count += 1;
          seen.lastAt = now;
        } else this.delivered.set(key, { count: 1, firstAt: now, lastAt: now });
      }
    });
  }

  /** Entries of a SendBulkEmail whose every recipient was suppressed: not forwarded, answered SUCCESS. */
  private readonly droppedEntries = new WeakMap<AwsRequest, boolean[]>();

  private withDroppedEntries(req: AwsRequest, res: AwsResponse): AwsResponse {
    const dropped = this.droppedEntries.get(req);
    if (!dropped?.some(Boolean) || res.status !== 200) return res;
    const forwarded = (JSON.parse(String(res.body)) as { BulkEmailEntryResults: unknown[] })
      .BulkEmailEntryResults;
    let next = 0;
    const results = dropped.map((wasDropped) =>
      wasDropped ? { Status: 'SUCCESS', MessageId: droppedMessageId() } : forwarded[next++],
    );
    const { 'content-length': _stale, ...headers } = res.headers ?? {};
    return { ...res, headers, body: JSON.stringify({ BulkEmailEntryResults: results }) };
  }

  private withoutSuppressed(destination: Destination | undefined): Destination {
    const keep = (list?: string[]) => (list ?? []).filter((a) => !this.account.suppression(a));
    return {
      ToAddresses: keep(destination?.ToAddresses),
      CcAddresses: keep(destination?.CcAddresses),
      BccAddresses: keep(destination?.BccAddresses),
    };
  }

  /** SES v1 sends count against the same quota (recipients in Destination.*Addresses.member.N). */
  private admitV1(req: AwsRequest): undefined {
    const action = sesOperation(req);
    if (action !== 'SendEmail' && action !== 'SendRawEmail' && action !== 'SendTemplatedEmail')
      return undefined;
    let recipients = 0;
    for (const name of new URLSearchParams(req.body.toString()).keys())
      if (
        /^Destination(s\.member\.\d+\.Destination)?\.(To|Cc|Bcc)Addresses\.member\.\d+$/.test(name) ||
        /^Destinations\.member\.\d+$/.test(name)
      )
        recipients += 1;
    this.account.admit(Math.max(recipients, 1));
    return undefined;
  }

  async emails(): Promise<StoredEmail[]> {
    const res = await forward(this.port, localRequest('GET', '/store'));
    if (res.status !== 200) throw new Error(`aws-ses-v2-local GET /store answered ${res.status}`);
    return (JSON.parse(String(res.body)) as { emails: StoredEmail[] }).emails;
  }

  async clearEmails(): Promise<void> {
    this.delivered.clear();
    const res = await forward(this.port, localRequest('POST', '/clear-store'));
    if (res.status !== 200) throw new Error(`aws-ses-v2-local POST /clear-store answered ${res.status}`);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

interface Destination {
  ToAddresses?: string[];
  CcAddresses?: string[];
  BccAddresses?: string[];
}

function recipientsOf(destination: Destination | undefined): string[] {
  return [
    ...(destination?.ToAddresses ?? []),
    ...(destination?.CcAddresses ?? []),
    ...(destination?.BccAddresses ?? []),
  ].map(bareAddress);
}

function parseBody(req: AwsRequest): unknown {
  try {
    return JSON.parse(req.body.toString() || '{}');
  } catch {
    throw new AwsError('BadRequestException', 'The request body is not JSON');
  }
}

function json(body: unknown): AwsResponse {
  return {
    status: 200,
    headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId() },
    body: JSON.stringify(body),
  };
}

/** SES answers a send to a suppressed address with a MessageId like any other, then delivers nothing. */
function droppedMessageId(): string {
  return `suppressed-${randomUUID()}`;
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
