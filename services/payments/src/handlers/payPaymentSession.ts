import {
  httpHandler,
  readIdempotencyKey,
  requestFingerprint,
  IdentifierSchema,
  UnprocessableError,
  type HttpResult,
} from '@payflow/shared';
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { processPayment } from '../domain/pay';
import { paymentIdFor, paySessionBodySchema, type PaySessionBody } from '../domain/payment';
import { sessionNotFound, sessionView } from '../domain/session';
import { answerAfterDeferredWork, deferWork } from '../deferred';
import { paymentAnswer, paymentAsItStands } from '../payment-answer';
import { clientAddress, countDecline, refuseCardTesting } from '../guards';
import { logger, paymentDependencies, requestDeadline, services } from '../wiring';

interface PaySessionRequest {
  sessionId: string;
  body: PaySessionBody;
  idempotencyKey: string;
  fingerprint: string;
  /** The client's address, for the declines limit. */
  client: string;
  context: Context;
}

async function paySession(input: PaySessionRequest): Promise<HttpResult> {
  const { config, sessions, sessionTarget } = services();
  const session = await sessions.get(input.sessionId);
  if (!session) throw sessionNotFound(input.sessionId);
  const notification = input.body.notification ?? session.notification;
  if (!notification) {
    throw new UnprocessableError('notification is required: this session was created without one', [
      { path: 'body.notification', message: 'say how to send the receipt (email, sms or both)' },
    ]);
  }
  const { target, rules } = sessionTarget(input.sessionId);
  const outcome = await processPayment(
    target,
    rules,
    {
      // The payment is the Idempotency-Key's record: a repeat finds it, another body under the key is refused.
      paymentId: paymentIdFor('session', input.idempotencyKey),
      fingerprint: input.fingerprint,
      inFlightUntil: requestDeadline(input.context),
      amount: session.amount,
      card: input.body.card,
      notification,
    },
    // The session's events carry the correlation id of whoever asked for the payment (checkout's execution).
    {
      ...(await paymentDependencies(session.correlationId)),
      admit: () => refuseCardTesting(input.body.card.number, input.client),
      defer: (work) => deferWork(input.idempotencyKey, work),
    },
  );
  const payment = await paymentAsItStands(outcome.payment);
  if (outcome.replayed) {
    logger.info('Session payment asked for again; its payment answers', {
      paymentId: payment.paymentId,
      sessionId: session.sessionId,
      status: payment.status,
    });
  } else {
    await countDecline(payment, input.body.card.number, input.client);
    logger.info('Session payment settled', {
      paymentId: payment.paymentId,
      sessionId: session.sessionId,
      orderId: session.orderId,
      status: payment.status,
      amount: payment.amount,
      card: payment.card,
    });
  }
  const now = new Date();
  const current = outcome.current ?? (await sessions.get(input.sessionId)) ?? session;
  return paymentAnswer(payment, outcome.replayed, { session: sessionView(current, config.payPageUrl, now) });
}

/** POST /payment-sessions/{sessionId}/pay: pay a session by card; idempotent like invoice payments. */
export const handler = httpHandler(
  { body: paySessionBodySchema(), path: z.strictObject({ sessionId: IdentifierSchema }), logger },
  async ({ body, path, headers, context, event }) => {
    const idempotencyKey = readIdempotencyKey(headers);
    // The request as sent, without its CVV, as a keyed hash: a repeat must match it exactly.
    const fingerprint = await requestFingerprint(`session:${path.sessionId}`, event.body);
    // The outcome's event is published beside the answer's last steps; both are done before we answer.
    return answerAfterDeferredWork(idempotencyKey, () =>
      paySession({
        sessionId: path.sessionId,
        body,
        idempotencyKey,
        fingerprint,
        client: clientAddress(event),
        context: context as Context,
      }),
    );
  },
);
