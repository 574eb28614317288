import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { buckets, type AttemptLimit } from '../domain/throttle';
import { getItem } from './batch-get';
import { dynamoDocuments } from './dynamodb';

/** Counters of failed attempts per subject and window bucket; TTL removes a bucket once it is out of every window. */
export function createAttemptCounter(tableName: string) {
  const documents = dynamoDocuments();
  const keyOf = (limit: AttemptLimit, subject: string, bucket: number) =>
    `${limit.kind}#${subject}#${bucket}`;
  return {
    /** This bucket's and the previous bucket's counts for each (limit, subject), in one read. */
    async counts(checks: { limit: AttemptLimit; subject: string }[], now: Date) {
      const keys = checks.flatMap(({ limit, subject }) => {
        const { current, previous } = buckets(limit, now);
        return [keyOf(limit, subject, current), keyOf(limit, subject, previous)];
      });
      // Batched with whatever else is read at the same moment (a payment's own reads).
      const items = await Promise.all(keys.map((key) => getItem(tableName, { key })));
      const found = new Map<string, number>();
      for (const item of items) if (item) found.set(String(item.key), Number(item.hits ?? 0));
      return checks.map(({ limit, subject }) => {
        const { current, previous } = buckets(limit, now);
        return {
          limit,
          current: found.get(keyOf(limit, subject, current)) ?? 0,
          previous: found.get(keyOf(limit, subject, previous)) ?? 0,
        };
      });
    },

    /** Counts one failed attempt against each (limit, subject). */
    async add(checks: { limit: AttemptLimit; subject: string }[], now: Date): Promise<void> {
      await Promise.all(
        checks.map(({ limit, subject }) => {
          const { current } = buckets(limit, now);
          const expires = Math.floor(now.getTime() / 1000) + 2 * limit.windowSeconds + 60;
          return documents.send(
            new UpdateCommand({
              TableName: tableName,
              Key: { key: keyOf(limit, subject, current) },
              UpdateExpression: 'ADD hits :one SET expiresAt = :expires',
              ExpressionAttributeValues: { ':one': 1, ':expires': expires },
            }),
          );
        }),
      );
    },
  };
}
