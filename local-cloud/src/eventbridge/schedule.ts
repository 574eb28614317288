/**
 * Scheduled rules: `rate(...)` and AWS's six-field `cron(...)` (minutes hours day-of-month month day-of-week year,
 * `?`, L, W, #, 1 = Sunday), always in UTC, fired by chained timers so a schedule of any length never overflows.
 */
import { Cron } from 'croner';
import { setLongTimeout, type LongTimer } from '../timers';

export type Schedule = { kind: 'rate'; everyMs: number } | { kind: 'cron'; cron: Cron };

const UNIT_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** Parses a ScheduleExpression, or throws what AWS answers to one it refuses. */
export function parseSchedule(expression: string): Schedule {
  const invalid = () => new Error('Parameter ScheduleExpression is not valid.');
  const rate = /^rate\((\d+) (minute|hour|day)(s?)\)$/.exec(expression);
  if (rate) {
    const value = Number(rate[1]);
    // AWS wants `rate(1 minute)` but `rate(5 minutes)`.
    if (value < 1 || (value === 1) !== (rate[3] === '')) throw invalid();
    return { kind: 'rate', everyMs: value * UNIT_MS[rate[2]!]! };
  }
  const cron = /^cron\((.+)\)$/.exec(expression);
  if (!cron) throw invalid();
  const fields = cron[1]!.trim().split(/\s+/);
  if (fields.length !== 6) throw invalid();
  const [, , dayOfMonth, , dayOfWeek] = fields;
  // AWS: one of day-of-month and day-of-week must be `?`, not both.
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) throw invalid();
  try {
    return {
      kind: 'cron',
      cron: new Cron(`0 ${fields.join(' ')}`, {
        mode: '7-part',
        alternativeWeekdays: true,
        sloppyRanges: true,
        timezone: 'UTC',
        paused: true,
      }),
    };
  } catch {
    throw invalid();
  }
}

/** When the schedule fires next after `after` (a rate counts from `after`); undefined when it never will. */
export function nextFireTime(schedule: Schedule, after: Date): Date | undefined {
  if (schedule.kind === 'rate') return new Date(after.getTime() + schedule.everyMs);
  return schedule.cron.nextRun(after) ?? undefined;
}

/**
 * One timer per enabled scheduled rule. `timeScale` shortens rate() schedules for tests
 * (PAYFLOW_SCHEDULE_TIME_SCALE=0.01 fires `rate(1 minute)` every 0.6 s); cron() keeps wall-clock times.
 */
export class Scheduler {
  private readonly timers = new Map<string, { expression: string; timer: LongTimer }>();

  constructor(
    private readonly fire: (ruleArn: string, scheduledTime: Date) => void,
    private readonly timeScale = Number(process.env.PAYFLOW_SCHEDULE_TIME_SCALE ?? 1),
  ) {}

  /** Starts (or keeps) the rule's schedule; a changed expression starts over. */
  schedule(ruleArn: string, expression: string): void {
    if (this.timers.get(ruleArn)?.expression === expression) return;
    this.unschedule(ruleArn);
    const schedule = parseSchedule(expression);
    const arm = (from: Date) => {
      const due =
        schedule.kind === 'rate'
          ? new Date(from.getTime() + schedule.everyMs * this.timeScale)
          : nextFireTime(schedule, from);
      if (!due) {
        this.timers.delete(ruleArn);
        return;
      }
      const timer = setLongTimeout(() => {
        arm(due);
        this.fire(ruleArn, due);
      }, due.getTime() - Date.now());
      this.timers.set(ruleArn, { expression, timer });
    };
    arm(new Date());
  }

  unschedule(ruleArn: string): void {
    this.timers.get(ruleArn)?.timer.clear();
    this.timers.delete(ruleArn);
  }

  close(): void {
    for (const ruleArn of [...this.timers.keys()]) this.unschedule(ruleArn);
  }
}
