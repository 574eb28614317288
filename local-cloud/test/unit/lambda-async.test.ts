/** Asynchronous invocations queued before the local cloud stops end there: no retry, no destination, no log. */
import { abandonAsyncInvocations, asyncInvocationsIdle, invokeAsync } from '../../src/lambda-async';

const failing = () => {
  const calls: unknown[] = [];
  const run = async (_name: string, event: unknown) => {
    calls.push(event);
    return { payload: null, functionError: { errorType: 'Error', errorMessage: 'refused' } };
  };
  return { calls, run };
};

beforeAll(() => {
  process.env.PAYFLOW_ASYNC_RETRY_DELAY_MS = '20';
});
afterAll(() => {
  delete process.env.PAYFLOW_ASYNC_RETRY_DELAY_MS;
});

it('retries a failing function twice, then reports the event dropped (no destination configured)', async () => {
  const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  const { calls, run } = failing();
  invokeAsync('async-unit-retried', { n: 1 }, run);
  await asyncInvocationsIdle();
  expect(calls).toHaveLength(3);
  expect(errors.mock.calls.map(([line]) => String(line))).toEqual([
    expect.stringContaining('async-unit-retried failed 3 time(s)'),
  ]);
  errors.mockRestore();
});

it('drops an invocation waiting for its retry when the local cloud stops: no further attempt, nothing logged', async () => {
  const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  const { calls, run } = failing();
  invokeAsync('async-unit-abandoned', { n: 2 }, run);
  while (calls.length === 0) await new Promise((resolve) => setImmediate(resolve));
  abandonAsyncInvocations();
  await new Promise((resolve) => setTimeout(resolve, 200));
  await asyncInvocationsIdle();
  expect(calls).toHaveLength(1);
  expect(errors).not.toHaveBeenCalled();
  errors.mockRestore();
});

it('runs invocations queued after a stop as usual', async () => {
  const { calls, run } = failing();
  const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  invokeAsync('async-unit-after-stop', { n: 3 }, run);
  await asyncInvocationsIdle();
  expect(calls).toHaveLength(3);
  errors.mockRestore();
});
