import { SQSClient } from '@aws-sdk/client-sqs';
import { startEdge, type Edge } from '../../../src/router';
import { SqsEmulator } from '../../../src/sqs';

export interface SqsFixture {
  edge: Edge;
  sqs: SqsEmulator;
  client: SQSClient;
}

export async function startSqs(): Promise<SqsFixture> {
  const edge = await startEdge({ port: 0 });
  const sqs = new SqsEmulator({ endpoint: edge.endpoint });
  edge.add(sqs);
  return { edge, sqs, client: sqsClient(edge.endpoint) };
}

export function sqsClient(endpoint: string): SQSClient {
  return new SQSClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let counter = 0;
export const uniqueName = (prefix: string) => `${prefix}-${Date.now()}-${(counter += 1)}`;
