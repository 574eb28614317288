/** What the notification integration tests and the benchmark share: the bus, the outbox, the queues. */
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import {
  buildEventDetail,
  type EventContract,
  type EventDataInputOf,
  type EventDetailOf,
} from '@payflow/shared';
import { randomInt, randomUUID } from 'node:crypto';

export const STAGE = 'local';
export const BUS = `payflow-${STAGE}`;
export const QUEUE = `payflow-notification-${STAGE}-notifications`;
export const DLQ = `${QUEUE}-dlq`;
/** The reminders lane (InvoiceDue). */
export const REMINDERS_QUEUE = `payflow-notification-${STAGE}-reminders`;
export const REMINDERS_DLQ = `${REMINDERS_QUEUE}-dlq`;
export const BENCH_QUEUE = `payflow-notification-${STAGE}-bench`;

/** The local cloud's edge: set by the integration project's globalSetup (never a fixed port). */
export function localEndpoint(): string {
  const endpoint = process.env.AWS_ENDPOINT_URL;
  if (!endpoint)
    throw new Error(
      'AWS_ENDPOINT_URL is not set: run through `npx jest` (its globalSetup starts the local cloud)',
    );
  return endpoint;
}

export function clients(endpoint = localEndpoint()) {
  const config = {
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
  return { events: new EventBridgeClient(config), sqs: new SQSClient(config) };
}

export const uniqueEmail = (who = 'customer') => `${who}-${randomUUID().slice(0, 8)}@example.com`;
/** A fresh E.164 number in the 555 range (fictional in North America). */
export const uniquePhone = () => `+1555${String(randomInt(0, 10_000_000)).padStart(7, '0')}`;

/** A PutEvents entry as the owning service would publish it: the detail validated by its contract. */
export function eventEntry<Contract extends EventContract>(
  contract: Contract,
  data: EventDataInputOf<Contract>,
  options: { id?: string; correlationId?: string } = {},
): { entry: PutEventsRequestEntry; detail: EventDetailOf<Contract> } {
  const detail = buildEventDetail(contract, data, {
    correlationId: options.correlationId ?? `test-${randomUUID()}`,
    ...(options.id ? { id: options.id } : {}),
  });
  return {
    detail,
    entry: {
      EventBusName: BUS,
      Source: contract.source,
      DetailType: contract.detailType,
      Detail: JSON.stringify(detail),
    },
  };
}

export async function putEvents(entries: PutEventsRequestEntry[], events = clients().events): Promise<void> {
  for (let start = 0; start < entries.length; start += 10) {
    const out = await events.send(new PutEventsCommand({ Entries: entries.slice(start, start + 10) }));
    if (out.FailedEntryCount) throw new Error(`PutEvents failed: ${JSON.stringify(out.Entries)}`);
  }
}

export interface OutboxEmail {
  id: string;
  from: string;
  to: string[];
  subject: string;
  text?: string;
  html?: string;
}
export interface OutboxSms {
  phoneNumber: string;
  message: string;
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export const emailsTo = (address: string, endpoint = localEndpoint()) =>
  getJson<OutboxEmail[]>(`${endpoint}/_local/emails?to=${encodeURIComponent(address)}`);
export const smsTo = (phoneNumber: string, endpoint = localEndpoint()) =>
  getJson<OutboxSms[]>(`${endpoint}/_local/sms?phoneNumber=${encodeURIComponent(phoneNumber)}`);
export const busEvents = (endpoint = localEndpoint()) =>
  getJson<Array<{ source: string; 'detail-type': string; detail: Record<string, unknown> }>>(
    `${endpoint}/_local/events`,
  );
export const functionLogs = async (endpoint = localEndpoint()) =>
  (await fetch(`${endpoint}/_local/logs`)).text();

/** Makes the next `count` calls of an operation fail with an AWS error (the local cloud's fault switch). */
export async function injectFault(fault: {
  service: string;
  operation: string;
  error: string;
  status?: number;
  count: number;
  /** The recipient: only calls for it fail, so other tests running at the same time are not hit. */
  match: string;
}) {
  const res = await fetch(`${localEndpoint()}/_local/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(fault),
  });
  if (res.status !== 201) throw new Error(`fault switch refused ${JSON.stringify(fault)}: ${res.status}`);
}

export const clearFaults = async () => {
  await fetch(`${localEndpoint()}/_local/faults`, { method: 'DELETE' });
};

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` returns something truthy; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 180_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await check();
    if (result) return result;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(200);
  }
}

export async function queueUrl(name: string, sqs = clients().sqs): Promise<string> {
  return (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl!;
}

/** Messages waiting plus messages in flight (received, or hidden for a retry). */
export async function queueDepth(name: string, sqs = clients().sqs): Promise<number> {
  const out = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: await queueUrl(name, sqs),
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(out.Attributes?.ApproximateNumberOfMessages ?? 0) +
    Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
}

/** Waits until both lanes' queues hold nothing: every record sent, refused for good, skipped, or in a DLQ. */
// Generous: while the whole suite runs, other services' tests fill the same queues (bills files announce thousands).
export async function settled(timeoutMs = 240_000): Promise<void> {
  await waitFor(
    'the notifications and reminders queues to drain',
    async () => (await queueDepth(QUEUE)) + (await queueDepth(REMINDERS_QUEUE)) === 0,
    timeoutMs,
  );
}

/** Reads the DLQ until a message matches; returns it with its receive count, and deletes it (tests leave no trace). */
export async function takeFromDlq(
  matches: (message: Message) => boolean,
  timeoutMs = 60_000,
  dlq = DLQ,
): Promise<Message> {
  const { sqs } = clients();
  const url = await queueUrl(dlq, sqs);
  return waitFor(
    'the message in the DLQ',
    async () => {
      const out = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
          VisibilityTimeout: 0,
          MessageSystemAttributeNames: ['ApproximateReceiveCount', 'DeadLetterQueueSourceArn'],
        }),
      );
      const found = (out.Messages ?? []).find(matches);
      if (found)
        await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: found.ReceiptHandle! }));
      return found;
    },
    timeoutMs,
  );
}
