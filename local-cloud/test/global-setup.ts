/**
 * Jest globalSetup of the integration project: the whole local cloud, as `npm start` runs it, from empty data.
 * A running `npm start` is reused (and left running). While developing one service,
 * `PAYFLOW_TEST_SERVICES=payments PAYFLOW_EDGE_PORT=4600 npx jest services/payments` starts only that service
 * (and the bus) on another edge port, so several people can test on one machine.
 * The workers inherit AWS_ENDPOINT_URL and the rest of the local AWS environment from here.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DATA_DIR, ENDPOINT, EDGE_PORT } from '../src/config';
import { startLocalCloud, type LocalCloud } from '../src';
import { localAwsEnv } from '../src/offline';
import { composeServices } from '../src/provision/services';

declare global {
  var payflowLocalCloud: LocalCloud | undefined;
}

export default async function globalSetup(): Promise<void> {
  const only = process.env.PAYFLOW_TEST_SERVICES?.split(',').map((s) => s.trim());
  if (!only && (await healthy())) {
    console.log(`\nUsing the local cloud already running at ${ENDPOINT}`);
    Object.assign(process.env, localAwsEnv(ENDPOINT));
    return;
  }
  // Checkout waits this long for a payment (15 minutes otherwise); read when serverless-offline starts.
  process.env.CHECKOUT_PAYMENT_TIMEOUT_SECONDS ??= '6';
  // Lambda retries a failed async invocation after 1 s and 2 s instead of 1 and 2 minutes (lambda-async.ts).
  process.env.PAYFLOW_ASYNC_RETRY_DELAY_MS ??= '1000';
  // Payments' reconciler (rate(1 minute)) runs every 3 s, takes over holds older than 20 s (longer than a
  // payment request may run), and the simulated bank decides a pending payment after 10 s.
  process.env.PAYFLOW_SCHEDULE_TIME_SCALE ??= '0.05';
  process.env.PAYMENTS_RECONCILE_AFTER_SECONDS ??= '20';
  process.env.PAYMENTS_BANK_PENDING_SECONDS ??= '10';
  // The simulated payouts provider decides after 2 s; a payout still PENDING after 6 s is asked about.
  process.env.PAYMENTS_PAYOUT_DELAY_SECONDS ??= '2';
  process.env.PAYMENTS_PAYOUT_POLL_SECONDS ??= '6';
  // The local issuer on this run's edge port: services verify tokens against it and checkout asks it for one.
  process.env.PAYFLOW_TOKEN_ISSUER ??= `${ENDPOINT}/local_payflowlocal`;
  process.env.PAYFLOW_TOKEN_URL ??= `${ENDPOINT}/oauth2/token`;
  // Every test calls from 127.0.0.1: the per-client limits would count the whole suite as one stranger.
  process.env.PAYMENTS_DECLINES_PER_CLIENT ??= '100000';
  process.env.PAYMENTS_WRONG_CODES_PER_CLIENT ??= '100000';
  const dataDir = path.join(DATA_DIR, `test-${EDGE_PORT}`);
  fs.mkdirSync(dataDir, { recursive: true });
  const logFile = path.join(dataDir, 'local-cloud.log');
  const log = fs.createWriteStream(logFile);
  const started = Date.now();
  const services = composeServices().filter((s) => !only || s.key === 'event-bus' || only.includes(s.key));
  const cloud = await startLocalCloud({
    fresh: true,
    inMemoryTables: true,
    port: EDGE_PORT,
    services,
    dataDir: path.join(dataDir, 'data'),
    log: (line) => log.write(`${line}\n`),
  });
  globalThis.payflowLocalCloud = cloud;
  Object.assign(process.env, localAwsEnv(cloud.endpoint));
  console.log(
    `\nLocal cloud (${services.map((s) => s.key).join(', ')}) started for the tests at ${cloud.endpoint} in ${Date.now() - started} ms (log: ${logFile})`,
  );
}

/** True when `npm start` is up; waits while one is still starting (503) rather than racing it for the ports. */
async function healthy(): Promise<boolean> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const status = await fetch(`${ENDPOINT}/_local/health`).then(
      (res) => res.status,
      () => 0,
    );
    if (status !== 503 || Date.now() > deadline) return status === 200;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
