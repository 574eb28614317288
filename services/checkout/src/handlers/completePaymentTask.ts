import {
  byDetailType,
  parseEventBridgeEventOf,
  PaymentFailed,
  PaymentSessionExpired,
  PaymentSucceeded,
  correlationPaths,
  observedHandler,
} from '@payflow/shared';
import type { OrderInput } from '../domain/order';
import type { OrderRecord } from '../domain/order-record';
import {
  afterStaleTask,
  decidePaymentResult,
  resultIdOf,
  STALE_TOKEN_ERRORS,
  type PaymentDecision,
  type PaymentEvent,
  type WaitingOrder,
} from '../domain/payment';
import { logger, services } from '../wiring';

export type CallbackResult =
  | { result: 'completed'; orderId: string; detailType: string }
  | { result: 'refunded'; orderId: string; detailType: string; paymentId: string }
  | { result: 'ignored'; orderId: string; detailType: string; why: string };

const paymentResults = { PaymentSucceeded, PaymentFailed, PaymentSessionExpired } as const;

/** The task was refused as stale while the order still awaits payment: the execution has not caught up yet. */
export class TaskUnsettledError extends Error {
  override name = 'TaskUnsettled';
}

function waitingOrder(record: OrderRecord | undefined): WaitingOrder | undefined {
  if (!record) return undefined;
  return {
    orderId: record.orderId,
    status: record.status,
    waiting: Boolean(record.taskToken),
    ...(record.session ? { sessionId: record.session.sessionId } : {}),
    ...(record.total ? { total: record.total } : {}),
    ...(record.paymentId ? { paymentId: record.paymentId } : {}),
    ...(record.acceptedResult ? { acceptedResult: record.acceptedResult } : {}),
  };
}

/**
 * Target of checkout's rule for payment results of its orders. A result is believed only when payments' own
 * record confirms it. The order then claims it as its one result and the waiting RequestPayment task completes;
 * money for an order that is not waiting for it goes back (RefundRequested); anything else is logged and
 * acknowledged. An event that fails its contract throws: Lambda retries it, then sends it to the on-failure
 * destination (the payment-results DLQ).
 */
async function completePaymentTask(event: unknown): Promise<CallbackResult> {
  const received = parseEventBridgeEventOf(paymentResults, event);
  const { detail, detailType } = received;
  const payment = { detailType, data: detail.data } as PaymentEvent;
  const { correlationId } = detail;
  const orderId = payment.data.orderId;
  if (!orderId) return { result: 'ignored', orderId: '', detailType, why: 'the payment is not for an order' };
  const { orders, workflow, paymentsApi } = services();
  const [record, confirmation] = await Promise.all([
    orders.get(orderId),
    // Payments' own record of what the event claims: the payment, or the session that expired.
    byDetailType(received, {
      PaymentSucceeded: ({ data }) => paymentsApi.getPayment(data.paymentId),
      PaymentFailed: ({ data }) => paymentsApi.getPayment(data.paymentId),
      PaymentSessionExpired: ({ data }) => paymentsApi.getSession(data.sessionId),
    }),
  ]);
  const facts = {
    orderId,
    detailType,
    eventId: detail.id,
    sessionId: payment.data.sessionId,
    ...('paymentId' in payment.data ? { paymentId: payment.data.paymentId } : {}),
  };
  const decision = decidePaymentResult(payment, confirmation, waitingOrder(record));
  if (decision.action !== 'complete') return act(decision, record, facts, correlationId);

  const claimed = await orders.acceptResult(
    orderId,
    payment.data.sessionId!,
    resultIdOf(payment),
    new Date().toISOString(),
  );
  if (claimed) {
    try {
      await workflow.completeTask(record!.taskToken!, decision.completion);
      logger.info('Payment task completed', { ...facts, completion: decision.completion.kind });
      return { result: 'completed', orderId, detailType };
    } catch (error) {
      const name = (error as Error).name;
      if (!STALE_TOKEN_ERRORS.includes(name)) throw error;
      logger.info('Step Functions no longer waits for this task', { ...facts, stepFunctionsError: name });
    }
  }
  // The task gave up (timeout) or another result won the claim: decide on what the order says now.
  const settled = afterStaleTask(payment, waitingOrder(await orders.get(orderId)));
  if (settled === 'unsettled') {
    throw new TaskUnsettledError(`Order ${orderId} still awaits payment but took another result; retry`);
  }
  return act(settled, record, facts, correlationId);
}

async function act(
  decision: Exclude<PaymentDecision, { action: 'complete' }>,
  record: OrderRecord | undefined,
  facts: Record<string, unknown> & { orderId: string; detailType: string },
  correlationId: string,
): Promise<CallbackResult> {
  const { orderId, detailType } = facts;
  if (decision.action === 'refund' && record) {
    const order = JSON.parse(record.order) as OrderInput;
    await services().events.refundRequested(
      {
        orderId,
        customer: order.customer,
        total: order.total,
        paymentId: decision.paymentId,
        amount: decision.amount,
        reason: decision.reason,
      },
      correlationId,
    );
    logger.warn('Payment the order was not waiting for: refund requested', {
      ...facts,
      reason: decision.reason,
    });
    return { result: 'refunded', orderId, detailType, paymentId: decision.paymentId };
  }
  const why = decision.action === 'ignore' ? decision.why : 'the order is not in the orders table';
  if (decision.action === 'ignore' && !decision.suspicious) {
    logger.info('Payment result acknowledged without change', { ...facts, why });
  } else {
    logger.warn('Payment result refused: payments does not confirm it for this order', { ...facts, why });
  }
  return { result: 'ignored', orderId, detailType, why };
}

export const handler = observedHandler(completePaymentTask, {
  logger,
  correlationIdPath: correlationPaths.EVENT,
});
