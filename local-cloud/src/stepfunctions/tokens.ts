import { randomUUID } from 'node:crypto';
import { AwsError } from '../protocol';

export type TaskOutcome = { ok: true; output: unknown } | { ok: false; error: string; cause: string };

interface Waiter {
  executionArn: string;
  settle?: (outcome: TaskOutcome) => void;
  onHeartbeat?: () => void;
  /** An outcome sent before the task started waiting (the callee answered inside its own invocation). */
  early?: TaskOutcome;
  closed: boolean;
}

/** Task tokens of `.waitForTaskToken` tasks: who waits on them, and whether they are still open. */
export class TaskTokens {
  private readonly waiters = new Map<string, Waiter>();

  /** A new token; it is open until the task it belongs to succeeds, fails, times out or its execution stops. */
  issue(executionArn: string): string {
    const token = Buffer.from(JSON.stringify({ executionArn, id: randomUUID() })).toString('base64url');
    this.waiters.set(token, { executionArn, closed: false });
    return token;
  }

  /** Resolves when SendTaskSuccess/SendTaskFailure arrives for the token. */
  wait(token: string, onHeartbeat: () => void): Promise<TaskOutcome> {
    const waiter = this.waiters.get(token);
    if (!waiter) throw new Error(`Task token ${token} was never issued`);
    if (waiter.early) return Promise.resolve(waiter.early);
    return new Promise((resolve) => {
      waiter.settle = resolve;
      waiter.onHeartbeat = onHeartbeat;
    });
  }

  close(token: string): void {
    const waiter = this.waiters.get(token);
    if (waiter) {
      waiter.closed = true;
      waiter.settle = undefined;
      waiter.onHeartbeat = undefined;
    }
  }

  /** Closes every open token of a stopped execution, unwinding the tasks that wait on them. */
  closeExecution(executionArn: string): void {
    for (const [token, waiter] of this.waiters) {
      if (waiter.executionArn !== executionArn || waiter.closed) continue;
      const settle = waiter.settle;
      this.close(token);
      settle?.({ ok: false, error: 'States.Runtime', cause: 'The execution stopped' });
    }
  }

  succeed(token: string, output: unknown): void {
    this.settle(token, { ok: true, output });
  }

  fail(token: string, error: string, cause: string): void {
    this.settle(token, { ok: false, error, cause });
  }

  heartbeat(token: string): void {
    this.open(token).onHeartbeat?.();
  }

  private settle(token: string, outcome: TaskOutcome): void {
    const waiter = this.open(token);
    const settle = waiter.settle;
    this.close(token);
    if (settle) settle(outcome);
    else waiter.early = outcome;
  }

  private open(token: string): Waiter {
    const waiter = this.waiters.get(token);
    if (!waiter) {
      if (!isWellFormed(token))
        throw new AwsError('InvalidToken', `Invalid token: '${token}' is not a task token`);
      throw new AwsError('TaskDoesNotExist', 'Task does not exist: no task was ever issued this token');
    }
    if (waiter.closed) {
      throw new AwsError('TaskTimedOut', "Task Timed Out: 'Provided task does not exist anymore'");
    }
    return waiter;
  }
}

function isWellFormed(token: string): boolean {
  try {
    const decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      executionArn?: unknown;
    };
    return typeof decoded.executionArn === 'string';
  } catch {
    return false;
  }
}
