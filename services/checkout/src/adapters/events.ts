import { createPublisher, RefundRequested, stableEventId, type RefundRequestedData } from '@payflow/shared';

/** Checkout's own publishing (the state machine puts its outcome events itself). */
export function createOrderEvents(busName: string) {
  const publisher = createPublisher({ busName, source: 'payflow.checkout' });
  return {
    /** One RefundRequested per payment however often it is asked for: its id follows from the payment. */
    async refundRequested(data: RefundRequestedData, correlationId: string): Promise<void> {
      await publisher.publish(RefundRequested, data, {
        correlationId,
        id: stableEventId('checkout', 'RefundRequested', data.paymentId),
      });
    },
  };
}
