/**
 * Watches every child process the local cloud starts (serverless-offline per service, DynamoDB Local): one that
 * dies is reported with its last lines of output and started again with back-off, and health says it is down.
 */
import type { ChildProcess } from 'node:child_process';

/** A started child: the process, how to stop it, and what it printed lately. */
export interface SupervisedProcess {
  child: ChildProcess;
  stop(): Promise<void>;
  recentOutput(): string;
}

export interface ChildStatus {
  name: string;
  state: 'running' | 'restarting';
  pid?: number;
  restarts: number;
  /** Why it last went down: exit code or signal, and its last lines of output. */
  lastExit?: { at: string; code: number | null; signal: string | null; output: string };
}

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** A child that ran this long before dying starts again after the initial delay. */
  stableMs: number;
}

const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 1000, maxMs: 30_000, stableMs: 60_000 };
const OUTPUT_LINES = 20;

interface Watched {
  status: ChildStatus;
  start: () => Promise<SupervisedProcess>;
  afterRestart?: () => Promise<void>;
  process?: SupervisedProcess;
  startedAt: number;
  failures: number;
  timer?: NodeJS.Timeout;
}

export class Supervisor {
  private readonly watched = new Map<string, Watched>();
  private stopping = false;

  constructor(
    private readonly log: (line: string) => void,
    private readonly backoff: BackoffOptions = DEFAULT_BACKOFF,
  ) {}

  /** Starts a child and keeps it running; `afterRestart` restores what a restart lost (e.g. in-memory tables). */
  async watch(
    name: string,
    start: () => Promise<SupervisedProcess>,
    afterRestart?: () => Promise<void>,
  ): Promise<void> {
    const watched: Watched = {
      status: { name, state: 'restarting', restarts: 0 },
      start,
      afterRestart,
      startedAt: Date.now(),
      failures: 0,
    };
    this.attach(watched, await start());
    watched.status.state = 'running';
    this.watched.set(name, watched);
  }

  status(): ChildStatus[] {
    return [...this.watched.values()].map((w) => ({ ...w.status }));
  }

  /** The children that are not running now. */
  down(): ChildStatus[] {
    return this.status().filter((s) => s.state !== 'running');
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(
      [...this.watched.values()].map(async (w) => {
        clearTimeout(w.timer);
        await w.process?.stop();
      }),
    );
  }

  private attach(watched: Watched, process: SupervisedProcess): void {
    watched.process = process;
    watched.startedAt = Date.now();
    watched.status.pid = process.child.pid;
    process.child.once('exit', (code, signal) => {
      const why = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      this.exited(watched, why, { code, signal, output: lastLines(process.recentOutput()) });
    });
  }

  private exited(
    watched: Watched,
    why: string,
    exit: { code: number | null; signal: string | null; output: string },
  ): void {
    if (this.stopping) return;
    const { output } = exit;
    watched.process = undefined;
    watched.status = {
      ...watched.status,
      state: 'restarting',
      pid: undefined,
      lastExit: { at: new Date().toISOString(), ...exit },
    };
    if (Date.now() - watched.startedAt >= this.backoff.stableMs) watched.failures = 0;
    const delay = Math.min(this.backoff.initialMs * 2 ** watched.failures, this.backoff.maxMs);
    watched.failures++;
    this.log(
      `${watched.status.name} ${why}; starting it again in ${delay / 1000} s. Its last output:\n` +
        (output ? output.replace(/^/gm, '    ') : '    (nothing)'),
    );
    watched.timer = setTimeout(() => void this.restart(watched), delay);
  }

  private async restart(watched: Watched): Promise<void> {
    if (this.stopping) return;
    let process: SupervisedProcess;
    try {
      process = await watched.start();
    } catch (error) {
      // A start that fails counts as another exit: back off further and try again.
      const message = error instanceof Error ? error.message : String(error);
      this.exited(watched, 'could not start', { code: null, signal: null, output: lastLines(message) });
      return;
    }
    if (this.stopping) return void process.stop();
    watched.status.restarts++;
    this.attach(watched, process);
    try {
      await watched.afterRestart?.();
    } catch (error) {
      this.log(`${watched.status.name} is back, but restoring its state failed: ${(error as Error).message}`);
    }
    // Health says ready only once what the restart lost is restored.
    if (watched.process === process) watched.status.state = 'running';
    this.log(`${watched.status.name} is running again (restart ${watched.status.restarts}).`);
  }
}

function lastLines(text: string): string {
  return text.trimEnd().split('\n').slice(-OUTPUT_LINES).join('\n');
}
