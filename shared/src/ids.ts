import { createHash } from 'node:crypto';

/** The namespace of Payflow's derived ids (a random v4 UUID, fixed forever). */
export const PAYFLOW_NAMESPACE = '9b1d3c52-58a4-4f0e-8d6c-2f7a41e0c9b3';

/** The first 16 bytes of a hash as a name-based (version 5) UUID: version and variant bits set, 8-4-4-4-12. */
function nameBasedUuid(hash: Buffer): string {
  const bytes = Buffer.from(hash.subarray(0, 16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * RFC 9562 UUID version 5 (SHA-1 of namespace + name). Hand-written because node:crypto has only v4 and the
 * `uuid` package is ESM-only (jest here transforms only @middy); the algorithm is these few lines.
 */
export function uuidV5(name: string, namespace: string = PAYFLOW_NAMESPACE): string {
  const namespaceBytes = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  if (namespaceBytes.length !== 16) throw new Error(`namespace ${namespace} is not a UUID`);
  return nameBasedUuid(createHash('sha1').update(namespaceBytes).update(name, 'utf8').digest());
}

/** The id of an event about one thing: the same parts give the same id, so a republished event is deduplicated. */
export function stableEventId(...parts: string[]): string {
  return uuidV5(parts.join('\n'));
}

/**
 * billing-ingest's event ids (InvoiceDue, BillsIngested, BillsIngestFailed): version-5-shaped, but from a
 * SHA-256 of the text with no namespace. Not moved to stableEventId, because notification records each send
 * under its event id: ids that changed across a deploy would send a redelivered file's reminders again.
 */
export function billingEventId(text: string): string {
  return nameBasedUuid(createHash('sha256').update(text).digest());
}
