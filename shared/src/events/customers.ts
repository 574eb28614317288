import { z } from 'zod';
import { defineEventContract, type EventDataOf } from './contract';
import {
  EmailSchema,
  IdentifierSchema,
  NotificationChannelSchema,
  PhoneNumberSchema,
  requireAddressForEachChannel,
} from './common';

const source = 'payflow.payments';

/**
 * A customer's contact details and channel preference as payments now stores them, whole (event-carried state):
 * notification keeps its own copy and uses it when an event names the customer but carries no choice. `version`
 * grows with every change, so an older or repeated event never replaces a newer copy.
 */
const customerPreferences = z
  .strictObject({
    customerId: IdentifierSchema,
    merchantId: IdentifierSchema,
    version: z.number().int().min(1),
    channels: z.array(NotificationChannelSchema).min(1, { error: 'channels must name at least one channel' }),
    email: EmailSchema.optional(),
    phone: PhoneNumberSchema.optional(),
  })
  .superRefine(requireAddressForEachChannel);

/** A merchant (or a bills file) registered a customer. */
export const CustomerRegistered = defineEventContract({
  source,
  detailType: 'CustomerRegistered',
  version: 1,
  schema: customerPreferences,
});

/** A customer's contact details or channels changed (a merchant's PATCH, a newer bills file). */
export const CustomerUpdated = defineEventContract({
  source,
  detailType: 'CustomerUpdated',
  version: 1,
  schema: customerPreferences,
});

export type CustomerPreferencesData = EventDataOf<typeof CustomerRegistered>;
