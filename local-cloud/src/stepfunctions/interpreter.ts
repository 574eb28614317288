import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { StateMachine } from './asl';

export { StateMachine } from './asl';

/** The Task fields this module enforces itself instead of the interpreter. */
export interface TaskSpec {
  name: string;
  resource: string;
  timeoutSeconds?: number;
  timeoutSecondsPath?: string;
  heartbeatSeconds?: number;
  heartbeatSecondsPath?: string;
}

interface WaitSpec {
  name: string;
  seconds?: number;
}

export interface PreparedDefinition {
  /** The definition handed to the interpreter: tasks rewritten so our handler sees parameters and state input. */
  definition: StateMachineDefinition;
  tasks: Map<string, TaskSpec>;
  waits: WaitSpec[];
  /** ItemsPath of every Map state, for MapStateStarted's length. */
  mapItemsPaths: Map<string, string | undefined>;
  timeoutSeconds?: number;
}

/** What every rewritten Task passes to its local handler. */
export interface TaskHandlerInput {
  parameters: unknown;
  stateInput: unknown;
}

// The interpreter's own task timer must never fire first (task-runner.ts enforces TimeoutSeconds): 100 years.
const NEVER_SECONDS = 100 * 365 * 86_400;

type Json = Record<string, unknown>;

export function prepareDefinition(source: Json): PreparedDefinition {
  const tasks = new Map<string, TaskSpec>();
  const waits: WaitSpec[] = [];
  const mapItemsPaths = new Map<string, string | undefined>();
  // A JSON copy, not structuredClone: the interpreter only recurses into objects of its own realm (jest runs tests in a vm).
  const definition = JSON.parse(JSON.stringify(source)) as Json;
  const timeoutSeconds =
    typeof definition.TimeoutSeconds === 'number' ? definition.TimeoutSeconds : undefined;
  delete definition.TimeoutSeconds;
  rewriteStates(definition, { tasks, waits, mapItemsPaths });
  return {
    definition: definition as unknown as StateMachineDefinition,
    tasks,
    waits,
    mapItemsPaths,
    timeoutSeconds,
  };
}

type Found = Pick<PreparedDefinition, 'tasks' | 'waits' | 'mapItemsPaths'>;

function rewriteStates(machine: Json, found: Found): void {
  const { tasks, waits, mapItemsPaths } = found;
  const states = (machine.States ?? {}) as Record<string, Json>;
  for (const [name, state] of Object.entries(states)) {
    if (state.Type === 'Task') {
      tasks.set(name, {
        name,
        resource: String(state.Resource),
        timeoutSeconds: state.TimeoutSeconds as number | undefined,
        timeoutSecondsPath: state.TimeoutSecondsPath as string | undefined,
        heartbeatSeconds: state.HeartbeatSeconds as number | undefined,
        heartbeatSecondsPath: state.HeartbeatSecondsPath as string | undefined,
      });
      state.Parameters =
        'Parameters' in state
          ? { parameters: state.Parameters, 'stateInput.$': '$' }
          : { 'parameters.$': '$', 'stateInput.$': '$' };
      state.TimeoutSeconds = NEVER_SECONDS;
      delete state.TimeoutSecondsPath;
      delete state.HeartbeatSeconds;
      delete state.HeartbeatSecondsPath;
    }
    if (state.Type === 'Wait') waits.push({ name, seconds: state.Seconds as number | undefined });
    if (state.Type === 'Map') mapItemsPaths.set(name, state.ItemsPath as string | undefined);
    for (const branch of (state.Branches ?? []) as Json[]) rewriteStates(branch, found);
    const processor = (state.ItemProcessor ?? state.Iterator) as Json | undefined;
    if (processor) rewriteStates(processor, found);
  }
}

/** Checks a definition the way CreateStateMachine does; returns what is wrong, or undefined. */
export function definitionProblem(definition: unknown): string | undefined {
  if (!definition || typeof definition !== 'object' || Array.isArray(definition)) {
    return 'The definition must be a JSON object';
  }
  const { StartAt, States } = definition as Json;
  if (typeof StartAt !== 'string') return "The definition has no 'StartAt' field";
  if (!States || typeof States !== 'object') return "The definition has no 'States' field";
  if (!(StartAt in States))
    return `MISSING_TRANSITION_TARGET: 'StartAt' names '${StartAt}', which is not a state`;
  try {
    new StateMachine(definition as StateMachineDefinition, { validationOptions: { checkArn: false } });
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

let timeoutErrorClass: Promise<new () => Error> | undefined;

/**
 * The interpreter's own States.Timeout class: its `States.TaskFailed` matcher excludes only instances of it,
 * and it is not exported, so it is caught once from a task that times out after 1 ms.
 */
export function statesTimeoutClass(): Promise<new () => Error> {
  timeoutErrorClass ??= (async () => {
    const probe = new StateMachine(
      {
        StartAt: 'Probe',
        States: {
          Probe: {
            Type: 'Task',
            Resource: 'arn:aws:lambda:us-east-1:0:function:probe',
            TimeoutSeconds: 0.001,
            End: true,
          },
        },
      } as unknown as StateMachineDefinition,
      { validationOptions: { noValidate: true } },
    );
    const run = probe.run(
      {},
      { overrides: { taskResourceLocalHandlers: { Probe: () => new Promise(() => undefined) } } },
    );
    const error = await run.result.then(
      () => undefined,
      (e: unknown) => (e as { cause?: unknown }).cause,
    );
    if (!(error instanceof Error) || error.name !== 'States.Timeout') {
      throw new Error(
        'aws-local-stepfunctions did not raise States.Timeout from its task timer; has its version changed?',
      );
    }
    return error.constructor as new () => Error;
  })();
  return timeoutErrorClass;
}

/**
 * A task error with the Error/Cause AWS reports; the interpreter matches Retry/Catch on `name`.
 * States.Runtime fails the execution: on AWS no Retry or Catch (not even States.ALL) matches it.
 */
export function taskError(error: string, cause: string): Error {
  const e = new Error(cause);
  e.name = error;
  if (error === 'States.Runtime') Object.assign(e, { isCatchable: false, isRetryable: false });
  return e;
}
