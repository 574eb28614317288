/**
 * A local cloud killed with SIGKILL runs no exit handler, so its DynamoDB Local (Java) outlives it; the next launch
 * ends such orphans, and never a DynamoDB Local whose starter still runs.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { isRunning, launchDynamoDbLocal, stopOrphanedDynamoDbLocals } from '../../../src/dynamodb';
import { freePort } from '../../../src/ports';
import type { SupervisedProcess } from '../../../src/supervisor';

const alive = isRunning;

/** A separate Node process that starts DynamoDB Local, prints Java's pid, and stays until it is killed. */
async function starterWithDynamoDbLocal(): Promise<{ starterPid: number; javaPid: number }> {
  const port = await freePort();
  const script = `require('./local-cloud/src/dynamodb').launchDynamoDbLocal({ port: ${port} })
    .then((p) => console.log('java ' + p.child.pid), (e) => { console.error(e); process.exit(1); });
    setInterval(() => {}, 1000);`;
  const starter = spawn(process.execPath, ['-r', 'ts-node/register', '-e', script], {
    cwd: path.resolve(__dirname, '../../../..'),
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: '1', TS_NODE_PROJECT: 'local-cloud/tsconfig.json' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const javaPid = await new Promise<number>((resolve, reject) => {
    let out = '';
    starter.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /java (\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    starter.once('exit', (code) =>
      reject(new Error(`the starter exited (${code}) before DynamoDB Local ran`)),
    );
  });
  return { starterPid: starter.pid!, javaPid };
}

let ours: SupervisedProcess | undefined;

afterAll(async () => {
  await ours?.stop();
});

it("ends a DynamoDB Local whose starter was SIGKILLed, and leaves a live starter's alone", async () => {
  const { starterPid, javaPid } = await starterWithDynamoDbLocal();
  ours = await launchDynamoDbLocal({ port: await freePort() });
  const ourJava = ours.child.pid!;

  process.kill(starterPid, 'SIGKILL');
  while (alive(starterPid)) await new Promise((resolve) => setTimeout(resolve, 50));
  expect(alive(javaPid)).toBe(true); // the orphan: nothing ended it

  expect(stopOrphanedDynamoDbLocals()).toEqual([javaPid]);
  const deadline = Date.now() + 5_000;
  while (alive(javaPid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  expect(alive(javaPid)).toBe(false);
  expect(alive(ourJava)).toBe(true);
  expect(stopOrphanedDynamoDbLocals()).toEqual([]);
}, 120_000);
