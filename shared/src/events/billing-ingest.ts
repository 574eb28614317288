import { z } from 'zod';
import { defineEventContract, type EventDataOf } from './contract';
import {
  CalendarDateSchema,
  EmailSchema,
  IdentifierSchema,
  MoneySchema,
  NotificationChoiceSchema,
  ObjectKeySchema,
  PhoneNumberSchema,
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

/**
 * An invoice with an outstanding balance: the customer is told how much, by when, and how to pay. `contact` is the
 * row's own choice; without it, `customer` names a merchant's customer whose stored channels notification uses.
 */
export const InvoiceDue = defineEventContract({
  source,
  detailType: 'InvoiceDue',
  version: 1,
  schema: z
    .strictObject({
      invoiceId: IdentifierSchema,
      customerName: z.string().trim().min(1, { error: 'customerName must not be empty' }).max(200),
      balance: MoneySchema,
      dueDate: CalendarDateSchema,
      contact: NotificationChoiceSchema.optional(),
      customer: z.strictObject({ id: IdentifierSchema, merchantId: IdentifierSchema }).optional(),
    })
    .refine((data) => data.contact !== undefined || data.customer !== undefined, {
      error: 'contact is required unless customer names whose stored channels to use',
      path: ['contact'],
    }),
});

/**
 * A bills file row named its customer (CustomerID) with an e-mail address or a phone number. Payments, which owns
 * customers, creates or updates the merchant's customer from it; `statedAt` (the file's upload time) and `row` order
 * such statements, so a replayed older file never overwrites a newer change.
 */
export const CustomerDetailsIngested = defineEventContract({
  source,
  detailType: 'CustomerDetailsIngested',
  version: 1,
  schema: z
    .strictObject({
      customerId: IdentifierSchema,
      /** The merchant (app client id) the bills file is billed for: the customer belongs to it. */
      merchantId: IdentifierSchema,
      customerName: z.string().trim().min(1, { error: 'customerName must not be empty' }).max(200),
      email: EmailSchema.optional(),
      phone: PhoneNumberSchema.optional(),
      fileKey: ObjectKeySchema,
      /** When the file was uploaded: what it states is as of then. */
      statedAt: z.iso.datetime({ offset: true, error: 'statedAt must be an ISO 8601 date-time' }),
      /** The row of the file (header = 1): a later row of the same file states later. */
      row: z.number().int().min(2),
    })
    .refine((data) => data.email !== undefined || data.phone !== undefined, {
      error: 'a customer needs an email or a phone to be notified',
      path: ['email'],
    }),
});

export type BillsIngestedData = EventDataOf<typeof BillsIngested>;
export type BillsIngestFailedData = EventDataOf<typeof BillsIngestFailed>;
export type InvoiceDueData = EventDataOf<typeof InvoiceDue>;
export type CustomerDetailsIngestedData = EventDataOf<typeof CustomerDetailsIngested>;
