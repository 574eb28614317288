import type { PutEventsCommand, PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import {
  BillsIngested,
  createPublisher,
  InvoiceDue,
  PublishError,
  putEventsEntrySize,
  PUT_EVENTS_MAX_REQUEST_BYTES,
  type PublishEntry,
  type PutEventsSender,
} from '../../src';

type Reply = Awaited<ReturnType<PutEventsSender['send']>>;

/** A stand-in EventBridge: records each PutEvents request and answers with the scripted replies. */
function fakeEventBridge(answer: (entries: PutEventsRequestEntry[], call: number) => Reply) {
  const requests: PutEventsRequestEntry[][] = [];
  const client: PutEventsSender = {
    async send(command: PutEventsCommand) {
      const entries = command.input.Entries ?? [];
      requests.push(entries);
      return answer(entries, requests.length);
    },
  };
  return { client, requests };
}

const allAccepted = (entries: PutEventsRequestEntry[]): Reply => ({
  FailedEntryCount: 0,
  Entries: entries.map((_, index) => ({ EventId: `eb-${index}` })),
});

const ingested = (fileKey: string) => ({
  fileKey,
  accepted: 10,
  rejected: 0,
  durationMs: 5,
  rejectsKey: null,
});
const detailId = (entry: PutEventsRequestEntry | undefined) => JSON.parse(entry?.Detail ?? '{}').id as string;

describe('createPublisher', () => {
  it('sends a validated event to the named bus with source, detail-type and envelope', async () => {
    const bridge = fakeEventBridge(allAccepted);
    const publisher = createPublisher({ busName: 'payflow-local', client: bridge.client });

    const eventId = await publisher.publish(BillsIngested, ingested('bills/2026-11-21.csv'), {
      correlationId: 'corr-7',
      occurredAt: '2026-11-21T10:00:00.000Z',
    });

    expect(bridge.requests).toHaveLength(1);
    const [entry] = bridge.requests[0] ?? [];
    expect(entry).toMatchObject({
      EventBusName: 'payflow-local',
      Source: 'payflow.billing-ingest',
      DetailType: 'BillsIngested',
      Time: new Date('2026-11-21T10:00:00.000Z'),
    });
    expect(JSON.parse(entry?.Detail ?? '')).toEqual({
      id: eventId,
      version: 1,
      occurredAt: '2026-11-21T10:00:00.000Z',
      correlationId: 'corr-7',
      data: ingested('bills/2026-11-21.csv'),
    });
  });

  it('sends nothing when any event is invalid', async () => {
    const bridge = fakeEventBridge(allAccepted);
    const publisher = createPublisher({ busName: 'payflow-local', client: bridge.client });
    await expect(
      publisher.publishAll([
        { contract: BillsIngested, data: ingested('a.csv'), correlationId: 'c' },
        { contract: BillsIngested, data: { ...ingested('b.csv'), accepted: -1 }, correlationId: 'c' },
      ]),
    ).rejects.toThrow('BillsIngested event is invalid: detail.data.accepted');
    expect(bridge.requests).toHaveLength(0);
  });

  it("refuses another service's event when the publisher has a source", async () => {
    const bridge = fakeEventBridge(allAccepted);
    const publisher = createPublisher({ busName: 'b', client: bridge.client, source: 'payflow.payments' });
    await expect(publisher.publish(BillsIngested, ingested('a.csv'), { correlationId: 'c' })).rejects.toThrow(
      'BillsIngested belongs to payflow.billing-ingest; this publisher publishes payflow.payments events',
    );
  });

  it('splits 23 events into PutEvents requests of at most 10', async () => {
    const bridge = fakeEventBridge(allAccepted);
    const publisher = createPublisher({ busName: 'payflow-local', client: bridge.client });
    const entries: PublishEntry[] = Array.from({ length: 23 }, (_, index) => ({
      contract: BillsIngested,
      data: ingested(`bills/${index}.csv`),
      correlationId: 'c',
    }));
    const ids = await publisher.publishAll(entries);
    expect(bridge.requests.map((request) => request.length)).toEqual([10, 10, 3]);
    expect(new Set(ids).size).toBe(23);
    expect(bridge.requests.flat().map(detailId)).toEqual(ids);
  });

  it('keeps each request under 1 MB by size, and refuses a single event over 256 KB', async () => {
    const bridge = fakeEventBridge(allAccepted);
    const publisher = createPublisher({ busName: 'payflow-local', client: bridge.client });
    // ~211 KB each: five fit one request by count but not by size.
    const bigKey = (index: number) => `${index}/${'k'.repeat(1000)}`;
    const reason = 'r'.repeat(210 * 1024);
    const big: PublishEntry[] = Array.from({ length: 6 }, (_, index) => ({
      contract: InvoiceDue,
      data: {
        invoiceId: `inv-${index}`,
        customerName: reason.slice(0, 200),
        balance: { amount: 1, currency: 'EUR' },
        dueDate: '2026-12-01',
        contact: { channels: ['email'], email: 'a@example.com' },
      },
      correlationId: 'c',
      resources: [bigKey(index), reason],
    }));
    await publisher.publishAll(big);
    for (const request of bridge.requests) {
      const bytes = request.reduce((total, entry) => total + putEventsEntrySize(entry), 0);
      expect(bytes).toBeLessThanOrEqual(PUT_EVENTS_MAX_REQUEST_BYTES);
    }
    expect(bridge.requests.map((request) => request.length)).toEqual([4, 2]);

    const tooBig = { ...big[0]!, resources: ['x'.repeat(257 * 1024)] };
    await expect(publisher.publishAll([tooBig])).rejects.toThrow(
      /is \d+ bytes; EventBridge accepts at most 262144/,
    );
  });

  it('retries only the entries that failed, with growing jittered delays', async () => {
    let failFirstTwoAgain = true;
    const bridge = fakeEventBridge((entries, call) => {
      if (call === 1) {
        return {
          FailedEntryCount: 2,
          Entries: entries.map((_, index) =>
            index === 1 || index === 3
              ? { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' }
              : { EventId: `eb-${index}` },
          ),
        };
      }
      if (failFirstTwoAgain) {
        failFirstTwoAgain = false;
        return { FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure' }, { EventId: 'eb-ok' }] };
      }
      return allAccepted(entries);
    });
    const delays: number[] = [];
    const publisher = createPublisher({
      busName: 'payflow-local',
      client: bridge.client,
      baseDelayMs: 100,
      sleep: async (milliseconds) => {
        delays.push(milliseconds);
      },
      random: () => 0.5,
    });
    const entries: PublishEntry[] = ['a', 'b', 'c', 'd'].map((name) => ({
      contract: BillsIngested,
      data: ingested(`${name}.csv`),
      correlationId: 'c',
    }));

    const ids = await publisher.publishAll(entries);

    expect(bridge.requests.map((request) => request.map(detailId))).toEqual([
      ids,
      [ids[1], ids[3]],
      [ids[1]],
    ]);
    expect(delays).toEqual([50, 100]);
  });

  it('gives up after maxAttempts and names every unsent event and its error code', async () => {
    const bridge = fakeEventBridge((entries) => ({
      FailedEntryCount: 1,
      Entries: entries.map((entry, index) =>
        JSON.parse(entry.Detail ?? '{}').data.fileKey === 'b.csv'
          ? { ErrorCode: 'InternalFailure', ErrorMessage: 'Try again' }
          : { EventId: `eb-${index}` },
      ),
    }));
    const sleep = jest.fn(async () => undefined);
    const publisher = createPublisher({
      busName: 'payflow-local',
      client: bridge.client,
      maxAttempts: 3,
      sleep,
    });

    const error = await publisher
      .publishAll([
        {
          contract: BillsIngested,
          data: ingested('a.csv'),
          correlationId: 'c',
          id: '11111111-1111-4111-8111-111111111111',
        },
        {
          contract: BillsIngested,
          data: ingested('b.csv'),
          correlationId: 'c',
          id: '22222222-2222-4222-8222-222222222222',
        },
      ])
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(PublishError);
    expect((error as PublishError).message).toBe(
      '1 event(s) not published to payflow-local: BillsIngested 22222222-2222-4222-8222-222222222222 (InternalFailure: Try again)',
    );
    expect((error as PublishError).unsent).toEqual([
      {
        eventId: '22222222-2222-4222-8222-222222222222',
        detailType: 'BillsIngested',
        errorCode: 'InternalFailure',
        errorMessage: 'Try again',
      },
    ]);
    expect(bridge.requests.map((request) => request.length)).toEqual([2, 1, 1]);
    expect(sleep).toHaveBeenCalledTimes(2);
  });

  it('reports a whole batch as unsent when the request itself fails', async () => {
    const client: PutEventsSender = {
      send: async () => {
        throw Object.assign(new Error('bus payflow-local does not exist'), {
          name: 'ResourceNotFoundException',
        });
      },
    };
    const publisher = createPublisher({ busName: 'payflow-local', client });
    await expect(
      publisher.publish(BillsIngested, ingested('a.csv'), {
        correlationId: 'c',
        id: '33333333-3333-4333-8333-333333333333',
      }),
    ).rejects.toThrow(
      'BillsIngested 33333333-3333-4333-8333-333333333333 (ResourceNotFoundException: bus payflow-local does not exist)',
    );
  });
});

describe('putEventsEntrySize', () => {
  it('counts Time, Source, DetailType, Detail and Resources in UTF-8 bytes', () => {
    expect(
      putEventsEntrySize({
        Time: new Date(),
        Source: 'payflow.x',
        DetailType: 'Évent',
        Detail: '{"a":"€"}',
        Resources: ['arn:1', 'arn:2'],
      }),
    ).toBe(14 + 9 + 6 + 11 + 10);
  });
});
