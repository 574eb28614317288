import { httpHandler, IdentifierSchema, NotFoundError, withCorrelationId } from '@payflow/shared';
import { z } from 'zod';
import { paymentView } from '../domain/payment';
import { authorize, mayRead } from '../guards';
import { correlationIdOf, logger, services } from '../wiring';

/** GET /payments/{paymentId} */
export const handler = httpHandler(
  { path: z.strictObject({ paymentId: IdentifierSchema }), logger },
  async ({ path, headers, context }) => {
    withCorrelationId(logger, correlationIdOf(headers, context.awsRequestId));
    const principal = await authorize(headers, ['payments/read', 'payments/admin']);
    const payment = await services().payments.get(path.paymentId);
    // Another merchant's payment answers as a payment that does not exist.
    if (!payment || !mayRead(principal, payment))
      throw new NotFoundError(`Payment ${path.paymentId} was not found`);
    return paymentView(payment);
  },
);
