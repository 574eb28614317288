import type { NotificationChannel } from '@payflow/shared';
import type { CustomerDetailType, CustomerEvent } from './customer-events';
import { classifyDeliveryError, describeError } from './delivery-errors';
import { messageViewOf, type InvoiceAccessFor } from './message-view';
import {
  customerNamedBy,
  maskAddress,
  recipientsOf,
  type ContactChoice,
  type NamedCustomer,
  type Recipient,
} from './recipients';
import { renderEmail, renderSms, type EmailMessage, type SmsMessage, type TemplateCatalog } from './render';

/** One message on one channel for one event; (eventId, channel) is what makes it exactly-once. */
export type SendRequest = {
  eventId: string;
  detailType: CustomerDetailType;
  address: string;
} & ({ channel: 'email'; email: EmailMessage } | { channel: 'sms'; sms: SmsMessage });

/** What is kept of a send (no message body, a masked address): the answer to "was this customer told?". */
export interface SendRecord {
  eventId: string;
  detailType: CustomerDetailType;
  channel: NotificationChannel;
  to: string;
  /** SKIPPED: the recipient is on the SES suppression list or opted out of SMS; nothing was sent, on purpose. */
  status: 'SENT' | 'FAILED' | 'SKIPPED';
  /** SES MessageId or SNS MessageId. */
  providerMessageId?: string;
  /** Why a send FAILED (as the provider said it) or was SKIPPED. */
  reason?: string;
  segments?: number;
  at: string;
  /** Set when this record was read back, not made now: the send had already happened. */
  replayed?: boolean;
}

/** What one conditional write on the sends table found for a (event, channel). */
export type ClaimResult =
  | { state: 'claimed' }
  | { state: 'done'; record: SendRecord }
  /** Another delivery of the same event holds a live claim: this one waits and comes back. */
  | { state: 'busy' };

export type SendOutcome = { providerMessageId: string } | { error: unknown };

export interface NotifyPorts {
  catalog: TemplateCatalog;
  /** A reminder's pay link and access code for an invoice (the reminders lane). */
  invoiceAccess?: InvoiceAccessFor;
  /** Why this recipient must not be contacted (SES suppression list, SMS opt-out), or undefined. */
  skipReason(request: SendRequest): Promise<string | undefined>;
  /** One conditional write per request that claims it, or reads back what an earlier delivery did. */
  claim(requests: SendRequest[]): Promise<ClaimResult[]>;
  /** Sends every request as this lane does (one by one, or SendBulkEmail paced to the quota): one outcome each. */
  send(requests: SendRequest[]): Promise<SendOutcome[]>;
  /** Stores the records of claimed requests (batched writes). */
  complete(records: SendRecord[]): Promise<void>;
  /** Drops the claims of requests that failed transiently, so a retry may send them. */
  release(requests: SendRequest[]): Promise<void>;
  /**
   * The stored channels of the customers named by events that carry no choice, keyed by customer id (only those of
   * the merchant named: another merchant's customer of the same id is not found).
   */
  storedChoices(customers: NamedCustomer[]): Promise<Map<string, ContactChoice>>;
  /** Tells the bus a channel failed for good (NotificationFailed). */
  publishFailed(event: CustomerEvent, record: SendRecord): Promise<void>;
  now(): Date;
  /**
   * Set when sending a batch takes seconds (a lane paced well below its batch size a second): the batch goes in
   * three parts, each claimed, sent and recorded on its own, so claims and records overlap the sends.
   */
  pipelined?: boolean;
}

/** A channel failed in a way a later receive may fix; the record is retried (and the other channel is not resent). */
export class TransientDeliveryError extends Error {
  override name = 'TransientDeliveryError';
  constructor(
    readonly eventId: string,
    readonly failures: Array<{ channel: NotificationChannel; error: unknown }>,
  ) {
    super(
      `Could not notify on ${failures.map((f) => `${f.channel} (${describeError(f.error)})`).join(', ')} ` +
        `for event ${eventId}; the record will be retried`,
      { cause: failures[0]?.error },
    );
  }
}

/** Another delivery of the same event is sending this channel right now. */
class SendInProgressError extends Error {
  override name = 'SendInProgressError';
  constructor(request: SendRequest) {
    super(`The ${request.channel} for event ${request.eventId} is being sent by another delivery`);
  }
}

/** Renders what each chosen channel needs before anything is sent: a template error sends nothing. */
function sendRequestsFor(
  event: CustomerEvent,
  catalog: TemplateCatalog,
  invoiceAccess?: InvoiceAccessFor,
  stored?: ContactChoice,
): SendRequest[] {
  const view = messageViewOf(event, invoiceAccess);
  const common = { eventId: event.detail.id, detailType: event.detailType };
  return recipientsOf(event, stored).map((recipient) =>
    recipient.channel === 'email'
      ? {
          ...common,
          channel: 'email',
          address: recipient.address,
          email: renderEmail(catalog, event.detailType, view),
        }
      : {
          ...common,
          channel: 'sms',
          address: recipient.address,
          sms: renderSms(catalog, event.detailType, view),
        },
  );
}

export interface BatchItem {
  /** The SQS messageId: what a failure is reported by. */
  id: string;
  event: CustomerEvent;
}

interface ItemResult {
  id: string;
  event: CustomerEvent;
  records: SendRecord[];
  /** Set when the item must come back: a channel failed transiently, was busy, or could not be rendered. */
  error?: Error;
}

export interface BatchResult {
  items: ItemResult[];
  /** Sends that went out but whose records could not be stored (a redelivery after the claim expires resends). */
  recordError?: unknown;
}

const keyOf = (request: { eventId: string; channel: NotificationChannel }) =>
  `${request.eventId}#${request.channel}`;

/** The first and the last part of a pipelined batch (see notifyBatch). */
const PIPELINE_EDGE = 10;

/**
 * Tells every customer of a batch on every channel they chose, exactly once per (event, channel): one claim each
 * (a conditional write, side by side), the sends (the lane batches them), then one batched write of the records
 * (in three such parts when `ports.pipelined`).
 * A permanent refusal is a FAILED record and NotificationFailed; a suppressed or opted-out recipient is a SKIPPED
 * record; a transient failure releases the claim and fails only its own item.
 */
export async function notifyBatch(items: BatchItem[], ports: NotifyPorts): Promise<BatchResult> {
  // An event without a choice of its own goes to its customer's stored channels: one look-up for the batch.
  const named = items.map((item) => customerNamedBy(item.event)).filter((c): c is NamedCustomer => !!c);
  let stored = new Map<string, ContactChoice>();
  let lookupError: Error | undefined;
  try {
    if (named.length > 0) stored = await ports.storedChoices(named);
  } catch (error) {
    // Only the events that needed the look-up come back; the others are sent now.
    lookupError = error as Error;
  }
  const prepared = items.map((item) => {
    try {
      const customer = customerNamedBy(item.event);
      if (customer && lookupError) throw lookupError;
      const requests = sendRequestsFor(
        item.event,
        ports.catalog,
        ports.invoiceAccess,
        customer && stored.get(customer.id),
      );
      return { item, requests };
    } catch (error) {
      return { item, requests: [] as SendRequest[], error: error as Error };
    }
  });
  // The same event twice in one batch is sent once; the second copy reads the first's result.
  const unique = new Map<string, SendRequest>();
  for (const { requests } of prepared)
    for (const r of requests) if (!unique.has(keyOf(r))) unique.set(keyOf(r), r);
  const list = [...unique.values()];

  const outcomes = new Map<string, { record: SendRecord } | { error: unknown }>();
  const base = (r: SendRequest) => ({
    eventId: r.eventId,
    detailType: r.detailType,
    channel: r.channel,
    to: maskAddress({ channel: r.channel, address: r.address } satisfies Recipient),
    at: ports.now().toISOString(),
  });

  /** Claims and checks one part, sends what it claimed once `turn` (the previous part's sends) is done, records it. */
  const runPart = (part: SendRequest[], turn: Promise<unknown>) => {
    const checked = Promise.all([
      ports.claim(part),
      // SES drops suppressed addresses by itself; the check is what lets us record why, so an error sends anyway.
      Promise.all(part.map((r) => ports.skipReason(r).catch(() => undefined))),
    ]);
    const fresh: SendRecord[] = [];
    const toSend: SendRequest[] = [];
    const sent = Promise.all([checked, turn]).then(async ([[claims, reasons]]) => {
      part.forEach((request, index) => {
        const claim = claims[index]!;
        const reason = reasons[index];
        if (claim.state === 'done')
          outcomes.set(keyOf(request), { record: { ...claim.record, replayed: true } });
        else if (claim.state === 'busy')
          outcomes.set(keyOf(request), { error: new SendInProgressError(request) });
        else if (reason) {
          const record: SendRecord = { ...base(request), status: 'SKIPPED', reason };
          fresh.push(record);
          outcomes.set(keyOf(request), { record });
        } else toSend.push(request);
      });
      try {
        return toSend.length ? await ports.send(toSend) : [];
      } catch (error) {
        return toSend.map((): SendOutcome => ({ error }));
      }
    });
    const recorded = sent.then(async (results) => {
      const released: SendRequest[] = [];
      toSend.forEach((request, index) => {
        const outcome = results[index] ?? { error: new Error('The sender returned no outcome') };
        if ('providerMessageId' in outcome) {
          const record: SendRecord = {
            ...base(request),
            status: 'SENT',
            providerMessageId: outcome.providerMessageId,
            ...(request.channel === 'sms' ? { segments: request.sms.segments } : {}),
          };
          fresh.push(record);
          outcomes.set(keyOf(request), { record });
        } else if (classifyDeliveryError(request.channel, outcome.error) === 'permanent') {
          const record: SendRecord = {
            ...base(request),
            status: 'FAILED',
            reason: describeError(outcome.error).slice(0, 900),
          };
          fresh.push(record);
          outcomes.set(keyOf(request), { record });
        } else {
          released.push(request);
          outcomes.set(keyOf(request), { error: outcome.error });
        }
      });
      await Promise.all([
        fresh.length ? ports.complete(fresh).catch((error: unknown) => (recordError = error)) : undefined,
        // A claim left behind only delays a retry until it expires.
        released.length ? ports.release(released).catch(() => undefined) : undefined,
      ]);
    });
    return { sent, recorded };
  };

  // A paced lane sends the batch over seconds: a small first part is claimed (and sent) while the rest is still
  // being claimed, and a small last part leaves only its own records to write after the last send, so the pause
  // between two batches, in which the lane sends nothing, is short. Otherwise the batch is one part.
  const parts =
    list.length === 0
      ? []
      : ports.pipelined && list.length > 3 * PIPELINE_EDGE
        ? [
            list.slice(0, PIPELINE_EDGE),
            list.slice(PIPELINE_EDGE, -PIPELINE_EDGE),
            list.slice(-PIPELINE_EDGE),
          ]
        : [list];
  let recordError: unknown;
  let turn: Promise<unknown> = Promise.resolve();
  const running = parts.map((part) => {
    const { sent, recorded } = runPart(part, turn);
    // A part whose claims failed sends nothing; the next part's claims are its own, so it goes on.
    turn = sent.catch(() => undefined);
    return recorded;
  });
  // Every part settles (its records written) before a failure is thrown: a part already sent is never left
  // unrecorded behind a claim that failed in another.
  const settled = await Promise.allSettled(running);
  const failure = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) throw failure.reason;

  const seen = new Set<string>();
  const results = await Promise.all(
    prepared.map(async ({ item, requests, error }): Promise<ItemResult> => {
      if (error) return { id: item.id, event: item.event, records: [], error };
      const records: SendRecord[] = [];
      const failures: Array<{ channel: NotificationChannel; error: unknown }> = [];
      for (const request of requests) {
        const key = keyOf(request);
        const outcome = outcomes.get(key)!;
        const follower = seen.has(key);
        seen.add(key);
        if ('record' in outcome)
          records.push(follower ? { ...outcome.record, replayed: true } : outcome.record);
        else failures.push({ channel: request.channel, error: outcome.error });
      }
      try {
        // Published again on a redelivery (same id), so a crash between the record and the publish loses nothing.
        for (const record of records)
          if (record.status === 'FAILED') await ports.publishFailed(item.event, record);
      } catch (publishError) {
        failures.push({ channel: records.find((r) => r.status === 'FAILED')!.channel, error: publishError });
      }
      return {
        id: item.id,
        event: item.event,
        records,
        ...(failures.length ? { error: new TransientDeliveryError(item.event.detail.id, failures) } : {}),
      };
    }),
  );
  return { items: results, ...(recordError !== undefined ? { recordError } : {}) };
}
