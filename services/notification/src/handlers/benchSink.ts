import { observedHandler } from '@payflow/shared';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';

/**
 * Does nothing with its records: the benchmark's baseline, the bare rate at which SQS batches reach a function
 * and are deleted, next to which sendNotifications' end-to-end rate is read.
 */
const benchSink = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  void event;
  return { batchItemFailures: [] };
};

export const handler = observedHandler(benchSink);
