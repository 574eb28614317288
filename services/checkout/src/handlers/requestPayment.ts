import {
  describeIssues,
  IdentifierSchema,
  MoneySchema,
  OrderCustomerSchema,
  correlationPaths,
  observedHandler,
} from '@payflow/shared';
import { z } from 'zod';
import { notificationChoiceOf } from '../domain/order';
import { DEADLINE_PASSED_ERROR, paymentDeadline } from '../domain/payment';
import { logger, services } from '../wiring';

export const RequestPaymentInputSchema = z.object({
  taskToken: z.string().min(1).max(2048),
  orderId: IdentifierSchema,
  customer: OrderCustomerSchema,
  total: MoneySchema,
  correlationId: z.string().min(1),
  sessionSeconds: z.number().int().positive(),
  /** `$$.State.EnteredTime` of RequestPayment: the same for every retry of the state. */
  paymentEnteredAt: z.iso.datetime({ offset: true }),
});

/** Retries of RequestPayment used up the time the customer had to pay; caught like a timeout. */
export class PaymentDeadlinePassedError extends Error {
  override name = DEADLINE_PASSED_ERROR;
}

/**
 * The RequestPayment task (.waitForTaskToken): keeps the task token in the order, then asks payments for the
 * order's session, which expires at the order's payment deadline. The execution waits until completePaymentTask
 * hands a confirmed outcome back.
 */
async function requestPayment(event: unknown): Promise<{ sessionId: string; reused: boolean }> {
  const parsed = RequestPaymentInputSchema.safeParse(event);
  if (!parsed.success) {
    // Never echo the input: it holds the task token.
    throw new Error(`requestPayment input is invalid: ${describeIssues(parsed.error)}`);
  }
  const input = parsed.data;
  const { orders, paymentsApi } = services();
  const now = new Date();
  const deadline = paymentDeadline(input.paymentEnteredAt, input.sessionSeconds);
  if (deadline.getTime() <= now.getTime() + 1000) {
    throw new PaymentDeadlinePassedError(
      `The payment deadline ${deadline.toISOString()} of ${input.orderId} passed before a session could be made`,
    );
  }
  const order = await orders.get(input.orderId);
  if (!order)
    throw new Error(`Order ${input.orderId} is not in the orders table; RecordOrder must run first`);

  // A retry of this task (new token) reuses the session a previous attempt made, so the customer has one to pay.
  if (order.session) {
    await orders.replaceTaskToken(input.orderId, input.taskToken, now.toISOString());
    logger.info('Payment session reused for a retried task', {
      orderId: input.orderId,
      sessionId: order.session.sessionId,
    });
    return { sessionId: order.session.sessionId, reused: true };
  }

  // Keyed by the order (one execution per order): a crash after payments made the session gets the same one back.
  const session = await paymentsApi.createSession({
    orderId: input.orderId,
    customerId: input.customer.id,
    amount: input.total,
    notification: notificationChoiceOf(input.customer),
    expiresAt: deadline.toISOString(),
    correlationId: input.correlationId,
    idempotencyKey: `checkout-${input.orderId}`,
  });
  await orders.paymentRequested({
    orderId: input.orderId,
    taskToken: input.taskToken,
    total: input.total,
    session,
    at: new Date().toISOString(),
  });
  logger.info('Payment session requested', {
    orderId: input.orderId,
    sessionId: session.sessionId,
    amount: input.total,
    expiresAt: session.expiresAt,
  });
  return { sessionId: session.sessionId, reused: false };
}

export const handler = observedHandler(requestPayment, {
  logger,
  correlationIdPath: correlationPaths.TASK_INPUT,
});
