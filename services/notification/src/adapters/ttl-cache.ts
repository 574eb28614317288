/**
 * Answers remembered for `ttlMs` per container (at most `maxEntries`, oldest dropped first); concurrent asks for
 * the same key share one lookup. A failed lookup is not remembered.
 */
export function createTtlCache<T>(ttlMs: number, maxEntries: number) {
  const entries = new Map<string, { value: Promise<T>; until: number }>();
  return {
    get(key: string, lookup: () => Promise<T>): Promise<T> {
      const now = Date.now();
      const hit = entries.get(key);
      if (hit && hit.until > now) return hit.value;
      const value = lookup();
      entries.delete(key);
      entries.set(key, { value, until: now + ttlMs });
      value.catch(() => entries.delete(key));
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
      return value;
    },
  };
}
