import { observedHandler } from '@payflow/shared';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { logger, services } from '../wiring';
import { notifySqsBatch } from '../notify-batch';

/**
 * The transactional lane: receipts, payment failures, refunds, order outcomes, expired sessions. Each message
 * goes out on its own call at once; reminders never queue in front of these (they have their own queue).
 */
const sendNotifications = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  logger.addContext(context);
  const { config, lanePorts, scheduleRetry } = services();
  return notifySqsBatch(event.Records, {
    ports: await lanePorts('transactional', context.getRemainingTimeInMillis()),
    retryBaseSeconds: config.retryBaseSeconds,
    scheduleRetry,
    logger,
  });
};

export const handler = observedHandler(sendNotifications);
