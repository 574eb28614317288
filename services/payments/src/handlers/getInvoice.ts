import { httpHandler, IdentifierSchema, NotFoundError, withCorrelationId } from '@payflow/shared';
import { z } from 'zod';
import { invoiceView } from '../domain/invoice';
import { correlationIdOf, logger, services } from '../wiring';

/** GET /invoices/{invoiceId}: who owes what, by when, and how much is left. */
export const handler = httpHandler(
  { path: z.strictObject({ invoiceId: IdentifierSchema }), logger },
  async ({ path, headers, context }) => {
    withCorrelationId(logger, correlationIdOf(headers, context.awsRequestId));
    const account = await services().readInvoice(path.invoiceId);
    if (!account)
      throw new NotFoundError(`Invoice ${path.invoiceId} was not found: check the invoice id on your bill`);
    return invoiceView(account);
  },
);
