/** Where start-up time goes: each phase's start and end, in seconds since this process started. */
import { performance } from 'node:perf_hooks';

export interface Phase {
  name: string;
  /** Seconds since the process started (Node, ts-node and module loading come before the first phase). */
  from: number;
  to: number;
}

export class Timeline {
  readonly phases: Phase[] = [];

  /** Times a phase; phases may overlap (serverless-offline starts while tables are provisioned). */
  async time<T>(name: string, work: Promise<T> | (() => Promise<T>)): Promise<T> {
    const from = performance.now() / 1000;
    try {
      return await (typeof work === 'function' ? work() : work);
    } finally {
      this.phases.push({ name, from, to: performance.now() / 1000 });
    }
  }

  /** `name 1.2-3.4 s (2.2 s)`, one line per phase, in order of start. */
  describe(): string[] {
    return [...this.phases]
      .sort((a, b) => a.from - b.from)
      .map(
        (p) =>
          `${p.name.padEnd(36)} ${p.from.toFixed(1).padStart(5)} → ${p.to.toFixed(1).padStart(5)} s  (${(p.to - p.from).toFixed(1)} s)`,
      );
  }
}
