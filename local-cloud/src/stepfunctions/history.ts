import { readJsonPath } from '../json-path';

/** One GetExecutionHistory event; `timestamp` is epoch seconds as the JSON 1.0 protocol sends it. */
export interface HistoryEvent {
  id: number;
  previousEventId: number;
  timestamp: number;
  type: string;
  [details: string]: unknown;
}

/** The interpreter's event log entries this module reads (see aws-local-stepfunctions EventLog). */
interface LibraryEvent {
  type: string;
  input?: unknown;
  output?: unknown;
  Error?: string;
  Cause?: unknown;
  index?: number;
  state?: { name: string; type: string; input: unknown; output?: unknown };
  parentState?: { name: string; type: string; input: unknown };
}

const STATE_EVENT_PREFIX: Record<string, string> = {
  Task: 'TaskState',
  Pass: 'PassState',
  Choice: 'ChoiceState',
  Wait: 'WaitState',
  Parallel: 'ParallelState',
  Map: 'MapState',
  Succeed: 'SucceedState',
  Fail: 'FailState',
};

/** An execution's history in AWS's event types, ids and details. */
export class History {
  readonly events: HistoryEvent[] = [];
  private closed = false;

  constructor(private readonly mapItemsPaths: Map<string, string | undefined>) {}

  add(type: string, details?: Record<string, unknown>): void {
    if (this.closed) return;
    const id = this.events.length + 1;
    this.events.push({ id, previousEventId: id - 1, timestamp: Date.now() / 1000, type, ...details });
  }

  /** The last event: after it the history records nothing (late events of an aborted run are dropped). */
  end(type: string, details?: Record<string, unknown>): void {
    this.add(type, details);
    this.closed = true;
  }

  fromInterpreter(event: LibraryEvent, roleArn: string): void {
    const state = event.state;
    const prefix = state ? STATE_EVENT_PREFIX[state.type] : undefined;
    switch (event.type) {
      case 'ExecutionStarted':
        this.add('ExecutionStarted', {
          executionStartedEventDetails: {
            input: json(event.input),
            inputDetails: { truncated: false },
            roleArn,
          },
        });
        break;
      case 'ExecutionSucceeded':
        this.end('ExecutionSucceeded', {
          executionSucceededEventDetails: { output: json(event.output), outputDetails: { truncated: false } },
        });
        break;
      case 'ExecutionFailed':
        this.end('ExecutionFailed', { executionFailedEventDetails: errorDetails(event.Error, event.Cause) });
        break;
      case 'StateEntered':
        if (!state || !prefix) break;
        this.add(`${prefix}Entered`, {
          stateEnteredEventDetails: {
            name: state.name,
            input: json(state.input),
            inputDetails: { truncated: false },
          },
        });
        if (state.type === 'Parallel') this.add('ParallelStateStarted');
        if (state.type === 'Map') {
          const items = readJsonPath(this.mapItemsPaths.get(state.name) ?? '$', state.input);
          this.add('MapStateStarted', {
            mapStateStartedEventDetails: { length: Array.isArray(items) ? items.length : 0 },
          });
        }
        break;
      case 'StateExited':
        if (!state || !prefix) break;
        if (state.type === 'Parallel') this.add('ParallelStateSucceeded');
        if (state.type === 'Map') this.add('MapStateSucceeded');
        this.add(`${prefix}Exited`, {
          stateExitedEventDetails: {
            name: state.name,
            output: json(state.output),
            outputDetails: { truncated: false },
          },
        });
        break;
      case 'StateFailed':
        if (state?.type === 'Parallel') this.add('ParallelStateFailed');
        if (state?.type === 'Map') this.add('MapStateFailed');
        break;
      case 'MapIterationStarted':
      case 'MapIterationSucceeded':
      case 'MapIterationFailed': {
        const details = { name: event.parentState?.name, index: event.index };
        this.add(event.type, { [`${lowerFirst(event.type)}EventDetails`]: details });
        break;
      }
      default:
        // ParallelBranch*, StateRetried, StateCaught have no AWS history event of their own.
        break;
    }
  }
}

export function json(value: unknown): string {
  return JSON.stringify(value ?? null);
}

export function errorDetails(error: string | undefined, cause: unknown): Record<string, string> {
  const details: Record<string, string> = {};
  if (error) details.error = error;
  if (cause !== undefined && cause !== '') details.cause = typeof cause === 'string' ? cause : String(cause);
  return details;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
