import { observedHandler } from '@payflow/shared';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { logger, services } from '../wiring';
import { notifySqsBatch } from './notify-batch';

/**
 * The reminders lane (InvoiceDue): e-mails go out in SendBulkEmail calls, paced to this worker's share of the
 * SES account's maximum send rate (GetAccount), leaving the transactional lane its share.
 */
const sendReminders = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  logger.addContext(context);
  const { config, lanePorts, scheduleRetry } = services();
  return notifySqsBatch(event.Records, {
    ports: await lanePorts('reminders', context.getRemainingTimeInMillis()),
    retryBaseSeconds: config.retryBaseSeconds,
    scheduleRetry,
    logger,
    summariseSent: true,
  });
};

export const handler = observedHandler(sendReminders);
