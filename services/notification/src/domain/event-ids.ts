import { uuidV5 } from '@payflow/shared';

/** The namespace of Payflow's notification ids (a random v4 UUID, fixed forever). */
const NOTIFICATION_NAMESPACE = '4f6b1c1e-7a53-4c8e-9a3f-1d2c5e8b7a60';

/** The same NotificationFailed id however often a redelivery publishes it, so its consumers can drop repeats. */
export function notificationFailedId(originalEventId: string, channel: string): string {
  return uuidV5(`NotificationFailed:${originalEventId}:${channel}`, NOTIFICATION_NAMESPACE);
}
