import type { SQSRecord } from 'aws-lambda';
import { REGION } from '../config';
import type { ReceivedMessage } from '../sqs';
import { md5OfMessageAttributes, type MessageAttributeValue } from '../sqs/md5';

/** One record of the Lambda SQS event, in the shape and key order AWS delivers. */
export function sqsRecord({ message, receiptHandle }: ReceivedMessage, eventSourceArn: string): SQSRecord {
  const attributes: Record<string, string> = {
    ApproximateReceiveCount: String(message.receiveCount),
    SentTimestamp: String(message.sentTimestamp),
  };
  if (message.sequenceNumber) attributes.SequenceNumber = message.sequenceNumber;
  if (message.groupId !== undefined) attributes.MessageGroupId = message.groupId;
  attributes.SenderId = message.senderId;
  if (message.deduplicationId !== undefined) attributes.MessageDeduplicationId = message.deduplicationId;
  attributes.ApproximateFirstReceiveTimestamp = String(
    message.firstReceiveTimestamp ?? message.sentTimestamp,
  );
  if (message.traceHeader !== undefined) attributes.AWSTraceHeader = message.traceHeader;
  if (message.deadLetterSourceArn !== undefined)
    attributes.DeadLetterQueueSourceArn = message.deadLetterSourceArn;

  const record: Record<string, unknown> = {
    messageId: message.messageId,
    receiptHandle,
    body: message.body,
    attributes,
    messageAttributes: lambdaAttributes(message.messageAttributes),
    md5OfBody: message.md5OfBody,
  };
  if (Object.keys(message.messageAttributes).length > 0) {
    record.md5OfMessageAttributes = md5OfMessageAttributes(message.messageAttributes);
  }
  record.eventSource = 'aws:sqs';
  record.eventSourceARN = eventSourceArn;
  record.awsRegion = REGION;
  return record as unknown as SQSRecord;
}

/** Lambda's camel-cased message attribute shape, list members always present. */
function lambdaAttributes(attributes: Record<string, MessageAttributeValue>): SQSRecord['messageAttributes'] {
  const out: SQSRecord['messageAttributes'] = {};
  for (const [name, value] of Object.entries(attributes)) {
    out[name] = {
      ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
      ...(value.BinaryValue !== undefined ? { binaryValue: value.BinaryValue.toString('base64') } : {}),
      stringListValues: [],
      binaryListValues: [],
      dataType: value.DataType,
    };
  }
  return out;
}
