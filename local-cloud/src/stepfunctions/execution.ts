import { History, json } from './history';
import {
  StateMachine,
  statesTimeoutClass,
  type PreparedDefinition,
  type TaskHandlerInput,
} from './interpreter';
import { resolveIntegration, type AwsCaller } from './integrations';
import { runTask } from './task-runner';
import type { TaskTokens } from './tokens';
import { StateTracker } from './state-context';
import { setLongTimeout, type LongTimer } from '../timers';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface MachineRecord {
  stateMachineArn: string;
  name: string;
  definition: string;
  roleArn: string;
  type: 'STANDARD' | 'EXPRESS';
  creationDate: number;
  prepared: PreparedDefinition;
}

export interface ExecutionDeps {
  tokens: TaskTokens;
  callAws: AwsCaller;
  /** Multiplies Wait state durations: 0 makes them instant. */
  waitTimeScale: number;
}

type Handler = (input: unknown) => Promise<unknown>;

/** One execution of a state machine, run by the interpreter with this module's task handlers. */
export class Execution {
  status: ExecutionStatus = 'RUNNING';
  readonly startDate = Date.now() / 1000;
  stopDate?: number;
  output?: string;
  error?: string;
  cause?: string;
  readonly history: History;
  private abortRun?: () => void;
  private timer?: LongTimer;
  private readonly states = new StateTracker();
  /** The token `$$.Task.Token` handed out for the Task whose Parameters are being resolved right now. */
  private pendingToken?: string;
  readonly done: Promise<void>;

  constructor(
    readonly machine: MachineRecord,
    readonly executionArn: string,
    readonly name: string,
    readonly input: string,
    private readonly deps: ExecutionDeps,
  ) {
    this.history = new History(machine.prepared.mapItemsPaths);
    this.done = this.run();
  }

  stop(status: 'ABORTED' | 'TIMED_OUT', error?: string, cause?: string): void {
    if (this.status !== 'RUNNING') return;
    this.finish(status, { error, cause });
    const details = Object.fromEntries(Object.entries({ error, cause }).filter(([, v]) => v !== undefined));
    if (status === 'ABORTED') this.history.end('ExecutionAborted', { executionAbortedEventDetails: details });
    else this.history.end('ExecutionTimedOut', { executionTimedOutEventDetails: details });
    this.abortRun?.();
  }

  private async run(): Promise<void> {
    const timeoutClass = await statesTimeoutClass();
    const { prepared } = this.machine;
    const interpreter = new StateMachine(this.states.track(prepared.definition), {
      validationOptions: { noValidate: true },
    });
    const handlers: Record<string, Handler> = {};
    for (const spec of prepared.tasks.values()) {
      handlers[spec.name] = async (raw) => {
        // Taken before any await: the interpreter resolves Parameters and calls this handler synchronously.
        const token = this.takeToken();
        const entry = this.states.current!;
        const { parameters, stateInput } = raw as TaskHandlerInput;
        // Lets the history record the interpreter's TaskStateEntered before this task's own events.
        await new Promise((resolve) => setImmediate(resolve));
        const integration = resolveIntegration(spec.resource, this.deps.callAws);
        const run = {
          spec,
          integration,
          parameters,
          stateInput,
          token,
          tokens: this.deps.tokens,
          history: this.history,
          timeoutClass,
        };
        try {
          return await runTask(run);
        } catch (error) {
          this.states.failed(entry);
          throw error;
        }
      };
    }
    const execution = interpreter.run(JSON.parse(this.input), {
      overrides: { taskResourceLocalHandlers: handlers as never, waitTimeOverrides: this.waitOverrides() },
      context: this.context(),
    });
    this.abortRun = execution.abort;
    if (prepared.timeoutSeconds !== undefined) {
      const seconds = prepared.timeoutSeconds;
      // AWS's DescribeExecution of a timed-out execution has neither error nor cause.
      this.timer = setLongTimeout(() => this.stop('TIMED_OUT'), seconds * 1000);
    }
    const recording = (async () => {
      for await (const event of execution.eventLogs)
        this.history.fromInterpreter(event as never, this.machine.roleArn);
    })();
    const [result] = await Promise.allSettled([execution.result, recording]);
    this.timer?.clear();
    if (result.status === 'fulfilled') {
      this.finish('SUCCEEDED', { output: json(result.value) });
    } else {
      const failure = ((result.reason as { cause?: unknown }).cause ?? result.reason) as Error;
      this.finish('FAILED', { error: failure.name, cause: failure.message || undefined });
    }
  }

  private finish(
    status: ExecutionStatus,
    outcome: { output?: string; error?: string; cause?: string },
  ): void {
    if (this.status !== 'RUNNING') return;
    this.status = status;
    this.stopDate = Date.now() / 1000;
    Object.assign(this, outcome);
    this.timer?.clear();
    this.deps.tokens.closeExecution(this.executionArn);
  }

  private takeToken(): string {
    const token = this.pendingToken ?? this.deps.tokens.issue(this.executionArn);
    this.pendingToken = undefined;
    return token;
  }

  private context(): Record<string, unknown> {
    const task = {};
    Object.defineProperty(task, 'Token', {
      enumerable: true,
      get: () => (this.pendingToken ??= this.deps.tokens.issue(this.executionArn)),
    });
    const state = this.states.context();
    return {
      Execution: {
        Id: this.executionArn,
        Input: JSON.parse(this.input) as unknown,
        Name: this.name,
        RoleArn: this.machine.roleArn,
        StartTime: new Date(this.startDate * 1000).toISOString(),
        RedriveCount: 0,
      },
      State: state,
      StateMachine: { Id: this.machine.stateMachineArn, Name: this.machine.name },
      Task: task,
    };
  }

  private waitOverrides(): Record<string, number> | undefined {
    const scale = this.deps.waitTimeScale;
    if (scale === 1) return undefined;
    const overrides: Record<string, number> = {};
    for (const wait of this.machine.prepared.waits) {
      if (wait.seconds !== undefined) overrides[wait.name] = wait.seconds * 1000 * scale;
      else if (scale === 0) overrides[wait.name] = 0;
    }
    return overrides;
  }
}
