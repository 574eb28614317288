/**
 * Strangers are slowed down: failed attempts (declined cards, wrong access codes) are counted per subject (a card's
 * keyed hash, a client address, an invoice) in a sliding window, and past a limit the answer is 429 before anything
 * is tried. The window is approximated from two fixed buckets, the usual sliding-window counter.
 */
export interface AttemptLimit {
  /** What is counted, for the key and the message: 'declines-card', 'declines-client', 'codes-invoice'... */
  kind: string;
  limit: number;
  windowSeconds: number;
}

const WINDOW_SECONDS = 15 * 60;

export type LimitSettings = Partial<
  Record<'declinesPerCard' | 'declinesPerClient' | 'wrongCodesPerInvoice' | 'wrongCodesPerClient', number>
>;

/** The limits, per 15 minutes; the per-client ones can be raised where many people share one address. */
export function attemptLimits(settings: LimitSettings = {}) {
  const limit = (kind: string, value: number): AttemptLimit => ({
    kind,
    limit: value,
    windowSeconds: WINDOW_SECONDS,
  });
  return {
    declinesPerCard: limit('declines-card', settings.declinesPerCard ?? 10),
    declinesPerClient: limit('declines-client', settings.declinesPerClient ?? 50),
    wrongCodesPerInvoice: limit('codes-invoice', settings.wrongCodesPerInvoice ?? 5),
    wrongCodesPerClient: limit('codes-client', settings.wrongCodesPerClient ?? 30),
  };
}
export type AttemptLimits = ReturnType<typeof attemptLimits>;

/** The bucket a moment falls in, and the one before it. */
export function buckets(
  limit: AttemptLimit,
  now: Date,
): { current: number; previous: number; elapsed: number } {
  const size = limit.windowSeconds * 1000;
  const current = Math.floor(now.getTime() / size);
  return { current, previous: current - 1, elapsed: (now.getTime() % size) / size };
}

/** The sliding count: all of this bucket and the share of the previous one still inside the window. */
export function slidingCount(currentCount: number, previousCount: number, elapsed: number): number {
  return currentCount + previousCount * (1 - elapsed);
}

/** Seconds until the count falls below the limit again, or 0 when the attempt may go ahead. */
export function retryAfterSeconds(
  limit: AttemptLimit,
  counts: { current: number; previous: number },
  now: Date,
): number {
  const { elapsed } = buckets(limit, now);
  if (slidingCount(counts.current, counts.previous, elapsed) < limit.limit) return 0;
  // At worst the current bucket's attempts leave the window when the next bucket ends.
  return (
    Math.ceil((1 - elapsed) * limit.windowSeconds) + (counts.current >= limit.limit ? limit.windowSeconds : 0)
  );
}
