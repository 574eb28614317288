import {
  httpHandler,
  readIdempotencyKey,
  requestFingerprint,
  IdentifierSchema,
  type HttpResult,
} from '@payflow/shared';
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { invoiceAfterPayment, invoiceView } from '../domain/invoice';
import { processPayment } from '../domain/pay';
import { payInvoiceBodySchema, paymentIdFor, type PayInvoiceBody } from '../domain/payment';
import { answerAfterDeferredWork, deferWork } from '../deferred';
import { paymentAnswer, paymentAsItStands } from '../payment-answer';
import { clientAddress, countDecline, openInvoice, refuseCardTesting } from '../guards';
import { logger, paymentDependencies, requestDeadline, services } from '../wiring';

interface PayInvoiceRequest {
  invoiceId: string;
  body: PayInvoiceBody;
  idempotencyKey: string;
  fingerprint: string;
  correlationId: string;
  /** The client's address, for the declines limit. */
  client: string;
  context: Context;
}

async function payInvoice(input: PayInvoiceRequest): Promise<HttpResult> {
  const { readInvoice, invoiceTarget } = services();
  const { target, rules } = invoiceTarget(input.invoiceId);
  const outcome = await processPayment(
    target,
    rules,
    {
      // The payment is the Idempotency-Key's record: a repeat finds it, another body under the key is refused.
      paymentId: paymentIdFor('invoice', input.idempotencyKey),
      fingerprint: input.fingerprint,
      inFlightUntil: requestDeadline(input.context),
      amount: input.body.amount,
      card: input.body.card,
      notification: input.body.notification,
    },
    {
      ...(await paymentDependencies(input.correlationId)),
      admit: () => refuseCardTesting(input.body.card.number, input.client),
      defer: (work) => deferWork(input.idempotencyKey, work),
    },
  );
  const { before, replayed } = outcome;
  const payment = await paymentAsItStands(outcome.payment);
  if (replayed) {
    logger.info('Invoice payment asked for again; its payment answers', {
      paymentId: payment.paymentId,
      status: payment.status,
    });
  } else {
    await countDecline(payment, input.body.card.number, input.client);
    logger.info('Invoice payment settled', {
      paymentId: payment.paymentId,
      invoiceId: input.invoiceId,
      status: payment.status,
      amount: payment.amount,
      card: payment.card,
    });
  }
  // The invoice as this payment left it, or as it now stands for a repeat; read again when a retry resumed one.
  const account = before
    ? invoiceAfterPayment(before, payment)
    : (outcome.current ?? (await readInvoice(input.invoiceId)));
  return paymentAnswer(payment, replayed, account ? { invoice: invoiceView(account) } : {});
}

/** POST /invoices/{invoiceId}/payments: pay all or part of an invoice by card. */
export const handler = httpHandler(
  { body: payInvoiceBodySchema(), path: z.strictObject({ invoiceId: IdentifierSchema }), logger },
  async ({ body, path, headers, context, event, correlationId }) => {
    // Only the reminder's pay link or access code opens an invoice; anything else is an unknown invoice.
    await openInvoice(event, path.invoiceId);
    const idempotencyKey = readIdempotencyKey(headers);
    // The request as sent, without its CVV, as a keyed hash: a repeat must match it exactly.
    const fingerprint = await requestFingerprint(`invoice:${path.invoiceId}`, event.body);
    // The outcome's event is published beside the answer's last steps; both are done before we answer.
    return answerAfterDeferredWork(idempotencyKey, () =>
      payInvoice({
        invoiceId: path.invoiceId,
        body,
        idempotencyKey,
        fingerprint,
        correlationId,
        client: clientAddress(event),
        context: context as Context,
      }),
    );
  },
);
