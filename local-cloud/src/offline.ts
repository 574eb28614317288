import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT, STAGE } from './config';
import { canConnect } from './ports';

export interface OfflineProcess {
  service: string;
  child: ChildProcess;
  stop(): Promise<void>;
  /** Its last few KB of output, for the supervisor to show when it dies. */
  recentOutput(): string;
}

const OUTPUT_KEPT = 8 * 1024;
const IDLE_WORKER_SECONDS = 600;

/** Environment every function gets locally: the edge is the only AWS there is. */
export function localAwsEnv(endpoint: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    // s3rver stores streamed uploads with their chunk framing otherwise (TOOLCHAIN.md).
    AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
    // No X-Ray daemon here; the tracer also stays off by itself where AWS_EXECUTION_ENV is unset.
    POWERTOOLS_TRACE_ENABLED: 'false',
  };
}

/** `serverless offline --stage local` in a service folder; resolves once every port it serves accepts connections. */
export function startOffline(
  service: string,
  dir: string,
  endpoint: string,
  options: {
    ports: number[];
    /** Where its HTTP server listens instead of the service's httpPort (the local API Gateway takes that). */
    httpPort?: number;
    /** Where its Lambda invoke server listens instead of the service's lambdaPort (the local Lambda takes that). */
    lambdaPort?: number;
    /**
     * A hash of the sources its bundles are built from: serverless-esbuild's output from the last start is reused
     * when it was built from the same (offline-preload.mjs).
     */
    sourceHash?: string;
    log?: (line: string) => void;
    timeoutMs?: number;
  },
): Promise<OfflineProcess> {
  const bin = path.join(REPO_ROOT, 'node_modules', '.bin', 'serverless');
  const args = ['offline', 'start', '--stage', STAGE];
  if (options.httpPort) args.push('--httpPort', String(options.httpPort));
  if (options.lambdaPort) args.push('--lambdaPort', String(options.lambdaPort));
  // Idle workers are kept 10 minutes (serverless-offline's default is 1), so a function stays warm between bursts.
  args.push('--terminateIdleLambdaTime', String(IDLE_WORKER_SECONDS));
  // The preload turns serverless-offline's own scheduler off (the local cloud's EventBridge fires `schedule`
  // events) and reuses the bundles of the last start when their sources did not change.
  const preload = `--import=${pathToFileURL(path.join(__dirname, 'offline-preload.mjs')).href}`;
  // On this process's node, not the first on PATH: the functions run on the Node the local cloud runs on (.ci/node22).
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: dir,
    env: {
      ...process.env,
      ...localAwsEnv(endpoint),
      SLS_TELEMETRY_DISABLED: '1',
      PAYFLOW_LOCAL_CLOUD_PID: String(process.pid),
      NODE_OPTIONS: [process.env.NODE_OPTIONS, preload].filter(Boolean).join(' '),
      ...(options.sourceHash ? { PAYFLOW_BUNDLE_SOURCE_HASH: options.sourceHash } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const killGroup = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  // If this process dies without stop(), serverless-offline and its workers must not outlive it.
  process.once('exit', killGroup);
  // Whatever it started (esbuild, workers) goes with it, so a restart finds its ports free.
  child.once('exit', () => {
    process.off('exit', killGroup);
    killGroup();
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        resolve();
      }
    });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      clearInterval(poll);
      void stop();
      reject(new Error(`serverless offline for ${service} was not ready in time:\n${output.slice(-2000)}`));
    }, options.timeoutMs ?? 60_000);
    let ready = false;
    // Whole lines (a chunk can end mid-line, and an EMF line is a metric only when read whole).
    const onLine = (line: string) => {
      output = (output + line + '\n').slice(-OUTPUT_KEPT);
      if (line.trim()) options.log?.(`[${service}] ${line}`);
    };
    const poll = setInterval(() => {
      void Promise.all(options.ports.map((port) => canConnect(port))).then((open) => {
        if (ready || !open.every(Boolean)) return;
        ready = true;
        clearInterval(poll);
        clearTimeout(timer);
        resolve({ service, child, stop, recentOutput: () => output });
      });
    }, 100);
    readline.createInterface({ input: child.stdout!, crlfDelay: Infinity }).on('line', onLine);
    readline.createInterface({ input: child.stderr!, crlfDelay: Infinity }).on('line', onLine);
    child.once('exit', (code) => {
      clearTimeout(timer);
      clearInterval(poll);
      reject(
        new Error(`serverless offline for ${service} exited with code ${code}:\n${output.slice(-2000)}`),
      );
    });
  });
}
