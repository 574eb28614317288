import { createHash } from 'node:crypto';

/** The namespace of Payflow's notification ids (a random v4 UUID, fixed forever). */
export const NOTIFICATION_NAMESPACE = '4f6b1c1e-7a53-4c8e-9a3f-1d2c5e8b7a60';

/**
 * RFC 9562 UUID version 5 (SHA-1 of namespace + name). Hand-written because node:crypto has only v4 and the
 * `uuid` package went ESM-only (jest here transforms only @middy); the algorithm is these eight lines.
 */
export function uuidV5(name: string, namespace: string): string {
  const namespaceBytes = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  if (namespaceBytes.length !== 16) throw new Error(`namespace ${namespace} is not a UUID`);
  const hash = createHash('sha1').update(namespaceBytes).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The same NotificationFailed id however often a redelivery publishes it, so its consumers can drop repeats. */
export function notificationFailedId(originalEventId: string, channel: string): string {
  return uuidV5(`NotificationFailed:${originalEventId}:${channel}`, NOTIFICATION_NAMESPACE);
}
