/** Waiting before trying again: Node's promise timer, and the one backoff every retry loop here uses. */
export { setTimeout as sleep } from 'node:timers/promises';

export interface BackoffOptions {
  /** The cap of the first retry's delay; each further retry doubles it. */
  baseMs: number;
  /** No retry waits longer than this. */
  maxMs: number;
}

/**
 * Full-jitter exponential backoff (AWS Architecture Blog, "Exponential Backoff And Jitter"): before retry
 * number `retry` (1 for the first), a random wait up to min(maxMs, baseMs * 2^(retry-1)), so callers that
 * failed together spread out instead of colliding again.
 */
export function backoffDelay(
  retry: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  return Math.floor(random() * Math.min(options.maxMs, options.baseMs * 2 ** (retry - 1)));
}
