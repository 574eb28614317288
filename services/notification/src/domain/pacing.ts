import { sleep } from '@payflow/shared';

/**
 * Pacing the reminders lane to what SES allows. SES counts every recipient against the account's maximum send
 * rate over a sliding second and refuses the whole call beyond it; each reminders worker sends its share of
 * that rate, evenly spaced, in calls small enough that the workers together never pass it.
 */

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep,
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

/**
 * Recipients per SendBulkEmail call. Evenly spaced calls of c recipients put at most rate + c into any one
 * second, so c is held to what the transactional share leaves over per worker: the workers together then stay
 * under the quota wherever SES's second starts (1 at 50/s; SES's limit of 50 at a generous quota).
 */
export function bulkCallSize(maxSendRate: number, transactionalShare: number, workers: number): number {
  const slack = (maxSendRate * transactionalShare) / Math.max(1, workers);
  return Math.max(1, Math.min(50, Math.floor(slack)));
}

/**
 * Spaces this worker's sends evenly at its rate (a leaky bucket): a call of n recipients may start n/rate
 * seconds after the previous one started. The rate is read on every call, so a new quota applies at once.
 */
export class SendPacer {
  private nextFree = 0;

  constructor(
    private readonly ratePerSecond: () => Promise<number>,
    private readonly clock: Clock = systemClock,
    /**
     * Turns missed while idle (between two batches) that may still be used, at most this far back: the pause
     * and the catch-up fall into the same second, so the worker keeps its rate over a second without passing it.
     */
    private readonly catchUpMs = 250,
  ) {}

  async take(count: number): Promise<void> {
    const rate = await this.ratePerSecond();
    const now = this.clock.now();
    const start = Math.max(now - this.catchUpMs, this.nextFree);
    this.nextFree = start + (count * 1000) / rate;
    if (start > now) await this.clock.sleep(start - now);
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
