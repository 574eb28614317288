import {
  createPublisher,
  EventValidationError,
  parseEventBridgeEvent,
  PaymentFailed,
  PaymentSessionExpired,
  PaymentSucceeded,
  RefundRequested,
  withCorrelationId,
  type Publisher,
} from '@payflow/shared';
import { createHash } from 'node:crypto';
import type { OrderInput } from '../domain/order';
import { STALE_TOKEN_ERRORS, taskCompletionFor, type PaymentEvent } from '../domain/payment';
import { logger, services } from '../wiring';

export type CallbackResult =
  | { result: 'completed'; orderId: string; detailType: string }
  | { result: 'stale'; orderId: string; detailType: string; error: string; refundRequested: boolean }
  | { result: 'ignored'; orderId: string; detailType: string; why: string };

function readPaymentEvent(event: unknown): PaymentEvent {
  const detailType = (event as { 'detail-type'?: unknown } | null)?.['detail-type'];
  switch (detailType) {
    case 'PaymentSucceeded':
      return { detailType, data: parseEventBridgeEvent(PaymentSucceeded, event).data };
    case 'PaymentFailed':
      return { detailType, data: parseEventBridgeEvent(PaymentFailed, event).data };
    case 'PaymentSessionExpired':
      return { detailType, data: parseEventBridgeEvent(PaymentSessionExpired, event).data };
    default:
      throw new EventValidationError(
        `completePaymentTask handles PaymentSucceeded, PaymentFailed and PaymentSessionExpired, not ${JSON.stringify(detailType)}`,
      );
  }
}

let publisher: Publisher | undefined;

/**
 * Target of checkout's rule for payment results of its orders: looks the order's task token up and completes
 * the RequestPayment task. A result Step Functions no longer waits for (late, duplicate) is logged and acknowledged.
 */
export async function handler(event: unknown): Promise<CallbackResult> {
  const payment = readPaymentEvent(event);
  const correlationId = (event as { detail: { correlationId: string } }).detail.correlationId;
  withCorrelationId(logger, correlationId);
  const orderId = payment.data.orderId;
  const { detailType } = payment;
  if (!orderId) return { result: 'ignored', orderId: '', detailType, why: 'the payment is not for an order' };
  const { orders, workflow } = services();
  const order = await orders.get(orderId);
  const sessionId = payment.data.sessionId;
  if (!order?.taskToken) {
    logger.warn('Payment result for an order that is not waiting for one', {
      orderId,
      detailType,
      sessionId,
    });
    return { result: 'ignored', orderId, detailType, why: 'no payment task is waiting for this order' };
  }
  if (sessionId && order.session?.sessionId !== sessionId) {
    logger.warn('Payment result for another session than the order’s', {
      orderId,
      detailType,
      sessionId,
      orderSessionId: order.session?.sessionId,
    });
    return {
      result: 'ignored',
      orderId,
      detailType,
      why: `session ${sessionId} is not this order's session`,
    };
  }
  const completion = taskCompletionFor(payment);
  try {
    await workflow.completeTask(order.taskToken, completion);
  } catch (error) {
    const name = (error as Error).name;
    if (!STALE_TOKEN_ERRORS.includes(name)) throw error;
    // Acknowledged, not retried: Step Functions will never accept this result. Money taken too late goes back.
    const refundRequested =
      payment.detailType === 'PaymentSucceeded' && order.status === 'PAYMENT_TIMED_OUT'
        ? await requestLateRefund(order.order, payment.data.paymentId, payment.data.amount, correlationId)
        : false;
    logger.info('Late or duplicate payment result acknowledged', {
      orderId,
      detailType,
      sessionId,
      stepFunctionsError: name,
      orderStatus: order.status,
      refundRequested,
    });
    return { result: 'stale', orderId, detailType, error: name, refundRequested };
  }
  logger.info('Payment task completed', { orderId, detailType, sessionId, completion: completion.kind });
  return { result: 'completed', orderId, detailType };
}

async function requestLateRefund(
  orderJson: string,
  paymentId: string,
  amount: { amount: number; currency: string },
  correlationId: string,
): Promise<boolean> {
  const order = JSON.parse(orderJson) as OrderInput;
  publisher ??= createPublisher({ busName: process.env.EVENT_BUS_NAME ?? '', source: 'payflow.checkout' });
  await publisher.publish(
    RefundRequested,
    {
      orderId: order.orderId,
      customer: order.customer,
      total: amount,
      paymentId,
      amount,
      reason: 'The payment arrived after the order had timed out waiting for it.',
    },
    // One refund per payment however often the late result is delivered: the event id is derived from it.
    { correlationId, id: uuidFrom(`RefundRequested:${paymentId}`) },
  );
  return true;
}

/** A UUID-shaped id that is the same for the same text. */
function uuidFrom(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
