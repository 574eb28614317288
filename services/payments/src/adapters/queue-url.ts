import { GetQueueUrlCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** A queue's URL by its (deterministic) name, resolved once per container; a failure is asked again next time. */
export function queueUrlOf(sqs: SQSClient, queueName: string): () => Promise<string> {
  let queueUrl: Promise<string> | undefined;
  return () => {
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
}
