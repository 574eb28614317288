/**
 * The notifications DLQ, for an operator.
 *   npm run dlq:peek -- [--lane transactional|reminders] [--stage local] [--region eu-west-1] [--max 20]
 *   npm run dlq:redrive -- [--lane transactional|reminders] [--stage local] [--region eu-west-1] [--rate 50]
 * peek lists what is parked without removing it; redrive moves every message back to the notifications queue
 * with SQS's message move task (emulated by the local cloud), where exactly-once keeps customers from hearing twice.
 * Stage `local` (the default) talks to the local cloud: AWS_ENDPOINT_URL, else http://localhost:$PAYFLOW_EDGE_PORT (4566).
 */
import {
  ChangeMessageVisibilityBatchCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
  type Message,
} from '@aws-sdk/client-sqs';
import { parseArgs } from 'node:util';

export type LaneName = 'transactional' | 'reminders';

export interface DlqOptions {
  stage: string;
  /** Which lane's DLQ: transactional (the notifications queue, the default) or reminders. */
  lane?: LaneName;
  region?: string;
  /** The AWS endpoint; set for the local cloud. */
  endpoint?: string;
  log?: (line: string) => void;
}

export function queueNames(stage: string, lane: LaneName = 'transactional') {
  const queue = `payflow-notification-${stage}-${lane === 'reminders' ? 'reminders' : 'notifications'}`;
  return { queue, deadLetterQueue: `${queue}-dlq` };
}

function sqsClient(options: DlqOptions): SQSClient {
  if (options.endpoint) {
    return new SQSClient({
      endpoint: options.endpoint,
      region: options.region ?? 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  }
  return new SQSClient(options.region ? { region: options.region } : {});
}

async function queueInfo(sqs: SQSClient, name: string) {
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn', 'ApproximateNumberOfMessages'] }),
  );
  return {
    url: QueueUrl!,
    arn: Attributes!.QueueArn!,
    waiting: Number(Attributes!.ApproximateNumberOfMessages ?? 0),
  };
}

export interface ParkedMessage {
  messageId: string;
  sentAt: string;
  /** Receives so far, counting the notifications queue's and this look. */
  receiveCount: number;
  detailType?: string;
  eventId?: string;
  correlationId?: string;
  /** Set when the body is not an EventBridge event at all. */
  unreadable?: string;
}

function describe(message: Message): ParkedMessage {
  const attributes = message.Attributes ?? {};
  const parked: ParkedMessage = {
    messageId: message.MessageId!,
    sentAt: new Date(Number(attributes.SentTimestamp ?? 0)).toISOString(),
    receiveCount: Number(attributes.ApproximateReceiveCount ?? 0),
  };
  try {
    const event = JSON.parse(message.Body ?? '') as {
      'detail-type'?: string;
      detail?: { id?: string; correlationId?: string };
    };
    if (event['detail-type']) parked.detailType = event['detail-type'];
    if (event.detail?.id) parked.eventId = String(event.detail.id);
    if (event.detail?.correlationId) parked.correlationId = String(event.detail.correlationId);
    if (!parked.detailType) parked.unreadable = (message.Body ?? '').slice(0, 80);
  } catch {
    parked.unreadable = (message.Body ?? '').slice(0, 80);
  }
  return parked;
}

/** Lists up to `max` parked messages and makes them visible again: nothing is removed. */
export async function peek(
  options: DlqOptions & { max?: number },
): Promise<{ waiting: number; messages: ParkedMessage[] }> {
  const sqs = sqsClient(options);
  const max = options.max ?? 20;
  const dlq = await queueInfo(sqs, queueNames(options.stage, options.lane).deadLetterQueue);
  const held: Message[] = [];
  while (held.length < max) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: dlq.url,
        MaxNumberOfMessages: Math.min(10, max - held.length),
        // Hidden while we look, so the next receive returns other messages; released below.
        VisibilityTimeout: 30,
        WaitTimeSeconds: 0,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0) break;
    held.push(...Messages);
  }
  for (let start = 0; start < held.length; start += 10) {
    await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: dlq.url,
        Entries: held.slice(start, start + 10).map((message, index) => ({
          Id: String(index),
          ReceiptHandle: message.ReceiptHandle!,
          VisibilityTimeout: 0,
        })),
      }),
    );
  }
  const messages = held.map(describe);
  const log = options.log ?? (() => undefined);
  log(
    `${dlq.waiting} message(s) in ${queueNames(options.stage, options.lane).deadLetterQueue}${messages.length < dlq.waiting ? `, showing ${messages.length}` : ''}`,
  );
  for (const m of messages) {
    log(
      `  ${m.sentAt}  ${m.messageId}  receives=${m.receiveCount}  ` +
        (m.unreadable !== undefined
          ? `not an event: ${JSON.stringify(m.unreadable)}`
          : `${m.detailType} ${m.eventId} (correlation ${m.correlationId})`),
    );
  }
  return { waiting: dlq.waiting, messages };
}

/** Moves every parked message back to the notifications queue and waits for the move task to finish. */
export async function redrive(
  options: DlqOptions & { rate?: number; timeoutMs?: number },
): Promise<{ moved: number }> {
  const sqs = sqsClient(options);
  const log = options.log ?? (() => undefined);
  const names = queueNames(options.stage, options.lane);
  const [dlq, queue] = await Promise.all([
    queueInfo(sqs, names.deadLetterQueue),
    queueInfo(sqs, names.queue),
  ]);
  if (dlq.waiting === 0) {
    log(`${names.deadLetterQueue} is empty: nothing to redrive`);
    return { moved: 0 };
  }
  const { TaskHandle } = await sqs.send(
    new StartMessageMoveTaskCommand({
      SourceArn: dlq.arn,
      // Named, not implied: messages EventBridge parked here (target DLQ) have no source queue of their own.
      DestinationArn: queue.arn,
      ...(options.rate ? { MaxNumberOfMessagesPerSecond: options.rate } : {}),
    }),
  );
  log(
    `Moving ${dlq.waiting} message(s) from ${names.deadLetterQueue} to ${names.queue} (task ${TaskHandle})`,
  );
  const deadline = Date.now() + (options.timeoutMs ?? 15 * 60_000);
  for (;;) {
    const { Results = [] } = await sqs.send(
      new ListMessageMoveTasksCommand({ SourceArn: dlq.arn, MaxResults: 10 }),
    );
    const task = Results.find((result) => result.TaskHandle === TaskHandle) ?? Results[0];
    if (task && task.Status !== 'RUNNING') {
      const moved = Number(task.ApproximateNumberOfMessagesMoved ?? 0);
      if (task.Status !== 'COMPLETED')
        throw new Error(
          `Redrive ${task.Status}: ${task.FailureReason ?? 'no reason given'} (${moved} moved)`,
        );
      log(`Redrive complete: ${moved} message(s) moved back`);
      return { moved };
    }
    if (Date.now() > deadline)
      throw new Error(`Redrive still running after the timeout; check ListMessageMoveTasks for ${dlq.arn}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  const { values } = parseArgs({
    args: rest,
    options: {
      stage: { type: 'string', default: 'local' },
      region: { type: 'string' },
      max: { type: 'string', default: '20' },
      rate: { type: 'string' },
      lane: { type: 'string', default: 'transactional' },
    },
  });
  const stage = values.stage!;
  if (values.lane !== 'transactional' && values.lane !== 'reminders')
    throw new Error(
      `--lane ${values.lane}: use transactional (receipts, order outcomes) or reminders (InvoiceDue)`,
    );
  const options: DlqOptions = {
    stage,
    lane: values.lane,
    log: (line) => console.log(line),
    ...(values.region ? { region: values.region } : {}),
    ...(stage === 'local'
      ? {
          endpoint:
            process.env.AWS_ENDPOINT_URL ?? `http://localhost:${process.env.PAYFLOW_EDGE_PORT ?? 4566}`,
        }
      : {}),
  };
  if (command === 'peek') await peek({ ...options, max: Number(values.max) });
  else if (command === 'redrive')
    await redrive({ ...options, ...(values.rate ? { rate: Number(values.rate) } : {}) });
  else throw new Error(`Unknown command "${command}": use peek or redrive`);
}

if (require.main === module) {
  main().catch((error: Error & { code?: string }) => {
    const unreachable = error.code === 'ECONNREFUSED' || /ECONNREFUSED/.test(error.message);
    console.error(
      unreachable
        ? `dlq: nothing answers at ${process.env.AWS_ENDPOINT_URL ?? `http://localhost:${process.env.PAYFLOW_EDGE_PORT ?? 4566}`}: start the local cloud (npm start), or pass --stage <stage> --region <region> for AWS`
        : `dlq: ${error.message}`,
    );
    process.exit(1);
  });
}
