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
