/**
 * The preload every serverless-offline runs with: when the local cloud that started it dies without stopping it
 * (SIGKILL, an interrupted jest run), it exits too instead of holding its ports and CPU as an orphan; and a burst
 * of file changes makes one bundle at a time, not one each at once.
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

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

/**
 * A service folder whose serverless-esbuild is a stand-in: its `bundle` takes 200 ms and records how many bundles
 * ran at once. The preload finds it as it finds the real one, from the service's serverless.yml.
 */
function serviceWithCountingBundler(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'payflow-preload-'));
  const plugin = path.join(dir, 'node_modules', 'serverless-esbuild');
  fs.mkdirSync(path.join(plugin, 'dist'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'serverless.yml'), 'service: stand-in\n');
  fs.writeFileSync(
    path.join(plugin, 'package.json'),
    JSON.stringify({ name: 'serverless-esbuild', main: 'dist/index.js' }),
  );
  fs.writeFileSync(path.join(plugin, 'dist', 'index.js'), 'module.exports = {};\n');
  fs.writeFileSync(
    path.join(plugin, 'dist', 'bundle.js'),
    `let running = 0;
     exports.stats = { runs: 0, mostAtOnce: 0 };
     exports.bundle = async function bundle() {
       running += 1; exports.stats.runs += 1;
       exports.stats.mostAtOnce = Math.max(exports.stats.mostAtOnce, running);
       await new Promise((resolve) => setTimeout(resolve, 200));
       running -= 1;
     };`,
  );
  return dir;
}

/** Calls the plugin's bundle as its watcher does for 20 file events in a row; prints what the stand-in counted. */
async function burstOfChanges(dir: string, preload: boolean) {
  const script = `const m = require('./node_modules/serverless-esbuild/dist/bundle.js');
    Promise.all(Array.from({ length: 20 }, () => m.bundle.call({}))).then(() => console.log(JSON.stringify(m.stats)));`;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [...(preload ? ['--import', PRELOAD] : []), '-e', script],
    { cwd: dir, env: { ...process.env, PAYFLOW_BUNDLE_SOURCE_HASH: '', PAYFLOW_LOCAL_CLOUD_PID: '' } },
  );
  return JSON.parse(stdout) as { runs: number; mostAtOnce: number };
}

describe("serverless-esbuild's watcher, given a burst of changes", () => {
  let dir: string;
  beforeAll(() => {
    dir = serviceWithCountingBundler();
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('bundles once at a time, and once more after the running bundle, with the preload', async () => {
    expect(await burstOfChanges(dir, true)).toEqual({ runs: 2, mostAtOnce: 1 });
  });

  it('without the preload, starts a bundle per change at once (the control)', async () => {
    expect(await burstOfChanges(dir, false)).toEqual({ runs: 20, mostAtOnce: 20 });
  });
});
