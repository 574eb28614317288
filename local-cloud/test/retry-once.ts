/**
 * Integration and e2e tests drive real processes on a shared 2-core machine, where a timer or a poll can lose
 * seconds to a neighbour. A failing test runs once more, and its first failure is printed above the retry, so a
 * flake is seen and counted, never hidden; a test that fails twice fails the run.
 */
jest.retryTimes(1, { logErrorsBeforeRetry: true });
