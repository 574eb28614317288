import {
  createPublisher,
  CustomerRegistered,
  CustomerUpdated,
  PaymentFailed,
  PaymentRefunded,
  PaymentSessionExpired,
  PaymentSucceeded,
  PayoutFailed,
  PayoutRequested,
  PayoutSent,
  type NotificationChoice,
  type Publisher,
} from '@payflow/shared';
import { paidFor, stableEventId, type OutboxEvent, type Payment } from '../domain/payment';
import { customerChangedEvent, type Customer } from '../domain/customer';
import type { PayoutOutboxEvent } from '../domain/payout';
import type { PaymentSession } from '../domain/session';

/**
 * PaymentSucceeded / PaymentFailed / PaymentSessionExpired / PaymentRefunded on the Payflow bus; event ids are
 * stable per outcome.
 */
export function createPaymentEvents(
  busName: string,
  publisher: Publisher = createPublisher({ busName, source: 'payflow.payments' }),
) {
  return {
    /** Sends an event recorded in the outbox, with its recorded id and time: a repeat is the same event. */
    async publishRecorded(event: OutboxEvent): Promise<void> {
      const contract = event.detailType === 'PaymentSucceeded' ? PaymentSucceeded : PaymentFailed;
      await publisher.publish(contract, event.data, {
        id: event.id,
        occurredAt: event.occurredAt,
        correlationId: event.correlationId,
      });
    },

    /** Announces a customer's channels and addresses as now stored (notification keeps its own copy). */
    async customerChanged(customer: Customer, correlationId: string): Promise<void> {
      const event = customerChangedEvent(customer);
      const contract = event.detailType === 'CustomerRegistered' ? CustomerRegistered : CustomerUpdated;
      await publisher.publish(contract, event.data, { id: event.id, correlationId });
    },

    /** Sends a payout event recorded in its outbox, with its recorded id and time. */
    async publishPayoutEvent(event: PayoutOutboxEvent): Promise<void> {
      const options = { id: event.id, occurredAt: event.occurredAt, correlationId: event.correlationId };
      if (event.detailType === 'PayoutRequested')
        await publisher.publish(PayoutRequested, event.data, options);
      else if (event.detailType === 'PayoutSent') await publisher.publish(PayoutSent, event.data, options);
      else await publisher.publish(PayoutFailed, event.data, options);
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
          amount: payment.refund?.amount ?? payment.amount,
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
