import { randomBytes } from 'node:crypto';
import { SendMessageCommand, SQSClient, type MessageAttributeValue } from '@aws-sdk/client-sqs';
import { REGION } from '../config';
import { invokeFunction } from '../lambda';
import { bodyFor, type MessageAttributes, type SnsMessage, type Subscription } from './model';
import type { SmsOutbox } from './sms';

/** Sends one published message to one subscriber, in the shape that protocol receives on AWS. */
export class Delivery {
  private readonly sqs: SQSClient;

  constructor(
    private readonly endpoint: string,
    private readonly smsOutbox: SmsOutbox,
  ) {
    this.sqs = new SQSClient({
      endpoint,
      region: REGION,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
  }

  async deliver(message: SnsMessage, subscription: Subscription): Promise<void> {
    switch (subscription.protocol) {
      case 'sqs':
        return this.toSqs(message, subscription);
      case 'lambda':
        return this.toLambda(message, subscription);
      case 'sms':
        this.smsOutbox.add({
          id: message.messageId,
          phoneNumber: subscription.endpoint,
          message: bodyFor(message, 'sms'),
          messageAttributes: message.messageAttributes,
          topicArn: message.topicArn,
          subscriptionArn: subscription.arn,
        });
        return;
      default:
        throw new Error(`Local SNS cannot deliver to protocol '${subscription.protocol}'`);
    }
  }

  close(): void {
    this.sqs.destroy();
  }

  private async toSqs(message: SnsMessage, subscription: Subscription): Promise<void> {
    const raw = subscription.attributes.RawMessageDelivery === 'true';
    const body = raw ? bodyFor(message, 'sqs') : JSON.stringify(this.envelope(message, subscription));
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl(subscription.endpoint),
        MessageBody: body,
        // Only raw delivery carries SNS message attributes over as SQS message attributes.
        MessageAttributes: raw ? sqsAttributes(message.messageAttributes) : undefined,
        MessageGroupId: message.messageGroupId,
        MessageDeduplicationId: message.messageGroupId ? message.messageDeduplicationId : undefined,
      }),
    );
  }

  private async toLambda(message: SnsMessage, subscription: Subscription): Promise<void> {
    const event = {
      Records: [
        {
          EventSource: 'aws:sns',
          EventVersion: '1.0',
          EventSubscriptionArn: subscription.arn,
          Sns: {
            Type: 'Notification',
            MessageId: message.messageId,
            TopicArn: message.topicArn,
            Subject: message.subject ?? null,
            Message: bodyFor(message, 'lambda'),
            Timestamp: message.timestamp,
            SignatureVersion: '1',
            Signature: signature(),
            SigningCertUrl: signingCertUrl(),
            UnsubscribeUrl: this.unsubscribeUrl(subscription.arn),
            MessageAttributes: typedAttributes(message.messageAttributes),
          },
        },
      ],
    };
    // Lambda retries the function's own errors (lambda-async.ts); SNS retries only a refused Invoke.
    await invokeFunction(subscription.endpoint, event, 'Event');
  }

  /** The JSON body an SQS (or HTTP) subscriber receives without raw message delivery. */
  envelope(message: SnsMessage, subscription: Subscription): Record<string, unknown> {
    const envelope: Record<string, unknown> = { Type: 'Notification', MessageId: message.messageId };
    if (message.sequenceNumber) envelope.SequenceNumber = message.sequenceNumber;
    envelope.TopicArn = message.topicArn;
    if (message.subject !== undefined) envelope.Subject = message.subject;
    envelope.Message = bodyFor(message, subscription.protocol);
    envelope.Timestamp = message.timestamp;
    envelope.SignatureVersion = '1';
    envelope.Signature = signature();
    envelope.SigningCertURL = signingCertUrl();
    envelope.UnsubscribeURL = this.unsubscribeUrl(subscription.arn);
    if (Object.keys(message.messageAttributes).length > 0) {
      envelope.MessageAttributes = typedAttributes(message.messageAttributes);
    }
    return envelope;
  }

  private queueUrl(queueArn: string): string {
    const [, , , , account, name] = queueArn.split(':');
    return `${this.endpoint}/${account}/${name}`;
  }

  private unsubscribeUrl(subscriptionArn: string): string {
    return `${this.endpoint}/?Action=Unsubscribe&SubscriptionArn=${encodeURIComponent(subscriptionArn)}`;
  }
}

function typedAttributes(attributes: MessageAttributes): Record<string, { Type: string; Value: string }> {
  const typed: Record<string, { Type: string; Value: string }> = {};
  for (const [name, a] of Object.entries(attributes)) {
    typed[name] = { Type: a.DataType, Value: a.StringValue ?? a.BinaryValue ?? '' };
  }
  return typed;
}

function sqsAttributes(attributes: MessageAttributes): Record<string, MessageAttributeValue> | undefined {
  const entries = Object.entries(attributes);
  if (entries.length === 0) return undefined;
  return Object.fromEntries(
    entries.map(([name, a]) => [
      name,
      a.BinaryValue !== undefined
        ? { DataType: a.DataType, BinaryValue: Buffer.from(a.BinaryValue, 'base64') }
        : { DataType: a.DataType, StringValue: a.StringValue },
    ]),
  );
}

/** Local messages are not signed; the field is there so consumers that read it find the AWS shape. */
function signature(): string {
  return randomBytes(256).toString('base64');
}

function signingCertUrl(): string {
  return `https://sns.${REGION}.amazonaws.com/SimpleNotificationService-local.pem`;
}
