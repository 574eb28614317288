import {
  stableEventId,
  type CustomerDetailsIngestedData,
  type CustomerPreferencesData,
  EmailSchema,
  IdentifierSchema,
  NotificationChannelSchema,
  PhoneNumberSchema,
  requireAddressForEachChannel,
  type MaskedPayoutDestination,
  type NotificationChannel,
  type NotificationChoice,
} from '@payflow/shared';
import { z } from 'zod';

/**
 * A merchant's customer, whom it can pay out and whom notifications reach by their preferred channels. Belongs to
 * the merchant (app client) that registered it: another merchant's customer does not exist for a caller.
 */
export interface Customer {
  customerId: string;
  merchantId: string;
  name: string;
  email?: string;
  phone?: string;
  channels: NotificationChannel[];
  /** The destination of the last payout: its masked form, the provider's token for it, a keyed fingerprint. */
  payoutDestination?: StoredPayoutDestination;
  /** When a payout went to a destination other than the one before: payouts within 24 h wait for review. */
  destinationChangedAt?: string;
  /** Bumped on every change; updates are conditional on the version read. */
  version: number;
  /**
   * As of when the contact details are what they are: `<ISO time>#<row>`, a bills file's upload time and row, or
   * the time of a merchant's POST or PATCH (row 0). A file's statement older than this changes nothing.
   */
  detailsAsOf?: string;
  createdAt: string;
  updatedAt: string;
}

export interface StoredPayoutDestination extends MaskedPayoutDestination {
  /** The provider's id for the full destination (it keeps the account number; we never do). */
  recipientToken: string;
  /** HMAC of the full destination: tells a change of destination without keeping the number. */
  fingerprint: string;
}

const NameSchema = z
  .string()
  .trim()
  .min(1, { error: 'name must not be empty' })
  .max(200, { error: 'name must be at most 200 characters' });
const ChannelsSchema = z
  .array(NotificationChannelSchema)
  .min(1, { error: 'channels must name at least one channel' });

/** POST /customers: who the customer is and how they want to hear from us. */
export const CreateCustomerBodySchema = z
  .strictObject({
    customerId: IdentifierSchema,
    name: NameSchema,
    email: EmailSchema.optional(),
    phone: PhoneNumberSchema.optional(),
    channels: ChannelsSchema,
  })
  .superRefine(requireAddressForEachChannel);
export type CreateCustomerBody = z.output<typeof CreateCustomerBodySchema>;

/** PATCH /customers/{id}: contact details and channel preferences; `null` removes an address. */
export const UpdateCustomerBodySchema = z
  .strictObject({
    name: NameSchema.optional(),
    email: EmailSchema.nullable().optional(),
    phone: PhoneNumberSchema.nullable().optional(),
    channels: ChannelsSchema.optional(),
  })
  .refine((body) => Object.keys(body).length > 0, {
    error: 'send at least one of name, email, phone, channels',
  });
export type UpdateCustomerBody = z.output<typeof UpdateCustomerBodySchema>;

export function newCustomer(body: CreateCustomerBody, merchantId: string, now: Date): Customer {
  const at = now.toISOString();
  return {
    customerId: body.customerId,
    merchantId,
    name: body.name,
    ...(body.email ? { email: body.email } : {}),
    ...(body.phone ? { phone: body.phone } : {}),
    channels: [...new Set(body.channels)],
    version: 1,
    detailsAsOf: changedByMerchant(now),
    createdAt: at,
    updatedAt: at,
  };
}

/** A field the merged customer breaks, e.g. sms chosen with the phone removed; empty when it is whole. */
export interface CustomerProblem {
  path: string;
  message: string;
}

/** The customer after a PATCH, with the problems the result would have (checked as a whole, like a create). */
export function updatedCustomer(
  customer: Customer,
  body: UpdateCustomerBody,
  now: Date,
): { customer: Customer; problems: CustomerProblem[] } {
  const { email: _email, phone: _phone, ...rest } = customer;
  const email = body.email === null ? undefined : (body.email ?? customer.email);
  const phone = body.phone === null ? undefined : (body.phone ?? customer.phone);
  const next: Customer = {
    ...rest,
    ...(body.name ? { name: body.name } : {}),
    ...(email ? { email } : {}),
    ...(phone ? { phone } : {}),
    channels: body.channels ? [...new Set(body.channels)] : customer.channels,
    version: customer.version + 1,
    detailsAsOf: changedByMerchant(now),
    updatedAt: now.toISOString(),
  };
  const problems: CustomerProblem[] = [];
  if (next.channels.includes('email') && !next.email)
    problems.push({ path: 'body.email', message: 'email is required while channels include email' });
  if (next.channels.includes('sms') && !next.phone)
    problems.push({ path: 'body.phone', message: 'phone is required while channels include sms' });
  return { customer: next, problems };
}

/** A merchant's change: as of now, before any row of a file uploaded at the same instant. */
function changedByMerchant(now: Date): string {
  return `${now.toISOString()}#${'0'.repeat(10)}`;
}

/** A bills file's statement: as of its upload time, a later row of the same file after an earlier one. */
function statedByFile(statedAt: string, row: number): string {
  return `${new Date(statedAt).toISOString()}#${String(row).padStart(10, '0')}`;
}

/** Customers registered before `detailsAsOf` existed: their details are as of their last change. */
function detailsAsOfOf(customer: Customer): string {
  return customer.detailsAsOf ?? changedByMerchant(new Date(customer.updatedAt));
}

export type BilledCustomerChange =
  | { kind: 'create' | 'update'; customer: Customer }
  | { kind: 'ignore'; reason: 'another merchant' | 'not newer' | 'already applied' };

/**
 * What a bills file's statement of a customer does. A new customer is the file's merchant's, with a channel per
 * address given (e-mail first). An existing one of the same merchant takes the file's name and the addresses it
 * gives (an empty cell removes nothing; channels stay as the merchant chose them), but only when the statement is
 * newer than the details it has: a merchant's PATCH after the upload, a later file, or the same row again (a
 * replay) leave it as it is. Another merchant's customer of the same id is never touched.
 */
export function billedCustomerChange(
  current: Customer | undefined,
  details: CustomerDetailsIngestedData,
  now: Date,
): BilledCustomerChange {
  const asOf = statedByFile(details.statedAt, details.row);
  const at = now.toISOString();
  if (!current) {
    return {
      kind: 'create',
      customer: {
        customerId: details.customerId,
        merchantId: details.merchantId,
        name: details.customerName,
        ...(details.email ? { email: details.email } : {}),
        ...(details.phone ? { phone: details.phone } : {}),
        channels: [...(details.email ? ['email' as const] : []), ...(details.phone ? ['sms' as const] : [])],
        version: 1,
        detailsAsOf: asOf,
        createdAt: at,
        updatedAt: at,
      },
    };
  }
  if (current.merchantId !== details.merchantId) return { kind: 'ignore', reason: 'another merchant' };
  const held = detailsAsOfOf(current);
  // The very statement the customer holds: a redelivery after a crash, or a replay; nothing changes.
  if (asOf === held) return { kind: 'ignore', reason: 'already applied' };
  if (asOf < held) return { kind: 'ignore', reason: 'not newer' };
  return {
    kind: 'update',
    customer: {
      ...current,
      name: details.customerName,
      ...(details.email ? { email: details.email } : {}),
      ...(details.phone ? { phone: details.phone } : {}),
      version: current.version + 1,
      detailsAsOf: asOf,
      updatedAt: at,
    },
  };
}

/** How the customer wants to be told: their channels with the addresses for them. */
function notificationChoiceOf(customer: Customer): NotificationChoice {
  return {
    channels: customer.channels,
    ...(customer.email ? { email: customer.email } : {}),
    ...(customer.phone ? { phone: customer.phone } : {}),
  };
}

/**
 * What notification keeps of a customer (CustomerRegistered for version 1, CustomerUpdated after): channels and
 * addresses, never the name or payout destination. The id follows from the customer and version, so announcing the
 * same version again is the same event.
 */
export function customerChangedEvent(customer: Customer): {
  detailType: 'CustomerRegistered' | 'CustomerUpdated';
  id: string;
  data: CustomerPreferencesData;
} {
  return {
    detailType: customer.version === 1 ? 'CustomerRegistered' : 'CustomerUpdated',
    id: stableEventId('payments', 'customer', customer.customerId, String(customer.version)),
    data: {
      customerId: customer.customerId,
      merchantId: customer.merchantId,
      version: customer.version,
      ...notificationChoiceOf(customer),
    },
  };
}

/** A merchant sees and pays out its own customers; operators see every customer. */
export function mayActOnCustomer(
  customer: Customer,
  caller: { merchantId: string; operator: boolean },
): boolean {
  return caller.operator || customer.merchantId === caller.merchantId;
}

export interface CustomerView {
  customerId: string;
  merchantId: string;
  name: string;
  email?: string;
  phone?: string;
  channels: NotificationChannel[];
  payoutDestination?: MaskedPayoutDestination;
  destinationChangedAt?: string;
  createdAt: string;
  updatedAt: string;
}

/** What the API answers: the destination masked, never its token or fingerprint. */
export function customerView(customer: Customer): CustomerView {
  return {
    customerId: customer.customerId,
    merchantId: customer.merchantId,
    name: customer.name,
    ...(customer.email ? { email: customer.email } : {}),
    ...(customer.phone ? { phone: customer.phone } : {}),
    channels: customer.channels,
    ...(customer.payoutDestination
      ? {
          payoutDestination: {
            type: customer.payoutDestination.type,
            masked: customer.payoutDestination.masked,
          },
        }
      : {}),
    ...(customer.destinationChangedAt ? { destinationChangedAt: customer.destinationChangedAt } : {}),
    createdAt: customer.createdAt,
    updatedAt: customer.updatedAt,
  };
}
