import { arn } from '../config';
import { applyAttributes, DEFAULT_SETTINGS, renderSettings } from './attributes';
import { invalidParameter, queueDoesNotExist, sqsError } from './errors';
import { decodeReceiptHandle, Queue, type Message, type ReceivedMessage, type ReceiptHandle } from './queue';
import { MoveTasks } from './move-tasks';

const STANDARD_NAME = /^[A-Za-z0-9_-]{1,80}$/;
const FIFO_NAME = /^[A-Za-z0-9_-]{1,75}\.fifo$/;

export interface StoreOptions {
  /** AWS refuses to recreate a queue name for 60 s after DeleteQueue. */
  recreateDelayMs?: number;
  /** AWS allows one PurgeQueue per queue every 60 s. */
  purgeIntervalMs?: number;
}

/** All queues of the account, keyed by name; the receive/delete/visibility logic lives in Queue. */
export class QueueStore {
  readonly moveTasks = new MoveTasks(this);
  private readonly queues = new Map<string, Queue>();
  private readonly deletedAt = new Map<string, number>();
  private closed = false;

  constructor(private readonly options: StoreOptions = {}) {}

  create(name: string, attributes: Record<string, string>, tags: Record<string, string> = {}): Queue {
    const fifo = (attributes.FifoQueue ?? '').toLowerCase() === 'true';
    checkQueueName(name, fifo);
    const existing = this.queues.get(name);
    const settings = applyAttributes(existing?.settings ?? DEFAULT_SETTINGS, attributes, {
      creating: true,
      fifo,
      dlqExists: (target) => this.dlqKind(target),
    });
    if (existing) {
      const before = renderSettings(existing.settings);
      const after = renderSettings(settings);
      const changed = Object.keys({ ...before, ...after }).find((key) => before[key] !== after[key]);
      if (changed) {
        throw sqsError(
          'QueueNameExists',
          `A queue already exists with the same name and a different value for attribute ${changed}`,
        );
      }
      return existing;
    }
    const deletedAt = this.deletedAt.get(name);
    if (deletedAt !== undefined && Date.now() - deletedAt < (this.options.recreateDelayMs ?? 60_000)) {
      throw sqsError(
        'QueueDeletedRecently',
        'You must wait 60 seconds after deleting a queue before you can create another with the same name.',
      );
    }
    const queue = new Queue(name, arn('sqs', name), settings);
    queue.tags = { ...tags };
    this.queues.set(name, queue);
    return queue;
  }

  get(name: string): Queue {
    const queue = this.queues.get(name);
    if (!queue) throw queueDoesNotExist();
    return queue;
  }

  find(name: string): Queue | undefined {
    return this.queues.get(name);
  }

  byArn(queueArn: string): Queue | undefined {
    const name = queueArn.split(':').pop() ?? '';
    const queue = this.queues.get(name);
    return queue?.arn === queueArn ? queue : undefined;
  }

  list(): Queue[] {
    return [...this.queues.values()];
  }

  delete(name: string): void {
    const queue = this.get(name);
    this.queues.delete(name);
    this.deletedAt.set(name, Date.now());
    queue.notify();
  }

  purge(name: string): void {
    const queue = this.get(name);
    const now = Date.now();
    if (now - queue.lastPurge < (this.options.purgeIntervalMs ?? 60_000)) {
      throw sqsError(
        'PurgeQueueInProgress',
        `Only one PurgeQueue operation on ${name} is allowed every 60 seconds.`,
      );
    }
    queue.lastPurge = now;
    queue.purge();
  }

  setAttributes(name: string, attributes: Record<string, string>): void {
    const queue = this.get(name);
    queue.settings = applyAttributes(queue.settings, attributes, {
      creating: false,
      fifo: queue.fifo,
      dlqExists: (target) => this.dlqKind(target),
    });
    queue.lastModifiedTimestamp = Math.floor(Date.now() / 1000);
    queue.notify();
  }

  /** ReceiveMessage, counting exactly one receive per returned message and redriving to the DLQ. */
  receive(queue: Queue, max: number, visibilityTimeout: number): ReceivedMessage[] {
    return queue.receive(max, visibilityTimeout, (message) => this.deadLetter(queue, message));
  }

  /** Like ReceiveMessage with WaitTimeSeconds: returns as soon as any message can be received. */
  async receiveWaiting(
    queue: Queue,
    max: number,
    visibilityTimeout: number,
    waitSeconds: number,
  ): Promise<ReceivedMessage[]> {
    const deadline = Date.now() + waitSeconds * 1000;
    for (;;) {
      const received = this.receive(queue, max, visibilityTimeout);
      if (received.length > 0 || Date.now() >= deadline || this.closed || !this.queues.has(queue.name)) {
        return received;
      }
      await queue.waitForChange(deadline);
    }
  }

  handle(queue: Queue, raw: unknown): ReceiptHandle {
    const handle = typeof raw === 'string' ? decodeReceiptHandle(raw) : undefined;
    if (!handle || handle.queueName !== queue.name) {
      throw sqsError(
        'ReceiptHandleIsInvalid',
        `The input receipt handle "${String(raw)}" is not a valid receipt handle.`,
      );
    }
    return handle;
  }

  deadLetterSources(queue: Queue): Queue[] {
    return this.list().filter((q) => q.settings.RedrivePolicy?.deadLetterTargetArn === queue.arn);
  }

  close(): void {
    this.closed = true;
    this.moveTasks.close();
    for (const queue of this.queues.values()) queue.notify();
  }

  private deadLetter(source: Queue, message: Message): boolean {
    const target = source.settings.RedrivePolicy?.deadLetterTargetArn;
    const dlq = target ? this.byArn(target) : undefined;
    if (!dlq) return false;
    const now = Date.now();
    message.visibleAt = now;
    message.receipt = undefined;
    message.deadLetterSourceArn = source.arn;
    if (dlq.fifo) message.enqueuedAt = now;
    dlq.accept(message);
    return true;
  }

  private dlqKind(target: string): false | 'fifo' | 'standard' {
    const queue = this.byArn(target);
    if (!queue) return false;
    return queue.fifo ? 'fifo' : 'standard';
  }
}

function checkQueueName(name: unknown, fifo: boolean): asserts name is string {
  if (typeof name !== 'string' || name === '') {
    throw sqsError('MissingParameter', 'The request must contain the parameter QueueName.');
  }
  if (fifo && !FIFO_NAME.test(name)) {
    throw invalidParameter(
      'The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.',
    );
  }
  if (!fifo && !STANDARD_NAME.test(name)) {
    throw invalidParameter(
      'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length',
    );
  }
}
