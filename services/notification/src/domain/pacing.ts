/**
 * Pacing the reminders lane to what SES allows. SES counts every recipient against the account's maximum send
 * rate over a sliding second and refuses the whole call beyond it; each reminders worker keeps the same count
 * of its own sends and waits until its share of the second has room.
 */

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** How much of the account's send rate one reminders worker may use (recipients per second). */
export function reminderRatePerWorker(
  maxSendRate: number,
  transactionalShare: number,
  workers: number,
): number {
  const bulk = maxSendRate * (1 - transactionalShare);
  return Math.max(bulk / Math.max(1, workers), 0.1);
}

/** Recipients per SendBulkEmail call: at most 50 (SES's limit) and at most half a worker's second, so sends spread. */
export function bulkChunkSize(ratePerWorker: number): number {
  return Math.max(1, Math.min(50, Math.floor(ratePerWorker / 2)));
}

/**
 * A sliding one-second window of this worker's sends. `take(n)` resolves when n more recipients fit into the
 * last second's allowance; the allowance is read on every call, so a new quota applies at once.
 */
export class SendPacer {
  private sent: Array<{ at: number; count: number }> = [];

  constructor(
    private readonly ratePerSecond: () => Promise<number>,
    private readonly clock: Clock = systemClock,
    private readonly windowMs = 1000,
  ) {}

  async take(count: number): Promise<void> {
    for (;;) {
      const limit = await this.ratePerSecond();
      const now = this.clock.now();
      this.sent = this.sent.filter((s) => s.at > now - this.windowMs);
      const used = this.sent.reduce((sum, s) => sum + s.count, 0);
      // A call larger than the whole allowance may go once the window is empty (it cannot be split further here).
      if (used + count <= limit || used === 0) {
        this.sent.push({ at: now, count });
        return;
      }
      // Wait until enough of the oldest sends leave the window.
      let freed = 0;
      let until = now + 1;
      for (const s of this.sent) {
        freed += s.count;
        until = s.at + this.windowMs + 1;
        if (used - freed + count <= limit) break;
      }
      await this.clock.sleep(Math.max(1, until - now));
    }
  }
}

/**
 * Runs `attempt` again while it fails with throttling, backing off (doubling from `firstDelayMs`, with jitter),
 * as long as the next try still starts before `deadline`; then the throttling error is thrown (a transient
 * failure: the record is retried later, never dropped).
 */
export async function retryThrottled<T>(
  attempt: () => Promise<T>,
  isThrottling: (error: unknown) => boolean,
  options: { deadline: number; firstDelayMs?: number; maxDelayMs?: number; clock?: Clock },
): Promise<T> {
  const clock = options.clock ?? systemClock;
  let delay = options.firstDelayMs ?? 100;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (!isThrottling(error)) throw error;
      const wait = delay / 2 + Math.random() * (delay / 2);
      if (clock.now() + wait >= options.deadline) throw error;
      await clock.sleep(wait);
      delay = Math.min(delay * 2, options.maxDelayMs ?? 2000);
    }
  }
}
