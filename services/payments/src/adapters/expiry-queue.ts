import { GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { awsClient } from '@payflow/shared';
import { z } from 'zod';
import { expiryCheckDelaySeconds } from '../domain/session';

export const ExpiryCheckSchema = z.strictObject({
  sessionId: z.string().min(1),
  payBefore: z.iso.datetime(),
});
export type ExpiryCheck = z.infer<typeof ExpiryCheckSchema>;

/** Schedules "look at this session when it is due" as a delayed SQS message (TTL deletion is not timely). */
export function createExpiryQueue(queueName: string, sqs: SQSClient = awsClient(SQSClient)) {
  let queueUrl: Promise<string> | undefined;
  const url = () => {
    // Resolved once per container: the name is deterministic, the URL depends on account and endpoint.
    queueUrl ??= sqs
      .send(new GetQueueUrlCommand({ QueueName: queueName }))
      .then(({ QueueUrl }) => {
        if (!QueueUrl) throw new Error(`Queue ${queueName} has no URL`);
        return QueueUrl;
      })
      .catch((error: unknown) => {
        queueUrl = undefined;
        throw error;
      });
    return queueUrl;
  };
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

export type ExpiryQueue = ReturnType<typeof createExpiryQueue>;
