/** Full-jitter exponential backoff: a random wait up to min(maxMs, baseMs * 2^(attempt-1)). */
export function backoffDelay(attempt: number, baseMs = 50, maxMs = 5_000, random = Math.random): number {
  return Math.floor(random() * Math.min(maxMs, baseMs * 2 ** (attempt - 1)));
}

export const sleep = (milliseconds: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, milliseconds));

/** Some of a batch was never accepted after every retry (DynamoDB kept returning it as unprocessed). */
export class UnprocessedError extends Error {
  override name = 'UnprocessedError';
}
