import { createHash } from 'node:crypto';

/** The namespace of Payflow's derived ids (a random v4 UUID, fixed forever). */
export const PAYFLOW_NAMESPACE = '9b1d3c52-58a4-4f0e-8d6c-2f7a41e0c9b3';

/**
 * RFC 9562 UUID version 5 (SHA-1 of namespace + name). Hand-written because node:crypto has only v4 and the
 * `uuid` package is ESM-only (jest here transforms only @middy); the algorithm is these eight lines.
 */
export function uuidV5(name: string, namespace: string = PAYFLOW_NAMESPACE): string {
  const namespaceBytes = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  if (namespaceBytes.length !== 16) throw new Error(`namespace ${namespace} is not a UUID`);
  const hash = createHash('sha1').update(namespaceBytes).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The id of an event about one thing: the same parts give the same id, so a republished event is deduplicated. */
export function stableEventId(...parts: string[]): string {
  return uuidV5(parts.join('\n'));
}
