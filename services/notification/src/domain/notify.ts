import type { NotificationChannel } from '@payflow/shared';
import type { CustomerDetailType, CustomerEvent } from './customer-events';
import { classifyDeliveryError, describeError } from './delivery-errors';
import { messageViewOf } from './message-view';
import { maskAddress, recipientsOf, type Recipient } from './recipients';
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
  status: 'SENT' | 'FAILED';
  /** SES MessageId or SNS MessageId. */
  providerMessageId?: string;
  /** Why a FAILED send failed, as the provider said it. */
  reason?: string;
  segments?: number;
  at: string;
  /** Set when this record was read back, not made now: the send had already happened. */
  replayed?: boolean;
}

export interface Senders {
  sendEmail(to: string, email: EmailMessage, detailType: CustomerDetailType): Promise<string>;
  sendSms(to: string, sms: SmsMessage): Promise<string>;
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

/**
 * The send itself. A permanent error is a result (recorded FAILED, never retried); a transient one is thrown,
 * so the idempotency claim is released and the retry may send.
 */
export function createDelivery(senders: Senders, now: () => Date = () => new Date()) {
  return async function deliver(request: SendRequest): Promise<SendRecord> {
    const recipient: Recipient = { channel: request.channel, address: request.address };
    const base = {
      eventId: request.eventId,
      detailType: request.detailType,
      channel: request.channel,
      to: maskAddress(recipient),
    };
    try {
      const providerMessageId =
        request.channel === 'email'
          ? await senders.sendEmail(request.address, request.email, request.detailType)
          : await senders.sendSms(request.address, request.sms);
      return {
        ...base,
        status: 'SENT',
        providerMessageId,
        ...(request.channel === 'sms' ? { segments: request.sms.segments } : {}),
        at: now().toISOString(),
      };
    } catch (error) {
      if (classifyDeliveryError(request.channel, error) === 'transient') throw error;
      return {
        ...base,
        status: 'FAILED',
        reason: describeError(error).slice(0, 900),
        at: now().toISOString(),
      };
    }
  };
}

export interface NotifyPorts {
  catalog: TemplateCatalog;
  /** `deliver` behind the sends record: at most one successful call per (eventId, channel). */
  sendOnce(request: SendRequest): Promise<SendRecord>;
  /** Tells the bus a channel failed for good (NotificationFailed). */
  publishFailed(event: CustomerEvent, record: SendRecord): Promise<void>;
}

/** Renders what each chosen channel needs before anything is sent: a template error sends nothing. */
export function sendRequestsFor(event: CustomerEvent, catalog: TemplateCatalog): SendRequest[] {
  const view = messageViewOf(event);
  const common = { eventId: event.detail.id, detailType: event.detailType };
  return recipientsOf(event).map((recipient) =>
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

/**
 * Tells the customer about one event on every channel they chose. Channels go out side by side; a permanent
 * failure is published and the record is done; a transient one throws once every channel has had its go.
 */
export async function notifyCustomer(event: CustomerEvent, ports: NotifyPorts): Promise<SendRecord[]> {
  const requests = sendRequestsFor(event, ports.catalog);
  const settled = await Promise.allSettled(requests.map((request) => ports.sendOnce(request)));
  const records: SendRecord[] = [];
  const failures: Array<{ channel: NotificationChannel; error: unknown }> = [];
  settled.forEach((result, index) => {
    if (result.status === 'fulfilled') records.push(result.value);
    else failures.push({ channel: requests[index]!.channel, error: result.reason });
  });
  for (const record of records) {
    // Published again on a redelivery (with the same id), so a crash between the record and the publish loses nothing.
    if (record.status === 'FAILED') await ports.publishFailed(event, record);
  }
  if (failures.length > 0) throw new TransientDeliveryError(event.detail.id, failures);
  return records;
}
