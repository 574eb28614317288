import { setLongTimeout } from '../../src/timers';

const THIRTY_DAYS_MS = 30 * 86_400_000;

describe('setLongTimeout', () => {
  beforeEach(() => jest.useFakeTimers({ now: new Date('2026-12-01T00:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  it('fires after 30 days, not a millisecond before (a plain setTimeout would fire after 1 ms)', () => {
    const fire = jest.fn();
    setLongTimeout(fire, THIRTY_DAYS_MS);
    jest.advanceTimersByTime(THIRTY_DAYS_MS - 1);
    expect(fire).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(fire).toHaveBeenCalledTimes(1);
  });

  it('never fires once cleared, whichever link of the chain is waiting', () => {
    const fire = jest.fn();
    const timer = setLongTimeout(fire, THIRTY_DAYS_MS);
    jest.advanceTimersByTime(25 * 86_400_000);
    timer.clear();
    jest.advanceTimersByTime(THIRTY_DAYS_MS);
    expect(fire).not.toHaveBeenCalled();
  });
});
