import { ACCOUNT_ID, REGION, ENDPOINT } from '../config';
import { secretArn as secretArnOf } from '../secretsmanager';
import { cognitoPhysicalResource } from '../cognito/names';

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string | string[];
}

export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: unknown }>;
}

/** What `Ref` and `Fn::GetAtt` give for one resource, computed before anything is created. */
export interface PhysicalResource {
  ref: string;
  attributes: Record<string, string>;
}

/**
 * Deterministic local names: the resource's own name property when it has one, else
 * `<stack>-<LogicalId>` (CloudFormation would add a random suffix; locally nothing collides).
 */
export function physicalResource(
  stack: string,
  logicalId: string,
  resource: CfnResource,
  name: (property: string) => string | undefined,
  endpoint = ENDPOINT,
): PhysicalResource | undefined {
  const fallback = `${stack}-${logicalId}`.slice(0, 80);
  const arn = (service: string, resourcePart: string) =>
    `arn:aws:${service}:${REGION}:${ACCOUNT_ID}:${resourcePart}`;
  switch (resource.Type) {
    case 'AWS::DynamoDB::Table': {
      const table = name('TableName') ?? fallback;
      const tableArn = arn('dynamodb', `table/${table}`);
      return { ref: table, attributes: { Arn: tableArn, StreamArn: `${tableArn}/stream/local` } };
    }
    case 'AWS::S3::Bucket': {
      const bucket = (name('BucketName') ?? fallback).toLowerCase();
      return {
        ref: bucket,
        attributes: {
          Arn: `arn:aws:s3:::${bucket}`,
          DomainName: `${bucket}.s3.amazonaws.com`,
          RegionalDomainName: `${bucket}.s3.${REGION}.amazonaws.com`,
          WebsiteURL: `${endpoint}/${bucket}`,
        },
      };
    }
    case 'AWS::SQS::Queue': {
      const fifo = resource.Properties?.FifoQueue === true || resource.Properties?.FifoQueue === 'true';
      const queue = name('QueueName') ?? `${fallback}${fifo ? '.fifo' : ''}`;
      const url = `${endpoint}/${ACCOUNT_ID}/${queue}`;
      return { ref: url, attributes: { Arn: arn('sqs', queue), QueueName: queue, QueueUrl: url } };
    }
    case 'AWS::SNS::Topic': {
      const topic = name('TopicName') ?? fallback;
      const topicArn = arn('sns', topic);
      return { ref: topicArn, attributes: { TopicArn: topicArn, TopicName: topic } };
    }
    case 'AWS::Events::EventBus': {
      const bus = name('Name') ?? fallback;
      return { ref: bus, attributes: { Arn: arn('events', `event-bus/${bus}`), Name: bus } };
    }
    case 'AWS::Events::Rule': {
      const rule = name('Name') ?? fallback;
      const bus = name('EventBusName');
      const busName = bus?.startsWith('arn:') ? bus.split('/').pop() : bus;
      const path = busName && busName !== 'default' ? `rule/${busName}/${rule}` : `rule/${rule}`;
      return { ref: rule, attributes: { Arn: arn('events', path) } };
    }
    case 'AWS::StepFunctions::StateMachine': {
      const machine = name('StateMachineName') ?? fallback;
      const machineArn = arn('states', `stateMachine:${machine}`);
      return { ref: machineArn, attributes: { Arn: machineArn, Name: machine } };
    }
    case 'AWS::Lambda::Function': {
      const fn = name('FunctionName') ?? fallback;
      return { ref: fn, attributes: { Arn: arn('lambda', `function:${fn}`) } };
    }
    case 'AWS::Logs::LogGroup': {
      const group = name('LogGroupName') ?? `/local/${fallback}`;
      return { ref: group, attributes: { Arn: arn('logs', `log-group:${group}:*`) } };
    }
    case 'AWS::SSM::Parameter': {
      const parameter = name('Name') ?? fallback;
      return { ref: parameter, attributes: { Type: name('Type') ?? 'String', Value: name('Value') ?? '' } };
    }
    case 'AWS::SecretsManager::Secret': {
      const secretArn = secretArnOf(name('Name') ?? fallback);
      return { ref: secretArn, attributes: { Id: secretArn } };
    }
    case 'AWS::IAM::Role': {
      const role = name('RoleName') ?? fallback;
      return { ref: role, attributes: { Arn: `arn:aws:iam::${ACCOUNT_ID}:role/${role}`, RoleId: role } };
    }
    default:
      return (
        cognitoPhysicalResource(resource.Type, name, fallback, endpoint) ?? { ref: fallback, attributes: {} }
      );
  }
}
