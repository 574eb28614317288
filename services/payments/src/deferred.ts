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

async function deferredWork(key: string): Promise<void> {
  const list = pending.get(key) ?? [];
  pending.delete(key);
  await Promise.allSettled(list);
}

/** The request's answer, once the work it deferred under its key is done too (whatever the answer was). */
export async function answerAfterDeferredWork<Answer>(
  key: string,
  answer: () => Promise<Answer>,
): Promise<Answer> {
  try {
    return await answer();
  } finally {
    await deferredWork(key);
  }
}
