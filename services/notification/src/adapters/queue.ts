import { ChangeMessageVisibilityCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { awsClient } from '@payflow/shared';

/** 'arn:aws:sqs:eu-west-1:123456789012:name' → its parts. */
function parseQueueArn(arn: string): { region: string; accountId: string; queueName: string } {
  const match = /^arn:aws[\w-]*:sqs:([^:]+):(\d{12}):([^:]+)$/.exec(arn);
  if (!match) throw new Error(`"${arn}" is not an SQS queue ARN`);
  return { region: match[1]!, accountId: match[2]!, queueName: match[3]! };
}

/**
 * Hides a failed record for a chosen time, so retries back off instead of waiting out the whole visibility
 * timeout (which must cover six Lambda timeouts). Receive counts are untouched: the DLQ still comes at three.
 */
export function createRetryScheduler(client: SQSClient = awsClient(SQSClient)) {
  const urls = new Map<string, Promise<string>>();
  const urlOf = (arn: string) => {
    let url = urls.get(arn);
    if (!url) {
      const { accountId, queueName } = parseQueueArn(arn);
      url = client
        .send(new GetQueueUrlCommand({ QueueName: queueName, QueueOwnerAWSAccountId: accountId }))
        .then((out) => out.QueueUrl ?? '');
      url.catch(() => urls.delete(arn));
      urls.set(arn, url);
    }
    return url;
  };
  return async (
    record: { eventSourceARN: string; receiptHandle: string },
    delaySeconds: number,
  ): Promise<void> => {
    await client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: await urlOf(record.eventSourceARN),
        ReceiptHandle: record.receiptHandle,
        VisibilityTimeout: Math.round(delaySeconds),
      }),
    );
  };
}
