import type { AwsRequest, AwsResponse } from './protocol';
import { localJson, type Edge } from './router';
import type { SesEmulator, StoredEmail } from './ses';
import type { SnsEmulator } from './sns';

export interface OutboxEmail {
  id: string;
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  replyTo: string[];
  subject: string;
  text?: string;
  html?: string;
  /** ISO time it was sent. */
  at: string;
}

/**
 * What the local cloud "sent": GET/DELETE /_local/emails (SES, `?to=` filters on any recipient)
 * and GET/DELETE /_local/sms (SNS SMS, `?phoneNumber=` filters). Lists are oldest first, newest last.
 */
export function registerOutboxRoutes(edge: Edge, emulators: { sns: SnsEmulator; ses: SesEmulator }): void {
  const { sns, ses } = emulators;
  edge.route('GET', '/_local/emails', async (req) => {
    const to = req.query.get('to')?.toLowerCase();
    const emails = (await ses.emails()).map(normaliseEmail);
    return localJson(200, to ? emails.filter((e) => recipients(e).includes(to)) : emails);
  });
  edge.route('GET', '/_local/emails/delivered', (req) =>
    localJson(200, ses.deliveredTo(req.query.get('to') ?? '')),
  );
  edge.route('DELETE', '/_local/emails', async () => {
    await ses.clearEmails();
    return { status: 204 };
  });
  edge.route('GET', '/_local/sms', (req) => {
    const phoneNumber = req.query.get('phoneNumber') ?? undefined;
    return localJson(200, sns.smsOutbox.list({ phoneNumber }));
  });
  edge.route('DELETE', '/_local/sms', () => {
    sns.smsOutbox.clear();
    return { status: 204 };
  });

  // The SES send quota (GetAccount's SendQuota, enforced) and what it throttled; PUT sets it for tests and demos.
  edge.route('GET', '/_local/ses/quota', () => localJson(200, ses.account.stats()));
  edge.route('PUT', '/_local/ses/quota', (req) =>
    localRequestJson(req, (body: { maxSendRate?: number; max24HourSend?: number }) => {
      const quota: { maxSendRate?: number; max24HourSend?: number } = {};
      if (body.maxSendRate !== undefined) quota.maxSendRate = body.maxSendRate;
      if (body.max24HourSend !== undefined) quota.max24HourSend = body.max24HourSend;
      ses.account.setQuota(quota);
      return localJson(200, ses.account.stats());
    }),
  );
  // Seeds the account suppression list (the same list PutSuppressedDestination writes).
  edge.route('POST', '/_local/ses/suppressions', (req) =>
    localRequestJson(req, (body: { emailAddress?: string; reason?: string }) => {
      ses.account.suppress(String(body.emailAddress ?? ''), String(body.reason ?? 'BOUNCE'));
      return { status: 201 };
    }),
  );
  edge.route('GET', '/_local/ses/suppressions', () => localJson(200, ses.account.suppressions()));
  // A customer replying STOP: no API on AWS does this, so the local cloud has a route for it.
  edge.route('POST', '/_local/sms/opt-outs', (req) =>
    localRequestJson(req, (body: { phoneNumber?: string }) => {
      sns.smsOutbox.optOut(String(body.phoneNumber ?? ''));
      return { status: 201 };
    }),
  );
  edge.route('GET', '/_local/sms/opt-outs', () =>
    localJson(200, { phoneNumbers: sns.smsOutbox.optedOutNumbers(), dropped: sns.smsOutbox.dropped }),
  );
}

/** Parses a local route's JSON body; a bad body or a refused value is a 400 with the reason. */
function localRequestJson<T>(req: AwsRequest, handle: (body: T) => AwsResponse): AwsResponse {
  try {
    return handle(JSON.parse(req.body.toString() || '{}') as T);
  } catch (error) {
    return localJson(400, { message: error instanceof Error ? error.message : String(error) });
  }
}

export function normaliseEmail(email: StoredEmail): OutboxEmail {
  const normalised: OutboxEmail = {
    id: email.messageId,
    from: email.from,
    to: email.destination.to,
    cc: email.destination.cc,
    bcc: email.destination.bcc,
    replyTo: email.replyTo,
    subject: email.subject,
    at: new Date(email.at * 1000).toISOString(),
  };
  if (email.body.text !== undefined) normalised.text = email.body.text;
  if (email.body.html !== undefined) normalised.html = email.body.html;
  return normalised;
}

function recipients(email: OutboxEmail): string[] {
  return [...email.to, ...email.cc, ...email.bcc].map((address) => bareAddress(address).toLowerCase());
}

/** '"Ann" <ann@example.com>' → 'ann@example.com'. */
function bareAddress(address: string): string {
  return /<([^>]+)>/.exec(address)?.[1] ?? address.trim();
}
