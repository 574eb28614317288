import { randomUUID } from 'node:crypto';
import { invalidParameter, sqsError } from './errors';
import type { Queue } from './queue';

export interface MoveTask {
  taskHandle: string;
  status: 'RUNNING' | 'COMPLETED' | 'CANCELLING' | 'CANCELLED' | 'FAILED';
  sourceArn: string;
  destinationArn?: string;
  maxNumberOfMessagesPerSecond?: number;
  moved: number;
  toMove: number;
  startedTimestamp: number;
  failureReason?: string;
}

/** What a move task needs of the queue store (declared here, so the store can own its move tasks without a cycle). */
export interface QueueLookup {
  byArn(queueArn: string): Queue | undefined;
  deadLetterSources(queue: Queue): Queue[];
}

/** DLQ redrive (StartMessageMoveTask): moves a dead-letter queue's messages back, in small timed steps. */
export class MoveTasks {
  private readonly tasks: MoveTask[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly store: QueueLookup) {}

  start(sourceArn: string, destinationArn?: string, maxPerSecond?: number): MoveTask {
    const source = this.store.byArn(sourceArn);
    if (!source) {
      throw sqsError(
        'ResourceNotFoundException',
        `The resource that you specified for the SourceArn parameter doesn't exist.`,
      );
    }
    if (this.store.deadLetterSources(source).length === 0) {
      throw invalidParameter('Source queue must be configured as a Dead Letter Queue.');
    }
    if (destinationArn !== undefined && !this.store.byArn(destinationArn)) {
      throw sqsError(
        'ResourceNotFoundException',
        `The resource that you specified for the DestinationArn parameter doesn't exist.`,
      );
    }
    if (
      maxPerSecond !== undefined &&
      (!Number.isInteger(maxPerSecond) || maxPerSecond < 1 || maxPerSecond > 500)
    ) {
      throw invalidParameter(
        `Value ${maxPerSecond} for parameter MaxNumberOfMessagesPerSecond is invalid. Reason: Must be between 1 and 500.`,
      );
    }
    if (this.tasks.some((t) => t.sourceArn === sourceArn && t.status === 'RUNNING')) {
      throw invalidParameter(
        'There is already a task running. Only one active task is allowed for a source queue arn at a given time.',
      );
    }
    const task: MoveTask = {
      taskHandle: Buffer.from(JSON.stringify({ taskId: randomUUID(), sourceArn })).toString('base64'),
      status: 'RUNNING',
      sourceArn,
      destinationArn,
      maxNumberOfMessagesPerSecond: maxPerSecond,
      moved: 0,
      toMove: source.counts().visible,
      startedTimestamp: Date.now(),
    };
    this.tasks.unshift(task);
    this.schedule(task, source, true);
    return task;
  }

  list(sourceArn: string, max = 1): MoveTask[] {
    if (!this.store.byArn(sourceArn)) {
      throw sqsError(
        'ResourceNotFoundException',
        `The resource that you specified for the SourceArn parameter doesn't exist.`,
      );
    }
    if (!Number.isInteger(max) || max < 1 || max > 10) {
      throw invalidParameter(
        `Value ${max} for parameter MaxResults is invalid. Reason: Must be between 1 and 10.`,
      );
    }
    return this.tasks.filter((t) => t.sourceArn === sourceArn).slice(0, max);
  }

  cancel(taskHandle: string): MoveTask {
    const decoded = decodeTaskHandle(taskHandle);
    if (!decoded) throw invalidParameter('Value for parameter TaskHandle is invalid.');
    if (!this.store.byArn(decoded.sourceArn)) {
      throw sqsError(
        'ResourceNotFoundException',
        `The resource that you specified for the SourceArn parameter doesn't exist.`,
      );
    }
    const task = this.tasks.find((t) => t.taskHandle === taskHandle);
    if (!task) throw sqsError('ResourceNotFoundException', 'Task does not exist.');
    if (task.status !== 'RUNNING') {
      throw sqsError(
        'ResourceNotFoundException',
        `Task is ${task.status}: only a RUNNING task can be cancelled.`,
      );
    }
    task.status = 'CANCELLED';
    return task;
  }

  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  /** With MaxNumberOfMessagesPerSecond, one message at once and then one every 1/rate s; otherwise 100 at a time. */
  private schedule(task: MoveTask, source: Queue, first = false): void {
    const rate = task.maxNumberOfMessagesPerSecond;
    const perTick = rate ? 1 : 100;
    const delay = rate && !first ? 1000 / rate : 0;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (task.status !== 'RUNNING') return;
      this.step(task, source, Math.min(perTick, task.toMove - task.moved));
      if (task.status === 'RUNNING') this.schedule(task, source);
    }, delay);
    this.timers.add(timer);
  }

  private step(task: MoveTask, source: Queue, count: number): void {
    const batch = count > 0 ? source.takeForMove(count) : [];
    if (batch.length === 0) {
      task.status = 'COMPLETED';
      return;
    }
    for (const [index, message] of batch.entries()) {
      const targetArn = task.destinationArn ?? message.deadLetterSourceArn;
      const target = targetArn ? this.store.byArn(targetArn) : undefined;
      if (!target) {
        for (const rest of batch.slice(index)) source.accept(rest);
        task.status = 'FAILED';
        task.failureReason = targetArn
          ? 'AWS.SimpleQueueService.NonExistentQueue'
          : 'CouldNotDetermineMessageSource';
        return;
      }
      message.receiveCount = 0;
      message.firstReceiveTimestamp = undefined;
      message.receipt = undefined;
      message.deadLetterSourceArn = undefined;
      message.visibleAt = Date.now();
      message.enqueuedAt = Date.now();
      target.accept(message);
      task.moved += 1;
    }
    if (task.moved >= task.toMove) task.status = 'COMPLETED';
  }
}

function decodeTaskHandle(handle: string): { taskId: string; sourceArn: string } | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(handle, 'base64').toString('utf8')) as Record<string, unknown>;
    if (typeof parsed.taskId === 'string' && typeof parsed.sourceArn === 'string') {
      return { taskId: parsed.taskId, sourceArn: parsed.sourceArn };
    }
  } catch {
    // not a handle this emulator gave out
  }
  return undefined;
}
