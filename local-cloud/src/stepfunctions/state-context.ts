/**
 * `$$.State` as AWS fills it: Name, EnteredTime fixed when the state is entered, RetryCount of that entry.
 * The interpreter keeps no per-state context, but looks each state up in its definition the moment it enters it,
 * so each execution runs a copy of the definition whose state lookups record the entry.
 */
import type { StateMachineDefinition } from 'aws-local-stepfunctions';

/** One entry into a state. */
export interface StateEntry {
  name: string;
  enteredTime: string;
  retryCount: number;
}

type Json = Record<string, unknown>;

export class StateTracker {
  /** The state entered last (in Parallel and Map branches: the last one entered by any branch). */
  current?: StateEntry;

  /** A copy of the definition whose state lookups enter the state here; Parallel and Map branches included. */
  track(definition: StateMachineDefinition): StateMachineDefinition {
    const copy = JSON.parse(JSON.stringify(definition)) as Json;
    this.instrument(copy);
    return copy as unknown as StateMachineDefinition;
  }

  /** `$$.State` for the interpreter's context. */
  context(): Json {
    const state = {};
    const entry = () => this.current;
    Object.defineProperties(state, {
      Name: { enumerable: true, get: () => entry()?.name },
      EnteredTime: { enumerable: true, get: () => entry()?.enteredTime },
      RetryCount: { enumerable: true, get: () => entry()?.retryCount ?? 0 },
    });
    return state;
  }

  /** A Task of this entry failed and may be retried: its next attempt reads RetryCount one higher. */
  failed(entry: StateEntry): void {
    entry.retryCount++;
    this.current = entry;
  }

  private instrument(machine: Json): void {
    const states = (machine.States ?? {}) as Record<string, Json>;
    const tracked: Record<string, Json> = {};
    for (const [name, state] of Object.entries(states)) {
      for (const branch of (state.Branches ?? []) as Json[]) this.instrument(branch);
      const processor = (state.ItemProcessor ?? state.Iterator) as Json | undefined;
      if (processor) this.instrument(processor);
      Object.defineProperty(tracked, name, {
        enumerable: true,
        get: () => {
          this.current = { name, enteredTime: new Date().toISOString(), retryCount: 0 };
          return state;
        },
      });
    }
    machine.States = tracked;
  }
}
