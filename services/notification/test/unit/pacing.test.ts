import { isThrottling, bulkEntryError } from '../../src/domain/delivery-errors';
import { sendPacedInBulk, type ChannelSenders } from '../../src/domain/lanes';
import type { SendRequest } from '../../src/domain/notify';
import {
  bulkCallSize,
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

  it('leaves the transactional share and splits the rest between the workers', () => {
    expect(reminderRatePerWorker(50, 0.05, 2)).toBeCloseTo(23.75);
    expect(reminderRatePerWorker(1, 0.05, 1)).toBeCloseTo(0.95);
  });
});

describe('SendPacer', () => {
  it('spaces calls evenly: any second holds at most the rate plus one call, and the pace is the rate', async () => {
    const { clock, elapsed } = fakeClock();
    const pacer = new SendPacer(async () => 20, clock, 0);
    const sends: number[] = [];
    for (let i = 0; i < 40; i += 1) {
      await pacer.take(5);
      sends.push(clock.now());
    }
    for (const at of sends) {
      const inWindow = sends.filter((t) => t >= at && t < at + 1000).length * 5;
      expect(inWindow).toBeLessThanOrEqual(20 + 5);
    }
    // 200 recipients at 20 a second: the 40th call starts 39 × 0.25 s after the first.
    expect(elapsed()).toBe(9750);
  });

  it('uses up to 250 ms of turns missed while idle, no more', async () => {
    const { clock, elapsed } = fakeClock();
    const pacer = new SendPacer(async () => 20, clock);
    await pacer.take(5); // the next turn is 250 ms later
    await clock.sleep(2000); // idle between two batches
    const before = elapsed();
    await pacer.take(5); // catches up 250 ms: at once
    await pacer.take(5); // then the rate again
    expect(elapsed() - before).toBe(0);
    await pacer.take(5);
    expect(elapsed() - before).toBe(250);
  });

  it('applies a new rate at once', async () => {
    const { clock, elapsed } = fakeClock();
    let rate = 10;
    const pacer = new SendPacer(async () => rate, clock, 0);
    await pacer.take(10);
    rate = 1000;
    await pacer.take(500);
    expect(elapsed()).toBe(1000);
    await pacer.take(500);
    expect(elapsed()).toBe(1500);
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
});
