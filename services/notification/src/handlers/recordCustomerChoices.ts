import {
  CustomerRegistered,
  CustomerUpdated,
  EventValidationError,
  observedHandler,
  parseSqsRecordEvent,
  withCorrelationId,
} from '@payflow/shared';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { logger, services } from '../wiring';

const customerChanges = { CustomerRegistered, CustomerUpdated } as const;

/**
 * Keeps notification's copy of each customer's channels from payments' CustomerRegistered / CustomerUpdated.
 * Event-carried state rather than a call to payments: a reminder never waits on payments, and notification never
 * reads payments' table. A copy only moves forward (version), so a late, repeated or replayed event changes nothing.
 * Only ids, merchant, version and channel names are logged, never an address.
 */
const recordCustomerChoices = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  logger.addContext(context);
  const failures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      const { detailType, detail } = parseSqsRecordEvent(customerChanges, record);
      const child = withCorrelationId(logger.createChild(), detail.correlationId);
      const { customerId, merchantId, version, channels } = detail.data;
      const kept = await services().customerChoices.record(detail.data, new Date());
      child.info(kept ? "Customer's channels kept" : "Customer's channels already as new; nothing changed", {
        messageId: record.messageId,
        detailType,
        eventId: detail.id,
        customerId,
        merchantId,
        version,
        channels,
      });
    } catch (error) {
      // A contract failure is retried like any other, so it ends in the DLQ after its third receive, visible.
      logger.error("Could not keep a customer's channels; the record is retried", {
        messageId: record.messageId,
        error: error instanceof EventValidationError ? error.message : String(error),
      });
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures: failures };
};

export const handler = observedHandler(recordCustomerChoices);
