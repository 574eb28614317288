/**
 * `npm run bench`: every service's benchmark against the whole local cloud (started here, or the running
 * `npm start`), then one table. Each figure is printed beside its baseline from the same run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DATA_DIR, EDGE_PORT, ENDPOINT, REPO_ROOT } from '../src/config';
import { composeServices } from '../src/provision/services';
import { startLocalCloud, type LocalCloud } from '../src';
import benchLocalCloud from './local.bench';
import { printTable, type BenchRow } from './stats';

type ServiceBench = (ctx: { endpoint: string; log: (line: string) => void }) => Promise<BenchRow[]>;

async function main(): Promise<void> {
  const log = (line: string) => console.log(line);
  const only = process.argv.slice(2);
  const rows: BenchRow[] = [];
  if (only.length === 0 || only.includes('local-cloud')) rows.push(...(await benchLocalCloud(log)));

  const servicesDir = path.join(REPO_ROOT, 'services');
  const benches = fs
    .readdirSync(servicesDir)
    .filter((name) => only.length === 0 || only.includes(name))
    .map((name) => ({ name, file: path.join(servicesDir, name, 'bench', 'bench.ts') }))
    .filter(({ file }) => fs.existsSync(file));
  if (benches.length > 0) {
    const cloud = await ensureLocalCloud(log);
    try {
      for (const { name, file } of benches) {
        log(`bench: ${name}`);
        const bench = (require(file) as { default: ServiceBench }).default; // eslint-disable-line @typescript-eslint/no-require-imports
        rows.push(...(await bench({ endpoint: ENDPOINT, log })));
      }
    } finally {
      await cloud?.stop();
    }
  }
  console.log('');
  printTable(rows);
}

/** The running `npm start` if there is one, else a fresh local cloud of our own (stopped afterwards). */
async function ensureLocalCloud(log: (line: string) => void): Promise<LocalCloud | undefined> {
  const running = await fetch(`${ENDPOINT}/_local/health`).then(
    (res) => res.status === 200,
    () => false,
  );
  if (running) {
    log(`bench: using the local cloud running at ${ENDPOINT}`);
    return undefined;
  }
  // PAYFLOW_TEST_SERVICES (as for the tests) starts only those services and the bus.
  const only = process.env.PAYFLOW_TEST_SERVICES?.split(',').map((name) => name.trim());
  const services = composeServices().filter((s) => !only || s.key === 'event-bus' || only.includes(s.key));
  log(`bench: starting the local cloud (${services.map((s) => s.key).join(', ')})`);
  return startLocalCloud({
    fresh: true,
    inMemoryTables: true,
    dataDir: path.join(DATA_DIR, 'bench'),
    port: EDGE_PORT,
    services,
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
