import { EventValidationError, parseSqsRecordEvent, withCorrelationId, type Logger } from '@payflow/shared';
import type { SQSRecord } from 'aws-lambda';
import { customerEvents, type CustomerEvent } from '../domain/customer-events';
import { describeError, retryDelaySeconds } from '../domain/delivery-errors';
import { notifyCustomer, type NotifyPorts } from '../domain/notify';

export interface RecordDependencies {
  ports: NotifyPorts;
  retryBaseSeconds: number;
  /** Hides a failed record for this long before its next receive. */
  scheduleRetry(record: SQSRecord, delaySeconds: number): Promise<void>;
  logger: Logger;
}

/**
 * One SQS record: validate its event against the contract, tell the customer, log what happened. Throwing
 * fails only this record (Powertools batch reports it); the retry delay is set first.
 */
export function createNotifyRecord(deps: RecordDependencies) {
  const { logger } = deps;

  async function retryLater(record: SQSRecord, delaySeconds: number): Promise<void> {
    try {
      await deps.scheduleRetry(record, delaySeconds);
    } catch (error) {
      logger.warn('Could not shorten the retry delay; the record returns after the visibility timeout', {
        messageId: record.messageId,
        error: describeError(error),
      });
    }
  }

  return async function notifyRecord(record: SQSRecord): Promise<void> {
    const receiveCount = Number(record.attributes?.ApproximateReceiveCount ?? 1);
    let event: CustomerEvent;
    try {
      event = parseSqsRecordEvent(customerEvents, record);
    } catch (error) {
      if (!(error instanceof EventValidationError)) throw error;
      // Nobody to tell (no valid contact), and dropping it would lose it: it fails at once and waits in the DLQ.
      logger.error(
        'Record is not a customer event this service can notify; it goes to the DLQ after its third receive',
        {
          messageId: record.messageId,
          receiveCount,
          error: error.message,
        },
      );
      await retryLater(record, retryDelaySeconds(receiveCount, deps.retryBaseSeconds, false));
      throw error;
    }

    const recordLogger = withCorrelationId(logger.createChild(), event.detail.correlationId);
    try {
      const records = await notifyCustomer(event, deps.ports);
      for (const sent of records) {
        const message = sent.replayed
          ? 'Already handled; nothing sent again'
          : sent.status === 'SENT'
            ? 'Notification sent'
            : 'Notification refused for good; NotificationFailed published';
        recordLogger.info(message, { messageId: record.messageId, receiveCount, send: sent });
      }
    } catch (error) {
      const delay = retryDelaySeconds(receiveCount, deps.retryBaseSeconds, true);
      recordLogger.warn('Notification not sent; the record will be retried', {
        messageId: record.messageId,
        eventId: event.detail.id,
        detailType: event.detailType,
        receiveCount,
        retryInSeconds: delay,
        error: describeError(error),
      });
      await retryLater(record, delay);
      throw error;
    }
  };
}
