import { createHash, randomUUID } from 'node:crypto';
import { AwsError } from '../protocol';
import type { Delivery } from './delivery';
import { invalidParameter, validationError } from './errors';
import {
  attributesDocument,
  bodyDocument,
  matchesPolicy,
  parseFilterPolicy,
  type FilterPolicyScope,
} from './filter-policy';
import { bodyFor, type MessageAttributes, type SnsMessage, type Subscription, type Topic } from './model';
import type { BatchEntry } from './params';
import type { Registry } from './registry';
import { validatePhoneNumber, type SmsOutbox } from './sms';
import {
  BATCH_ENTRY_ID,
  MAX_MESSAGE_BYTES,
  parseArn,
  parseStructuredMessage,
  publishSize,
  validateMessageAttributes,
  validateSubject,
} from './validate';

export interface PublishInput {
  topicArn: string | null;
  targetArn: string | null;
  phoneNumber: string | null;
  message: string | null;
  subject: string | null;
  messageStructure: string | null;
  messageAttributes: MessageAttributes;
  messageGroupId: string | null;
  messageDeduplicationId: string | null;
}

export interface Published {
  messageId: string;
  sequenceNumber?: string;
}

const DEDUP_WINDOW_MS = 5 * 60_000;

/** Publish and PublishBatch: validation as AWS does it, then fan-out to the matching subscribers. */
export class Publisher {
  private sequence = 10_000_000_000_000_000_000n;
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly registry: Registry,
    private readonly delivery: Delivery,
    private readonly smsOutbox: SmsOutbox,
  ) {}

  publish(input: PublishInput): Published {
    if (input.message === null) {
      throw validationError(
        "1 validation error detected: Value null at 'message' failed to satisfy constraint: Member must not be null",
      );
    }
    validateSubject(input.subject);
    if (input.message === '') throw invalidParameter('Invalid parameter: Empty message');
    const targets = [input.topicArn, input.targetArn, input.phoneNumber].filter((t) => t !== null);
    if (targets.length === 0) {
      throw invalidParameter(
        'Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter',
      );
    }
    if (targets.length > 1) {
      throw invalidParameter(
        'Invalid parameter: TopicArn or TargetArn Reason: Only one of TopicArn, TargetArn or PhoneNumber may be specified',
      );
    }
    if (input.phoneNumber !== null) validatePhoneNumber(input.phoneNumber);
    validateMessageAttributes(input.messageAttributes);
    if (publishSize(input.message, input.messageAttributes) > MAX_MESSAGE_BYTES) {
      throw invalidParameter('Invalid parameter: Message too long');
    }
    const structured = input.messageStructure === 'json' ? parseStructuredMessage(input.message) : undefined;

    if (input.phoneNumber !== null) return this.publishSms(input.phoneNumber, input, structured);

    const field = input.topicArn !== null ? 'TopicArn' : 'TargetArn';
    const target = (input.topicArn ?? input.targetArn)!;
    if (field === 'TargetArn' && parseArn(target, field).service === 'sns' && target.includes(':endpoint/')) {
      throw invalidParameter(
        'Invalid parameter: TargetArn Reason: No endpoint found for the target arn specified',
      );
    }
    const topic = this.registry.topic(target, field);
    const message = this.message(topic, {
      message: input.message,
      structured,
      subject: input.subject ?? undefined,
      messageAttributes: input.messageAttributes,
      messageGroupId: input.messageGroupId ?? undefined,
      messageDeduplicationId: input.messageDeduplicationId ?? undefined,
    });
    return this.fanOut(topic, message);
  }

  publishBatch(
    topicArn: string,
    entries: BatchEntry[],
  ): { successful: Array<Published & { id: string }>; failed: BatchFailure[] } {
    if (entries.length === 0)
      throw new AwsError('EmptyBatchRequest', "The batch request doesn't contain any entries.");
    if (entries.length > 10) {
      throw new AwsError(
        'TooManyEntriesInBatchRequest',
        'The batch request contains more entries than permissible.',
      );
    }
    const topic = this.registry.topic(topicArn);
    const ids = entries.map((e) => e.Id);
    if (new Set(ids).size !== ids.length) {
      throw new AwsError(
        'BatchEntryIdsNotDistinct',
        'Two or more batch entries in the request have the same Id.',
      );
    }
    for (const id of ids) {
      if (!BATCH_ENTRY_ID.test(id)) {
        throw new AwsError(
          'InvalidBatchEntryId',
          id.length > 80
            ? `The Id of a batch entry in the batch request is too long: ${id}`
            : `The Id of a batch entry in the batch request contains an impermissible character: ${id}`,
        );
      }
    }
    entries.forEach((e, i) => validateMessageAttributes(e.MessageAttributes, i + 1));
    const total = entries.reduce((sum, e) => sum + publishSize(e.Message ?? '', e.MessageAttributes), 0);
    if (total > MAX_MESSAGE_BYTES) {
      throw new AwsError(
        'BatchRequestTooLong',
        'The length of all the messages put together is more than the limit.',
      );
    }

    const successful: Array<Published & { id: string }> = [];
    const failed: BatchFailure[] = [];
    for (const entry of entries) {
      try {
        successful.push({ id: entry.Id, ...this.publishEntry(topic, entry) });
      } catch (error) {
        if (!(error instanceof AwsError)) throw error;
        failed.push({
          id: entry.Id,
          code: error.code,
          message: error.message,
          senderFault: error.status < 500,
        });
      }
    }
    return { successful, failed };
  }

  /** Resolves when every delivery started so far has finished (tests and shutdown). */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private publishEntry(topic: Topic, entry: BatchEntry): Published {
    if (entry.Message === null || entry.Message === '')
      throw invalidParameter('Invalid parameter: Empty message');
    validateSubject(entry.Subject ?? null);
    const structured = entry.MessageStructure === 'json' ? parseStructuredMessage(entry.Message) : undefined;
    const message = this.message(topic, {
      message: entry.Message,
      structured,
      subject: entry.Subject,
      messageAttributes: entry.MessageAttributes,
      messageGroupId: entry.MessageGroupId,
      messageDeduplicationId: entry.MessageDeduplicationId,
    });
    return this.fanOut(topic, message);
  }

  private message(
    topic: Topic,
    parts: Pick<
      SnsMessage,
      'message' | 'structured' | 'subject' | 'messageAttributes' | 'messageGroupId' | 'messageDeduplicationId'
    >,
  ): SnsMessage {
    const fifo = topic.attributes.FifoTopic === 'true';
    const message: SnsMessage = {
      ...parts,
      messageId: randomUUID(),
      topicArn: topic.arn,
      timestamp: new Date().toISOString(),
    };
    if (!fifo) {
      if (parts.messageDeduplicationId !== undefined) {
        throw invalidParameter(
          'Invalid parameter: MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type',
        );
      }
      return message;
    }
    if (!parts.messageGroupId) {
      throw invalidParameter('Invalid parameter: The MessageGroupId parameter is required for FIFO topics');
    }
    if (!parts.messageDeduplicationId) {
      if (topic.attributes.ContentBasedDeduplication !== 'true') {
        throw invalidParameter(
          'Invalid parameter: The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly',
        );
      }
      message.messageDeduplicationId = createHash('sha256').update(parts.message).digest('hex');
    }
    this.sequence += 1n;
    message.sequenceNumber = this.sequence.toString();
    return message;
  }

  private fanOut(topic: Topic, message: SnsMessage): Published {
    const published: Published = { messageId: message.messageId };
    if (message.sequenceNumber) published.sequenceNumber = message.sequenceNumber;
    if (message.messageDeduplicationId && this.isDuplicate(topic, message)) return published;
    for (const subscription of this.registry.subscriptionsOf(topic.arn)) {
      if (!accepts(subscription, message)) continue;
      const delivery = this.delivery
        .deliver(message, subscription)
        .catch((error: unknown) =>
          console.warn(
            `[local-cloud] sns delivery to ${subscription.protocol} ${subscription.endpoint} failed:`,
            error,
          ),
        )
        .finally(() => this.pending.delete(delivery));
      this.pending.add(delivery);
    }
    return published;
  }

  /** FIFO topics accept a duplicate within five minutes but do not deliver it again. */
  private isDuplicate(topic: Topic, message: SnsMessage): boolean {
    const now = Date.now();
    for (const [id, seen] of topic.dedup) if (now - seen.at > DEDUP_WINDOW_MS) topic.dedup.delete(id);
    const key = message.messageDeduplicationId!;
    if (topic.dedup.has(key)) return true;
    topic.dedup.set(key, { messageId: message.messageId, at: now });
    return false;
  }

  private publishSms(
    phoneNumber: string,
    input: PublishInput,
    structured?: Record<string, string>,
  ): Published {
    const messageId = randomUUID();
    const message = structured ? (structured.sms ?? structured.default!) : input.message!;
    this.smsOutbox.add({ id: messageId, phoneNumber, message, messageAttributes: input.messageAttributes });
    return { messageId };
  }
}

export interface BatchFailure {
  id: string;
  code: string;
  message: string;
  senderFault: boolean;
}

function accepts(subscription: Subscription, message: SnsMessage): boolean {
  const text = subscription.attributes.FilterPolicy;
  if (!text) return true;
  const scope = (subscription.attributes.FilterPolicyScope ?? 'MessageAttributes') as FilterPolicyScope;
  const policy = parseFilterPolicy(text, scope);
  if (!policy) return true;
  const document =
    scope === 'MessageBody'
      ? bodyDocument(bodyFor(message, subscription.protocol))
      : attributesDocument(message.messageAttributes);
  return document !== undefined && matchesPolicy(policy, document);
}
