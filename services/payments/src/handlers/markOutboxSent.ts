import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { parseSqsRecordEvent, PaymentFailed, PaymentSucceeded } from '@payflow/shared';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { services } from '../wiring';

const processor = new BatchProcessor(EventType.SQS);

const outcomes = { PaymentSucceeded, PaymentFailed } as const;

/**
 * The bus delivered a payment's outcome event (payments' own rule): its outbox entry is marked sent, so the
 * reconciler does not send it again. Only an event with the recorded id clears it (a repeat finds it cleared).
 */
async function markSent(record: SQSRecord): Promise<void> {
  const { detail } = parseSqsRecordEvent(outcomes, record);
  await services().payments.markPublished(detail.data.paymentId, detail.id, new Date().toISOString());
}

/**
 * SQS consumer of payments' own PaymentSucceeded and PaymentFailed: marking an event sent is the bus's
 * confirmation, not a write the paying request waits for. Failures per message.
 */
export const handler = async (event: SQSEvent, context: Context) =>
  processPartialResponse(event, markSent, processor, { context });
