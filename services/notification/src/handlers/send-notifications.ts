import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger, services } from '../wiring';
import { createNotifyRecord } from './notify-record';

const processor = new BatchProcessor(EventType.SQS);
let notifyRecord: ((record: SQSRecord) => Promise<void>) | undefined;

/** SQS consumer of customer-facing events: per-record results, so one bad record never holds back the batch. */
export const handler = async (event: SQSEvent, context: Context) => {
  logger.addContext(context);
  const { config, idempotencyConfig, ports, scheduleRetry } = services();
  // Claims on sends expire with this invocation's remaining time, so a crash mid-send frees them.
  idempotencyConfig.registerLambdaContext(context);
  notifyRecord ??= createNotifyRecord({
    ports,
    retryBaseSeconds: config.retryBaseSeconds,
    scheduleRetry,
    logger,
  });
  return processPartialResponse(event, notifyRecord, processor, { context, throwOnFullBatchFailure: false });
};
