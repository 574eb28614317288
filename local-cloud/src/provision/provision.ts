import {
  CreateTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
  ResourceAlreadyExistsException,
  type Target,
} from '@aws-sdk/client-eventbridge';
import { CreateStateMachineCommand, SFNClient, StateMachineAlreadyExists } from '@aws-sdk/client-sfn';
import { randomBytes } from 'node:crypto';
import { IntrinsicResolver } from './intrinsics';
import { physicalResource, type CfnResource, type CfnTemplate, type PhysicalResource } from './template';
import type { LambdaNotification } from '../s3';
import { configureAsyncInvoke } from '../lambda-async';
import { COGNITO_TYPES } from '../cognito';

/** What provisioning needs besides the SDK: the parts with no AWS API locally. */
export interface ProvisionTargets {
  endpoint: string;
  s3: { setLambdaNotifications(bucket: string, configurations: LambdaNotification[]): void };
  eventSourceMappings: {
    create(options: {
      eventSourceArn: string;
      functionName: string;
      batchSize?: number;
      maximumBatchingWindowInSeconds?: number;
      functionResponseTypes?: string[];
      enabled?: boolean;
    }): unknown;
  };
  /** Parameter Store and Secrets Manager, when the template declares parameters or secrets. */
  parameters?: { put(parameter: { name: string; type?: string; value: string; description?: string }): void };
  secrets?: { create(secret: { name: string; secretString?: string; description?: string }): string };
  /** The local Cognito, when the template declares user pools (`AWS::Cognito::*`). */
  cognito?: { provision(type: string, props: Record<string, unknown>, ref: string): void };
}

export interface ProvisionReport {
  stack: string;
  created: Array<{ type: string; name: string }>;
  skipped: Array<{ type: string; logicalId: string; why: string }>;
}

/** Types that mean nothing on one machine, or that serverless-offline serves. */
const SKIPPED: Record<string, string> = {
  'AWS::IAM::Role': 'IAM is not enforced locally',
  'AWS::IAM::Policy': 'IAM is not enforced locally',
  'AWS::Lambda::Function': 'served by serverless-offline on the service Lambda port',
  'AWS::Lambda::Version': 'served by serverless-offline',
  'AWS::Lambda::Permission': 'IAM is not enforced locally',
  'AWS::Logs::LogGroup':
    'not created; events a rule sends to a log group are at GET /_local/events, function output at /_local/logs',
  'AWS::Logs::ResourcePolicy': 'IAM is not enforced locally',
  'AWS::S3::BucketPolicy': 'IAM is not enforced locally',
  'AWS::SQS::QueuePolicy': 'IAM is not enforced locally',
  'AWS::SNS::TopicPolicy': 'IAM is not enforced locally',
  'AWS::Events::Archive': 'no replay locally; events are not archived',
  'AWS::ApiGateway::RestApi': 'HTTP APIs are served by serverless-offline',
  'AWS::ApiGateway::Resource': 'HTTP APIs are served by serverless-offline',
  'AWS::ApiGateway::Method': 'HTTP APIs are served by serverless-offline',
  'AWS::ApiGateway::Deployment': 'HTTP APIs are served by serverless-offline',
  'AWS::ApiGatewayV2::Api': 'HTTP APIs are served by serverless-offline',
  'AWS::ApiGatewayV2::Stage': 'HTTP APIs are served by serverless-offline',
  'AWS::ApiGatewayV2::Integration': 'HTTP APIs are served by serverless-offline',
  'AWS::ApiGatewayV2::Route': 'HTTP APIs are served by serverless-offline',
  'AWS::CloudWatch::Alarm': 'no CloudWatch alarms locally',
  'AWS::CloudWatch::Dashboard': 'no CloudWatch dashboards locally',
  'AWS::CloudFront::Distribution':
    "the local cloud serves the page itself (custom.localWebsite), with its response headers policy's headers",
  'AWS::CloudFront::OriginAccessControl': 'the local site reads its folder, not a bucket',
  'AWS::CloudFront::ResponseHeadersPolicy': 'its headers are added by the local site (custom.localWebsite)',
};

/** SNS subscriptions the local cloud accepts in a template but cannot deliver to. */
const EMAIL_PROTOCOLS = new Set(['email', 'email-json']);

const ORDER = [
  'AWS::Events::EventBus',
  'AWS::DynamoDB::Table',
  'AWS::S3::Bucket',
  'AWS::SQS::Queue',
  'AWS::SNS::Topic',
  'AWS::StepFunctions::StateMachine',
  'AWS::Cognito::UserPool',
  'AWS::Cognito::UserPoolResourceServer',
  'AWS::Cognito::UserPoolClient',
  'AWS::SNS::Subscription',
  'AWS::Events::Rule',
  'AWS::Lambda::EventSourceMapping',
];

export async function provisionTemplate(
  stack: string,
  template: CfnTemplate,
  targets: ProvisionTargets,
): Promise<ProvisionReport> {
  const physical = new Map<string, PhysicalResource>();
  const bootstrap = new IntrinsicResolver(stack, physical);
  // Names first (a name may Ref a parameter-free value), then every Ref/GetAtt resolves without creating anything.
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    const name = (property: string) => {
      const value = resource.Properties?.[property];
      if (value === undefined) return undefined;
      try {
        return String(bootstrap.resolve(value));
      } catch {
        return undefined;
      }
    };
    physical.set(logicalId, physicalResource(stack, logicalId, resource, name, targets.endpoint)!);
  }
  const resolver = new IntrinsicResolver(stack, physical);
  const report: ProvisionReport = { stack, created: [], skipped: [] };
  const clientConfig = {
    endpoint: targets.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
  const clients = {
    dynamodb: new DynamoDBClient(clientConfig),
    s3: new S3Client({ ...clientConfig, forcePathStyle: true }),
    sqs: new SQSClient(clientConfig),
    sns: new SNSClient(clientConfig),
    events: new EventBridgeClient(clientConfig),
    sfn: new SFNClient(clientConfig),
  };

  // A dead-letter queue must exist before the queue whose redrive policy names it.
  const redrives = (r: CfnResource) => Number(r.Properties?.RedrivePolicy !== undefined);
  const resources = Object.entries(template.Resources).sort(
    ([, a], [, b]) => rank(a.Type) - rank(b.Type) || redrives(a) - redrives(b),
  );
  for (const [logicalId, resource] of resources) {
    if (resource.Type === 'AWS::Lambda::Function')
      registerDeadLetterQueue(resource, resolver, targets.endpoint);
    if (logicalId === 'ServerlessDeploymentBucket' || logicalId === 'ServerlessDeploymentBucketPolicy')
      continue;
    if (
      resource.Type === 'AWS::SNS::Subscription' &&
      EMAIL_PROTOCOLS.has(String(resource.Properties?.Protocol))
    ) {
      report.skipped.push({
        type: resource.Type,
        logicalId,
        why: 'no e-mail is delivered locally (the alarm topic has no alarms to carry either)',
      });
      continue;
    }
    const create = creators[resource.Type];
    if (!create) {
      report.skipped.push({
        type: resource.Type,
        logicalId,
        why:
          SKIPPED[resource.Type] ??
          (resource.Type.startsWith('AWS::Cognito::')
            ? 'the local Cognito has user pools, resource servers, app clients, groups and domains only'
            : 'not emulated locally'),
      });
      continue;
    }
    // Only what is created is resolved: a skipped resource may name attributes nothing local has.
    const props = resolver.resolve(resource.Properties ?? {}) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const ref = physical.get(logicalId)!.ref;
    try {
      await create({ props, ref, physical: physical.get(logicalId)!, clients, targets, resource });
    } catch (error) {
      throw new Error(
        `Cannot provision ${logicalId} (${resource.Type}) of ${stack}: ${(error as Error).message}`,
      );
    }
    report.created.push({ type: resource.Type, name: ref });
  }
  return report;
}

/** serverless-offline runs the function; its DeadLetterConfig is where failed async invocations go locally too. */
function registerDeadLetterQueue(resource: CfnResource, resolver: IntrinsicResolver, endpoint: string): void {
  const deadLetter = resource.Properties?.DeadLetterConfig;
  if (!deadLetter) return;
  const { FunctionName, DeadLetterConfig } = resolver.resolve({
    FunctionName: resource.Properties?.FunctionName,
    DeadLetterConfig: deadLetter,
  }) as { FunctionName?: string; DeadLetterConfig: { TargetArn?: string } };
  if (FunctionName && DeadLetterConfig.TargetArn)
    configureAsyncInvoke(FunctionName, { deadLetterTarget: DeadLetterConfig.TargetArn, endpoint });
}

/** `GenerateSecretString`: a random password, alone or under GenerateStringKey in SecretStringTemplate. */
function generateSecretString(spec: Record<string, unknown> | undefined): string | undefined {
  if (!spec) return undefined;
  const exclude = String(spec.ExcludeCharacters ?? '');
  let alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  if (spec.ExcludePunctuation !== true && spec.ExcludePunctuation !== 'true')
    alphabet += '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';
  if (spec.IncludeSpace === true || spec.IncludeSpace === 'true') alphabet += ' ';
  const allowed = [...alphabet].filter((c) => !exclude.includes(c));
  const length = Number(spec.PasswordLength ?? 32);
  const password = Array.from(randomBytes(length), (byte) => allowed[byte % allowed.length]).join('');
  if (typeof spec.SecretStringTemplate !== 'string' || typeof spec.GenerateStringKey !== 'string')
    return password;
  return JSON.stringify({ ...JSON.parse(spec.SecretStringTemplate), [spec.GenerateStringKey]: password });
}

function rank(type: string): number {
  const index = ORDER.indexOf(type);
  return index === -1 ? ORDER.length : index;
}

interface CreateContext {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  props: Record<string, any>;
  ref: string;
  physical: PhysicalResource;
  clients: {
    dynamodb: DynamoDBClient;
    s3: S3Client;
    sqs: SQSClient;
    sns: SNSClient;
    events: EventBridgeClient;
    sfn: SFNClient;
  };
  targets: ProvisionTargets;
  resource: CfnResource;
}

const creators: Record<string, (ctx: CreateContext) => Promise<void>> = {
  ...Object.fromEntries(
    COGNITO_TYPES.map((type) => [
      type,
      async ({ props, ref, targets }: CreateContext) => {
        if (!targets.cognito) throw new Error('no local Cognito to create it in');
        targets.cognito.provision(type, props, ref);
      },
    ]),
  ),

  async 'AWS::DynamoDB::Table'({ props, ref, clients }) {
    const input: CreateTableCommandInput = {
      TableName: ref,
      AttributeDefinitions: props.AttributeDefinitions,
      KeySchema: props.KeySchema,
      BillingMode: props.BillingMode ?? (props.ProvisionedThroughput ? 'PROVISIONED' : 'PAY_PER_REQUEST'),
      ProvisionedThroughput: props.ProvisionedThroughput,
      GlobalSecondaryIndexes: props.GlobalSecondaryIndexes,
      LocalSecondaryIndexes: props.LocalSecondaryIndexes,
      StreamSpecification: props.StreamSpecification
        ? { StreamEnabled: true, StreamViewType: props.StreamSpecification.StreamViewType }
        : undefined,
    };
    try {
      await clients.dynamodb.send(new CreateTableCommand(input));
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
    const ttl = props.TimeToLiveSpecification;
    if (ttl?.Enabled === true || ttl?.Enabled === 'true') {
      await clients.dynamodb
        .send(
          new UpdateTimeToLiveCommand({
            TableName: ref,
            TimeToLiveSpecification: { AttributeName: ttl.AttributeName, Enabled: true },
          }),
        )
        .catch((error: Error) => {
          if (!/already enabled/i.test(error.message)) throw error;
        });
    }
  },

  async 'AWS::S3::Bucket'({ props, ref, clients, targets }) {
    await clients.s3.send(new CreateBucketCommand({ Bucket: ref })).catch((error: Error) => {
      if (!['BucketAlreadyOwnedByYou', 'BucketAlreadyExists'].includes(error.name)) throw error;
    });
    const lambdaConfigurations: Array<Record<string, any>> = // eslint-disable-line @typescript-eslint/no-explicit-any
      props.NotificationConfiguration?.LambdaConfigurations ?? [];
    targets.s3.setLambdaNotifications(
      ref,
      lambdaConfigurations.map((c) => {
        const rules: Array<{ Name: string; Value: string }> = c.Filter?.S3Key?.Rules ?? [];
        const rule = (n: string) => rules.find((r) => r.Name.toLowerCase() === n)?.Value;
        return { functionArn: c.Function, events: [c.Event], prefix: rule('prefix'), suffix: rule('suffix') };
      }),
    );
  },

  async 'AWS::SQS::Queue'({ props, physical, clients }) {
    const attributes: Record<string, string> = {};
    for (const [key, value] of Object.entries(props)) {
      if (key === 'QueueName' || key === 'Tags') continue;
      attributes[key] = typeof value === 'object' ? JSON.stringify(value) : String(value);
    }
    await clients.sqs.send(
      new CreateQueueCommand({ QueueName: physical.attributes.QueueName, Attributes: attributes }),
    );
  },

  async 'AWS::SNS::Topic'({ props, physical, clients }) {
    const attributes: Record<string, string> = {};
    if (props.FifoTopic) attributes.FifoTopic = String(props.FifoTopic);
    if (props.DisplayName) attributes.DisplayName = String(props.DisplayName);
    await clients.sns.send(
      new CreateTopicCommand({ Name: physical.attributes.TopicName, Attributes: attributes }),
    );
    for (const subscription of (props.Subscription ?? []) as Array<{ Protocol: string; Endpoint: string }>) {
      await clients.sns.send(
        new SubscribeCommand({
          TopicArn: physical.ref,
          Protocol: subscription.Protocol,
          Endpoint: subscription.Endpoint,
        }),
      );
    }
  },

  async 'AWS::SNS::Subscription'({ props, clients }) {
    const attributes: Record<string, string> = {};
    if (props.RawMessageDelivery !== undefined)
      attributes.RawMessageDelivery = String(props.RawMessageDelivery);
    if (props.FilterPolicy) attributes.FilterPolicy = JSON.stringify(props.FilterPolicy);
    await clients.sns.send(
      new SubscribeCommand({
        TopicArn: props.TopicArn,
        Protocol: props.Protocol,
        Endpoint: props.Endpoint,
        Attributes: attributes,
      }),
    );
  },

  async 'AWS::Events::EventBus'({ ref, clients }) {
    await clients.events.send(new CreateEventBusCommand({ Name: ref })).catch((error) => {
      if (!(error instanceof ResourceAlreadyExistsException)) throw error;
    });
  },

  async 'AWS::Events::Rule'({ props, ref, clients }) {
    const eventBusName = props.EventBusName as string | undefined;
    await clients.events.send(
      new PutRuleCommand({
        Name: ref,
        EventBusName: eventBusName,
        EventPattern:
          props.EventPattern === undefined
            ? undefined
            : typeof props.EventPattern === 'string'
              ? props.EventPattern
              : JSON.stringify(props.EventPattern),
        ScheduleExpression: props.ScheduleExpression,
        State: props.State ?? 'ENABLED',
        Description: props.Description,
      }),
    );
    const targets = (props.Targets ?? []) as Target[];
    if (targets.length > 0) {
      // PutTargets answers 200 with the targets it refused in FailedEntries; CloudFormation fails the rule then.
      const { FailedEntries = [] } = await clients.events.send(
        new PutTargetsCommand({ Rule: ref, EventBusName: eventBusName, Targets: targets }),
      );
      if (FailedEntries.length > 0) {
        const refused = FailedEntries.map(
          (entry) => `target ${entry.TargetId} (${entry.ErrorCode}: ${entry.ErrorMessage})`,
        );
        throw new Error(`PutTargets on rule ${ref} refused ${refused.join('; ')}`);
      }
    }
  },

  async 'AWS::StepFunctions::StateMachine'({ props, physical, clients }) {
    const definition =
      typeof props.DefinitionString === 'string'
        ? props.DefinitionString
        : JSON.stringify(props.Definition ?? props.DefinitionString);
    await clients.sfn
      .send(
        new CreateStateMachineCommand({
          name: physical.attributes.Name,
          definition,
          roleArn: props.RoleArn ?? 'arn:aws:iam::000000000000:role/local',
          type: props.StateMachineType ?? 'STANDARD',
        }),
      )
      .catch((error) => {
        if (!(error instanceof StateMachineAlreadyExists)) throw error;
      });
  },

  async 'AWS::SSM::Parameter'({ props, ref, targets }) {
    if (!targets.parameters) throw new Error('no local Parameter Store to create it in');
    targets.parameters.put({
      name: ref,
      type: props.Type,
      value: String(props.Value),
      description: props.Description,
    });
  },

  async 'AWS::SecretsManager::Secret'({ props, physical, targets }) {
    if (!targets.secrets) throw new Error('no local Secrets Manager to create it in');
    const name = (props.Name as string | undefined) ?? physical.ref.split(':secret:').pop()!.slice(0, -7);
    targets.secrets.create({
      name,
      secretString: props.SecretString ?? generateSecretString(props.GenerateSecretString),
      description: props.Description,
    });
  },

  async 'AWS::Lambda::EventInvokeConfig'({ props, targets }) {
    const functionName = String(props.FunctionName).split(':function:').pop()!.split(':')[0]!;
    const number = (value: unknown) => (value === undefined ? undefined : Number(value));
    configureAsyncInvoke(functionName, {
      maximumRetryAttempts: number(props.MaximumRetryAttempts),
      maximumEventAgeSeconds: number(props.MaximumEventAgeInSeconds),
      onFailure: props.DestinationConfig?.OnFailure?.Destination,
      onSuccess: props.DestinationConfig?.OnSuccess?.Destination,
      endpoint: targets.endpoint,
    });
  },

  async 'AWS::Lambda::EventSourceMapping'({ props, targets }) {
    const functionName = String(props.FunctionName).split(':function:').pop()!.split(':')[0]!;
    targets.eventSourceMappings.create({
      eventSourceArn: props.EventSourceArn,
      functionName,
      batchSize: props.BatchSize === undefined ? undefined : Number(props.BatchSize),
      maximumBatchingWindowInSeconds:
        props.MaximumBatchingWindowInSeconds === undefined
          ? undefined
          : Number(props.MaximumBatchingWindowInSeconds),
      functionResponseTypes: props.FunctionResponseTypes,
      enabled: props.Enabled === undefined ? true : props.Enabled === true || props.Enabled === 'true',
    });
  },
};
