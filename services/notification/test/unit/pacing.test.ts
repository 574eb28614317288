import { isThrottling, bulkEntryError } from '../../src/domain/delivery-errors';
import { sendPacedInBulk, type ChannelSenders } from '../../src/domain/lanes';
import type { SendRequest } from '../../src/domain/notify';
import {
  bulkCallSize,
  dailyShareSpent,
  reminderRatePerWorker,
  retryThrottled,
  SendPacer,
  type Clock,
} from '../../src/domain/pacing';

/** A clock that only moves when someone sleeps: the tests run in no time and see every wait. */
function fakeClock(start = 1_000_000) {
  let now = start;
  const clock: Clock = {
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
  };
  return { clock, elapsed: () => now - start };
}

const throttled = () =>
  Object.assign(new Error('Maximum sending rate exceeded.'), { name: 'TooManyRequestsException' });

describe('the reminders share of the SES send rate', () => {
  it('sends calls no larger than the share left over per worker, at most 50 (SendBulkEmail)', () => {
    expect(bulkCallSize(50, 0.05, 2)).toBe(1);
    expect(bulkCallSize(10_000, 0.05, 2)).toBe(50);
    expect(bulkCallSize(1, 0.05, 2)).toBe(1);
  });

  it('counts the daily quota as spent at its reminders share, and never without a daily limit', () => {
    const quota = { maxSendRate: 14, max24HourSend: 50_000 };
    expect(dailyShareSpent({ ...quota, sentLast24Hours: 47_499 }, 0.05)).toBe(false);
    expect(dailyShareSpent({ ...quota, sentLast24Hours: 47_500 }, 0.05)).toBe(true);
    expect(dailyShareSpent({ maxSendRate: 14, max24HourSend: -1, sentLast24Hours: 10 ** 9 }, 0.05)).toBe(
      false,
    );
  });

  it('leaves the transactional share and splits the rest between the workers', () => {
    expect(reminderRatePerWorker(50, 0.05, 2)).toBeCloseTo(23.75);
    expect(reminderRatePerWorker(1, 0.05, 1)).toBeCloseTo(0.95);
  });
});

describe('SendPacer', () => {
  /** Recipients started within [at, at + 1000 ms) for every call's start: the most SES would see in a second. */
  const busiestSecond = (sends: Array<{ at: number; count: number }>) =>
    Math.max(
      ...sends.map(({ at }) =>
        sends.filter((s) => s.at >= at && s.at < at + 1000).reduce((sum, s) => sum + s.count, 0),
      ),
    );

  it('spaces calls evenly at the rate, and no second holds more than the rate rounded up', async () => {
    const { clock, elapsed } = fakeClock();
    const pacer = new SendPacer(async () => 23.75, clock);
    const sends: Array<{ at: number; count: number }> = [];
    for (let i = 0; i < 500; i += 1) {
      await pacer.take(1);
      sends.push({ at: clock.now(), count: 1 });
    }
    expect(busiestSecond(sends)).toBeLessThanOrEqual(24);
    // 500 recipients at 23.75 a second, the first at once: 499 / 23.75 = 21.01 s after the first.
    expect(elapsed()).toBeGreaterThanOrEqual(21_000);
    expect(elapsed()).toBeLessThan(21_100);
  });

  it('does not make up a pause between two batches with a burst that would pass the cap', async () => {
    const { clock } = fakeClock();
    const pacer = new SendPacer(async () => 23.75, clock);
    const sends: Array<{ at: number; count: number }> = [];
    const first = clock.now();
    for (let batch = 0; batch < 10; batch += 1) {
      for (let i = 0; i < 100; i += 1) {
        await pacer.take(1);
        sends.push({ at: clock.now(), count: 1 });
      }
      await clock.sleep(300); // the records written, the next batch received and claimed
    }
    expect(busiestSecond(sends)).toBeLessThanOrEqual(24);
    // The rate while sending, and the nine pauses on top (1 % either way).
    const seconds = (sends.at(-1)!.at - first) / 1000;
    expect(seconds).toBeGreaterThan((999 / 23.75 + 9 * 0.3) * 0.99);
    expect(seconds).toBeLessThan((999 / 23.75 + 9 * 0.3) * 1.01);
  });

  it('keeps the cap with calls of several recipients and late timers', async () => {
    let now = 1_000_000;
    let late = 0;
    const clock: Clock = {
      now: () => now,
      sleep: async (ms) => {
        late = (late + 37) % 120; // every timer fires 0-119 ms late
        now += ms + late;
      },
    };
    const pacer = new SendPacer(async () => 47.5, clock);
    const sends: Array<{ at: number; count: number }> = [];
    for (let i = 0; i < 300; i += 1) {
      const count = 1 + (i % 3);
      await pacer.take(count);
      sends.push({ at: clock.now(), count });
    }
    expect(busiestSecond(sends)).toBeLessThanOrEqual(48);
  });

  it('applies a new rate at once', async () => {
    const { clock, elapsed } = fakeClock();
    let rate = 10;
    const pacer = new SendPacer(async () => rate, clock);
    await pacer.take(10); // a whole window at 10/s: the next may start a second later
    rate = 1000;
    await pacer.take(500);
    expect(elapsed()).toBeLessThanOrEqual(1000);
    await pacer.take(500);
    await pacer.take(500);
    expect(elapsed()).toBeLessThanOrEqual(2000);
  });
});

describe('retryThrottled', () => {
  it('waits out throttling with growing delays and returns the answer', async () => {
    const { clock, elapsed } = fakeClock();
    let calls = 0;
    const answer = await retryThrottled(
      async () => {
        calls += 1;
        if (calls < 4) throw throttled();
        return 'sent';
      },
      isThrottling,
      { deadline: clock.now() + 10_000, clock },
    );
    expect(answer).toBe('sent');
    expect(calls).toBe(4);
    expect(elapsed()).toBeGreaterThanOrEqual(350);
  });

  it('gives up at the deadline with the throttling error (the record is retried later), and never on other errors', async () => {
    const { clock } = fakeClock();
    await expect(
      retryThrottled(() => Promise.reject(throttled()), isThrottling, {
        deadline: clock.now() + 1000,
        clock,
      }),
    ).rejects.toThrow('Maximum sending rate exceeded.');
    let calls = 0;
    await expect(
      retryThrottled(
        () => {
          calls += 1;
          return Promise.reject(Object.assign(new Error('no'), { name: 'MessageRejected' }));
        },
        isThrottling,
        { deadline: clock.now() + 10_000, clock },
      ),
    ).rejects.toThrow('no');
    expect(calls).toBe(1);
  });

  it('recognises SES and SNS throttling, and a bulk entry ACCOUNT_THROTTLED', () => {
    expect(isThrottling(throttled())).toBe(true);
    expect(isThrottling(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }))).toBe(true);
    expect(isThrottling(Object.assign(new Error('x'), { name: 'MessageRejected' }))).toBe(false);
    expect(isThrottling(bulkEntryError('ACCOUNT_THROTTLED', 'slow down'))).toBe(true);
    expect(bulkEntryError('MESSAGE_REJECTED', 'virus')!.name).toBe('MessageRejected');
    expect(bulkEntryError('SUCCESS', undefined)).toBeUndefined();
  });
});

describe('sending reminders in bulk', () => {
  const reminder = (i: number): SendRequest => ({
    eventId: `event-${i}`,
    detailType: 'InvoiceDue',
    address: `customer-${i}@example.com`,
    channel: 'email',
    email: { subject: `Invoice ${i}`, text: 'Pay', html: '<p>Pay</p>' },
  });

  it('sends in calls of the chunk size, retries throttled calls until they go, and loses or repeats nothing', async () => {
    const { clock } = fakeClock();
    const delivered: string[] = [];
    let throttleNext = 2;
    const senders: ChannelSenders = {
      sendEmail: () => Promise.reject(new Error('not used')),
      sendSms: () => Promise.reject(new Error('not used')),
      async sendBulkEmail(messages) {
        if (throttleNext > 0) {
          throttleNext -= 1;
          throw throttled();
        }
        // One entry throttled on its own (ACCOUNT_THROTTLED) once.
        return messages.map(({ to }) => {
          if (to === 'customer-3@example.com' && !delivered.includes('retry-3')) {
            delivered.push('retry-3');
            return { error: bulkEntryError('ACCOUNT_THROTTLED', 'throttled')! };
          }
          delivered.push(to);
          return { providerMessageId: `id-${to}` };
        });
      },
    };
    const pacer = new SendPacer(async () => 1000, clock);
    const send = sendPacedInBulk(senders, pacer, async () => 4, clock.now() + 60_000, clock);
    const outcomes = await send(Array.from({ length: 10 }, (_, i) => reminder(i)));
    expect(outcomes.every((o) => 'providerMessageId' in o)).toBe(true);
    const addresses = delivered.filter((d) => d.includes('@'));
    expect(addresses.sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `customer-${i}@example.com`).sort(),
    );
  });

  it('returns throttling as a transient outcome for what is left when the deadline comes', async () => {
    const { clock } = fakeClock();
    const senders: ChannelSenders = {
      sendEmail: () => Promise.reject(new Error('not used')),
      sendSms: () => Promise.reject(new Error('not used')),
      sendBulkEmail: () => Promise.reject(throttled()),
    };
    const send = sendPacedInBulk(
      senders,
      new SendPacer(async () => 1000, clock),
      async () => 2,
      clock.now() + 500,
      clock,
    );
    const outcomes = await send(Array.from({ length: 5 }, (_, i) => reminder(i)));
    expect(outcomes).toHaveLength(5);
    expect(outcomes.every((o) => 'error' in o && isThrottling(o.error))).toBe(true);
  });

  it('paces SMS to their own pacer, beside the e-mails, and sends each once', async () => {
    const { clock } = fakeClock();
    const texts: Array<{ to: string; at: number }> = [];
    const senders: ChannelSenders = {
      sendEmail: () => Promise.reject(new Error('not used')),
      sendSms: async (to) => {
        texts.push({ to, at: clock.now() });
        return `sms-${to}`;
      },
      sendBulkEmail: async (messages) => messages.map(({ to }) => ({ providerMessageId: `id-${to}` })),
    };
    const sms = (i: number): SendRequest => ({
      eventId: `sms-event-${i}`,
      detailType: 'InvoiceDue',
      address: `+1555000${String(i).padStart(4, '0')}`,
      channel: 'sms',
      sms: { text: 'Pay', segments: 1, encoding: 'GSM-7', shortened: [] },
    });
    const send = sendPacedInBulk(
      senders,
      new SendPacer(async () => 1000, clock),
      async () => 50,
      clock.now() + 600_000,
      clock,
      new SendPacer(async () => 9.5, clock),
    );
    const requests = [...Array.from({ length: 40 }, (_, i) => sms(i)), reminder(1), reminder(2)];
    const outcomes = await send(requests);
    expect(outcomes.every((o) => 'providerMessageId' in o)).toBe(true);
    expect(new Set(texts.map((t) => t.to)).size).toBe(40);
    expect(texts).toHaveLength(40);
    for (const { at } of texts)
      expect(texts.filter((t) => t.at >= at && t.at < at + 1000).length).toBeLessThanOrEqual(10);
  });
});
