import { createHash, randomUUID } from 'node:crypto';
import { ACCOUNT_ID } from '../config';
import type { QueueSettings } from './attributes';
import { invalidParameter, missingParameter } from './errors';
import { md5Hex, md5OfMessageAttributes, type MessageAttributeValue } from './md5';

const DEDUP_WINDOW_MS = 5 * 60_000;
/** MessageGroupId and MessageDeduplicationId: 1 to 128 printable ASCII characters other than space. */
const FIFO_ID = /^[!-~]{1,128}$/;
const MAX_VISIBILITY_SECONDS = 43_200;

export interface Message {
  messageId: string;
  body: string;
  md5OfBody: string;
  messageAttributes: Record<string, MessageAttributeValue>;
  traceHeader?: string;
  sentTimestamp: number;
  senderId: string;
  /** Retention counts from here (reset when a FIFO message moves to a FIFO DLQ, as AWS does). */
  enqueuedAt: number;
  /** Delay, then visibility timeout: invisible until this time. */
  visibleAt: number;
  receiveCount: number;
  firstReceiveTimestamp?: number;
  /** The most recent receive; only its handle deletes or changes visibility. */
  receipt?: { token: string; receivedAt: number };
  groupId?: string;
  deduplicationId?: string;
  sequenceNumber?: string;
  deadLetterSourceArn?: string;
}

export interface SendInput {
  body: string;
  messageAttributes: Record<string, MessageAttributeValue>;
  traceHeader?: string;
  delaySeconds?: number;
  groupId?: string;
  deduplicationId?: string;
}

export interface SendResult {
  messageId: string;
  md5OfBody: string;
  md5OfMessageAttributes?: string;
  md5OfMessageSystemAttributes?: string;
  sequenceNumber?: string;
}

export interface ReceivedMessage {
  message: Message;
  receiptHandle: string;
}

/** What to do with a message that has been received maxReceiveCount times: true if it was moved away. */
export type DeadLetter = (message: Message) => boolean;

export class Queue {
  readonly createdTimestamp = Math.floor(Date.now() / 1000);
  lastModifiedTimestamp = this.createdTimestamp;
  tags: Record<string, string> = {};
  lastPurge = 0;
  private readonly messages = new Map<string, Message>();
  private readonly dedup = new Map<string, { result: SendResult; expiresAt: number }>();
  private readonly waiters = new Set<() => void>();
  /** FIFO message groups in the order they get their turn: a group just received from goes to the back. */
  private groupTurns: string[] = [];
  private sequence = 18_000_000_000_000_000_000n;

  /** Deduplication keeps the scope the queue was created with: AWS ignores a later SetQueueAttributes change. */
  private readonly deduplicationScope: QueueSettings['DeduplicationScope'];

  constructor(
    readonly name: string,
    readonly arn: string,
    public settings: QueueSettings,
  ) {
    this.deduplicationScope = settings.DeduplicationScope;
  }

  get fifo(): boolean {
    return this.settings.FifoQueue;
  }

  send(input: SendInput, now = Date.now()): SendResult {
    const dedupKey = this.fifo ? this.deduplicationKey(input) : undefined;
    this.rejectFifoParameters(input);
    checkFifoId(input.groupId, 'MessageGroupId');
    if (dedupKey) {
      const seen = this.dedup.get(dedupKey);
      // A duplicate is accepted, not delivered: it answers with the first message's id, its own MD5s.
      if (seen && seen.expiresAt > now)
        return {
          ...this.digests(input),
          messageId: seen.result.messageId,
          sequenceNumber: seen.result.sequenceNumber,
        };
    }
    const delay = this.fifo ? this.settings.DelaySeconds : (input.delaySeconds ?? this.settings.DelaySeconds);
    const message: Message = {
      messageId: randomUUID(),
      body: input.body,
      md5OfBody: md5Hex(input.body),
      messageAttributes: input.messageAttributes,
      traceHeader: input.traceHeader,
      sentTimestamp: now,
      senderId: ACCOUNT_ID,
      enqueuedAt: now,
      visibleAt: now + delay * 1000,
      receiveCount: 0,
      groupId: input.groupId,
      deduplicationId: input.deduplicationId,
    };
    if (this.fifo) message.sequenceNumber = this.nextSequenceNumber();
    this.messages.set(message.messageId, message);
    const result: SendResult = { ...this.digests(input), messageId: message.messageId };
    if (message.sequenceNumber) result.sequenceNumber = message.sequenceNumber;
    if (dedupKey) {
      message.deduplicationId = input.deduplicationId ?? dedupKey.slice(dedupKey.lastIndexOf('\u0000') + 1);
      this.dedup.set(dedupKey, { result, expiresAt: now + DEDUP_WINDOW_MS });
    }
    this.notify();
    return result;
  }

  /** Adds a message moved from another queue (DLQ redrive or a move task), keeping its identity. */
  accept(message: Message): void {
    if (this.fifo) message.sequenceNumber = this.nextSequenceNumber();
    this.messages.set(message.messageId, message);
    this.notify();
  }

  /**
   * Takes up to `max` visible messages and makes them invisible for `visibilityTimeout` seconds.
   * A message already received maxReceiveCount times goes to `deadLetter` instead of being returned.
   */
  receive(
    max: number,
    visibilityTimeout: number,
    deadLetter: DeadLetter | undefined,
    now = Date.now(),
  ): ReceivedMessage[] {
    this.expire(now);
    const out: ReceivedMessage[] = [];
    const take = (message: Message): boolean => {
      const maxReceiveCount = this.settings.RedrivePolicy?.maxReceiveCount;
      if (maxReceiveCount !== undefined && deadLetter && message.receiveCount >= maxReceiveCount) {
        if (deadLetter(message)) {
          this.messages.delete(message.messageId);
          return false;
        }
      }
      message.receiveCount += 1;
      message.firstReceiveTimestamp ??= now;
      message.receipt = { token: randomUUID(), receivedAt: now };
      message.visibleAt = now + visibilityTimeout * 1000;
      out.push({ message, receiptHandle: encodeReceiptHandle(this.name, message) });
      return true;
    };
    if (!this.fifo) {
      for (const message of this.messages.values()) {
        if (out.length >= max) break;
        if (message.visibleAt <= now) take(message);
      }
      return out;
    }
    // FIFO: a group's messages come together and in order, up to the first one not visible (in flight or
    // delayed), which holds back the rest of its group; groups take turns.
    const groups = this.groupsInTurn();
    const served: string[] = [];
    for (const [group, messages] of groups) {
      if (out.length >= max) break;
      let tookAny = false;
      for (const message of messages) {
        if (out.length >= max || message.visibleAt > now) break;
        if (take(message)) tookAny = true;
      }
      if (tookAny) served.push(group);
    }
    this.groupTurns = [...this.groupTurns.filter((g) => !served.includes(g)), ...served];
    return out;
  }

  /** DeleteMessage: a stale handle (the message was received again since) deletes nothing, as AWS documents. */
  delete(handle: ReceiptHandle, rawHandle: string, now = Date.now()): void {
    const message = this.messages.get(handle.messageId);
    if (!message) return;
    if (message.receipt?.token !== handle.token || (this.fifo && message.visibleAt <= now)) {
      if (this.fifo) {
        throw invalidParameter(
          `Value ${rawHandle} for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.`,
        );
      }
      return;
    }
    this.messages.delete(message.messageId);
    if (this.fifo) this.notify();
  }

  changeVisibility(handle: ReceiptHandle, rawHandle: string, timeout: number, now = Date.now()): void {
    const message = this.messages.get(handle.messageId);
    // Any handle the message was received with still changes it (AWS accepts an older one); a deleted
    // message or one never received cannot be changed.
    if (!message?.receipt) {
      throw invalidParameter(
        `Value ${rawHandle} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.`,
      );
    }
    // The visibility timeout already ran out: AWS answers OK and leaves the message visible.
    if (message.visibleAt <= now) return;
    const elapsed = (now - message.receipt.receivedAt) / 1000;
    if (elapsed + timeout > MAX_VISIBILITY_SECONDS) {
      throw invalidParameter(
        `Value ${timeout} for parameter VisibilityTimeout is invalid. Reason: Total VisibilityTimeout for the message is beyond the limit [${MAX_VISIBILITY_SECONDS} seconds].`,
      );
    }
    message.visibleAt = now + timeout * 1000;
    if (timeout === 0) this.notify();
  }

  /** PurgeQueue also forgets the deduplication ids seen, as AWS does. */
  purge(): void {
    this.messages.clear();
    this.dedup.clear();
    this.groupTurns = [];
  }

  /** Removes and returns up to `max` messages (for message move tasks), oldest first. */
  takeForMove(max: number, now = Date.now()): Message[] {
    this.expire(now);
    const out: Message[] = [];
    for (const message of this.messages.values()) {
      if (out.length >= max) break;
      if (message.visibleAt > now) continue;
      this.messages.delete(message.messageId);
      out.push(message);
    }
    return out;
  }

  /** Copies of up to `max` held messages, oldest first, without receiving them (the local console's peek). */
  peek(max = Number.POSITIVE_INFINITY, now = Date.now()): Message[] {
    this.expire(now);
    return [...this.messages.values()].slice(0, max).map((message) => ({ ...message }));
  }

  counts(now = Date.now()): { visible: number; notVisible: number; delayed: number } {
    this.expire(now);
    let visible = 0;
    let notVisible = 0;
    let delayed = 0;
    for (const m of this.messages.values()) {
      if (m.visibleAt <= now) visible += 1;
      else if (m.receiveCount > 0) notVisible += 1;
      else delayed += 1;
    }
    return { visible, notVisible, delayed };
  }

  /** Resolves when a message may have become receivable, or at `until` (epoch ms). */
  waitForChange(until: number): Promise<void> {
    const now = Date.now();
    let wakeAt = until;
    for (const m of this.messages.values())
      if (m.visibleAt > now && m.visibleAt < wakeAt) wakeAt = m.visibleAt;
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, wakeAt - now));
      this.waiters.add(done);
    });
  }

  notify(): void {
    for (const wake of [...this.waiters]) wake();
  }

  private digests(input: SendInput): Omit<SendResult, 'messageId'> {
    const out: Omit<SendResult, 'messageId'> = { md5OfBody: md5Hex(input.body) };
    if (Object.keys(input.messageAttributes).length > 0) {
      out.md5OfMessageAttributes = md5OfMessageAttributes(input.messageAttributes);
    }
    if (input.traceHeader !== undefined) {
      out.md5OfMessageSystemAttributes = md5OfMessageAttributes({
        AWSTraceHeader: { DataType: 'String', StringValue: input.traceHeader },
      });
    }
    return out;
  }

  /** The FIFO groups that have messages, in turn order, each with its messages in sequence. */
  private groupsInTurn(): Map<string, Message[]> {
    const byGroup = new Map<string, Message[]>();
    for (const m of this.messages.values()) {
      const group = m.groupId ?? '';
      const list = byGroup.get(group);
      if (list) list.push(m);
      else byGroup.set(group, [m]);
    }
    this.groupTurns = this.groupTurns.filter((g) => byGroup.has(g));
    for (const group of byGroup.keys()) if (!this.groupTurns.includes(group)) this.groupTurns.push(group);
    return new Map(this.groupTurns.map((g) => [g, byGroup.get(g) ?? []]));
  }

  private expire(now: number): void {
    const cutoff = now - this.settings.MessageRetentionPeriod * 1000;
    for (const m of this.messages.values()) if (m.enqueuedAt < cutoff) this.messages.delete(m.messageId);
    for (const [key, entry] of this.dedup) if (entry.expiresAt <= now) this.dedup.delete(key);
  }

  private deduplicationKey(input: SendInput): string {
    if (input.groupId === undefined) throw missingParameter('MessageGroupId');
    checkFifoId(input.groupId, 'MessageGroupId');
    checkFifoId(input.deduplicationId, 'MessageDeduplicationId');
    let id = input.deduplicationId;
    if (id === undefined) {
      if (!this.settings.ContentBasedDeduplication) {
        throw invalidParameter(
          'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly',
        );
      }
      id = createHash('sha256').update(input.body).digest('hex');
    }
    const scope = this.deduplicationScope === 'messageGroup' ? input.groupId : '';
    return `${scope}\u0000${id}`;
  }

  private rejectFifoParameters(input: SendInput): void {
    if (this.fifo) {
      if (input.delaySeconds) {
        throw invalidParameter(
          `Value ${input.delaySeconds} for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.`,
        );
      }
      return;
    }
    if (input.deduplicationId !== undefined) {
      throw invalidParameter(
        `Value ${input.deduplicationId} for parameter MessageDeduplicationId is invalid. Reason: The request include parameter that is not valid for this queue type.`,
      );
    }
  }

  private nextSequenceNumber(): string {
    this.sequence += 1n;
    return this.sequence.toString().padStart(20, '0');
  }
}

function checkFifoId(value: string | undefined, parameter: string): void {
  if (value !== undefined && !FIFO_ID.test(value)) {
    throw invalidParameter(
      `Value ${value} for parameter ${parameter} is invalid. Reason: ${parameter} can only include alphanumeric and punctuation characters. 1 to 128 in length.`,
    );
  }
}

export interface ReceiptHandle {
  queueName: string;
  messageId: string;
  token: string;
}

function encodeReceiptHandle(queueName: string, message: Message): string {
  return Buffer.from(JSON.stringify([queueName, message.messageId, message.receipt?.token])).toString(
    'base64',
  );
}

export function decodeReceiptHandle(raw: string): ReceiptHandle | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(raw, 'base64').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 3 && parsed.every((p) => typeof p === 'string')) {
      const [queueName, messageId, token] = parsed as [string, string, string];
      return { queueName, messageId, token };
    }
  } catch {
    // not one of ours: the caller answers ReceiptHandleIsInvalid
  }
  return undefined;
}
