/** The contract examples in events/contracts, re-addressed so each test has customers of its own. */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';

export const CONTRACTS_DIR = path.resolve(__dirname, '..', '..', '..', '..', 'events', 'contracts');

export interface BusEvent {
  version: string;
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: {
    id: string;
    version: number;
    occurredAt: string;
    correlationId: string;
    data: Record<string, unknown>;
  };
}

export function contractExample(detailType: string): BusEvent {
  return JSON.parse(fs.readFileSync(path.join(CONTRACTS_DIR, `${detailType}.json`), 'utf8')) as BusEvent;
}

interface Contact {
  channels: string[];
  email?: string;
  phone?: string;
}

/** The customer's choice inside any contract's data: `contact`, `notification` or `customer`. */
export function contactIn(event: BusEvent): Contact | undefined {
  const data = event.detail.data;
  return (data.contact ?? data.notification ?? data.customer) as Contact | undefined;
}

/** A copy with a fresh detail id and the given addresses and channels. */
export function readdressed(
  example: BusEvent,
  contact: { email?: string; phone?: string; channels: Array<'email' | 'sms'> },
): BusEvent {
  const event = structuredClone(example);
  event.detail.id = randomUUID();
  const choice = contactIn(event);
  if (choice) {
    choice.channels = contact.channels;
    if (contact.email) choice.email = contact.email;
    else if (!('id' in choice)) delete choice.email;
    if (contact.phone) choice.phone = contact.phone;
    else delete choice.phone;
  }
  return event;
}
