import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { awsClient } from './aws';
import { backoffDelay, sleep as wait } from './retry';
import {
  buildEventDetail,
  type EventContract,
  type EventDataInputOf,
  type EventDetailOptions,
  type EventSource,
} from './events/contract';

/** AWS's documented PutEvents limits. */
export const PUT_EVENTS_MAX_ENTRIES = 10;
export const PUT_EVENTS_MAX_ENTRY_BYTES = 256 * 1024;
export const PUT_EVENTS_MAX_REQUEST_BYTES = 1024 * 1024;

/** The part of EventBridgeClient the publisher uses, so a test can pass a plain object. */
export interface PutEventsSender {
  send(command: PutEventsCommand): Promise<{
    FailedEntryCount?: number;
    Entries?: { EventId?: string; ErrorCode?: string; ErrorMessage?: string }[];
  }>;
}

export interface PublisherOptions {
  busName: string;
  client?: PutEventsSender;
  /** The publishing service's source; publishing another service's event is then refused. */
  source?: EventSource;
  /** Sends per batch, counting the first; failed entries are retried until this is reached. */
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  sleep?: (milliseconds: number) => Promise<void>;
  random?: () => number;
}

export interface PublishEntry<Contract extends EventContract = EventContract> extends EventDetailOptions {
  contract: Contract;
  data: EventDataInputOf<Contract>;
  resources?: string[];
}

export interface PublishOptions extends EventDetailOptions {
  resources?: string[];
}

export interface UnsentEvent {
  eventId: string;
  detailType: string;
  errorCode: string;
  errorMessage?: string;
}

/** Some events did not reach the bus after every retry; `unsent` says which and why. */
export class PublishError extends Error {
  override name = 'PublishError';
  constructor(
    readonly busName: string,
    readonly unsent: UnsentEvent[],
  ) {
    super(
      `${unsent.length} event(s) not published to ${busName}: ` +
        unsent
          .map(
            (event) =>
              `${event.detailType} ${event.eventId} (${event.errorCode}${event.errorMessage ? `: ${event.errorMessage}` : ''})`,
          )
          .join(', '),
    );
  }
}

export interface Publisher {
  /** Validates and sends one event; returns its detail id. */
  publish<Contract extends EventContract>(
    contract: Contract,
    data: EventDataInputOf<Contract>,
    options: PublishOptions,
  ): Promise<string>;
  /** Validates every event first (nothing is sent if one is invalid), then sends in batches. */
  publishAll(entries: PublishEntry[]): Promise<string[]>;
}

interface PendingEvent {
  eventId: string;
  detailType: string;
  entry: PutEventsRequestEntry;
  bytes: number;
}

/** Entry size as AWS counts it: Time (14 bytes if set), Source, DetailType, Detail and Resources in UTF-8. */
export function putEventsEntrySize(entry: PutEventsRequestEntry): number {
  let bytes = entry.Time ? 14 : 0;
  for (const text of [entry.Source, entry.DetailType, entry.Detail, ...(entry.Resources ?? [])]) {
    if (text) bytes += Buffer.byteLength(text, 'utf8');
  }
  return bytes;
}

/** Groups entries into PutEvents requests within AWS's entry-count and request-size limits. */
export function batchForPutEvents<Item extends { bytes: number }>(items: Item[]): Item[][] {
  const batches: Item[][] = [];
  let current: Item[] = [];
  let currentBytes = 0;
  for (const item of items) {
    if (
      current.length === PUT_EVENTS_MAX_ENTRIES ||
      currentBytes + item.bytes > PUT_EVENTS_MAX_REQUEST_BYTES
    ) {
      batches.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(item);
    currentBytes += item.bytes;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

export function createPublisher(options: PublisherOptions): Publisher {
  const {
    busName,
    source,
    maxAttempts = 4,
    baseDelayMs = 100,
    maxDelayMs = 2_000,
    sleep = wait,
    random = Math.random,
  } = options;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new Error(`maxAttempts must be a whole number of at least 1, got ${maxAttempts}`);
  }
  const client: PutEventsSender = options.client ?? awsClient(EventBridgeClient);

  function prepare(publishEntry: PublishEntry): PendingEvent {
    const { contract, data, resources, ...detailOptions } = publishEntry;
    if (source && contract.source !== source) {
      throw new Error(
        `${contract.detailType} belongs to ${contract.source}; this publisher publishes ${source} events`,
      );
    }
    const detail = buildEventDetail(contract, data, detailOptions);
    const entry: PutEventsRequestEntry = {
      EventBusName: busName,
      Source: contract.source,
      DetailType: contract.detailType,
      Detail: JSON.stringify(detail),
      Time: new Date(detail.occurredAt),
      ...(resources?.length ? { Resources: resources } : {}),
    };
    const bytes = putEventsEntrySize(entry);
    if (bytes > PUT_EVENTS_MAX_ENTRY_BYTES) {
      throw new Error(
        `${contract.detailType} ${detail.id} is ${bytes} bytes; EventBridge accepts at most ${PUT_EVENTS_MAX_ENTRY_BYTES} per event`,
      );
    }
    return { eventId: detail.id, detailType: contract.detailType, entry, bytes };
  }

  async function sendBatch(batch: PendingEvent[]): Promise<UnsentEvent[]> {
    let pending = batch;
    let failures: UnsentEvent[] = [];
    for (let attempt = 1; attempt <= maxAttempts && pending.length > 0; attempt += 1) {
      if (attempt > 1)
        await sleep(backoffDelay(attempt - 1, { baseMs: baseDelayMs, maxMs: maxDelayMs }, random));
      let response: Awaited<ReturnType<PutEventsSender['send']>>;
      try {
        response = await client.send(new PutEventsCommand({ Entries: pending.map((event) => event.entry) }));
      } catch (error) {
        // The SDK has already retried the request itself; a thrown error means none of this batch was sent.
        const errorCode = error instanceof Error ? error.name : 'UnknownError';
        const errorMessage = error instanceof Error ? error.message : String(error);
        return pending.map(({ eventId, detailType }) => ({ eventId, detailType, errorCode, errorMessage }));
      }
      if (!response.FailedEntryCount) return [];
      // Result entries line up with request entries; a failed one has an ErrorCode and no EventId.
      const results = response.Entries ?? [];
      failures = [];
      const retry: PendingEvent[] = [];
      pending.forEach((event, index) => {
        const result = results[index];
        if (result?.ErrorCode || !result?.EventId) {
          retry.push(event);
          failures.push({
            eventId: event.eventId,
            detailType: event.detailType,
            errorCode: result?.ErrorCode ?? 'MissingResult',
            ...(result?.ErrorMessage ? { errorMessage: result.ErrorMessage } : {}),
          });
        }
      });
      pending = retry;
    }
    return pending.length > 0 ? failures : [];
  }

  async function publishAll(entries: PublishEntry[]): Promise<string[]> {
    const prepared = entries.map(prepare);
    const unsent: UnsentEvent[] = [];
    for (const batch of batchForPutEvents(prepared)) {
      unsent.push(...(await sendBatch(batch)));
    }
    if (unsent.length > 0) throw new PublishError(busName, unsent);
    return prepared.map((event) => event.eventId);
  }

  return {
    async publish(contract, data, publishOptions) {
      const [eventId] = await publishAll([{ contract, data, ...publishOptions } as PublishEntry]);
      return eventId as string;
    },
    publishAll,
  };
}
