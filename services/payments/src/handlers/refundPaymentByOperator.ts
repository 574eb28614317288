import {
  DomainError,
  httpHandler,
  IdentifierSchema,
  idempotentRoute,
  MoneySchema,
  readIdempotencyKey,
  ReasonSchema,
  requestFingerprint,
  type HttpResult,
  type IdempotentRequest,
} from '@payflow/shared';
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { paymentView } from '../domain/payment';
import { refundPayment } from '../domain/refund';
import { authorize } from '../guards';
import { logger, refundDependencies, services } from '../wiring';

export const OperatorRefundBodySchema = z.strictObject({
  /** Part of the payment; the whole payment when left out. */
  amount: MoneySchema.refine((money) => money.amount > 0, {
    error: 'amount must be more than zero',
  }).optional(),
  reason: ReasonSchema,
});

interface RefundInput {
  paymentId: string;
  body: z.output<typeof OperatorRefundBodySchema>;
  correlationId: string;
  operator: string;
}

async function refund({ input }: IdempotentRequest<RefundInput>): Promise<HttpResult> {
  const payment = await services().payments.get(input.paymentId);
  if (!payment) throw new DomainError('NotFound', `Payment ${input.paymentId} was not found`);
  const result = await refundPayment(
    { paymentId: input.paymentId, amount: input.body.amount ?? payment.amount, reason: input.body.reason },
    await refundDependencies(input.correlationId),
  );
  if (result.outcome === 'refused') throw new DomainError('NotPayable', result.reason);
  logger.info('Payment refunded by an operator', {
    paymentId: input.paymentId,
    operator: input.operator,
    refundId: result.payment.refund?.refundId,
    amount: result.payment.refund?.amount,
    outcome: result.outcome,
  });
  return {
    statusCode: 201,
    headers: { location: `/payments/${input.paymentId}` },
    body: paymentView(result.payment),
  };
}

let route: ReturnType<typeof idempotentRoute<RefundInput>> | undefined;

/**
 * POST /payments/{paymentId}/refunds (operators, scope payments/refund, Idempotency-Key): gives a payment back,
 * whole or in part, with a reason, by the same rules and events as checkout's refunds; an invoice's ledger is
 * credited.
 */
export const handler = httpHandler(
  { body: OperatorRefundBodySchema, path: z.strictObject({ paymentId: IdentifierSchema }), logger },
  async ({ body, path, headers, context, event, correlationId }) => {
    const principal = await authorize(headers, 'payments/refund');
    const idempotencyKey = readIdempotencyKey(headers);
    route ??= idempotentRoute(
      { scope: 'refundPaymentByOperator', tableName: services().config.idempotencyTable, subject: 'refund' },
      refund,
    );
    const fingerprint = await requestFingerprint(`refund:${path.paymentId}`, event.body);
    return route(
      {
        idempotencyKey,
        fingerprint,
        input: { paymentId: path.paymentId, body, correlationId, operator: principal.clientId },
      },
      context as Context,
    );
  },
);
