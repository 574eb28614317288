import { httpHandler, IdentifierSchema } from '@payflow/shared';
import { z } from 'zod';
import { customerView } from '../domain/customer';
import { authorize, customerFor } from '../guards';
import { logger } from '../wiring';

/** GET /customers/{customerId}: the caller's own customer (operators: any), its payout destination masked. */
export const handler = httpHandler(
  { path: z.strictObject({ customerId: IdentifierSchema }), logger },
  async ({ path, headers }) => {
    const principal = await authorize(headers, ['payments/customers', 'payments/admin']);
    return customerView(await customerFor(principal, path.customerId));
  },
);
