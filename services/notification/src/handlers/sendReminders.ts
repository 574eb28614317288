import { observedHandler } from '@payflow/shared';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { logger, services } from '../wiring';
import { notifySqsBatch } from '../notify-batch';

/**
 * The reminders lane (InvoiceDue): e-mails go out in SendBulkEmail calls, paced to this worker's share of the
 * SES account's maximum send rate (GetAccount), leaving the transactional lane its share; they stop while their
 * share of the daily quota is spent.
 */
const sendReminders = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  logger.addContext(context);
  const { config, lanePorts, dailyQuotaWait, scheduleRetry } = services();
  return notifySqsBatch(event.Records, {
    ports: await lanePorts('reminders', context.getRemainingTimeInMillis()),
    retryBaseSeconds: config.retryBaseSeconds,
    scheduleRetry,
    logger,
    summariseSent: true,
    // Their share of the SES daily quota spent, the reminders stay queued (README: the daily quota).
    dailyQuotaWait,
  });
};

export const handler = observedHandler(sendReminders);
