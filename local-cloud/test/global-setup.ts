/**
 * Jest globalSetup of the integration project: the whole local cloud on :4566, as `npm start` runs it,
 * from empty data. An already running `npm start` is reused (and left running).
 */
import fs from 'node:fs';
import path from 'node:path';
import { DATA_DIR, ENDPOINT } from '../src/config';
import { startLocalCloud, type LocalCloud } from '../src';

declare global {
  var payflowLocalCloud: LocalCloud | undefined;
}

export default async function globalSetup(): Promise<void> {
  if (await healthy()) {
    console.log(`\nUsing the local cloud already running at ${ENDPOINT}`);
    return;
  }
  const dataDir = path.join(DATA_DIR, 'test');
  fs.mkdirSync(dataDir, { recursive: true });
  const logFile = path.join(dataDir, 'local-cloud.log');
  const log = fs.createWriteStream(logFile);
  const started = Date.now();
  globalThis.payflowLocalCloud = await startLocalCloud({
    fresh: true,
    dataDir: path.join(dataDir, 'data'),
    log: (line) => log.write(`${line}\n`),
  });
  console.log(`\nLocal cloud started for the tests in ${Date.now() - started} ms (log: ${logFile})`);
}

async function healthy(): Promise<boolean> {
  try {
    const res = await fetch(`${ENDPOINT}/_local/health`);
    return res.status === 200;
  } catch {
    return false;
  }
}
