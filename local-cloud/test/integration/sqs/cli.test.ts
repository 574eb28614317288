import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startSqs, type SqsFixture } from './helpers';

const run = promisify(execFile);
jest.setTimeout(60_000);
let fx: SqsFixture;

beforeAll(async () => {
  fx = await startSqs();
});
afterAll(async () => {
  fx.client.destroy();
  await fx.edge.close();
});

async function aws(...args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run(
    '/usr/bin/aws',
    ['--endpoint-url', fx.edge.endpoint, '--output', 'json', 'sqs', ...args],
    {
      env: {
        ...process.env,
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_DEFAULT_REGION: 'us-east-1',
      },
    },
  );
  return stdout.trim() ? (JSON.parse(stdout) as Record<string, unknown>) : {};
}

describe('SQS through the AWS CLI v2', () => {
  it('creates, sends, receives with attributes and deletes', async () => {
    const { QueueUrl } = (await aws(
      'create-queue',
      '--queue-name',
      'cli-queue',
      '--attributes',
      'VisibilityTimeout=45',
    )) as {
      QueueUrl: string;
    };
    expect(QueueUrl).toBe(`${fx.edge.endpoint}/000000000000/cli-queue`);
    const sent = await aws(
      'send-message',
      '--queue-url',
      QueueUrl,
      '--message-body',
      'from the cli',
      '--message-attributes',
      'kind={DataType=String,StringValue=test}',
    );
    expect(sent.MD5OfMessageBody).toBe(createHash('md5').update('from the cli').digest('hex'));
    const got = (await aws(
      'receive-message',
      '--queue-url',
      QueueUrl,
      '--attribute-names',
      'All',
      '--message-attribute-names',
      'All',
    )) as { Messages: Array<Record<string, unknown>> };
    expect(got.Messages[0]).toMatchObject({
      Body: 'from the cli',
      MessageAttributes: { kind: { DataType: 'String', StringValue: 'test' } },
      Attributes: { ApproximateReceiveCount: '1' },
    });
    const attrs = (await aws(
      'get-queue-attributes',
      '--queue-url',
      QueueUrl,
      '--attribute-names',
      'All',
    )) as {
      Attributes: Record<string, string>;
    };
    expect(attrs.Attributes).toMatchObject({
      VisibilityTimeout: '45',
      ApproximateNumberOfMessagesNotVisible: '1',
    });
    await aws(
      'delete-message',
      '--queue-url',
      QueueUrl,
      '--receipt-handle',
      got.Messages[0]!.ReceiptHandle as string,
    );
    const after = (await aws(
      'get-queue-attributes',
      '--queue-url',
      QueueUrl,
      '--attribute-names',
      'All',
    )) as {
      Attributes: Record<string, string>;
    };
    expect(after.Attributes.ApproximateNumberOfMessagesNotVisible).toBe('0');
    expect(await aws('list-queues', '--queue-name-prefix', 'cli-')).toEqual({ QueueUrls: [QueueUrl] });
  });

  it('reports a missing queue by its query error code', async () => {
    await expect(aws('get-queue-url', '--queue-name', 'missing')).rejects.toMatchObject({
      stderr: expect.stringContaining('AWS.SimpleQueueService.NonExistentQueue'),
    });
  });
});
