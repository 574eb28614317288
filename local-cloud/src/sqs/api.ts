import { pageOf } from '../pagination';
import { isKnownAttribute, renderSettings } from './attributes';
import { AwsError } from '../protocol';
import { invalidParameter, missingParameter, sqsError } from './errors';
import { md5OfMessageAttributes, type MessageAttributeValue } from './md5';
import { attributeBytes, checkedBody, parseMessageAttributes } from './message-input';
import type { Message, Queue, ReceivedMessage, SendInput } from './queue';
import type { QueueStore } from './store';

type Input = Record<string, unknown>;
type Output = Record<string, unknown>;
/** What an operation reads from the HTTP request besides its input: the X-Ray header becomes AWSTraceHeader. */
export interface RequestContext {
  traceHeader?: string;
}

const MESSAGE_SYSTEM_ATTRIBUTES = [
  'SenderId',
  'SentTimestamp',
  'ApproximateReceiveCount',
  'ApproximateFirstReceiveTimestamp',
  'SequenceNumber',
  'MessageDeduplicationId',
  'MessageGroupId',
  'AWSTraceHeader',
  'DeadLetterQueueSourceArn',
];
const BATCH_ID = /^[A-Za-z0-9_-]{1,80}$/;
const MAX_BATCH_BYTES = 1_048_576;

/** The SQS operations on JSON-shaped input and output (the query protocol is converted to the same shapes). */
export class SqsApi {
  constructor(
    private readonly store: QueueStore,
    private readonly endpoint: string,
  ) {}

  readonly operations: Record<string, (input: Input, context: RequestContext) => Output | Promise<Output>> = {
    CreateQueue: (i) => {
      const queue = this.store.create(
        i.QueueName as string,
        stringMap(i.Attributes, 'Attributes'),
        stringMap(i.tags, 'tags'),
      );
      return { QueueUrl: this.url(queue) };
    },
    GetQueueUrl: (i) => ({ QueueUrl: this.url(this.store.get(required(i, 'QueueName'))) }),
    ListQueues: (i) => this.listQueues(i),
    DeleteQueue: (i) => {
      this.store.delete(this.queueName(i));
      return {};
    },
    PurgeQueue: (i) => {
      this.store.purge(this.queueName(i));
      return {};
    },
    GetQueueAttributes: (i) => this.getAttributes(this.queue(i), stringList(i.AttributeNames)),
    SetQueueAttributes: (i) => {
      this.store.setAttributes(this.queueName(i), stringMap(i.Attributes, 'Attributes'));
      return {};
    },
    SendMessage: (i, context) => {
      const queue = this.queue(i);
      return sendResult(queue.send(sendInput(i, queue, context)));
    },
    SendMessageBatch: (i, context) => this.sendBatch(i, context),
    ReceiveMessage: (i) => this.receive(i),
    DeleteMessage: (i) => {
      const queue = this.queue(i);
      const raw = required(i, 'ReceiptHandle');
      queue.delete(this.store.handle(queue, raw), raw);
      return {};
    },
    DeleteMessageBatch: (i) => {
      const queue = this.queue(i);
      return batch(i.Entries, 'DeleteMessageBatchRequestEntry', (entry) => {
        const raw = required(entry, 'ReceiptHandle');
        queue.delete(this.store.handle(queue, raw), raw);
        return {};
      });
    },
    ChangeMessageVisibility: (i) => {
      const queue = this.queue(i);
      this.changeVisibility(queue, i);
      return {};
    },
    ChangeMessageVisibilityBatch: (i) => {
      const queue = this.queue(i);
      return batch(i.Entries, 'ChangeMessageVisibilityBatchRequestEntry', (entry) => {
        this.changeVisibility(queue, entry);
        return {};
      });
    },
    ListDeadLetterSourceQueues: (i) => {
      const urls = this.store.deadLetterSources(this.queue(i)).map((q) => this.url(q));
      return paginate(urls, i, 'queueUrls');
    },
    TagQueue: (i) => {
      const queue = this.queue(i);
      Object.assign(queue.tags, stringMap(i.Tags, 'Tags'));
      return {};
    },
    UntagQueue: (i) => {
      const queue = this.queue(i);
      for (const key of stringList(i.TagKeys)) delete queue.tags[key];
      return {};
    },
    ListQueueTags: (i) => {
      const tags = this.queue(i).tags;
      return Object.keys(tags).length > 0 ? { Tags: { ...tags } } : {};
    },
    AddPermission: (i) => {
      const queue = this.queue(i);
      queue.settings = { ...queue.settings, Policy: addStatement(queue, i) };
      return {};
    },
    RemovePermission: (i) => {
      const queue = this.queue(i);
      queue.settings = { ...queue.settings, Policy: removeStatement(queue, required(i, 'Label')) };
      return {};
    },
    StartMessageMoveTask: (i) => {
      const task = this.store.moveTasks.start(
        required(i, 'SourceArn'),
        optionalString(i.DestinationArn),
        i.MaxNumberOfMessagesPerSecond === undefined ? undefined : Number(i.MaxNumberOfMessagesPerSecond),
      );
      return { TaskHandle: task.taskHandle };
    },
    ListMessageMoveTasks: (i) => ({
      Results: this.store.moveTasks
        .list(required(i, 'SourceArn'), i.MaxResults === undefined ? 1 : Number(i.MaxResults))
        .map((t) => ({
          ...(t.status === 'RUNNING' ? { TaskHandle: t.taskHandle } : {}),
          Status: t.status,
          SourceArn: t.sourceArn,
          ...(t.destinationArn ? { DestinationArn: t.destinationArn } : {}),
          ...(t.maxNumberOfMessagesPerSecond
            ? { MaxNumberOfMessagesPerSecond: t.maxNumberOfMessagesPerSecond }
            : {}),
          ApproximateNumberOfMessagesMoved: t.moved,
          ApproximateNumberOfMessagesToMove: t.toMove,
          ...(t.failureReason ? { FailureReason: t.failureReason } : {}),
          StartedTimestamp: t.startedTimestamp,
        })),
    }),
    CancelMessageMoveTask: (i) => ({
      ApproximateNumberOfMessagesMoved: this.store.moveTasks.cancel(required(i, 'TaskHandle')).moved,
    }),
  };

  url(queue: Queue): string {
    return `${this.endpoint}/000000000000/${queue.name}`;
  }

  private queueName(i: Input): string {
    const url = required(i, 'QueueUrl');
    // Any host is accepted (the SDK may rewrite it); the queue is the last path segment.
    return url.replace(/\/+$/, '').split('/').pop() ?? '';
  }

  private queue(i: Input): Queue {
    return this.store.get(this.queueName(i));
  }

  private listQueues(i: Input): Output {
    const prefix = optionalString(i.QueueNamePrefix) ?? '';
    const urls = this.store
      .list()
      .filter((q) => q.name.startsWith(prefix))
      .map((q) => this.url(q));
    return paginate(urls, i, 'QueueUrls');
  }

  private getAttributes(queue: Queue, names: string[]): Output {
    for (const name of names) {
      if (name !== 'All' && !isKnownAttribute(name)) {
        throw sqsError('InvalidAttributeName', `Unknown Attribute ${name}.`);
      }
    }
    if (names.length === 0) return {};
    const counts = queue.counts();
    const all: Record<string, string> = {
      QueueArn: queue.arn,
      ApproximateNumberOfMessages: String(counts.visible),
      ApproximateNumberOfMessagesNotVisible: String(counts.notVisible),
      ApproximateNumberOfMessagesDelayed: String(counts.delayed),
      CreatedTimestamp: String(queue.createdTimestamp),
      LastModifiedTimestamp: String(queue.lastModifiedTimestamp),
      ...renderSettings(queue.settings),
    };
    const wanted = names.includes('All') ? Object.keys(all) : names;
    const out: Record<string, string> = {};
    for (const name of wanted) if (all[name] !== undefined) out[name] = all[name];
    return Object.keys(out).length > 0 ? { Attributes: out } : {};
  }

  private sendBatch(i: Input, context: RequestContext): Output {
    const queue = this.queue(i);
    const entries = checkBatch(i.Entries, 'SendMessageBatchRequestEntry');
    // The whole batch (bodies and attributes) counts against 1 MiB, whatever the queue's MaximumMessageSize.
    const total = entries.reduce((sum, e) => sum + entryBytes(e), 0);
    if (total > MAX_BATCH_BYTES) {
      throw sqsError(
        'BatchRequestTooLong',
        `Batch requests cannot be longer than ${MAX_BATCH_BYTES} bytes. You have sent ${total} bytes.`,
      );
    }
    if (queue.fifo) {
      // An entry without a group, or without a deduplication id on a queue without content-based
      // deduplication, fails the whole batch rather than its entry.
      for (const entry of entries) {
        if (entry.MessageGroupId === undefined) {
          throw invalidParameter('The request must contain the parameter MessageGroupId.');
        }
        if (entry.MessageDeduplicationId === undefined && !queue.settings.ContentBasedDeduplication) {
          throw invalidParameter(
            'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly',
          );
        }
      }
    }
    return batch(entries, 'SendMessageBatchRequestEntry', (entry) =>
      sendResult(queue.send(sendInput(entry, queue, context, true))),
    );
  }

  private async receive(i: Input): Promise<Output> {
    const queue = this.queue(i);
    const max = intParam(i, 'MaxNumberOfMessages', 1, 10, 1, 'Must be between 1 and 10, if provided.');
    const wait = intParam(
      i,
      'WaitTimeSeconds',
      0,
      20,
      queue.settings.ReceiveMessageWaitTimeSeconds,
      'Must be >= 0 and <= 20, if provided.',
    );
    const visibility = intParam(
      i,
      'VisibilityTimeout',
      0,
      43_200,
      queue.settings.VisibilityTimeout,
      'Must be >= 0 and <= 43200, if provided.',
    );
    const systemNames = [...stringList(i.AttributeNames), ...stringList(i.MessageSystemAttributeNames)];
    for (const name of systemNames) {
      if (name !== 'All' && !MESSAGE_SYSTEM_ATTRIBUTES.includes(name)) {
        throw sqsError('InvalidAttributeName', `Unknown Attribute ${name}.`);
      }
    }
    const attributeNames = stringList(i.MessageAttributeNames);
    const received = await this.store.receiveWaiting(queue, max, visibility, wait);
    if (received.length === 0) return {};
    return { Messages: received.map((r) => renderMessage(r, systemNames, attributeNames)) };
  }

  private changeVisibility(queue: Queue, i: Input): void {
    const raw = required(i, 'ReceiptHandle');
    if (i.VisibilityTimeout === undefined) throw missingParameter('VisibilityTimeout');
    const timeout = Number(i.VisibilityTimeout);
    if (!Number.isInteger(timeout) || timeout < 0 || timeout > 43_200) {
      throw invalidParameter(
        `Value ${String(i.VisibilityTimeout)} for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200.`,
      );
    }
    queue.changeVisibility(this.store.handle(queue, raw), raw, timeout);
  }
}

/** The Message shape of ReceiveMessage, with only the requested attributes. */
function renderMessage(
  { message, receiptHandle }: ReceivedMessage,
  systemNames: string[],
  attributeNames: string[],
): Output {
  const out: Output = {
    MessageId: message.messageId,
    ReceiptHandle: receiptHandle,
    MD5OfBody: message.md5OfBody,
    Body: message.body,
  };
  const system = systemAttributes(message, systemNames);
  if (Object.keys(system).length > 0) out.Attributes = system;
  const user = selectAttributes(message.messageAttributes, attributeNames);
  if (Object.keys(user).length > 0) {
    out.MD5OfMessageAttributes = md5OfMessageAttributes(user);
    out.MessageAttributes = Object.fromEntries(
      Object.entries(user).map(([name, value]) => [name, wireAttribute(value)]),
    );
  }
  return out;
}

function systemAttributes(message: Message, names: string[]): Record<string, string> {
  const all: Record<string, string | undefined> = {
    SenderId: message.senderId,
    SentTimestamp: String(message.sentTimestamp),
    ApproximateReceiveCount: String(message.receiveCount),
    ApproximateFirstReceiveTimestamp:
      message.firstReceiveTimestamp === undefined ? undefined : String(message.firstReceiveTimestamp),
    SequenceNumber: message.sequenceNumber,
    MessageDeduplicationId: message.deduplicationId,
    MessageGroupId: message.groupId,
    AWSTraceHeader: message.traceHeader,
    DeadLetterQueueSourceArn: message.deadLetterSourceArn,
  };
  const wanted = names.includes('All') ? Object.keys(all) : names;
  const out: Record<string, string> = {};
  for (const name of wanted) {
    const value = all[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/** MessageAttributeNames: 'All', '*', '.*', exact names and 'prefix.*' (which matches names starting with prefix). */
function selectAttributes(
  attributes: Record<string, MessageAttributeValue>,
  names: string[],
): Record<string, MessageAttributeValue> {
  const out: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(attributes)) {
    const match = names.some(
      (n) =>
        n === 'All' ||
        n === '*' ||
        n === '.*' ||
        n === name ||
        (n.endsWith('.*') && name.startsWith(n.slice(0, -2))),
    );
    if (match) out[name] = value;
  }
  return out;
}

function wireAttribute(value: MessageAttributeValue): Output {
  return value.BinaryValue !== undefined
    ? { BinaryValue: value.BinaryValue.toString('base64'), DataType: value.DataType }
    : { StringValue: value.StringValue, DataType: value.DataType };
}

function sendInput(i: Input, queue: Queue, context: RequestContext, inBatch = false): SendInput {
  const messageAttributes = parseMessageAttributes(i.MessageAttributes, 'user');
  const system = parseMessageAttributes(i.MessageSystemAttributes, 'system');
  const body = checkedBody(
    i.MessageBody,
    queue.settings.MaximumMessageSize,
    attributeBytes(messageAttributes),
    inBatch,
  );
  let delaySeconds: number | undefined;
  if (i.DelaySeconds !== undefined) {
    delaySeconds = Number(i.DelaySeconds);
    if (!Number.isInteger(delaySeconds) || delaySeconds < 0 || delaySeconds > 900) {
      throw invalidParameter(
        `Value ${String(i.DelaySeconds)} for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.`,
      );
    }
  }
  return {
    body,
    messageAttributes,
    traceHeader: system.AWSTraceHeader?.StringValue ?? context.traceHeader,
    delaySeconds,
    groupId: optionalString(i.MessageGroupId),
    deduplicationId: optionalString(i.MessageDeduplicationId),
  };
}

function sendResult(r: ReturnType<Queue['send']>): Output {
  return {
    MD5OfMessageBody: r.md5OfBody,
    ...(r.md5OfMessageAttributes ? { MD5OfMessageAttributes: r.md5OfMessageAttributes } : {}),
    ...(r.md5OfMessageSystemAttributes
      ? { MD5OfMessageSystemAttributes: r.md5OfMessageSystemAttributes }
      : {}),
    MessageId: r.messageId,
    ...(r.sequenceNumber ? { SequenceNumber: r.sequenceNumber } : {}),
  };
}

function entryBytes(entry: Input): number {
  const body = typeof entry.MessageBody === 'string' ? Buffer.byteLength(entry.MessageBody) : 0;
  try {
    return body + attributeBytes(parseMessageAttributes(entry.MessageAttributes, 'user'));
  } catch {
    return body; // the entry fails on its own later
  }
}

/** AddPermission: a statement labelled `Label` in the queue's policy, as AWS writes it. */
function addStatement(queue: Queue, i: Input): string {
  const label = required(i, 'Label');
  const accounts = stringList(i.AWSAccountIds);
  const actions = stringList(i.Actions);
  if (accounts.length === 0) throw missingParameter('AWSAccountIds');
  if (actions.length === 0) throw missingParameter('Actions');
  const policy = parsedPolicy(queue);
  if (policy.Statement.some((statement) => statement.Sid === label)) {
    throw invalidParameter(`Value ${label} for parameter Label is invalid. Reason: Already exists.`);
  }
  const partition = queue.arn.split(':')[1];
  const principals = accounts.map((account) => `arn:${partition}:iam::${account}:root`);
  const actionNames = actions.map((action) => `SQS:${action}`);
  policy.Statement.push({
    Sid: label,
    Effect: 'Allow',
    Principal: { AWS: principals.length > 1 ? principals : principals[0] },
    Action: actionNames.length > 1 ? actionNames : actionNames[0],
    Resource: queue.arn,
  });
  return JSON.stringify(policy);
}

/** RemovePermission: the policy without the statement labelled `label`; no policy once none is left. */
function removeStatement(queue: Queue, label: string): string | undefined {
  const policy = parsedPolicy(queue);
  if (!policy.Statement.some((statement) => statement.Sid === label)) {
    throw invalidParameter(`Value ${label} for parameter Label is invalid. Reason: can't find label.`);
  }
  policy.Statement = policy.Statement.filter((statement) => statement.Sid !== label);
  return policy.Statement.length > 0 ? JSON.stringify(policy) : undefined;
}

function parsedPolicy(queue: Queue): { Statement: Record<string, unknown>[] } & Record<string, unknown> {
  const fallback = { Version: '2008-10-17', Id: `${queue.arn}/SQSDefaultPolicy`, Statement: [] };
  if (queue.settings.Policy === undefined) return fallback;
  const policy = JSON.parse(queue.settings.Policy) as Record<string, unknown>;
  const statements = policy.Statement;
  return {
    ...policy,
    Statement: Array.isArray(statements)
      ? (statements as Record<string, unknown>[])
      : statements
        ? [statements as Record<string, unknown>]
        : [],
  };
}

function checkBatch(raw: unknown, entryName: string): Input[] {
  const entries = Array.isArray(raw) ? (raw as Input[]) : [];
  if (entries.length === 0) {
    throw sqsError('EmptyBatchRequest', `There should be at least one ${entryName} in the request.`);
  }
  if (entries.length > 10) {
    throw sqsError(
      'TooManyEntriesInBatchRequest',
      `Maximum number of entries per request are 10. You have sent ${entries.length}.`,
    );
  }
  const seen = new Set<string>();
  for (const entry of entries) {
    const id = entry.Id;
    if (typeof id !== 'string' || !BATCH_ID.test(id)) {
      throw sqsError(
        'InvalidBatchEntryId',
        'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
      );
    }
    if (seen.has(id)) throw sqsError('BatchEntryIdsNotDistinct', `Id ${id} repeated.`);
    seen.add(id);
  }
  return entries;
}

/** Runs each entry; an AWS error on one entry becomes its Failed entry, as the batch APIs do. */
function batch(raw: unknown, entryName: string, run: (entry: Input) => Output): Output {
  const Successful: Output[] = [];
  const Failed: Output[] = [];
  for (const entry of checkBatch(raw, entryName)) {
    try {
      Successful.push({ Id: entry.Id, ...run(entry) });
    } catch (error) {
      if (!(error instanceof AwsError)) throw error;
      Failed.push({
        Id: entry.Id,
        SenderFault: error.status < 500,
        Code: error.code,
        Message: error.message,
      });
    }
  }
  return { Successful, Failed };
}

function paginate(urls: string[], i: Input, key: string): Output {
  if (i.MaxResults === undefined) {
    if (i.NextToken !== undefined) throw invalidParameter('NextToken requires MaxResults.');
    return urls.length > 0 ? { [key]: urls.slice(0, 1000) } : {};
  }
  const max = Number(i.MaxResults);
  if (!Number.isInteger(max) || max < 1 || max > 1000) {
    throw invalidParameter(
      `Value ${String(i.MaxResults)} for parameter MaxResults is invalid. Reason: Must be between 1 and 1000.`,
    );
  }
  const token = i.NextToken === undefined ? undefined : String(i.NextToken);
  const { items, nextToken } = pageOf(urls, { token, limit: max }, () =>
    invalidParameter(`Invalid NextToken ${token}.`),
  );
  const out: Output = items.length > 0 ? { [key]: items } : {};
  if (nextToken) out.NextToken = nextToken;
  return out;
}

function intParam(
  i: Input,
  name: string,
  min: number,
  max: number,
  fallback: number,
  reason: string,
): number {
  const raw = i[name];
  if (raw === undefined || raw === null) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw invalidParameter(`Value ${String(raw)} for parameter ${name} is invalid. Reason: ${reason}`);
  }
  return n;
}

function required(i: Input, name: string): string {
  const value = i[name];
  if (typeof value !== 'string' || value === '') throw missingParameter(name);
  return value;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

function stringMap(value: unknown, name: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw invalidParameter(`${name} must be a map of strings.`);
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
}
