import { sleep } from '@payflow/shared';

/**
 * Pacing the reminders lane to what SES allows. SES counts every recipient against the account's maximum send
 * rate over a sliding second and refuses the whole call beyond it; each reminders worker sends its share of
 * that rate, evenly spaced, and never more than its share rounded up within any one second.
 */

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep,
};

/** GetAccount's SendQuota. */
export interface SendQuota {
  maxSendRate: number;
  /** -1: no daily limit. */
  max24HourSend: number;
  sentLast24Hours: number;
}

/**
 * True when the reminders' share of the daily quota (Max24HourSend) is spent: they stop, and leave the rest of
 * the day's sends to the transactional lane, rather than run into SES's `Daily message quota exceeded`.
 */
export function dailyShareSpent(quota: SendQuota, transactionalShare: number): boolean {
  if (quota.max24HourSend < 0) return false;
  return quota.sentLast24Hours >= quota.max24HourSend * (1 - transactionalShare);
}

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
 * Recipients per SendBulkEmail call: the share left over per worker (1 at 50/s), at most SES's 50. Calls stay
 * small where the rate is small, so a worker's sends are spread over its second rather than sent in one burst.
 */
export function bulkCallSize(maxSendRate: number, transactionalShare: number, workers: number): number {
  const slack = (maxSendRate * transactionalShare) / Math.max(1, workers);
  return Math.max(1, Math.min(50, Math.floor(slack)));
}

/**
 * Holds this worker to its rate, spaced evenly (a leaky bucket: a call of n recipients starts n/rate seconds after
 * the previous one), and caps it the way SES counts: at most `limit` = ceil(rate) recipients start within any
 * window of limit/rate seconds (at least one second). Any one second then holds at most ceil(rate) of this
 * worker's recipients, so the workers together stay under the quota wherever SES's second starts (2 × 24 = 48
 * at 50/s). A pause (between two batches) is not made up: a burst after it would put more than the rate into
 * the next second, which is what SES refuses (the leaky bucket alone made up 250 ms of pause, and under load
 * its bursts were throttled: 0-187 calls a run). notifyBatch keeps the pause short instead (`pipelined`).
 */
const CATCH_UP_MS = 250;

export class SendPacer {
  /** When the next call may start on the even spacing; undefined until the first call (no burst at the start). */
  private nextFree: number | undefined;
  /** This worker's calls within the window, oldest first: when each started and its recipients. */
  private readonly recent: Array<{ at: number; count: number }> = [];
  private inWindow = 0;

  constructor(
    private readonly ratePerSecond: () => Promise<number>,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Waits until `count` recipients may start, and counts them. The rate is read on every call. */
  async take(count: number): Promise<void> {
    for (;;) {
      const rate = await this.ratePerSecond();
      const limit = Math.max(Math.ceil(rate), count);
      // Whole milliseconds, as Date.now() counts: a call leaves the window exactly when its time is up.
      const windowMs = Math.max(1000, Math.ceil((limit / rate) * 1000));
      const now = this.clock.now();
      while (this.recent.length > 0 && this.recent[0]!.at <= now - windowMs) {
        this.inWindow -= this.recent.shift()!.count;
      }
      // A turn a late timer missed is taken at once (up to 250 ms back), so lateness does not add up.
      const start = Math.max(now - CATCH_UP_MS, this.nextFree ?? now);
      if (start > now) {
        await this.clock.sleep(Math.ceil(start - now));
        continue;
      }
      if (this.inWindow + count > limit) {
        // Until enough of the oldest calls have left the window.
        let left = this.inWindow;
        let until = now;
        for (const call of this.recent) {
          left -= call.count;
          until = call.at + windowMs;
          if (left + count <= limit) break;
        }
        await this.clock.sleep(until - now);
        // The window was full: what was missed is made up already, so from here the spacing holds again (a
        // catch-up left over would make every window start with a burst).
        this.nextFree = Math.max(this.nextFree ?? 0, this.clock.now());
        continue;
      }
      this.nextFree = start + (count * 1000) / rate;
      this.recent.push({ at: now, count });
      this.inWindow += count;
      return;
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
