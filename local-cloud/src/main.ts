/* `npm start`: all of Payflow on this machine. Ctrl-C stops every process it started. */
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import { DATA_DIR, ENDPOINT } from './config';
import { servesHttp, startLocalCloud } from './index';

async function main(): Promise<void> {
  const started = Date.now();
  // Tables in memory by default, as LocalStack does: several times faster to write (local-cloud/README.md).
  // --persist keeps tables and buckets on disk in .local/ from one start to the next.
  const persist = process.argv.includes('--persist');
  const fresh = process.argv.includes('--fresh');
  const verbose = process.argv.includes('--verbose');
  assertJava();
  console.log(
    persist
      ? `Starting Payflow locally, keeping data in ${DATA_DIR}${fresh ? ' (emptied first)' : ''}...`
      : 'Starting Payflow locally, data in memory (npm start -- --persist keeps it)...',
  );
  const cloud = await startLocalCloud({
    ...(persist
      ? { fresh, inMemoryTables: false }
      : { fresh: true, inMemoryTables: true, dataDir: path.join(DATA_DIR, 'unpersisted') }),
    log: (line) => {
      // serverless-offline is chatty; its request lines are shown only with --verbose.
      if (verbose || !line.startsWith('[')) console.log(line);
    },
  });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping Payflow...`);
    await cloud.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  const rows: Array<[string, string]> = [
    ['AWS endpoint (every service)', ENDPOINT],
    ['Health', `${ENDPOINT}/_local/health`],
    ['Emails sent (SES outbox)', `${ENDPOINT}/_local/emails`],
    ['SMS sent (SNS outbox)', `${ENDPOINT}/_local/sms`],
    ['Events put on the bus (audit log)', `${ENDPOINT}/_local/events`],
    ['Function output', `${ENDPOINT}/_local/logs`],
    ['Lambda Invoke (every function)', ENDPOINT],
    ['Fault switch', `POST ${ENDPOINT}/_local/faults`],
  ];
  for (const service of cloud.services) {
    if (!service.offline) continue;
    if (servesHttp(service))
      rows.push([`${service.key} HTTP API`, `http://localhost:${service.offline.httpPort}`]);
  }
  for (const url of cloud.websites) rows.push(['Billing web page', url]);
  for (const url of cloud.websites) rows.push(['Local console', new URL('/console', url).href]);
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log('');
  for (const [what, where] of rows) console.log(`  ${what.padEnd(width)}  ${where}`);
  console.log('');
  console.log('Start-up, in seconds since this process started:');
  for (const line of cloud.timeline.describe()) console.log(`  ${line}`);
  console.log('');
  console.log(
    `Payflow is ready (${(performance.now() / 1000).toFixed(1)} s since node started, ` +
      `${((Date.now() - started) / 1000).toFixed(1)} s of them starting the local cloud). Ctrl-C stops it.`,
  );
}

function assertJava(): void {
  try {
    execFileSync('java', ['-version'], { stdio: 'ignore' });
  } catch {
    throw new Error(
      'Java 17 or newer is needed for DynamoDB Local: install it (Debian: apt-get install openjdk-17-jre-headless), or run `npm run setup`.',
    );
  }
}

main().catch((error: Error) => {
  console.error(`\nPayflow could not start: ${error.message}`);
  process.exit(1);
});
