/**
 * Per-function concurrency with a waiting line. serverless-offline starts a new worker for every invocation that
 * finds no idle one, and its timeout clock includes that worker's start: a burst of 100 on 2 cores timed out. Every
 * invocation the local cloud makes or proxies waits here for one of the function's slots instead, so a function
 * never has more than its limit of workers and they stay warm. Time spent waiting is not the function's run time.
 */
import os from 'node:os';

export interface GateStats {
  /** Running now. */
  running: number;
  /** Waiting for a slot now. */
  waiting: number;
  /** The most that ever ran at once. */
  peak: number;
  limit: number;
}

class Gate {
  running = 0;
  peak = 0;
  private readonly queue: Array<() => void> = [];

  constructor(public limit: number) {}

  async run<T>(work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (this.running >= this.limit) await this.slot(signal);
    else this.running++;
    this.peak = Math.max(this.peak, this.running);
    try {
      return await work();
    } finally {
      const next = this.queue.shift();
      // The slot passes straight to the next in line, so nothing can overtake the queue.
      if (next) next();
      else this.running--;
    }
  }

  /** Resolves when a slot passes to this caller; rejects (leaving the line) if `signal` aborts first. */
  private slot(signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason as Error);
      const take = () => {
        signal?.removeEventListener('abort', leave);
        resolve();
      };
      const leave = () => {
        const index = this.queue.indexOf(take);
        if (index === -1) return; // the slot was handed over first
        this.queue.splice(index, 1);
        reject(signal!.reason as Error);
      };
      this.queue.push(take);
      signal?.addEventListener('abort', leave, { once: true });
    });
  }

  get waiting(): number {
    return this.queue.length;
  }
}

/**
 * What a function may run at once when neither its template (`ReservedConcurrentExecutions`) nor
 * PAYFLOW_FUNCTION_CONCURRENCY says: twice the cores, since most of a handler's time is spent waiting on the
 * emulators, not computing.
 */
function defaultConcurrency(): number {
  const configured = Number(process.env.PAYFLOW_FUNCTION_CONCURRENCY);
  if (Number.isInteger(configured) && configured > 0) return configured;
  return Math.max(2, 2 * os.availableParallelism());
}

const gates = new Map<string, Gate>();
const limits = new Map<string, number>();

/** A function's own limit (its reserved concurrency), below the default. */
export function setFunctionConcurrency(functionName: string, limit: number): void {
  limits.set(functionName, limit);
  const gate = gates.get(functionName);
  if (gate) gate.limit = limit;
}

/**
 * Runs one invocation of the function once one of its slots is free (first come, first served). A caller that
 * stops waiting (`signal` aborts while it is still in line, e.g. API Gateway's integration timeout) leaves the
 * line with the signal's reason and its invocation never runs.
 */
export function runGated<T>(functionName: string, work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  let gate = gates.get(functionName);
  if (!gate) {
    gate = new Gate(Math.min(limits.get(functionName) ?? Infinity, defaultConcurrency()));
    gates.set(functionName, gate);
  }
  return gate.run(work, signal);
}

export function gateStats(functionName: string): GateStats | undefined {
  const gate = gates.get(functionName);
  return gate && { running: gate.running, waiting: gate.waiting, peak: gate.peak, limit: gate.limit };
}
