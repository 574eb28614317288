import {
  DescribeExecutionCommand,
  SFNClient,
  type DescribeExecutionCommandOutput,
} from '@aws-sdk/client-sfn';
import { startEdge, type Edge } from '../../../src/router';
import { StepFunctionsEmulator } from '../../../src/stepfunctions';

export const ROLE = 'arn:aws:iam::000000000000:role/local-sfn';

export async function startSfn(): Promise<{ edge: Edge; sfn: SFNClient }> {
  const edge = await startEdge({ port: 0 });
  edge.add(new StepFunctionsEmulator({ endpoint: edge.endpoint, waitTimeScale: 0 }));
  const sfn = new SFNClient({
    endpoint: edge.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  return { edge, sfn };
}

export async function finished(
  sfn: SFNClient,
  executionArn: string,
  timeoutMs = 5000,
): Promise<DescribeExecutionCommandOutput> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const out = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (out.status !== 'RUNNING' || Date.now() > deadline) return out;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Resolves with the next value a test function receives. */
export function nextCall<T>(): { received: Promise<T>; handler: (event: unknown) => Promise<unknown> } {
  let resolve!: (value: T) => void;
  const received = new Promise<T>((r) => (resolve = r));
  return {
    received,
    handler: async (event) => {
      resolve(event as T);
      return { accepted: true };
    },
  };
}
