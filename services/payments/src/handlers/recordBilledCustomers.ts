import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import {
  CustomerDetailsIngested,
  observedHandler,
  parseSqsRecordEvent,
  withCorrelationId,
} from '@payflow/shared';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { billedCustomerChange } from '../domain/customer';
import { announceCustomer, logger, services } from '../wiring';

const processor = new BatchProcessor(EventType.SQS);

const billedCustomers = { CustomerDetailsIngested } as const;

/** Reads and writes again when another change landed in between; past this, SQS delivers the record again. */
const ATTEMPTS = 3;

/**
 * A bills file named a customer with an e-mail or phone: create the merchant's customer, or update it when the
 * file states newer than what it has (billedCustomerChange). Each write is conditional on what was read, so a
 * PATCH or another file landing in between makes it read and decide again, never overwrite.
 */
async function recordBilledCustomer(record: SQSRecord): Promise<void> {
  const { detail } = parseSqsRecordEvent(billedCustomers, record);
  withCorrelationId(logger, detail.correlationId);
  const details = detail.data;
  const { customers } = services();
  for (let attempt = 1; attempt <= ATTEMPTS; attempt += 1) {
    const change = billedCustomerChange(await customers.get(details.customerId), details, new Date());
    const about = {
      customerId: details.customerId,
      merchantId: details.merchantId,
      fileKey: details.fileKey,
      row: details.row,
      eventId: detail.id,
    };
    if (change.kind === 'ignore') {
      if (change.reason === 'another merchant') {
        logger.warn(
          "A bills file names another merchant's customer id; that customer is left as it is",
          about,
        );
        return;
      }
      logger.info('Customer details already as new as the file states; nothing changed', {
        ...about,
        reason: change.reason,
      });
      // This statement was written before: announce the customer again (same id), in case a crash came between.
      const current =
        change.reason === 'already applied' ? await customers.get(details.customerId) : undefined;
      if (current) await announceCustomer(current, detail.correlationId);
      return;
    }
    const written =
      change.kind === 'create'
        ? await customers.create(change.customer, detail.correlationId)
        : await customers.replace(change.customer, detail.correlationId);
    if (written) {
      // Thrown on failure: the record comes back, finds the statement applied, and announces it then.
      await announceCustomer(change.customer, detail.correlationId);
      logger.info(
        change.kind === 'create'
          ? 'Customer registered from a bills file'
          : 'Customer updated from a bills file',
        {
          ...about,
          channels: change.customer.channels,
          version: change.customer.version,
        },
      );
      return;
    }
  }
  throw new Error(
    `Customer ${details.customerId} kept changing while a bills file's details were recorded; the record is retried`,
  );
}

/** SQS consumer of billing-ingest's CustomerDetailsIngested (payments' own rule); failures per message. */
const recordBilledCustomers = async (event: SQSEvent, context: Context) =>
  processPartialResponse(event, recordBilledCustomer, processor, { context });

export const handler = observedHandler(recordBilledCustomers);
