import { z } from 'zod';

export { MoneySchema } from '../money';
export { MaskedCardSchema } from '../cards';

export const notificationChannels = ['email', 'sms'] as const;
export const NotificationChannelSchema = z.enum(notificationChannels);
export type NotificationChannel = z.infer<typeof NotificationChannelSchema>;

/** E.164: '+', country code, subscriber number; at most 15 digits. */
export const PhoneNumberSchema = z
  .string()
  .regex(/^\+[1-9]\d{6,14}$/, { error: 'phone must be in E.164 form, e.g. +447700900123' });

export const EmailSchema = z.email({ error: 'email must be an e-mail address' });

/** Identifiers minted by Payflow or its callers: non-empty, printable, bounded. */
export const IdentifierSchema = z
  .string()
  .min(1, { error: 'must not be empty' })
  .max(128, { error: 'must be at most 128 characters' })
  .regex(/^[\w.:\-/]+$/, { error: 'may contain only letters, digits and _ . : - /' });

/** A human-readable reason: for an operator reading a log or a customer reading a message. */
export const ReasonSchema = z.string().trim().min(1, { error: 'reason must not be empty' }).max(1000);

/** Every channel asked for must have its address: no e-mail notification without an e-mail. */
export function requireAddressForEachChannel(
  choice: { channels: NotificationChannel[]; email?: string | undefined; phone?: string | undefined },
  context: z.RefinementCtx,
): void {
  if (new Set(choice.channels).size !== choice.channels.length) {
    context.addIssue({ code: 'custom', path: ['channels'], message: 'channels must not repeat a channel' });
  }
  if (choice.channels.includes('email') && !choice.email) {
    context.addIssue({
      code: 'custom',
      path: ['email'],
      message: 'email is required when channels include email',
    });
  }
  if (choice.channels.includes('sms') && !choice.phone) {
    context.addIssue({
      code: 'custom',
      path: ['phone'],
      message: 'phone is required when channels include sms',
    });
  }
}

const channelsSchema = z
  .array(NotificationChannelSchema)
  .min(1, { error: 'channels must name at least one channel' });

/** How a customer wants to hear about an invoice or payment. */
export const NotificationChoiceSchema = z
  .strictObject({
    channels: channelsSchema,
    email: EmailSchema.optional(),
    phone: PhoneNumberSchema.optional(),
  })
  .superRefine(requireAddressForEachChannel);
export type NotificationChoice = z.infer<typeof NotificationChoiceSchema>;

/** The customer on an order: checkout always has an e-mail, a phone only if given. */
export const OrderCustomerSchema = z
  .strictObject({
    id: IdentifierSchema,
    email: EmailSchema,
    phone: PhoneNumberSchema.optional(),
    channels: channelsSchema,
  })
  .superRefine(requireAddressForEachChannel);
export type OrderCustomer = z.infer<typeof OrderCustomerSchema>;

/** A calendar date, 'YYYY-MM-DD', that exists. */
export const CalendarDateSchema = z.iso.date({ error: 'must be a date in YYYY-MM-DD form' });

/** An S3 object key, e.g. 'bills/2026-11-21.csv'. */
export const ObjectKeySchema = z.string().min(1, { error: 'must not be empty' }).max(1024);
