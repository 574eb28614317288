import { httpHandler, IdentifierSchema } from '@payflow/shared';
import { z } from 'zod';
import { invoiceNotFound, invoiceView } from '../domain/invoice';
import { openInvoice } from '../guards';
import { logger, services } from '../wiring';

/** GET /invoices/{invoiceId}: who owes what, by when, and how much is left. */
export const handler = httpHandler(
  { path: z.strictObject({ invoiceId: IdentifierSchema }), logger },
  async ({ path, event }) => {
    // The reminder's pay link or access code opens it; without one it answers as an unknown invoice.
    await openInvoice(event, path.invoiceId);
    const account = await services().readInvoice(path.invoiceId);
    if (!account) throw invoiceNotFound(path.invoiceId);
    return invoiceView(account);
  },
);
