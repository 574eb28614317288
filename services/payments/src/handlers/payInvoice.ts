import {
  httpHandler,
  idempotentRoute,
  readIdempotencyKey,
  requestFingerprint,
  type IdempotentRequest,
  IdentifierSchema,
  withCorrelationId,
  type HttpResult,
} from '@payflow/shared';
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { invoiceAfterPayment, invoiceView } from '../domain/invoice';
import { processPayment } from '../domain/pay';
import {
  payInvoiceBodySchema,
  paymentHttpStatus,
  paymentIdFor,
  paymentView,
  type PayInvoiceBody,
} from '../domain/payment';
import { answerAfterDeferredWork, deferWork } from '../deferred';
import { clientAddress, countDecline, openInvoice, refuseCardTesting } from '../guards';
import { correlationIdOf, logger, paymentDependencies, services } from '../wiring';

interface PayInvoiceInput {
  invoiceId: string;
  body: PayInvoiceBody;
  correlationId: string;
  /** The client's address, for the declines limit. */
  client: string;
}

async function payInvoice({
  idempotencyKey,
  fingerprint,
  input,
}: IdempotentRequest<PayInvoiceInput>): Promise<HttpResult> {
  const { readInvoice, payments, invoiceTarget } = services();
  const { target, rules } = invoiceTarget(input.invoiceId);
  const { payment: settled, before } = await processPayment(
    target,
    rules,
    {
      paymentId: paymentIdFor('invoice', idempotencyKey, fingerprint),
      amount: input.body.amount,
      card: input.body.card,
      notification: input.body.notification,
    },
    {
      ...(await paymentDependencies(input.correlationId)),
      admit: () => refuseCardTesting(input.body.card.number, input.client),
      defer: (work) => deferWork(idempotencyKey, work),
    },
  );
  // A payment someone else settled meanwhile (the reconciler) answers as it now stands.
  const payment =
    settled.status === 'PROCESSING' ? ((await payments.get(settled.paymentId)) ?? settled) : settled;
  await countDecline(payment, input.body.card.number, input.client);
  logger.info('Invoice payment settled', {
    paymentId: payment.paymentId,
    invoiceId: input.invoiceId,
    status: payment.status,
    amount: payment.amount,
    card: payment.card,
  });
  // The invoice as this payment left it; read again only when a retry resumed an earlier attempt.
  const account = before ? invoiceAfterPayment(before, payment) : await readInvoice(input.invoiceId);
  return {
    statusCode: paymentHttpStatus(payment.status),
    headers: { location: `/payments/${payment.paymentId}` },
    body: { ...paymentView(payment), ...(account ? { invoice: invoiceView(account) } : {}) },
  };
}

let route: ReturnType<typeof idempotentRoute<PayInvoiceInput>> | undefined;

/** POST /invoices/{invoiceId}/payments: pay all or part of an invoice by card. */
export const handler = httpHandler(
  { body: payInvoiceBodySchema(), path: z.strictObject({ invoiceId: IdentifierSchema }), logger },
  async ({ body, path, headers, context, event }) => {
    const correlationId = correlationIdOf(headers, context.awsRequestId);
    withCorrelationId(logger, correlationId);
    // Only the reminder's pay link or access code opens an invoice; anything else is an unknown invoice.
    await openInvoice(event, path.invoiceId);
    const idempotencyKey = readIdempotencyKey(headers);
    const idempotent = (route ??= idempotentRoute(
      { scope: 'payInvoice', tableName: services().config.idempotencyTable, subject: 'payment' },
      payInvoice,
    ));
    // The raw body, as sent: a replay must match it exactly, and only its hash is kept.
    const fingerprint = await requestFingerprint(`invoice:${path.invoiceId}`, event.body);
    // The outcome's event goes out beside the idempotency record's last write; both are done before we answer.
    return answerAfterDeferredWork(idempotencyKey, () =>
      idempotent(
        {
          idempotencyKey,
          fingerprint,
          input: { invoiceId: path.invoiceId, body, correlationId, client: clientAddress(event) },
        },
        context as Context,
      ),
    );
  },
);
