import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import {
  OrderRejected,
  parseSqsRecordEvent,
  PaymentTimedOut,
  withCorrelationId,
  observedHandler,
} from '@payflow/shared';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { closeSession, orderClosedReasons } from '../domain/session';
import { logger, services } from '../wiring';

const processor = new BatchProcessor(EventType.SQS);

const orderOutcomes = { OrderRejected, PaymentTimedOut } as const;

/**
 * Checkout decided an order without its payment (rejected, cancelled after a decline, timed out): the order's
 * sessions that still take a card are closed, so paying one answers 410 and no card is charged for a dead order.
 */
async function closeForOutcome(record: SQSRecord): Promise<void> {
  const { detailType, detail } = parseSqsRecordEvent(orderOutcomes, record);
  // Records run in parallel: each logs through a child of its own, never the shared logger's last id.
  const orderLogger = withCorrelationId(logger.createChild(), detail.correlationId);
  const now = new Date();
  const closed = await services().sessions.closeForOrder(detail.data.orderId, (session) =>
    closeSession(session, orderClosedReasons[detailType], now),
  );
  orderLogger.info('Order decided: its open payment sessions are closed', {
    orderId: detail.data.orderId,
    detailType,
    closed: closed.map((session) => session.sessionId),
  });
}

/** SQS consumer of checkout's OrderRejected and PaymentTimedOut (payments' own rule); failures per message. */
const closeOrderSessions = async (event: SQSEvent, context: Context) =>
  processPartialResponse(event, closeForOutcome, processor, { context });

export const handler = observedHandler(closeOrderSessions, { logger });
