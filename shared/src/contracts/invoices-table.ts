import { z } from 'zod';
import { describeIssues } from '../events/contract';
import {
  CalendarDateSchema,
  EmailSchema,
  NotificationChannelSchema,
  PhoneNumberSchema,
} from '../events/common';
import { CurrencyCodeSchema } from '../money';

/**
 * The invoices table holds two items per invoice, keyed (invoiceId, record). BILL is what the biller's file says
 * (written only by billing-ingest, replaced whole by each file); LEDGER is what was paid (written only by payments).
 * A file therefore never touches a payment, whatever it says. Both services build keys and read items through this.
 */
export const BILL_RECORD = 'BILL';
export const LEDGER_RECORD = 'LEDGER';

export const InvoiceRecordSchema = z.enum([BILL_RECORD, LEDGER_RECORD]);
export type InvoiceRecord = z.infer<typeof InvoiceRecordSchema>;

const InvoiceIdSchema = z.string().min(1, { error: 'invoiceId must not be empty' });

/** An amount in minor units as the table stores it: a whole number, never negative. */
const MinorUnitsSchema = z
  .number({ error: 'must be a number of minor units' })
  .int({ error: 'must be a whole number of minor units' })
  .min(0, { error: 'must be zero or more' })
  .max(Number.MAX_SAFE_INTEGER);

export const InvoiceKeySchema = z.strictObject({ invoiceId: InvoiceIdSchema, record: InvoiceRecordSchema });
export type InvoiceKey = z.infer<typeof InvoiceKeySchema>;

export function billKey(invoiceId: string): InvoiceKey & { record: typeof BILL_RECORD } {
  return { invoiceId, record: BILL_RECORD };
}

export function ledgerKey(invoiceId: string): InvoiceKey & { record: typeof LEDGER_RECORD } {
  return { invoiceId, record: LEDGER_RECORD };
}

/** What the biller's file says of one invoice. */
export const BillItemSchema = z.object({
  invoiceId: InvoiceIdSchema,
  record: z.literal(BILL_RECORD),
  customerId: z.string().min(1),
  customerName: z.string(),
  billedAmount: MinorUnitsSchema,
  currency: CurrencyCodeSchema,
  dueDate: CalendarDateSchema,
  email: EmailSchema.optional(),
  phone: PhoneNumberSchema.optional(),
  channels: z.array(NotificationChannelSchema),
  isProcessed: z.boolean(),
  /** Present (true) only when the biller settled the invoice itself (IsProcessed=1): payments shows it SETTLED. */
  settledByBiller: z.literal(true).optional(),
  billDate: CalendarDateSchema,
  /** s3 key of the file it came from. */
  sourceFile: z.string().min(1),
  updatedAt: z.string().min(1),
});
export type BillItem = z.infer<typeof BillItemSchema>;

/** What payments has recorded against one invoice: held and taken money, and a version for optimistic locking. */
export const LedgerItemSchema = z.object({
  invoiceId: InvoiceIdSchema,
  record: z.literal(LEDGER_RECORD),
  /** Sum of accepted and held payments, in the BILL's currency. */
  paidAmount: MinorUnitsSchema,
  version: z.number().int().min(0),
  lastPaymentId: z.string().min(1).optional(),
  /** The bank once left a payment of it pending; set once and never cleared. */
  hadPending: z.boolean().optional(),
  updatedAt: z.string().min(1),
});
export type LedgerItem = z.infer<typeof LedgerItemSchema>;

/** An item of the invoices table does not match its contract: a reader stops rather than use wrong money. */
export class InvoiceItemError extends Error {
  override name = 'InvoiceItemError';
}

function parseItem<Schema extends z.ZodType>(
  schema: Schema,
  record: InvoiceRecord,
  item: unknown,
): z.output<Schema> {
  const result = schema.safeParse(item);
  if (result.success) return result.data;
  const invoiceId = (item as { invoiceId?: unknown } | undefined)?.invoiceId;
  throw new InvoiceItemError(
    `The ${record} item of invoice ${JSON.stringify(invoiceId ?? null)} does not match the invoices table's contract ` +
      `(shared/src/contracts/invoices-table.ts): ${describeIssues(result.error)}`,
  );
}

/** Reads a stored BILL item; an item that is not one (an amount as text, an unknown currency) is an InvoiceItemError. */
export function parseBillItem(item: unknown): BillItem {
  return parseItem(BillItemSchema, BILL_RECORD, item);
}

/** Reads a stored LEDGER item; InvoiceItemError when it is not one. */
export function parseLedgerItem(item: unknown): LedgerItem {
  return parseItem(LedgerItemSchema, LEDGER_RECORD, item);
}

function parseProjection<Item>(
  schema: z.ZodObject,
  record: InvoiceRecord,
  item: unknown,
  keys: readonly string[],
) {
  const mask = Object.fromEntries([...keys, 'invoiceId'].map((key) => [key, true]));
  return parseItem(schema.pick(mask as Record<string, true> & Record<number, never>), record, item) as Item;
}

/** Only these attributes of a BILL (a read with a ProjectionExpression), checked as the contract types them. */
export function parseBillProjection<Keys extends keyof BillItem>(
  item: unknown,
  keys: readonly Keys[],
): Pick<BillItem, Keys | 'invoiceId'> {
  return parseProjection(BillItemSchema, BILL_RECORD, item, keys);
}

/** Only these attributes of a LEDGER, checked as the contract types them. */
export function parseLedgerProjection<Keys extends keyof LedgerItem>(
  item: unknown,
  keys: readonly Keys[],
): Pick<LedgerItem, Keys | 'invoiceId'> {
  return parseProjection(LedgerItemSchema, LEDGER_RECORD, item, keys);
}
