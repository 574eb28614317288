import {
  BillsIngested,
  BillsIngestFailed,
  CustomerDetailsIngested,
  InvoiceDue,
  PUT_EVENTS_MAX_ENTRIES,
  type EventContract,
  type EventDataInputOf,
  type PublishEntry,
  type Publisher,
} from '@payflow/shared';
import type { IngestEvents } from '../domain/ingest-file';

/**
 * Outcome events on the bus. InvoiceDue and CustomerDetailsIngested go out in PutEvents requests of 10 sent side
 * by side, so a unit of 100 bills costs one round trip, not ten.
 */
export function createIngestEvents(publisher: Publisher, correlationId: string): IngestEvents {
  const publishInTens = async <Contract extends EventContract>(
    contract: Contract,
    events: Array<{ id: string; data: EventDataInputOf<Contract> }>,
  ) => {
    const requests: Promise<string[]>[] = [];
    for (let start = 0; start < events.length; start += PUT_EVENTS_MAX_ENTRIES) {
      requests.push(
        publisher.publishAll(
          events
            .slice(start, start + PUT_EVENTS_MAX_ENTRIES)
            .map(({ id, data }) => ({ contract, data, id, correlationId }) as PublishEntry),
        ),
      );
    }
    await Promise.all(requests);
  };
  return {
    publishInvoicesDue: (events) => publishInTens(InvoiceDue, events),
    publishCustomerDetails: (events) => publishInTens(CustomerDetailsIngested, events),
    async billsIngested(data, id) {
      await publisher.publish(BillsIngested, data, { id, correlationId });
    },
    async billsIngestFailed(data, id) {
      await publisher.publish(BillsIngestFailed, data, { id, correlationId });
    },
  };
}
