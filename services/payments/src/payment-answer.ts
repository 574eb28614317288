/** What both card-payment routes (invoice and session) answer once the payment flow has run. */
import type { HttpResult } from '@payflow/shared';
import { paymentHttpStatus, paymentView, type Payment } from './domain/payment';
import { services } from './wiring';

/** The payment as it now stands: one someone else settled meanwhile (the reconciler) answers as settled. */
export async function paymentAsItStands(payment: Payment): Promise<Payment> {
  if (payment.status !== 'PROCESSING') return payment;
  return (await services().payments.get(payment.paymentId)) ?? payment;
}

/** The payment's status code, its location, whether it is a replay, and the payment with what it paid. */
export function paymentAnswer(
  payment: Payment,
  replayed: boolean | undefined,
  paid: Record<string, unknown>,
): HttpResult {
  return {
    statusCode: paymentHttpStatus(payment.status),
    headers: {
      location: `/payments/${payment.paymentId}`,
      ...(replayed ? { 'idempotent-replayed': 'true' } : {}),
    },
    body: { ...paymentView(payment), ...paid },
  };
}
