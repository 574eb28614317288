import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import YAML from 'yaml';
import { REPO_ROOT, STAGE } from '../config';
import type { CfnTemplate } from './template';
import { responseHeaders, type LocalWebsite } from '../website';
import { IntrinsicResolver } from './intrinsics';
import { allowedOrigins, routesOf, type HttpRoute } from '../http-gateway';

const run = promisify(execFile);

/** `custom.localSeed` entry: a table name and a JSON file (an array of plain items) relative to the service. */
export interface LocalSeed {
  table: string;
  file: string;
}

export interface ComposeService {
  /** Key in serverless-compose.yml, e.g. 'payments'. */
  key: string;
  dir: string;
}

export interface PackagedService extends ComposeService {
  /** The serverless `service:` name, e.g. 'payflow-payments'. */
  name: string;
  stack: string;
  template: CfnTemplate;
  /** serverless-offline ports from the service's `custom.serverless-offline`, when it has functions. */
  offline?: { httpPort: number; lambdaPort: number };
  /** Items the local cloud writes into a table after creating it (`custom.localSeed`), e.g. demo inventory. */
  seeds?: LocalSeed[];
  /** A static site the service deploys to an S3 website bucket, served locally from a folder. */
  website?: LocalWebsite;
  /** True when the packaged template was reused because no source changed. */
  reused: boolean;
  /** A hash of everything its bundles are built from (its folder, shared/src, the lock file). */
  sourceHash: string;
  /** Its HTTP routes and the functions behind them (the local API Gateway gates and answers for them). */
  routes: HttpRoute[];
  /** The HTTP API's allowed CORS origins (`provider.httpApi.cors`); undefined when any origin is allowed. */
  corsOrigins?: string[];
  /** Function name → its `reservedConcurrency`, for the functions that set one. */
  reservedConcurrency: Record<string, number>;
}

export function composeServices(root = REPO_ROOT): ComposeService[] {
  const compose = YAML.parse(fs.readFileSync(path.join(root, 'serverless-compose.yml'), 'utf8')) as {
    services: Record<string, { path: string }>;
  };
  return Object.entries(compose.services).map(([key, service]) => ({
    key,
    dir: path.join(root, service.path),
  }));
}

/** `osls package --stage local`, skipped when neither the service nor the shared library changed since. */
export async function packageService(service: ComposeService, root = REPO_ROOT): Promise<PackagedService> {
  const out = path.join(service.dir, '.serverless');
  const marker = path.join(out, '.local-source-hash');
  const hash = sourceHash([
    service.dir,
    path.join(root, 'shared', 'src'),
    path.join(root, 'package-lock.json'),
  ]);
  const templateFile = path.join(out, 'cloudformation-template-update-stack.json');
  const reused =
    fs.existsSync(templateFile) && fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === hash;
  if (!reused) {
    const bin = path.join(root, 'node_modules', '.bin', 'serverless');
    try {
      await run(process.execPath, [bin, 'package', '--stage', STAGE], {
        cwd: service.dir,
        timeout: 180_000,
        maxBuffer: 16 * 1024 * 1024,
      });
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string; message: string };
      throw new Error(
        `Packaging ${service.key} (osls package --stage ${STAGE} in ${service.dir}) failed:\n${e.stderr || e.stdout || e.message}`,
      );
    }
    fs.writeFileSync(marker, hash);
  }
  const state = JSON.parse(fs.readFileSync(path.join(out, 'serverless-state.json'), 'utf8')) as {
    service: {
      service: string;
      provider?: { httpApi?: { cors?: unknown } };
      functions?: Record<string, { name?: string; events?: unknown[]; reservedConcurrency?: number }>;
      custom?: {
        'serverless-offline'?: { httpPort?: number; lambdaPort?: number };
        localWebsite?: LocalWebsite;
        localSeed?: LocalSeed[];
      };
    };
  };
  const name = state.service.service;
  const ports = state.service.custom?.['serverless-offline'];
  const hasFunctions = Object.keys(state.service.functions ?? {}).length > 0;
  if (hasFunctions && (!ports?.httpPort || !ports.lambdaPort)) {
    throw new Error(
      `${service.key}: set custom.serverless-offline.httpPort and lambdaPort in its serverless.yml (ports are listed in the README)`,
    );
  }
  const template = JSON.parse(fs.readFileSync(templateFile, 'utf8')) as CfnTemplate;
  const website = state.service.custom?.localWebsite;
  return {
    ...service,
    name,
    ...(state.service.custom?.localSeed ? { seeds: state.service.custom.localSeed } : {}),
    ...(website ? { website: withPolicyHeaders(service.key, `${name}-${STAGE}`, website, template) } : {}),
    ...(hasFunctions ? { offline: { httpPort: ports!.httpPort!, lambdaPort: ports!.lambdaPort! } } : {}),
    routes: routesOf(state.service.functions ?? {}),
    corsOrigins: allowedOrigins(state.service.provider?.httpApi?.cors),
    reservedConcurrency: Object.fromEntries(
      Object.values(state.service.functions ?? {})
        .filter((f) => f.name && typeof f.reservedConcurrency === 'number' && f.reservedConcurrency > 0)
        .map((f) => [f.name!, f.reservedConcurrency!]),
    ),
    stack: `${name}-${STAGE}`,
    template,
    reused,
    sourceHash: hash,
  };
}

/** The site's `headersPolicy` read from the packaged template: the headers the distribution adds on AWS. */
function withPolicyHeaders(
  key: string,
  stack: string,
  website: LocalWebsite,
  template: CfnTemplate,
): LocalWebsite {
  if (!website.headersPolicy) return website;
  const policy = template.Resources[website.headersPolicy];
  if (policy?.Type !== 'AWS::CloudFront::ResponseHeadersPolicy') {
    throw new Error(
      `${key}: custom.localWebsite.headersPolicy names ${website.headersPolicy}, which is not an AWS::CloudFront::ResponseHeadersPolicy of its template`,
    );
  }
  try {
    // The policy names no other resource, so nothing needs to exist to resolve it.
    const config = new IntrinsicResolver(stack, new Map()).resolve(
      policy.Properties?.ResponseHeadersPolicyConfig ?? {},
    ) as Parameters<typeof responseHeaders>[0];
    return { ...website, headers: responseHeaders(config) };
  } catch (error) {
    throw new Error(
      `${key}: cannot serve the headers of ${website.headersPolicy}: ${(error as Error).message}`,
    );
  }
}

/** A digest of every file under these paths (dependencies, build output and tests left out). */
export function sourceHash(paths: string[]): string {
  const hash = crypto.createHash('sha256');
  const visit = (p: string) => {
    if (!fs.existsSync(p)) return;
    const stat = fs.statSync(p);
    if (stat.isDirectory()) {
      for (const entry of fs.readdirSync(p).sort()) {
        if (['node_modules', '.serverless', 'test'].includes(entry) || entry.startsWith('.esbuild')) continue;
        visit(path.join(p, entry));
      }
    } else {
      hash.update(p).update(fs.readFileSync(p));
    }
  };
  paths.forEach(visit);
  return hash.digest('hex');
}
