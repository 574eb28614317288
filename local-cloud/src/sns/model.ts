/** A message attribute as the SNS API carries it. */
interface MessageAttribute {
  DataType: string;
  StringValue?: string;
  /** Base64, as it travels on the wire. */
  BinaryValue?: string;
}

export type MessageAttributes = Record<string, MessageAttribute>;

export interface Topic {
  arn: string;
  name: string;
  attributes: Record<string, string>;
  tags: Map<string, string>;
  /** MessageDeduplicationId → when it was seen, for FIFO topics (5-minute window). */
  dedup: Map<string, { messageId: string; at: number }>;
}

export interface Subscription {
  arn: string;
  topicArn: string;
  protocol: string;
  endpoint: string;
  attributes: Record<string, string>;
}

/** One message as published, before it is shaped for each subscriber. */
export interface SnsMessage {
  messageId: string;
  topicArn: string;
  message: string;
  /** Per-protocol bodies when MessageStructure is 'json' (keys 'default', 'sqs', 'lambda', 'sms'). */
  structured?: Record<string, string>;
  subject?: string;
  messageAttributes: MessageAttributes;
  messageGroupId?: string;
  messageDeduplicationId?: string;
  sequenceNumber?: string;
  timestamp: string;
}

export function bodyFor(message: SnsMessage, protocol: string): string {
  if (!message.structured) return message.message;
  return message.structured[protocol] ?? message.structured.default ?? message.message;
}
