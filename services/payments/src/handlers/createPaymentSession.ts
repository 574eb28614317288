import { httpHandler, withCorrelationId } from '@payflow/shared';
import { randomUUID } from 'node:crypto';
import { CreateSessionBodySchema, newSession, sessionView } from '../domain/session';
import { correlationIdOf, logger, services } from '../wiring';

/** POST /payment-sessions: another service (or checkout's state machine, with its task token) asks for a payment. */
export const handler = httpHandler(
  { body: CreateSessionBodySchema, logger },
  async ({ body, headers, context }) => {
    const correlationId = correlationIdOf(headers, context.awsRequestId);
    withCorrelationId(logger, correlationId);
    const { sessions, expiryQueue, config } = services();
    const now = new Date();
    const session = newSession(body, { sessionId: `ps_${randomUUID()}`, correlationId }, now);
    await sessions.create(session);
    await expiryQueue.schedule({ sessionId: session.sessionId, payBefore: session.payBefore }, now);
    // The task token is a credential of the caller's execution: never logged, never returned.
    logger.info('Payment session created', {
      sessionId: session.sessionId,
      orderId: session.orderId,
      amount: session.amount,
      payBefore: session.payBefore,
      withTaskToken: Boolean(session.taskToken),
    });
    return {
      statusCode: 201,
      headers: { location: `/payment-sessions/${session.sessionId}` },
      body: sessionView(session, config.payPageUrl, now),
    };
  },
);
