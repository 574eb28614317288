/**
 * Work a request started that may finish beside its last writes (publishing an outcome while Powertools records the
 * idempotent answer), keyed by the request's Idempotency-Key; the handler awaits it before answering, so nothing
 * is left running when Lambda freezes the container.
 */
const pending = new Map<string, Promise<void>[]>();

export function deferWork(key: string, work: Promise<void>): void {
  const list = pending.get(key) ?? [];
  list.push(work);
  pending.set(key, list);
}

export async function deferredWork(key: string): Promise<void> {
  const list = pending.get(key) ?? [];
  pending.delete(key);
  await Promise.allSettled(list);
}
