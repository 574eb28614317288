import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { withCorrelationId, observedHandler } from '@payflow/shared';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { ExpiryCheckSchema } from '../adapters/expiry-queue';
import { isPastDeadline } from '../domain/session';
import { logger, services } from '../wiring';

/** How long to look again when a payment is in flight at the deadline (it may still fail and free the session). */
const IN_FLIGHT_RECHECK_SECONDS = 60;

const processor = new BatchProcessor(EventType.SQS);

async function checkSession(record: SQSRecord): Promise<void> {
  const check = ExpiryCheckSchema.parse(JSON.parse(record.body));
  const { sessions, events, expiryQueue } = services();
  const now = new Date();
  const session = await sessions.get(check.sessionId);
  if (!session) return; // TTL already removed it: nobody can pay it and nobody is told twice.
  // Records run in parallel: each logs through a child of its own, never the shared logger's last id.
  const sessionLogger = withCorrelationId(logger.createChild(), session.correlationId);
  if (session.status === 'CREATED' && !isPastDeadline(session, now)) {
    await expiryQueue.schedule({ sessionId: session.sessionId, payBefore: session.payBefore }, now);
    return;
  }
  if (session.status === 'PROCESSING') {
    await expiryQueue.schedule(check, now, IN_FLIGHT_RECHECK_SECONDS);
    return;
  }
  const expired = await sessions.markExpired(session.sessionId, now);
  if (!expired) return; // paid, or already expired and published
  if (expired.notification) {
    await events.sessionExpired(
      { ...expired, notification: expired.notification },
      new Date(expired.payBefore),
    );
  } else {
    // The event contract needs someone to notify; a session created without a choice had no waiting caller.
    sessionLogger.warn('Payment session expired without a notification choice; no event published', {
      sessionId: expired.sessionId,
      orderId: expired.orderId,
    });
  }
  await sessions.markExpiryPublished(expired.sessionId, now);
  sessionLogger.info('Payment session expired', { sessionId: expired.sessionId, orderId: expired.orderId });
}

/** SQS consumer of delayed "is this session due?" checks; failures are reported per message. */
const expirePaymentSessions = async (event: SQSEvent, context: Context) =>
  processPartialResponse(event, checkSession, processor, { context });

export const handler = observedHandler(expirePaymentSessions, { logger });
