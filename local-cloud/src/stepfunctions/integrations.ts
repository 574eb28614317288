import {
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { invokeFunction } from '../lambda';
import { AwsError } from '../protocol';
import { REGION, ACCOUNT_ID } from '../config';
import { taskError } from './interpreter';

/** Calls one AWS API action of an integrated service; replaceable in unit tests. */
export type AwsCaller = (
  service: IntegratedService,
  action: string,
  input: Record<string, unknown>,
) => Promise<unknown>;
type IntegratedService = 'dynamodb' | 'events' | 'sqs' | 'sns';

export interface Integration {
  /** As in TaskScheduled/TaskStarted details: 'lambda' and 'invoke.waitForTaskToken'. */
  resourceType: string;
  resource: string;
  waitForTaskToken: boolean;
  /** A bare Lambda ARN: history uses LambdaFunction* events and the result is the function's return value. */
  bareLambda: boolean;
  call(parameters: unknown): Promise<unknown>;
}

const SERVICE_ERROR_PREFIX: Record<IntegratedService, string> = {
  dynamodb: 'DynamoDB',
  events: 'EventBridge',
  sqs: 'SQS',
  sns: 'SNS',
};

const SERVICE_ACTIONS: Record<IntegratedService, string[]> = {
  dynamodb: ['getItem', 'putItem', 'updateItem', 'deleteItem'],
  events: ['putEvents'],
  sqs: ['sendMessage'],
  sns: ['publish'],
};

export function resolveIntegration(resourceArn: string, callAws: AwsCaller): Integration {
  if (/^arn:aws:lambda:[^:]*:[^:]*:function:/.test(resourceArn)) {
    return {
      resourceType: 'lambda',
      resource: resourceArn,
      waitForTaskToken: false,
      bareLambda: true,
      call: (p) => invokeBare(resourceArn, p),
    };
  }
  const match =
    /^arn:aws:states:[^:]*:[^:]*:([a-z0-9-]+):([A-Za-z]+)(\.waitForTaskToken|\.sync(?::2)?)?$/.exec(
      resourceArn,
    );
  if (!match)
    throw unsupported(
      resourceArn,
      'it is neither a Lambda function ARN nor a Step Functions service integration',
    );
  const [, service, action, suffix] = match as unknown as [string, string, string, string | undefined];
  if (suffix?.startsWith('.sync'))
    throw unsupported(resourceArn, 'the .sync (run a job) pattern is not emulated');
  const base = {
    resourceType: service,
    resource: `${action}${suffix ?? ''}`,
    waitForTaskToken: suffix === '.waitForTaskToken',
    bareLambda: false,
  };
  if (service === 'lambda' && action === 'invoke') return { ...base, call: invokeIntegration };
  if (service in SERVICE_ACTIONS && SERVICE_ACTIONS[service as IntegratedService].includes(action)) {
    const integrated = service as IntegratedService;
    return { ...base, call: (p) => callService(callAws, integrated, action, p) };
  }
  throw unsupported(
    resourceArn,
    `the local cloud emulates lambda:invoke, ${Object.entries(SERVICE_ACTIONS)
      .map(([s, a]) => `${s}:${a.join('|')}`)
      .join(', ')}`,
  );
}

function unsupported(resourceArn: string, why: string): Error {
  return taskError('States.Runtime', `Task resource '${resourceArn}' is not supported locally: ${why}`);
}

/** Lambda's unhandled-error Cause, as Step Functions reports it. */
function functionErrorCause(errorType: string, errorMessage: string): string {
  return JSON.stringify({ errorMessage, errorType, trace: [] });
}

async function invokeBare(functionArn: string, payload: unknown): Promise<unknown> {
  const result = await invokeLambda(functionArn, payload, 'RequestResponse');
  if (result.functionError) {
    throw taskError(
      result.functionError.errorType,
      functionErrorCause(result.functionError.errorType, result.functionError.errorMessage),
    );
  }
  return result.payload ?? null;
}

async function invokeIntegration(parameters: unknown): Promise<unknown> {
  const params = (parameters ?? {}) as {
    FunctionName?: unknown;
    Payload?: unknown;
    InvocationType?: unknown;
  };
  if (typeof params.FunctionName !== 'string') {
    throw taskError('States.Runtime', 'lambda:invoke needs Parameters.FunctionName (a function name or ARN)');
  }
  const invocationType = params.InvocationType === 'Event' ? 'Event' : 'RequestResponse';
  const payload = typeof params.Payload === 'string' ? safeParse(params.Payload) : (params.Payload ?? {});
  const result = await invokeLambda(params.FunctionName, payload, invocationType);
  if (result.functionError) {
    throw taskError(
      result.functionError.errorType,
      functionErrorCause(result.functionError.errorType, result.functionError.errorMessage),
    );
  }
  const statusCode = invocationType === 'Event' ? 202 : 200;
  const requestId = crypto.randomUUID();
  return {
    ExecutedVersion: '$LATEST',
    Payload: invocationType === 'Event' ? '' : (result.payload ?? null),
    SdkHttpMetadata: {
      AllHttpHeaders: { 'X-Amz-Executed-Version': ['$LATEST'], 'x-amzn-RequestId': [requestId] },
      HttpHeaders: { 'X-Amz-Executed-Version': '$LATEST', 'x-amzn-RequestId': requestId },
      HttpStatusCode: statusCode,
    },
    SdkResponseMetadata: { RequestId: requestId },
    StatusCode: statusCode,
  };
}

async function invokeLambda(nameOrArn: string, payload: unknown, type: 'RequestResponse' | 'Event') {
  try {
    return await invokeFunction(nameOrArn, payload, type);
  } catch (error) {
    const code = error instanceof AwsError ? error.code : 'AWSLambdaException';
    throw taskError(`Lambda.${code}`, serviceCause((error as Error).message, 'AWSLambda', code));
  }
}

async function callService(
  callAws: AwsCaller,
  service: IntegratedService,
  action: string,
  parameters: unknown,
): Promise<unknown> {
  const input = { ...((parameters ?? {}) as Record<string, unknown>) };
  // Step Functions serialises a JSON MessageBody / Message before calling SQS / SNS.
  if (service === 'sqs' && typeof input.MessageBody !== 'string')
    input.MessageBody = JSON.stringify(input.MessageBody);
  if (service === 'sns' && input.Message !== undefined && typeof input.Message !== 'string')
    input.Message = JSON.stringify(input.Message);
  // ...and each PutEvents entry's JSON Detail.
  if (service === 'events' && Array.isArray(input.Entries)) {
    input.Entries = (input.Entries as Array<Record<string, unknown>>).map((entry) =>
      entry.Detail === undefined || typeof entry.Detail === 'string'
        ? entry
        : { ...entry, Detail: JSON.stringify(entry.Detail) },
    );
  }
  let output: unknown;
  try {
    output = await callAws(service, action, input);
  } catch (error) {
    const e = error as Error & { $metadata?: { httpStatusCode?: number } };
    const code = e.name && e.name !== 'Error' ? e.name : 'ServiceException';
    throw taskError(
      `${SERVICE_ERROR_PREFIX[service]}.${code}`,
      serviceCause(e.message, SERVICE_ERROR_PREFIX[service], code, e.$metadata?.httpStatusCode),
    );
  }
  const result = { ...((output ?? {}) as Record<string, unknown>) };
  delete result.$metadata;
  if (service === 'events' && Number(result.FailedEntryCount ?? 0) > 0) {
    throw taskError('EventBridge.FailedEntry', JSON.stringify(result));
  }
  return result;
}

/** The Cause Step Functions writes for an AWS SDK error of an integrated service. */
function serviceCause(message: string, service: string, code: string, status = 400): string {
  return `${message} (Service: ${service}; Status Code: ${status}; Error Code: ${code}; Request ID: ${crypto.randomUUID()}; Proxy: null)`;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Calls DynamoDB, EventBridge, SQS and SNS through SDK v3 clients at the edge endpoint. */
export function sdkCaller(endpoint: string): AwsCaller {
  const config = {
    endpoint,
    region: REGION,
    credentials: { accessKeyId: ACCOUNT_ID, secretAccessKey: 'local' },
  };
  let dynamodb: DynamoDBClient | undefined;
  let events: EventBridgeClient | undefined;
  let sqs: SQSClient | undefined;
  let sns: SNSClient | undefined;
  return async (service, action, input) => {
    const any = input as never;
    switch (`${service}:${action}`) {
      case 'dynamodb:getItem':
        return (dynamodb ??= new DynamoDBClient(config)).send(new GetItemCommand(any));
      case 'dynamodb:putItem':
        return (dynamodb ??= new DynamoDBClient(config)).send(new PutItemCommand(any));
      case 'dynamodb:updateItem':
        return (dynamodb ??= new DynamoDBClient(config)).send(new UpdateItemCommand(any));
      case 'dynamodb:deleteItem':
        return (dynamodb ??= new DynamoDBClient(config)).send(new DeleteItemCommand(any));
      case 'events:putEvents':
        return (events ??= new EventBridgeClient(config)).send(new PutEventsCommand(any));
      case 'sqs:sendMessage':
        return (sqs ??= new SQSClient(config)).send(new SendMessageCommand(any));
      case 'sns:publish':
        return (sns ??= new SNSClient(config)).send(new PublishCommand(any));
      default:
        throw new Error(`No local caller for ${service}:${action}`);
    }
  };
}
