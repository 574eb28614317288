import { z } from 'zod';
import { defineEventContract, type EventDataOf } from './contract';
import {
  CalendarDateSchema,
  IdentifierSchema,
  MoneySchema,
  NotificationChoiceSchema,
  ObjectKeySchema,
  ReasonSchema,
} from './common';

const source = 'payflow.billing-ingest';
const count = z.number().int().min(0);

/** A bills file was read: how many rows became invoices, how many were rejected and where they went. */
export const BillsIngested = defineEventContract({
  source,
  detailType: 'BillsIngested',
  version: 1,
  schema: z.strictObject({
    fileKey: ObjectKeySchema,
    accepted: count,
    rejected: count,
    durationMs: count,
    rejectsKey: ObjectKeySchema.nullable(),
  }),
});

/** A bills file could not be read at all (not a CSV, wrong header, unreadable object). */
export const BillsIngestFailed = defineEventContract({
  source,
  detailType: 'BillsIngestFailed',
  version: 1,
  schema: z.strictObject({ fileKey: ObjectKeySchema, reason: ReasonSchema }),
});

/** An invoice with an outstanding balance: the customer is told how much, by when, and how to pay. */
export const InvoiceDue = defineEventContract({
  source,
  detailType: 'InvoiceDue',
  version: 1,
  schema: z.strictObject({
    invoiceId: IdentifierSchema,
    customerName: z.string().trim().min(1, { error: 'customerName must not be empty' }).max(200),
    balance: MoneySchema,
    dueDate: CalendarDateSchema,
    contact: NotificationChoiceSchema,
  }),
});

export type BillsIngestedData = EventDataOf<typeof BillsIngested>;
export type BillsIngestFailedData = EventDataOf<typeof BillsIngestFailed>;
export type InvoiceDueData = EventDataOf<typeof InvoiceDue>;
