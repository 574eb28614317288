import { EventEmitter } from 'node:events';
import type { ChildProcess } from 'node:child_process';
import { Supervisor, type SupervisedProcess } from '../../src/supervisor';

/** A child that exits when told to, with some output to report. */
function fakeChild(pid: number): SupervisedProcess & { die(code: number): void } {
  const child = Object.assign(new EventEmitter(), { pid }) as unknown as ChildProcess;
  return {
    child,
    stop: async () => undefined,
    recentOutput: () => `line 1 of ${pid}\nError: listen EADDRINUSE (pid ${pid})\n`,
    die: (code) => child.emit('exit', code, null),
  };
}

describe('Supervisor', () => {
  it('restarts a child that died with doubling delays, and reports it down with its last output meanwhile', async () => {
    const log: string[] = [];
    const supervisor = new Supervisor((line) => log.push(line), {
      initialMs: 20,
      maxMs: 1000,
      stableMs: 60_000,
    });
    const started: Array<{ at: number; child: ReturnType<typeof fakeChild> }> = [];
    await supervisor.watch('serverless-offline payments', async () => {
      const child = fakeChild(100 + started.length);
      started.push({ at: Date.now(), child });
      return child;
    });
    expect(supervisor.down()).toEqual([]);

    const diedAt = [Date.now()];
    started[0]!.child.die(1);
    expect(supervisor.down()).toEqual([
      expect.objectContaining({
        name: 'serverless-offline payments',
        state: 'restarting',
        lastExit: expect.objectContaining({
          code: 1,
          output: expect.stringContaining('EADDRINUSE (pid 100)'),
        }),
      }),
    ]);
    expect(log[0]).toMatch(/^serverless-offline payments exited with code 1; starting it again in 0.02 s/);
    await until(() => started.length === 2);
    diedAt.push(Date.now());
    started[1]!.child.die(1);
    await until(() => started.length === 3);
    await supervisor.stop();

    expect(started[1]!.at - diedAt[0]!).toBeGreaterThanOrEqual(19);
    // The second failure in a row waits twice as long.
    expect(started[2]!.at - diedAt[1]!).toBeGreaterThanOrEqual(39);
    expect(supervisor.status()).toEqual([
      expect.objectContaining({ state: 'running', restarts: 2, pid: 102 }),
    ]);
  });
});

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}
