import { httpHandler, IdentifierSchema, NotFoundError } from '@payflow/shared';
import { z } from 'zod';
import { paymentView } from '../domain/payment';
import { authorize, mayRead } from '../guards';
import { logger, services } from '../wiring';

/** GET /payments/{paymentId} */
export const handler = httpHandler(
  { path: z.strictObject({ paymentId: IdentifierSchema }), logger },
  async ({ path, headers }) => {
    const principal = await authorize(headers, ['payments/read', 'payments/admin']);
    const payment = await services().payments.get(path.paymentId);
    // Another merchant's payment answers as a payment that does not exist.
    if (!payment || !mayRead(principal, payment))
      throw new NotFoundError(`Payment ${path.paymentId} was not found`);
    return paymentView(payment);
  },
);
