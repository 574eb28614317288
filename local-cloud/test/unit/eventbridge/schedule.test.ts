import { nextFireTime, parseSchedule, Scheduler } from '../../../src/eventbridge/schedule';

const next = (expression: string, after: string, count = 1) => {
  const schedule = parseSchedule(expression);
  const times: string[] = [];
  let from = new Date(after);
  for (let i = 0; i < count; i++) {
    from = nextFireTime(schedule, from)!;
    times.push(from.toISOString());
  }
  return times;
};

describe('parseSchedule', () => {
  it.each([
    'rate(1 minute)',
    'rate(5 minutes)',
    'rate(1 hour)',
    'rate(30 days)',
    'cron(0 10 * * ? *)',
    'cron(0/15 8-17 ? * MON-FRI *)',
    'cron(0 12 L * ? 2026-2030)',
    'cron(15 10 ? * 6L *)',
    'cron(0 9 15W * ? *)',
    'cron(0 9 ? * 2#1 *)',
  ])('accepts %s', (expression) => {
    expect(() => parseSchedule(expression)).not.toThrow();
  });

  it.each([
    'rate(1 minutes)',
    'rate(5 minute)',
    'rate(0 minutes)',
    'rate(1 second)',
    'rate(five minutes)',
    'cron(0 10 * * *)',
    'cron(0 10 * * * *)',
    'cron(0 10 ? * ? *)',
    'cron(61 10 * * ? *)',
    'every day',
  ])('refuses %s as AWS does', (expression) => {
    expect(() => parseSchedule(expression)).toThrow('Parameter ScheduleExpression is not valid.');
  });
});

describe('nextFireTime', () => {
  it('counts a rate from the time given', () => {
    expect(next('rate(1 minute)', '2026-12-01T09:00:30Z', 2)).toEqual([
      '2026-12-01T09:01:30.000Z',
      '2026-12-01T09:02:30.000Z',
    ]);
  });

  it('reads cron fields as AWS does, in UTC: 1 is Sunday, L, W, # and the year field', () => {
    expect(next('cron(0 10 ? * 1 *)', '2026-12-01T00:00:00Z')).toEqual(['2026-12-06T10:00:00.000Z']);
    expect(next('cron(0/15 8-17 ? * MON-FRI *)', '2026-12-04T17:50:00Z')).toEqual([
      '2026-12-07T08:00:00.000Z',
    ]);
    expect(next('cron(15 10 ? * 6L *)', '2026-12-01T00:00:00Z')).toEqual(['2026-12-25T10:15:00.000Z']);
    expect(next('cron(0 9 15W * ? *)', '2026-11-01T00:00:00Z')).toEqual(['2026-11-16T09:00:00.000Z']);
    expect(next('cron(0 9 ? * 2#1 *)', '2026-12-01T00:00:00Z')).toEqual(['2026-12-07T09:00:00.000Z']);
    expect(next('cron(0 12 L * ? *)', '2027-02-01T00:00:00Z')).toEqual(['2027-02-28T12:00:00.000Z']);
    expect(next('cron(0 0 1 1 ? 2028)', '2026-12-01T00:00:00Z')).toEqual(['2028-01-01T00:00:00.000Z']);
  });

  it('has no next time for a cron whose years are past', () => {
    expect(
      nextFireTime(parseSchedule('cron(0 0 1 1 ? 2020)'), new Date('2026-12-01T00:00:00Z')),
    ).toBeUndefined();
  });
});

describe('Scheduler', () => {
  afterEach(() => jest.useRealTimers());

  it('fires a cron rule at its wall-clock minute, and not before', () => {
    jest.useFakeTimers({ now: new Date('2026-12-01T09:59:58Z') });
    const fired: string[] = [];
    const scheduler = new Scheduler((arn, at) => fired.push(`${arn} ${at.toISOString()}`), 1);
    scheduler.schedule('rule-arn', 'cron(0 10 * * ? *)');
    jest.advanceTimersByTime(1999);
    expect(fired).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(fired).toEqual(['rule-arn 2026-12-01T10:00:00.000Z']);
    jest.advanceTimersByTime(24 * 3_600_000);
    expect(fired).toEqual(['rule-arn 2026-12-01T10:00:00.000Z', 'rule-arn 2026-12-02T10:00:00.000Z']);
    scheduler.close();
  });

  it('fires rate(30 days) after 30 days, not at once (longer than one Node timer)', () => {
    jest.useFakeTimers({ now: new Date('2026-12-01T00:00:00Z') });
    const fired: string[] = [];
    const scheduler = new Scheduler((_, at) => fired.push(at.toISOString()), 1); // 1: whatever PAYFLOW_SCHEDULE_TIME_SCALE says
    scheduler.schedule('rule-arn', 'rate(30 days)');
    jest.advanceTimersByTime(30 * 86_400_000 - 1);
    expect(fired).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(fired).toEqual(['2026-12-31T00:00:00.000Z']);
    scheduler.close();
  });

  it('stops firing once unscheduled', () => {
    jest.useFakeTimers({ now: new Date('2026-12-01T00:00:00Z') });
    const fired: string[] = [];
    const scheduler = new Scheduler((_, at) => fired.push(at.toISOString()), 1); // 1: whatever PAYFLOW_SCHEDULE_TIME_SCALE says
    scheduler.schedule('rule-arn', 'rate(1 minute)');
    jest.advanceTimersByTime(60_000);
    scheduler.unschedule('rule-arn');
    jest.advanceTimersByTime(10 * 60_000);
    expect(fired).toEqual(['2026-12-01T00:01:00.000Z']);
  });
});
