import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { awsClient } from '@payflow/shared';
import { z } from 'zod';
import { expiryCheckDelaySeconds } from '../domain/session';
import { queueUrlOf } from './queue-url';

export const ExpiryCheckSchema = z.strictObject({
  sessionId: z.string().min(1),
  payBefore: z.iso.datetime(),
});
export type ExpiryCheck = z.infer<typeof ExpiryCheckSchema>;

/** Schedules "look at this session when it is due" as a delayed SQS message (TTL deletion is not timely). */
export function createExpiryQueue(queueName: string, sqs: SQSClient = awsClient(SQSClient)) {
  // Resolved once per container: the name is deterministic, the URL depends on account and endpoint.
  const url = queueUrlOf(sqs, queueName);
  return {
    async schedule(check: ExpiryCheck, now: Date, minimumDelaySeconds = 0): Promise<void> {
      const delay = Math.max(minimumDelaySeconds, expiryCheckDelaySeconds(check.payBefore, now));
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: await url(),
          MessageBody: JSON.stringify(check),
          DelaySeconds: Math.min(900, delay),
        }),
      );
    },
  };
}
