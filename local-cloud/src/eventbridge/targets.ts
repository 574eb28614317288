/** Delivery of a rendered event to a rule target, chosen by the target ARN's service. */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { ACCOUNT_ID, REGION } from '../config';
import { invokeFunction } from '../lambda';
import { AwsError } from '../protocol';
import type { EventBridgeEvent, TargetInput } from './transform';

export interface Target extends TargetInput {
  Id: string;
  Arn: string;
  RoleArn?: string;
  SqsParameters?: { MessageGroupId?: string };
  RetryPolicy?: { MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number };
  DeadLetterConfig?: { Arn?: string };
  [other: string]: unknown;
}

/** How many log-group records the local cloud keeps (GET /_local/events shows them). */
const MAX_LOG_RECORDS = 20_000;

export type TargetKind = 'sqs' | 'lambda' | 'states' | 'sns' | 'logs' | 'events';

/** The target kinds the local cloud delivers to, or undefined for an ARN it cannot deliver to. */
export function targetKind(arn: string): TargetKind | undefined {
  const service = /^arn:aws[\w-]*:([a-z]+):/.exec(arn)?.[1];
  if (service === 'sqs' || service === 'sns' || service === 'lambda') return service;
  if (service === 'states' && arn.includes(':stateMachine:')) return 'states';
  if (service === 'logs' && arn.includes(':log-group:')) return 'logs';
  if (service === 'events' && arn.includes(':event-bus/')) return 'events';
  return undefined;
}

export interface LogRecord {
  logGroupName: string;
  timestamp: number;
  message: string;
}

export interface Delivery {
  target: Target;
  /** The rendered input (see renderTargetInput). */
  body: string;
  event: EventBridgeEvent;
}

export interface TargetSenderOptions {
  endpoint: string;
  /** Audit list that CloudWatch Logs targets append to. */
  logs: LogRecord[];
  /** Puts an event onto another bus of this emulator (event bus targets). */
  forwardToBus: (busName: string, event: EventBridgeEvent) => void;
  /** The SQS emulator in this process, when there is one: no HTTP round trip per delivery. */
  sendToQueue?: QueueSender;
}

/** Enqueues one message on a local queue by name; throws (e.g. QueueDoesNotExist) when it cannot. */
export type QueueSender = (
  queueName: string,
  message: { body: string; groupId?: string; deduplicationId?: string },
) => void;

/** Sends one delivery; throws when the target refused it (the caller retries). */
export class TargetSender {
  private sqs?: SQSClient;
  private sns?: SNSClient;
  private sfn?: SFNClient;

  constructor(private readonly options: TargetSenderOptions) {}

  async send({ target, body, event }: Delivery): Promise<void> {
    switch (targetKind(target.Arn)) {
      case 'sqs':
        return this.sendToQueue(target, body, event);
      case 'lambda':
        await invokeFunction(target.Arn, parseOrText(body), 'Event');
        return;
      case 'states':
        await this.stepFunctions().send(
          new StartExecutionCommand({ stateMachineArn: target.Arn, input: asJsonText(body) }),
        );
        return;
      case 'sns':
        await this.snsClient().send(new PublishCommand({ TopicArn: target.Arn, Message: body }));
        return;
      case 'logs':
        this.options.logs.push({
          logGroupName: logGroupName(target.Arn),
          timestamp: Date.now(),
          message: body,
        });
        // Keep the newest events only: a million-row bills file must not fill the local cloud's memory.
        if (this.options.logs.length > MAX_LOG_RECORDS)
          this.options.logs.splice(0, this.options.logs.length - MAX_LOG_RECORDS);
        return;
      case 'events':
        this.options.forwardToBus(
          target.Arn.slice(target.Arn.indexOf(':event-bus/') + ':event-bus/'.length),
          event,
        );
        return;
      default:
        throw new AwsError(
          'ResourceNotFoundException',
          `Target ARN ${target.Arn} is not a resource the local cloud delivers to`,
          404,
        );
    }
  }

  /** Sends a failed event to a target's dead-letter queue with the given String message attributes. */
  async sendToDeadLetterQueue(
    queueArn: string,
    body: string,
    attributes: Record<string, string>,
  ): Promise<void> {
    const queueName = queueArn.split(':').pop() ?? '';
    await this.queue().send(
      new SendMessageCommand({
        QueueUrl: `${this.options.endpoint}/${ACCOUNT_ID}/${queueName}`,
        MessageBody: body,
        MessageAttributes: Object.fromEntries(
          Object.entries(attributes).map(([name, value]) => [
            name,
            // SQS refuses an empty attribute value.
            { DataType: 'String', StringValue: value === '' ? ' ' : value },
          ]),
        ),
      }),
    );
  }

  close(): void {
    this.sqs?.destroy();
    this.sns?.destroy();
    this.sfn?.destroy();
  }

  private async sendToQueue(target: Target, body: string, event: EventBridgeEvent): Promise<void> {
    const queueName = target.Arn.split(':').pop() ?? '';
    const fifo = queueName.endsWith('.fifo');
    if (this.options.sendToQueue) {
      this.options.sendToQueue(queueName, {
        body,
        groupId: target.SqsParameters?.MessageGroupId,
        deduplicationId: fifo ? event.id : undefined,
      });
      return;
    }
    await this.queue().send(
      new SendMessageCommand({
        QueueUrl: `${this.options.endpoint}/${ACCOUNT_ID}/${queueName}`,
        MessageBody: body,
        MessageGroupId: target.SqsParameters?.MessageGroupId,
        // EventBridge deduplicates FIFO deliveries by event id.
        MessageDeduplicationId: fifo ? event.id : undefined,
      }),
    );
  }

  private queue(): SQSClient {
    return (this.sqs ??= new SQSClient(this.clientConfig()));
  }

  private snsClient(): SNSClient {
    return (this.sns ??= new SNSClient(this.clientConfig()));
  }

  private stepFunctions(): SFNClient {
    return (this.sfn ??= new SFNClient(this.clientConfig()));
  }

  private clientConfig() {
    return {
      endpoint: this.options.endpoint,
      region: REGION,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    };
  }
}

function logGroupName(arn: string): string {
  const name = arn.slice(arn.indexOf(':log-group:') + ':log-group:'.length);
  return name.endsWith(':*') ? name.slice(0, -2) : name;
}

function parseOrText(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

/** Step Functions input must be JSON: a text template's output is sent as a JSON string. */
function asJsonText(body: string): string {
  try {
    JSON.parse(body);
    return body;
  } catch {
    return JSON.stringify(body);
  }
}
