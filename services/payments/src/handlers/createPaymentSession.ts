import { ForbiddenError, httpHandler, IdempotencyKeySchema, UnprocessableError } from '@payflow/shared';
import { randomUUID } from 'node:crypto';
import {
  CreateSessionBodySchema,
  deadlineProblem,
  isSameSessionRequest,
  newSession,
  sessionIdFor,
  sessionView,
} from '../domain/session';
import { authorize } from '../guards';
import { logger, services } from '../wiring';

/**
 * POST /payment-sessions: another service (or checkout's state machine, with its task token) asks for a payment.
 * With an Idempotency-Key the session's id follows from the key and the order, so a retried request gets the
 * session the first one made (200) instead of a second one.
 */
export const handler = httpHandler(
  { body: CreateSessionBodySchema, logger },
  async ({ body, headers, correlationId }) => {
    // Merchants and Payflow services (scope payments/sessions); the session belongs to the caller's client.
    const principal = await authorize(headers, 'payments/sessions');
    if (body.merchantId !== undefined && body.merchantId !== principal.clientId) {
      throw new ForbiddenError();
    }
    body.merchantId = principal.clientId;
    const { sessions, expiryQueue, config } = services();
    const now = new Date();
    const problem = deadlineProblem(body, now);
    if (problem) throw new UnprocessableError(problem, [{ path: 'body.expiresAt', message: problem }]);
    const key =
      headers['idempotency-key'] === undefined
        ? undefined
        : IdempotencyKeySchema.safeParse(headers['idempotency-key']);
    if (key && !key.success) {
      const message = key.error.issues[0]?.message ?? 'Idempotency-Key header is invalid';
      throw new UnprocessableError(message, [{ path: 'headers.idempotency-key', message }]);
    }
    // Scoped to the caller: two merchants who reuse a key for the same order id never share a session.
    const sessionId = key?.success
      ? sessionIdFor(`${principal.clientId}\n${key.data}`, body.orderId)
      : `ps_${randomUUID()}`;
    const { created, session } = await sessions.create(newSession(body, { sessionId, correlationId }, now));
    if (!created) {
      if (!isSameSessionRequest(session, body)) {
        throw new UnprocessableError(
          'This Idempotency-Key was already used for a session with another order or amount; use a new key',
        );
      }
      logger.info('Payment session request repeated; the existing session answers', {
        sessionId,
        orderId: session.orderId,
      });
      return {
        statusCode: 200,
        headers: { location: `/payment-sessions/${sessionId}` },
        body: sessionView(session, config.payPageUrl, now),
      };
    }
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
