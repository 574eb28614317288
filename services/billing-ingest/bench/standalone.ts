/*
 * Runs this service's bench against a private local cloud (its own port, data in a temporary folder, no
 * serverless-offline), so a long run is not disturbed by an `npm start` being restarted:
 * TS_NODE_TRANSPILE_ONLY=1 TS_NODE_PROJECT=services/billing-ingest/tsconfig.json node -r ts-node/register services/billing-ingest/bench/standalone.ts
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLocalCloud } from '../../../local-cloud/src';
import bench from './bench';

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'billing-ingest-bench-cloud-'));
  const cloud = await startLocalCloud({ port: 0, offline: false, services: [], dataDir });
  const log = (line: string) => console.log(`${new Date().toISOString().slice(11, 19)} ${line}`);
  try {
    log(`private local cloud at ${cloud.endpoint}`);
    console.table(await bench({ endpoint: cloud.endpoint, log }));
  } finally {
    await cloud.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});
