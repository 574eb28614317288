/**
 * SSM Parameter Store and Secrets Manager through the AWS CLI v2, created from a template as provisioning does,
 * and the error the CLI prints for a service the local cloud does not emulate.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startEdge, type Edge } from '../../../src/router';
import { SsmEmulator } from '../../../src/ssm';
import { SecretsManagerEmulator } from '../../../src/secretsmanager';
import { provisionTemplate } from '../../../src/provision/provision';

const run = promisify(execFile);
let edge: Edge;

beforeAll(async () => {
  edge = await startEdge({ port: 0 });
  const ssm = new SsmEmulator();
  const secrets = new SecretsManagerEmulator();
  edge.add(ssm);
  edge.add(secrets);
  await provisionTemplate(
    'payflow-payments-local',
    {
      Resources: {
        ProviderUrl: {
          Type: 'AWS::SSM::Parameter',
          Properties: { Name: '/payflow/local/provider-url', Type: 'String', Value: 'http://localhost:3250' },
        },
        ProviderCredentials: {
          Type: 'AWS::SecretsManager::Secret',
          Properties: {
            Name: 'payflow/local/provider',
            GenerateSecretString: {
              SecretStringTemplate: '{"clientId":"payflow"}',
              GenerateStringKey: 'clientSecret',
              PasswordLength: 24,
              ExcludePunctuation: true,
            },
          },
        },
        SecretName: {
          Type: 'AWS::SSM::Parameter',
          Properties: {
            Name: '/payflow/local/provider-secret-arn',
            Type: 'String',
            Value: { Ref: 'ProviderCredentials' },
          },
        },
      },
    },
    {
      endpoint: edge.endpoint,
      s3: { setLambdaNotifications: () => undefined },
      eventSourceMappings: { create: () => undefined },
      parameters: ssm,
      secrets,
    },
  );
});
afterAll(() => edge.close());

/** The CLI's JSON output, checked by the expectations rather than by types. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function aws(...args: string[]): Promise<Record<string, any>> {
  const { stdout } = await run(
    '/usr/bin/aws',
    ['--endpoint-url', edge.endpoint, '--output', 'json', ...args],
    {
      env: {
        ...process.env,
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_DEFAULT_REGION: 'us-east-1',
      },
    },
  );
  return stdout.trim() ? JSON.parse(stdout) : {};
}

/** What the CLI prints on stderr when the call fails. */
async function awsError(...args: string[]): Promise<string> {
  return aws(...args).then(
    () => 'no error',
    (error: { stderr: string }) => error.stderr.trim(),
  );
}

describe('SSM Parameter Store', () => {
  it('serves a parameter the template declares, and a Ref in one resolves to the secret ARN', async () => {
    const { Parameter } = await aws('ssm', 'get-parameter', '--name', '/payflow/local/provider-url');
    expect(Parameter).toMatchObject({
      Name: '/payflow/local/provider-url',
      Type: 'String',
      Value: 'http://localhost:3250',
      Version: 1,
      ARN: 'arn:aws:ssm:us-east-1:000000000000:parameter/payflow/local/provider-url',
    });
    const secretArn = (await aws('ssm', 'get-parameter', '--name', '/payflow/local/provider-secret-arn'))
      .Parameter.Value;
    const { ARN } = await aws('secretsmanager', 'describe-secret', '--secret-id', 'payflow/local/provider');
    expect(secretArn).toBe(ARN);
    expect(ARN).toMatch(
      /^arn:aws:secretsmanager:us-east-1:000000000000:secret:payflow\/local\/provider-\w{6}$/,
    );
  });

  it('puts, overwrites only when asked, and gets several at once with the missing ones named', async () => {
    await aws(
      'ssm',
      'put-parameter',
      '--name',
      '/payflow/local/api-key',
      '--type',
      'SecureString',
      '--value',
      'k-1',
    );
    expect(
      await awsError(
        'ssm',
        'put-parameter',
        '--name',
        '/payflow/local/api-key',
        '--type',
        'SecureString',
        '--value',
        'k-2',
      ),
    ).toContain('An error occurred (ParameterAlreadyExists) when calling the PutParameter operation');
    const { Version } = await aws(
      'ssm',
      'put-parameter',
      '--name',
      '/payflow/local/api-key',
      '--value',
      'k-2',
      '--overwrite',
    );
    expect(Version).toBe(2);
    const out = await aws(
      'ssm',
      'get-parameters',
      '--names',
      '/payflow/local/api-key',
      '/payflow/local/nothing',
      '--with-decryption',
    );
    expect(out.Parameters).toEqual([
      expect.objectContaining({ Value: 'k-2', Type: 'SecureString', Version: 2 }),
    ]);
    expect(out.InvalidParameters).toEqual(['/payflow/local/nothing']);
    expect(await awsError('ssm', 'get-parameter', '--name', '/payflow/local/nothing')).toContain(
      'An error occurred (ParameterNotFound) when calling the GetParameter operation',
    );
  });
});

describe('Secrets Manager', () => {
  it('generates the secret the template asks for', async () => {
    const { SecretString, VersionStages } = await aws(
      'secretsmanager',
      'get-secret-value',
      '--secret-id',
      'payflow/local/provider',
    );
    expect(JSON.parse(SecretString)).toEqual({
      clientId: 'payflow',
      clientSecret: expect.stringMatching(/^[A-Za-z0-9]{24}$/),
    });
    expect(VersionStages).toEqual(['AWSCURRENT']);
  });

  it('creates a secret, puts a new value that becomes AWSCURRENT, and keeps the old one as AWSPREVIOUS', async () => {
    const created = await aws(
      'secretsmanager',
      'create-secret',
      '--name',
      'payflow/local/webhook',
      '--secret-string',
      'v1',
    );
    const put = await aws(
      'secretsmanager',
      'put-secret-value',
      '--secret-id',
      created.ARN,
      '--secret-string',
      'v2',
    );
    expect(put.VersionStages).toEqual(['AWSCURRENT']);
    expect(
      (await aws('secretsmanager', 'get-secret-value', '--secret-id', 'payflow/local/webhook')).SecretString,
    ).toBe('v2');
    const previous = await aws(
      'secretsmanager',
      'get-secret-value',
      '--secret-id',
      'payflow/local/webhook',
      '--version-stage',
      'AWSPREVIOUS',
    );
    expect(previous).toMatchObject({ SecretString: 'v1', VersionId: created.VersionId });
    expect(
      await awsError(
        'secretsmanager',
        'create-secret',
        '--name',
        'payflow/local/webhook',
        '--secret-string',
        'x',
      ),
    ).toContain('An error occurred (ResourceExistsException) when calling the CreateSecret operation');
    expect(
      await awsError('secretsmanager', 'get-secret-value', '--secret-id', 'payflow/local/none'),
    ).toContain(
      "An error occurred (ResourceNotFoundException) when calling the GetSecretValue operation: Secrets Manager can't find the specified secret.",
    );
  });
});

describe('a service the local cloud does not emulate', () => {
  it.each([
    [
      'cloudformation (query protocol)',
      ['cloudformation', 'describe-stacks'],
      'DescribeStacks',
      'cloudformation',
    ],
    ['kinesis (JSON protocol)', ['kinesis', 'list-streams'], 'ListStreams', 'kinesis'],
    [
      'cognito-idp (JSON protocol)',
      ['cognito-idp', 'list-user-pools', '--max-results', '5'],
      'ListUserPools',
      'cognito-idp',
    ],
    ['apigatewayv2 (REST-JSON protocol)', ['apigatewayv2', 'get-apis'], 'GetApis', 'apigateway'],
    ['route53 (REST-XML protocol)', ['route53', 'list-hosted-zones'], 'ListHostedZones', 'route53'],
  ])('answers %s with an error the AWS CLI prints', async (_, args, operation, service) => {
    expect(await awsError(...args)).toContain(
      `An error occurred (NotImplemented) when calling the ${operation} operation: The local cloud does not emulate AWS service '${service}'`,
    );
  });
});
