import {
  BillsIngested,
  BillsIngestFailed,
  InvoiceDue,
  PUT_EVENTS_MAX_ENTRIES,
  type Publisher,
} from '@payflow/shared';
import type { IngestEvents } from '../domain/ingest-file';

/**
 * Outcome events on the bus. InvoiceDue goes out in PutEvents requests of 10 sent side by side,
 * so a unit of 100 bills costs one round trip, not ten.
 */
export function createIngestEvents(publisher: Publisher, correlationId: string): IngestEvents {
  return {
    async publishInvoicesDue(events) {
      const requests: Promise<string[]>[] = [];
      for (let start = 0; start < events.length; start += PUT_EVENTS_MAX_ENTRIES) {
        requests.push(
          publisher.publishAll(
            events.slice(start, start + PUT_EVENTS_MAX_ENTRIES).map(({ id, data }) => ({
              contract: InvoiceDue,
              data,
              id,
              correlationId,
            })),
          ),
        );
      }
      await Promise.all(requests);
    },
    async billsIngested(data, id) {
      await publisher.publish(BillsIngested, data, { id, correlationId });
    },
    async billsIngestFailed(data, id) {
      await publisher.publish(BillsIngestFailed, data, { id, correlationId });
    },
  };
}
