import { httpHandler, IdentifierSchema, withCorrelationId } from '@payflow/shared';
import { z } from 'zod';
import { customerView } from '../domain/customer';
import { authorize, customerFor } from '../guards';
import { correlationIdOf, logger } from '../wiring';

/** GET /customers/{customerId}: the caller's own customer (operators: any), its payout destination masked. */
export const handler = httpHandler(
  { path: z.strictObject({ customerId: IdentifierSchema }), logger },
  async ({ path, headers, context }) => {
    withCorrelationId(logger, correlationIdOf(headers, context.awsRequestId));
    const principal = await authorize(headers, ['payments/customers', 'payments/admin']);
    return customerView(await customerFor(principal, path.customerId));
  },
);
