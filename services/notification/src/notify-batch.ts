import {
  EventValidationError,
  metrics,
  parseSqsRecordEvent,
  withCorrelationId,
  type Logger,
  type ServiceMetrics,
} from '@payflow/shared';
import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { countSends } from './adapters/metrics';
import { customerEvents } from './domain/customer-events';
import { describeError, retryDelaySeconds } from './domain/delivery-errors';
import { notifyBatch, type BatchItem, type NotifyPorts } from './domain/notify';

export interface BatchDependencies {
  ports: NotifyPorts;
  retryBaseSeconds: number;
  /** Hides a failed record for this long before its next receive. */
  scheduleRetry(record: SQSRecord, delaySeconds: number): Promise<void>;
  logger: Logger;
  /**
   * One log line for the batch's successful sends (each with its messageId, correlationId, eventId) instead of a
   * line each: the reminders lane sends thousands a minute. Everything else is still logged per record.
   */
  summariseSent?: boolean;
  /** Where the batch's sends are counted; the function's own metrics unless a test gives its own. */
  metrics?: ServiceMetrics;
  /**
   * The reminders lane: seconds to leave the batch queued when its share of the SES daily quota is spent
   * (undefined while it is not). Nothing is claimed or sent; every record comes back after that long.
   */
  dailyQuotaWait?: () => Promise<number | undefined>;
}

/**
 * One SQS batch: validate each record against its contract, tell every customer (sends are batched across the
 * records: one claim each, SendBulkEmail on the reminders lane, one batched write of the records), log what
 * happened, and report the records that must come back (ReportBatchItemFailures), each with its retry delay set.
 */
export async function notifySqsBatch(
  records: SQSRecord[],
  deps: BatchDependencies,
): Promise<SQSBatchResponse> {
  const { logger } = deps;
  const failed: Array<{ record: SQSRecord; delay: number }> = [];
  const receiveCount = (record: SQSRecord) => Number(record.attributes?.ApproximateReceiveCount ?? 1);

  const items: BatchItem[] = [];
  const byId = new Map<string, SQSRecord>();
  for (const record of records) {
    byId.set(record.messageId, record);
    try {
      items.push({ id: record.messageId, event: parseSqsRecordEvent(customerEvents, record) });
    } catch (error) {
      if (!(error instanceof EventValidationError)) throw error;
      // Nobody to tell (no valid contact), and dropping it would lose it: it fails at once and waits in the DLQ.
      logger.error(
        'Record is not a customer event this service can notify; it goes to the DLQ after its third receive',
        { messageId: record.messageId, receiveCount: receiveCount(record), error: error.message },
      );
      failed.push({ record, delay: retryDelaySeconds(receiveCount(record), deps.retryBaseSeconds, false) });
    }
  }

  const wait = items.length > 0 ? await deps.dailyQuotaWait?.() : undefined;
  if (wait !== undefined) {
    logger.warn(
      `SES daily quota spent (the reminders' share): ${items.length} records stay queued for ${wait} s`,
      { messageIds: items.map((i) => i.id), retryInSeconds: wait },
    );
    for (const item of items) failed.push({ record: byId.get(item.id)!, delay: wait });
    items.length = 0;
  }

  const { items: results, recordError } = await notifyBatch(items, deps.ports);
  if (recordError !== undefined) {
    logger.error(
      'Sent, but the sends records were not stored: a redelivery after the claims expire would resend',
      {
        error: describeError(recordError),
        eventIds: items.map((i) => i.event.detail.id),
      },
    );
  }
  countSends(
    deps.metrics ?? metrics,
    results.flatMap((result) => result.records),
  );
  const summarised: Array<Record<string, unknown>> = [];
  for (const result of results) {
    const record = byId.get(result.id)!;
    // Made only when this record logs a line of its own: a child logger per record cost a batch of 100 ~2 ms.
    let child: Logger | undefined;
    const recordLogger = () =>
      (child ??= withCorrelationId(logger.createChild(), result.event.detail.correlationId));
    for (const send of result.records) {
      if (deps.summariseSent && send.status === 'SENT' && !send.replayed) {
        summarised.push({
          messageId: record.messageId,
          correlationId: result.event.detail.correlationId,
          eventId: send.eventId,
          channel: send.channel,
          to: send.to,
          providerMessageId: send.providerMessageId,
        });
        continue;
      }
      const message = send.replayed
        ? 'Already handled; nothing sent again'
        : send.status === 'SENT'
          ? 'Notification sent'
          : send.status === 'SKIPPED'
            ? 'Notification skipped: the recipient must not be contacted on this channel'
            : 'Notification refused for good; NotificationFailed published';
      recordLogger().info(message, { messageId: record.messageId, receiveCount: receiveCount(record), send });
    }
    if (result.error) {
      const delay = retryDelaySeconds(receiveCount(record), deps.retryBaseSeconds, true);
      recordLogger().warn('Notification not sent; the record will be retried', {
        messageId: record.messageId,
        eventId: result.event.detail.id,
        detailType: result.event.detailType,
        receiveCount: receiveCount(record),
        retryInSeconds: delay,
        error: describeError(result.error),
      });
      failed.push({ record, delay });
    }
  }

  if (summarised.length > 0)
    logger.info(`${summarised.length} notifications sent`, { sent: summarised.length, sends: summarised });

  await Promise.all(
    failed.map(async ({ record, delay }) => {
      try {
        await deps.scheduleRetry(record, delay);
      } catch (error) {
        logger.warn('Could not shorten the retry delay; the record returns after the visibility timeout', {
          messageId: record.messageId,
          error: describeError(error),
        });
      }
    }),
  );
  return { batchItemFailures: failed.map(({ record }) => ({ itemIdentifier: record.messageId })) };
}
