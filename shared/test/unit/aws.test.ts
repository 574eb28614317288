import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { awsClient, awsClientConfig, documentClient, resetAwsClients } from '../../src';

/** Stands in for @aws-sdk/client-s3's class: only its name and the config it receives matter here. */
class S3Client {
  constructor(readonly config: Record<string, unknown>) {}
}

describe('awsClient', () => {
  const savedEnv = { ...process.env };
  afterEach(() => {
    process.env = { ...savedEnv };
    resetAwsClients();
  });

  it('defaults the region to us-east-1, else AWS_REGION', () => {
    expect(awsClientConfig('EventBridgeClient', {})).toEqual({ region: 'us-east-1' });
    expect(awsClientConfig('EventBridgeClient', { AWS_REGION: 'eu-west-1' })).toEqual({
      region: 'eu-west-1',
    });
  });

  it('makes S3 path-style only when an endpoint is set', () => {
    expect(awsClientConfig('S3Client', { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'x' })).toEqual({
      region: 'eu-west-1',
    });
    expect(
      awsClientConfig('S3Client', { AWS_ENDPOINT_URL: 'http://localhost:4566', AWS_ACCESS_KEY_ID: 'x' }),
    ).toEqual({
      region: 'us-east-1',
      endpoint: 'http://localhost:4566',
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    expect(awsClientConfig('SQSClient', { AWS_ENDPOINT_URL: 'http://localhost:4566' })).toEqual({
      region: 'us-east-1',
      endpoint: 'http://localhost:4566',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  });

  it('builds one client per class with the environment config plus extras', () => {
    process.env.AWS_ENDPOINT_URL = 'http://localhost:4566';
    process.env.AWS_REGION = 'eu-west-1';
    const s3 = awsClient(S3Client, { maxAttempts: 5 });
    expect(s3.config).toMatchObject({ region: 'eu-west-1', forcePathStyle: true, maxAttempts: 5 });
    expect(awsClient(S3Client)).toBe(s3);
    resetAwsClients();
    expect(awsClient(S3Client)).not.toBe(s3);
  });

  it('hands a real SDK client the region and points it at AWS_ENDPOINT_URL', async () => {
    process.env.AWS_ENDPOINT_URL = 'http://localhost:4566';
    delete process.env.AWS_REGION;
    const eventBridge = awsClient(EventBridgeClient);
    expect(eventBridge).toBeInstanceOf(EventBridgeClient);
    expect(await eventBridge.config.region()).toBe('us-east-1');
    const endpoint = await eventBridge.config.endpoint?.();
    expect(endpoint?.hostname).toBe('localhost');
    expect(endpoint?.port).toBe(4566);
  });
});

describe('documentClient', () => {
  afterEach(() => resetAwsClients());

  it('is one per container, over the shared DynamoDBClient, leaving undefined attributes out', () => {
    const documents = documentClient();
    expect(documentClient()).toBe(documents);
    expect(documents.config.translateConfig?.marshallOptions).toEqual({ removeUndefinedValues: true });
    resetAwsClients();
    expect(documentClient()).not.toBe(documents);
  });
});
