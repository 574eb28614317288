/**
 * The preload every serverless-offline runs with: when the local cloud that started it dies without stopping it
 * (SIGKILL, an interrupted jest run), it exits too instead of holding its ports and CPU as an orphan.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const PRELOAD = path.resolve(__dirname, '../../src/offline-preload.mjs');

/** Running: it exists and is not a zombie (an orphan that exited stays one until PID 1 reaps it, if ever). */
const alive = (pid: number) => {
  try {
    return fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
};

/** Starts a parent that starts a long-running child (with or without the preload) and prints the child's pid. */
async function parentWithChild(preload: boolean) {
  const childArgs = [...(preload ? ['--import', PRELOAD] : []), '-e', 'setInterval(() => {}, 1000)'];
  const parent = spawn(
    process.execPath,
    [
      '-e',
      `const c = require('node:child_process').spawn(process.execPath, ${JSON.stringify(childArgs)}, { detached: true, stdio: 'ignore', env: { ...process.env, PAYFLOW_LOCAL_CLOUD_PID: String(process.pid) } });
       console.log(c.pid); setInterval(() => {}, 1000);`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const childPid = await new Promise<number>((resolve) =>
    parent.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim()))),
  );
  return { parent, childPid };
}

async function stillAliveAfter(pid: number, ms: number) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!alive(pid)) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return true;
}

describe('a serverless-offline whose local cloud was killed', () => {
  const leftovers: number[] = [];
  afterAll(() => {
    for (const pid of leftovers) if (alive(pid)) process.kill(pid, 'SIGKILL');
  });

  it('exits on its own within seconds when started with the preload', async () => {
    const { parent, childPid } = await parentWithChild(true);
    leftovers.push(childPid);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(alive(childPid)).toBe(true);
    parent.kill('SIGKILL');
    expect(await stillAliveAfter(childPid, 5_000)).toBe(false);
  });

  it('without the preload, the same child outlives its parent (the control)', async () => {
    const { parent, childPid } = await parentWithChild(false);
    leftovers.push(childPid);
    parent.kill('SIGKILL');
    expect(await stillAliveAfter(childPid, 2_500)).toBe(true);
  });
});
