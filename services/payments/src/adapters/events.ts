import {
  createPublisher,
  PaymentFailed,
  PaymentSessionExpired,
  PaymentSucceeded,
  type NotificationChoice,
  type Publisher,
} from '@payflow/shared';
import type { Payment } from '../domain/payment';
import { stableEventId } from '../domain/payment';
import type { PaymentSession } from '../domain/session';

/** PaymentSucceeded / PaymentFailed / PaymentSessionExpired on the Payflow bus; event ids are stable per outcome. */
export function createPaymentEvents(
  busName: string,
  publisher: Publisher = createPublisher({ busName, source: 'payflow.payments' }),
) {
  return {
    async paymentSettled(payment: Payment, correlationId: string): Promise<void> {
      const { subject } = payment;
      const paidFor =
        subject.kind === 'invoice'
          ? { invoiceId: subject.invoiceId }
          : { orderId: subject.orderId, sessionId: subject.sessionId };
      const common = {
        paymentId: payment.paymentId,
        ...paidFor,
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
