import {
  httpHandler,
  idempotentRoute,
  readIdempotencyKey,
  requestFingerprint,
  type IdempotentRequest,
  IdentifierSchema,
  UnprocessableError,
  withCorrelationId,
  type HttpResult,
} from '@payflow/shared';
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { processPayment } from '../domain/pay';
import {
  paymentHttpStatus,
  paymentIdFor,
  paymentView,
  paySessionBodySchema,
  type PaySessionBody,
} from '../domain/payment';
import { sessionNotFound, sessionView } from '../domain/session';
import { answerAfterDeferredWork, deferWork } from '../deferred';
import { clientAddress, countDecline, refuseCardTesting } from '../guards';
import { correlationIdOf, logger, paymentDependencies, services } from '../wiring';

interface PaySessionInput {
  sessionId: string;
  body: PaySessionBody;
  correlationId: string;
  /** The client's address, for the declines limit. */
  client: string;
}

async function paySession({
  idempotencyKey,
  fingerprint,
  input,
}: IdempotentRequest<PaySessionInput>): Promise<HttpResult> {
  const { config, sessions, payments, sessionTarget } = services();
  const session = await sessions.get(input.sessionId);
  if (!session) throw sessionNotFound(input.sessionId);
  const notification = input.body.notification ?? session.notification;
  if (!notification) {
    throw new UnprocessableError('notification is required: this session was created without one', [
      { path: 'body.notification', message: 'say how to send the receipt (email, sms or both)' },
    ]);
  }
  const { target, rules } = sessionTarget(input.sessionId);
  const { payment: settled } = await processPayment(
    target,
    rules,
    {
      paymentId: paymentIdFor('session', idempotencyKey, fingerprint),
      amount: session.amount,
      card: input.body.card,
      notification,
    },
    // The session's events carry the correlation id of whoever asked for the payment (checkout's execution).
    {
      ...(await paymentDependencies(session.correlationId)),
      admit: () => refuseCardTesting(input.body.card.number, input.client),
      defer: (work) => deferWork(idempotencyKey, work),
    },
  );
  const payment =
    settled.status === 'PROCESSING' ? ((await payments.get(settled.paymentId)) ?? settled) : settled;
  await countDecline(payment, input.body.card.number, input.client);
  logger.info('Session payment settled', {
    paymentId: payment.paymentId,
    sessionId: session.sessionId,
    orderId: session.orderId,
    status: payment.status,
    amount: payment.amount,
    card: payment.card,
  });
  const now = new Date();
  const current = (await sessions.get(input.sessionId)) ?? session;
  return {
    statusCode: paymentHttpStatus(payment.status),
    headers: { location: `/payments/${payment.paymentId}` },
    body: { ...paymentView(payment), session: sessionView(current, config.payPageUrl, now) },
  };
}

let route: ReturnType<typeof idempotentRoute<PaySessionInput>> | undefined;

/** POST /payment-sessions/{sessionId}/pay: pay a session by card; idempotent like invoice payments. */
export const handler = httpHandler(
  { body: paySessionBodySchema(), path: z.strictObject({ sessionId: IdentifierSchema }), logger },
  async ({ body, path, headers, context, event }) => {
    const correlationId = correlationIdOf(headers, context.awsRequestId);
    withCorrelationId(logger, correlationId);
    const idempotencyKey = readIdempotencyKey(headers);
    const idempotent = (route ??= idempotentRoute(
      { scope: 'payPaymentSession', tableName: services().config.idempotencyTable, subject: 'payment' },
      paySession,
    ));
    const fingerprint = await requestFingerprint(`session:${path.sessionId}`, event.body);
    // The outcome's event goes out beside the idempotency record's last write; both are done before we answer.
    return answerAfterDeferredWork(idempotencyKey, () =>
      idempotent(
        {
          idempotencyKey,
          fingerprint,
          input: { sessionId: path.sessionId, body, correlationId, client: clientAddress(event) },
        },
        context as Context,
      ),
    );
  },
);
