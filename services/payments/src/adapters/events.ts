import {
  createPublisher,
  PaymentFailed,
  PaymentRefunded,
  PaymentSessionExpired,
  PaymentSucceeded,
  type NotificationChoice,
  type Publisher,
} from '@payflow/shared';
import type { Payment } from '../domain/payment';
import { stableEventId } from '../domain/payment';
import type { PaymentSession } from '../domain/session';

/** What a payment paid, as its events name it: the invoice, or the order and its session. */
function paidFor(payment: Payment) {
  const { subject } = payment;
  return subject.kind === 'invoice'
    ? { invoiceId: subject.invoiceId }
    : { orderId: subject.orderId, sessionId: subject.sessionId };
}

/**
 * PaymentSucceeded / PaymentFailed / PaymentSessionExpired / PaymentRefunded on the Payflow bus; event ids are
 * stable per outcome.
 */
export function createPaymentEvents(
  busName: string,
  publisher: Publisher = createPublisher({ busName, source: 'payflow.payments' }),
) {
  return {
    async paymentSettled(payment: Payment, correlationId: string): Promise<void> {
      const common = {
        paymentId: payment.paymentId,
        ...paidFor(payment),
        amount: payment.amount,
        card: payment.card,
        notification: payment.notification,
      };
      if (payment.status === 'SUCCEEDED') {
        await publisher.publish(PaymentSucceeded, common, {
          correlationId,
          id: stableEventId(payment.paymentId, 'PaymentSucceeded'),
        });
      } else if (payment.status === 'FAILED') {
        await publisher.publish(
          PaymentFailed,
          { ...common, reason: payment.reason ?? 'The payment failed.' },
          { correlationId, id: stableEventId(payment.paymentId, 'PaymentFailed') },
        );
      }
    },

    async paymentRefunded(payment: Payment, correlationId: string): Promise<void> {
      const refundId = payment.refund?.refundId;
      if (!refundId) throw new Error(`Payment ${payment.paymentId} has no refund to announce`);
      await publisher.publish(
        PaymentRefunded,
        {
          paymentId: payment.paymentId,
          refundId,
          ...paidFor(payment),
          amount: payment.amount,
          card: payment.card,
          reason: payment.reason ?? 'The payment was refunded.',
          notification: payment.notification,
        },
        { correlationId, id: stableEventId(refundId, 'PaymentRefunded') },
      );
    },

    async sessionExpired(
      session: PaymentSession & { notification: NotificationChoice },
      expiredAt: Date,
    ): Promise<void> {
      await publisher.publish(
        PaymentSessionExpired,
        {
          sessionId: session.sessionId,
          orderId: session.orderId,
          amount: session.amount,
          expiredAt: expiredAt.toISOString(),
          notification: session.notification,
        },
        {
          correlationId: session.correlationId,
          id: stableEventId(session.sessionId, 'PaymentSessionExpired'),
        },
      );
    },
  };
}

export type PaymentEvents = ReturnType<typeof createPaymentEvents>;
