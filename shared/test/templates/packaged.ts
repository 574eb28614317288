/**
 * Every service of serverless-compose.yml packaged with `osls package`, as an operator would before a deploy, for
 * the tests that read the templates. Packaging all of them takes most of a core for ten seconds, so each stage's
 * result is kept in node_modules/.cache under a digest of the sources, and the test files share it (a lock keeps
 * two jest workers from packaging the same thing at once).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import YAML from 'yaml';
import { sourceHash } from '../../../local-cloud/src/provision/services';
import type { CfnTemplate } from './cfn-spec';

const run = promisify(execFile);
export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const SERVERLESS = path.join(ROOT, 'node_modules', '.bin', 'serverless');

/** The required settings of a production deploy, as docs/deploy.md sets them (example values). */
export const PROD_SETTINGS: Record<string, string> = {
  PAYFLOW_ALARM_EMAIL: 'payments-oncall@example.com',
  PAYMENTS_API_URL: 'https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com',
  STOREFRONT_ORIGIN: 'https://shop.example.com',
  PAYFLOW_SENDER_EMAIL: 'notifications@example.com',
  PAYFLOW_SENDER_IDENTITY: 'example.com',
  PAYFLOW_BANK_API_KEY_PARAMETER: '/payflow/prod/payments/bank-api-key',
  PAYFLOW_PAY_LINK_KEY_PARAMETER: '/payflow/prod/pay-link-key',
  PAYFLOW_FINGERPRINT_KEY_PARAMETER: '/payflow/prod/fingerprint-key',
  PAYFLOW_PAYOUT_WEBHOOK_SECRET_PARAMETER: '/payflow/prod/payments/payout-webhook-secret',
  PAYFLOW_BILLER_MERCHANT_ID: '4tq1example2clientid3abc',
};

/** The environment without any required setting, so a test decides which ones it gives. */
export function environmentWithout(names: string[] = Object.keys(PROD_SETTINGS)): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !names.includes(key)));
}

export const services: Array<[name: string, dir: string]> = Object.entries(
  (
    YAML.parse(fs.readFileSync(path.join(ROOT, 'serverless-compose.yml'), 'utf8')) as {
      services: Record<string, { path: string }>;
    }
  ).services,
).map(([name, service]) => [name, path.join(ROOT, service.path)]);

/** Each service's packaged template (cloudformation-template-update-stack.json) for the stage. */
export async function packagedTemplates(stage: 'prod' | 'local'): Promise<Record<string, CfnTemplate>> {
  const digest = sourceHash([
    ...services.map(([, dir]) => dir),
    path.join(ROOT, 'shared', 'src'),
    path.join(ROOT, 'shared', 'serverless'),
    path.join(ROOT, 'serverless-compose.yml'),
    path.join(ROOT, 'package-lock.json'),
  ]).slice(0, 16);
  const cache = path.join(ROOT, 'node_modules', '.cache', 'payflow-templates', `${stage}-${digest}`);
  await withLock(`${cache}.lock`, async () => {
    if (fs.existsSync(cache)) return;
    const work = fs.mkdtempSync(path.join(path.dirname(cache), 'work-'));
    await Promise.all(services.map(([name, dir]) => packageService(name, dir, stage, path.join(work, name))));
    // Only the newest packaging of each stage is kept.
    for (const old of fs
      .readdirSync(path.dirname(cache))
      .filter((d) => d.startsWith(`${stage}-`) && !d.endsWith('.lock')))
      fs.rmSync(path.join(path.dirname(cache), old), { recursive: true, force: true });
    fs.renameSync(work, cache);
  });
  return Object.fromEntries(
    services.map(([name]) => [
      name,
      JSON.parse(
        fs.readFileSync(path.join(cache, name, 'cloudformation-template-update-stack.json'), 'utf8'),
      ) as CfnTemplate,
    ]),
  );
}

async function packageService(name: string, dir: string, stage: string, out: string): Promise<void> {
  // A build folder of this process's own: not the .esbuild folder serverless-offline serves from meanwhile.
  const workFolder = `.esbuild-templates-${process.pid}`;
  try {
    await run(SERVERLESS, ['package', '--stage', stage, '--package', out], {
      cwd: dir,
      env: {
        ...environmentWithout(),
        ...(stage === 'prod' ? PROD_SETTINGS : {}),
        PAYFLOW_ESBUILD_WORK_FOLDER: workFolder,
      },
      timeout: 180_000,
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `osls package --stage ${stage} of ${name} failed:\n${e.stdout ?? ''}${e.stderr ?? e.message}`,
    );
  } finally {
    fs.rmSync(path.join(dir, workFolder), { recursive: true, force: true });
  }
}

async function withLock(lock: string, work: () => Promise<void>): Promise<void> {
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      // A lock left by a killed run is older than any packaging takes.
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 240_000) fs.rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`Waited 5 minutes for ${lock}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  try {
    await work();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}
