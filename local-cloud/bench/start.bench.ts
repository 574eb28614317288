/**
 * `npm run bench:start -w local-cloud`: how long `npm start` takes to print "Payflow is ready", started as a user
 * starts it, wall time from spawning `npm start` to that line. First the first start of a fresh copy of this
 * working tree (tracked and untracked files, no build output, node_modules hard-linked: a fresh clone that has run
 * `npm install`), then BENCH_WARM_RUNS (default 3) warm starts here, after one start that packages and bundles
 * whatever changed. BENCH_FRESH=0 skips the fresh copy. Each run prints the phases `npm start` printed.
 * Uses the fixed service ports and PAYFLOW_EDGE_PORT: run it under the integration lock.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../src/config';

const READY = /Payflow is ready/;

interface StartRun {
  label: string;
  wallSeconds: number;
  loadAverage: number;
  phases: string[];
}

/** Runs `npm start` in `root` until it is ready, then stops it (Ctrl-C, as a user would). */
async function timeStart(root: string, label: string): Promise<StartRun> {
  const loadAverage = os.loadavg()[0]!;
  const started = performance.now();
  const child = spawn('npm', ['start'], {
    cwd: root,
    env: { ...process.env, FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  let timer: NodeJS.Timeout | undefined;
  const ready = await new Promise<number>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (READY.test(output)) resolve((performance.now() - started) / 1000);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`npm start exited (${code}) before ready:\n${output}`)));
    timer = setTimeout(
      () => reject(new Error(`npm start not ready in 180 s:\n${output.slice(-3000)}`)),
      180_000,
    );
  })
    .catch((error: unknown) => {
      process.kill(-child.pid!, 'SIGKILL');
      throw error;
    })
    .finally(() => clearTimeout(timer));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid!, 'SIGINT');
  const killer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 20_000);
  await exited;
  clearTimeout(killer);
  const lines = output.split('\n');
  const from = lines.findIndex((line) => line.startsWith('Start-up, in seconds'));
  const phases = from === -1 ? [] : lines.slice(from + 1).filter((line) => line.startsWith('  '));
  return { label, wallSeconds: ready, loadAverage, phases };
}

/** The working tree as a fresh clone has it, in a temporary folder, with node_modules hard-linked. */
function freshCopy(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'payflow-fresh-'));
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: REPO_ROOT,
    maxBuffer: 64 * 1024 * 1024,
  })
    .toString()
    .split('\0')
    .filter(Boolean);
  for (const file of files) {
    const source = path.join(REPO_ROOT, file);
    if (!fs.existsSync(source)) continue; // deleted, not yet committed
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.copyFileSync(source, path.join(dir, file));
  }
  execFileSync('cp', ['-al', path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules')]);
  return dir;
}

function print(run: StartRun): void {
  console.log(
    `${run.label}: ready ${run.wallSeconds.toFixed(1)} s after \`npm start\` (load average ${run.loadAverage.toFixed(1)} at its start)`,
  );
  for (const phase of run.phases) console.log(`  ${phase}`);
}

async function main(): Promise<void> {
  const warmRuns = Number(process.env.BENCH_WARM_RUNS ?? 3);
  const runs: StartRun[] = [];
  console.log(`bench: ${os.availableParallelism()} cores, ${new Date().toISOString()}`);
  if (process.env.BENCH_FRESH !== '0') {
    const dir = freshCopy();
    try {
      runs.push(await timeStart(dir, 'fresh copy, first start'));
      print(runs.at(-1)!);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  if (warmRuns > 0) {
    // Packages and bundles whatever changed since the last start, so the runs after it are warm.
    print(await timeStart(REPO_ROOT, 'warm-up start (not counted)'));
    for (let i = 1; i <= warmRuns; i++) {
      runs.push(await timeStart(REPO_ROOT, `warm start ${i}`));
      print(runs.at(-1)!);
    }
  }
  console.log('');
  for (const run of runs)
    console.log(
      `${run.label.padEnd(26)} ${run.wallSeconds.toFixed(1).padStart(5)} s  (load ${run.loadAverage.toFixed(1)})`,
    );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
