import type { NotificationChannel } from '@payflow/shared';
import type { ClaimResult, NotifyPorts, SendOutcome, SendRecord } from '../../src/domain/notify';
import type { ContactChoice, NamedCustomer } from '../../src/domain/recipients';
import { catalogFromDisk } from './catalog';

/** In-memory ports: a sends table with claims and records, senders that fail with the errors queued per channel. */
export function memoryPorts(
  failures: Partial<Record<NotificationChannel, Error[]>> = {},
  skip: Record<string, string> = {},
  /** Customers' stored channels, by customer id, with the merchant each belongs to. */
  customers: Map<string, { merchantId: string; choice: ContactChoice }> = new Map(),
) {
  const lookups: NamedCustomer[][] = [];
  const sent: Array<{ channel: NotificationChannel; to: string; text: string }> = [];
  const published: Array<{ eventId: string; record: SendRecord }> = [];
  const table = new Map<string, { claimed: boolean; record?: SendRecord }>();
  const key = (r: { eventId: string; channel: string }) => `${r.eventId}#${r.channel}`;
  const ports: NotifyPorts = {
    catalog: catalogFromDisk(),
    skipReason: async (request) => skip[request.address],
    async storedChoices(named) {
      lookups.push(named);
      const found = new Map<string, ContactChoice>();
      for (const { id, merchantId } of named) {
        const customer = customers.get(id);
        if (customer?.merchantId === merchantId) found.set(id, customer.choice);
      }
      return found;
    },
    async claim(requests) {
      return requests.map((request): ClaimResult => {
        const found = table.get(key(request));
        if (found?.record) return { state: 'done', record: found.record };
        if (found?.claimed) return { state: 'busy' };
        table.set(key(request), { claimed: true });
        return { state: 'claimed' };
      });
    },
    async send(requests) {
      return requests.map((request): SendOutcome => {
        const failure = failures[request.channel]?.shift();
        if (failure) return { error: failure };
        sent.push({
          channel: request.channel,
          to: request.address,
          text: request.channel === 'email' ? request.email.text : request.sms.text,
        });
        return { providerMessageId: `${request.channel}-${sent.length}` };
      });
    },
    async complete(records) {
      for (const record of records) table.set(key(record), { claimed: true, record });
    },
    async release(requests) {
      for (const request of requests) table.delete(key(request));
    },
    async publishFailed(event, record) {
      published.push({ eventId: event.detail.id, record });
    },
    now: () => new Date('2026-11-21T10:00:00Z'),
  };
  return { sent, published, table, ports, lookups };
}
