import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import {
  awsClient,
  EventValidationError,
  parseSqsRecordEvent,
  RefundRequested,
  withCorrelationId,
  type EventDetailOf,
  observedHandler,
} from '@payflow/shared';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { refundPayment, type RefundInstruction } from '../domain/refund';
import { logger, refundDependencies, services } from '../wiring';

interface RefundJob extends RefundInstruction {
  correlationId: string;
}

/** What the idempotency record keeps of a refund: ids and outcome, never the card. */
interface RefundSummary {
  outcome: 'refunded' | 'already-refunded';
  paymentId: string;
  refundId: string;
  /** Set when Powertools answered from its record: an earlier request already did the work. */
  replayed?: boolean;
}

/** A refund this service will not make; acknowledged (retrying cannot change it), and not remembered. */
class RefundRefusedError extends Error {
  override name = 'RefundRefusedError';
}

async function refundOnce(job: RefundJob): Promise<RefundSummary> {
  const { correlationId, ...instruction } = job;
  const result = await refundPayment(instruction, await refundDependencies(correlationId));
  if (result.outcome === 'refused') throw new RefundRefusedError(result.reason);
  return {
    outcome: result.outcome,
    paymentId: result.payment.paymentId,
    refundId: result.payment.refund?.refundId ?? '',
  };
}

const idempotencyConfig = new IdempotencyConfig({
  // One refund per payment: a second request for it, while the first is in flight, waits for its retry.
  eventKeyJmesPath: 'paymentId',
  expiresAfterSeconds: 24 * 60 * 60,
  responseHook: (response) => ({ ...(response as unknown as RefundSummary), replayed: true }) as never,
});
let refundPaymentOnce: ((job: RefundJob) => Promise<RefundSummary>) | undefined;

function idempotentRefund() {
  refundPaymentOnce ??= makeIdempotent(refundOnce, {
    persistenceStore: new DynamoDBPersistenceLayer({
      tableName: services().config.idempotencyTable,
      awsSdkV3Client: awsClient(DynamoDBClient),
    }),
    config: idempotencyConfig,
    keyPrefix: 'refundPayment',
  });
  return refundPaymentOnce;
}

async function refundRecord(record: SQSRecord): Promise<void> {
  let detail: EventDetailOf<typeof RefundRequested>;
  try {
    detail = parseSqsRecordEvent(RefundRequested, record);
  } catch (error) {
    if (!(error instanceof EventValidationError)) throw error;
    // It will never be valid: it fails, and after its third receive it waits in the DLQ for someone to look.
    logger.error('Record is not a RefundRequested event; it goes to the DLQ after its third receive', {
      messageId: record.messageId,
      error: error.message,
    });
    throw error;
  }
  // Records run in parallel: each has its own child logger, so correlation ids never cross.
  const recordLogger = withCorrelationId(logger.createChild(), detail.correlationId);
  const { data } = detail;
  const request = { paymentId: data.paymentId, orderId: data.orderId, eventId: detail.id };
  try {
    const summary = await idempotentRefund()({
      paymentId: data.paymentId,
      orderId: data.orderId,
      amount: data.amount,
      reason: data.reason,
      correlationId: detail.correlationId,
    });
    const done = summary.outcome === 'refunded' && !summary.replayed;
    recordLogger.info(done ? 'Payment refunded' : 'Payment already refunded; nothing done again', {
      ...request,
      refundId: summary.refundId,
      amount: data.amount,
    });
  } catch (error) {
    if (error instanceof RefundRefusedError) {
      recordLogger.warn('Refund refused; the request is acknowledged', { ...request, reason: error.message });
      return;
    }
    if (error instanceof IdempotencyAlreadyInProgressError) {
      recordLogger.info('A refund of this payment is in flight; this request is retried after it', request);
    } else {
      recordLogger.error('Refund not finished; the request will be retried', {
        ...request,
        error: error instanceof Error ? error.message : String(error),
      });
    }
    throw error;
  }
}

const processor = new BatchProcessor(EventType.SQS);

/** SQS consumer of checkout's RefundRequested events (payments' own rule); failures are reported per message. */
const refundPayments = async (event: SQSEvent, context: Context) => {
  logger.addContext(context);
  // A claim on a payment expires with this invocation, so a crash mid-refund frees it for the retry.
  idempotencyConfig.registerLambdaContext(context);
  return processPartialResponse(event, refundRecord, processor, { context, throwOnFullBatchFailure: false });
};

export const handler = observedHandler(refundPayments);
