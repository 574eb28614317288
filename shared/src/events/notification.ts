import { z } from 'zod';
import { defineEventContract, type EventDataOf } from './contract';
import { IdentifierSchema, NotificationChannelSchema, ReasonSchema } from './common';

/** A customer could not be told about an event on one channel (bounced e-mail, SMS refused). */
export const NotificationFailed = defineEventContract({
  source: 'payflow.notification',
  detailType: 'NotificationFailed',
  version: 1,
  schema: z.strictObject({
    originalEventId: z.uuid({ error: 'originalEventId must be the UUID of the event being notified' }),
    originalDetailType: IdentifierSchema,
    channel: NotificationChannelSchema,
    reason: ReasonSchema,
  }),
});

export type NotificationFailedData = EventDataOf<typeof NotificationFailed>;
