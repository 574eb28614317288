import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

import { tracer } from './observability';

/** Any AWS SDK v3 client class: `new ClientClass(config)`. */
export type AwsClientClass<Client, Config extends object> = new (config: Config) => Client;

const clients = new Map<object, unknown>();

/** Static credentials for the local cloud, which checks none; never used when an endpoint is not set. */
const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/**
 * The one place that knows where AWS is. The SDK reads AWS_ENDPOINT_URL itself; against the local
 * cloud S3 also needs path-style addresses (s3rver has no virtual hosts) and checksums only when required.
 */
export function awsClientConfig(
  clientName: string,
  env: NodeJS.ProcessEnv = process.env,
): Record<string, unknown> {
  const config: Record<string, unknown> = { region: env.AWS_REGION || 'us-east-1' };
  if (env.AWS_ENDPOINT_URL) {
    // The SDK reads it too, but saying it here makes the endpoint visible on client.config and in tests.
    config.endpoint = env.AWS_ENDPOINT_URL;
    if (!env.AWS_ACCESS_KEY_ID) config.credentials = localCredentials;
    if (clientName === 'S3Client') {
      config.forcePathStyle = true;
      config.requestChecksumCalculation = 'WHEN_REQUIRED';
      config.responseChecksumValidation = 'WHEN_REQUIRED';
    }
  }
  return config;
}

/** One client per class for the life of the Lambda container; `extraConfig` applies when it is first made. */
export function awsClient<Client, Config extends object>(
  ClientClass: AwsClientClass<Client, Config>,
  extraConfig: Partial<Config> = {},
): Client {
  const cached = clients.get(ClientClass);
  if (cached) return cached as Client;
  // Each call is an X-Ray subsegment on AWS; the tracer hands the client back as it is where it does not trace.
  const client = tracer.captureAWSv3Client(
    new ClientClass({ ...awsClientConfig(ClientClass.name), ...extraConfig } as Config),
  );
  clients.set(ClientClass, client);
  return client;
}

let documents: DynamoDBDocumentClient | undefined;

/** The DynamoDB document client of every service: one per container, over the shared DynamoDBClient. */
export function documentClient(): DynamoDBDocumentClient {
  documents ??= DynamoDBDocumentClient.from(awsClient(DynamoDBClient), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return documents;
}

/** For tests that change AWS_* variables between cases. */
export function resetAwsClients(): void {
  clients.clear();
  documents = undefined;
}
