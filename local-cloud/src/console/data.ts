/**
 * What the console shows, read from the running local cloud: Step Functions and EventBridge through their APIs on
 * the edge (as any client would), queues, deliveries, outboxes and function output from the emulators' memory.
 */
import { createHash } from 'node:crypto';
import {
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SFNClient,
  type HistoryEvent as SfnHistoryEvent,
} from '@aws-sdk/client-sfn';
import {
  ListMessageMoveTasksCommand,
  PurgeQueueCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import type { EventBridgeEmulator } from '../eventbridge';
import { normaliseEmail, type OutboxEmail } from '../outbox';
import type { SesEmulator } from '../ses';
import type { SnsEmulator } from '../sns';
import type { SqsEmulator } from '../sqs';
import { executionPath, layoutStateMachine, type HistoryEvent, type StateMachineGraph } from './graph';
import { maskJsonText, maskText, maskValue } from './mask';

export interface ConsoleSources {
  /** The edge: Step Functions and SQS operations go through it. */
  endpoint: string;
  sqs: SqsEmulator;
  events: EventBridgeEmulator;
  sns?: SnsEmulator;
  ses?: SesEmulator;
  /** What the functions printed under serverless-offline, `[service] line`, oldest first. */
  functionLogs?: string[];
}

export interface ExecutionSummary {
  executionArn: string;
  name: string;
  stateMachine: string;
  status: string;
  startDate: string;
  stopDate?: string;
  durationMs?: number;
  orderId?: string;
  correlationId?: string;
}

export interface ConsoleEvent {
  id: string;
  time: string;
  source: string;
  detailType: string;
  correlationId?: string;
  orderId?: string;
  detail: unknown;
  rules: Array<{
    ruleArn: string;
    rule: string;
    targets: Array<{
      targetId: string;
      targetArn: string;
      status: string;
      attempts: number;
      error?: string;
      errorCode?: string;
      deadLetterQueue?: string;
    }>;
  }>;
}

export interface LogLine {
  index: number;
  service: string;
  text: string;
  level?: string;
  correlationId?: string;
}

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

export class ConsoleData {
  private readonly sfn: SFNClient;
  private readonly sqsClient: SQSClient;
  private readonly executionInputs = new Map<string, { orderId?: string; correlationId?: string }>();
  private readonly layouts = new Map<string, StateMachineGraph>();

  constructor(private readonly sources: ConsoleSources) {
    const config = { endpoint: sources.endpoint, region: process.env.AWS_REGION ?? 'us-east-1', credentials };
    this.sfn = new SFNClient(config);
    this.sqsClient = new SQSClient(config);
  }

  close(): void {
    this.sfn.destroy();
    this.sqsClient.destroy();
  }

  // ---- executions ----

  async executions(): Promise<ExecutionSummary[]> {
    const { stateMachines = [] } = await this.sfn.send(new ListStateMachinesCommand({ maxResults: 1000 }));
    const all: ExecutionSummary[] = [];
    for (const machine of stateMachines) {
      const { executions = [] } = await this.sfn.send(
        new ListExecutionsCommand({ stateMachineArn: machine.stateMachineArn, maxResults: 1000 }),
      );
      for (const execution of executions) {
        const summary: ExecutionSummary = {
          executionArn: execution.executionArn!,
          name: execution.name!,
          stateMachine: machine.name!,
          status: execution.status!,
          startDate: execution.startDate!.toISOString(),
        };
        if (execution.stopDate) {
          summary.stopDate = execution.stopDate.toISOString();
          summary.durationMs = execution.stopDate.getTime() - execution.startDate!.getTime();
        }
        Object.assign(summary, await this.executionKeys(summary.executionArn));
        all.push(summary);
      }
    }
    return all.sort((a, b) => b.startDate.localeCompare(a.startDate));
  }

  /** The machines, for the filter, even those that never ran. */
  async stateMachines(): Promise<string[]> {
    const { stateMachines = [] } = await this.sfn.send(new ListStateMachinesCommand({ maxResults: 1000 }));
    return stateMachines.map((m) => m.name!).sort();
  }

  private async executionKeys(executionArn: string): Promise<{ orderId?: string; correlationId?: string }> {
    const known = this.executionInputs.get(executionArn);
    if (known) return known;
    const { input } = await this.sfn.send(new DescribeExecutionCommand({ executionArn }));
    const keys = businessKeys(parseJson(input));
    this.executionInputs.set(executionArn, keys);
    return keys;
  }

  async execution(executionArn: string) {
    const described = await this.sfn.send(new DescribeExecutionCommand({ executionArn }));
    const machine = await this.sfn.send(
      new DescribeStateMachineCommand({ stateMachineArn: described.stateMachineArn }),
    );
    const events: SfnHistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.sfn.send(
        new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken }),
      );
      events.push(...(page.events ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    const definition = machine.definition!;
    const key = createHash('sha1').update(definition).digest('hex');
    let graph = this.layouts.get(key);
    if (!graph) {
      graph = layoutStateMachine(definition);
      this.layouts.set(key, graph);
    }
    const path = executionPath(definition, events as unknown as HistoryEvent[]);
    for (const visit of path.visits) {
      visit.input = maskJsonText(visit.input);
      visit.output = maskJsonText(visit.output);
      for (const error of visit.errors) if (error.cause) error.cause = maskJsonText(error.cause);
    }
    if (path.cause) path.cause = maskJsonText(path.cause);
    const keys = businessKeys(parseJson(described.input));
    return {
      executionArn,
      name: described.name,
      stateMachine: machine.name,
      status: described.status,
      startDate: described.startDate?.toISOString(),
      stopDate: described.stopDate?.toISOString(),
      input: maskJsonText(described.input),
      output: maskJsonText(described.output),
      error: described.error,
      cause: maskJsonText(described.cause),
      ...keys,
      graph,
      path,
      events: this.bus().filter(
        (e) =>
          (keys.orderId && e.orderId === keys.orderId) ||
          (keys.correlationId && e.correlationId === keys.correlationId),
      ),
    };
  }

  // ---- events ----

  bus(): ConsoleEvent[] {
    const outcomes = new Map<string, ConsoleEvent['rules']>();
    for (const outcome of this.sources.events.deliveryOutcomes) {
      const rules = outcomes.get(outcome.eventId) ?? [];
      outcomes.set(outcome.eventId, rules);
      let rule = rules.find((r) => r.ruleArn === outcome.ruleArn);
      if (!rule) {
        rule = { ruleArn: outcome.ruleArn, rule: outcome.ruleArn.split('/').pop()!, targets: [] };
        rules.push(rule);
      }
      const target: ConsoleEvent['rules'][number]['targets'][number] = {
        targetId: outcome.targetId,
        targetArn: outcome.targetArn,
        status: outcome.status,
        attempts: outcome.attempts,
      };
      if (outcome.error) target.error = maskText(outcome.error);
      if (outcome.errorCode) target.errorCode = outcome.errorCode;
      if (outcome.deadLetterQueueArn) target.deadLetterQueue = outcome.deadLetterQueueArn.split(':').pop()!;
      rule.targets.push(target);
    }
    const seen = new Set<string>();
    const list: ConsoleEvent[] = [];
    for (const record of this.sources.events.logs) {
      const event = parseJson(record.message) as Record<string, unknown> | undefined;
      if (!event || typeof event.id !== 'string' || seen.has(event.id)) continue;
      seen.add(event.id);
      const detail = maskValue(event.detail);
      const item: ConsoleEvent = {
        id: event.id,
        time: String(event.time ?? new Date(record.timestamp).toISOString()),
        source: String(event.source ?? ''),
        detailType: String(event['detail-type'] ?? ''),
        detail,
        rules: outcomes.get(event.id) ?? [],
      };
      Object.assign(item, businessKeys(detail));
      list.push(item);
    }
    return list.reverse();
  }

  // ---- queues ----

  queues() {
    const store = this.sources.sqs.store;
    return store
      .list()
      .map((queue) => {
        const counts = queue.counts();
        const oldest = queue.peek(1)[0];
        const sources = store.deadLetterSources(queue).map((q) => q.name);
        const policy = queue.settings.RedrivePolicy;
        return {
          name: queue.name,
          arn: queue.arn,
          fifo: queue.fifo,
          visible: counts.visible,
          inFlight: counts.notVisible,
          delayed: counts.delayed,
          oldestAgeSeconds: oldest ? Math.floor((Date.now() - oldest.sentTimestamp) / 1000) : undefined,
          isDeadLetterQueue: sources.length > 0 || /-dlq$|[-_]dead[-_]?letter/i.test(queue.name),
          deadLetterSources: sources,
          deadLetterTarget: policy?.deadLetterTargetArn?.split(':').pop(),
          maxReceiveCount: policy?.maxReceiveCount,
        };
      })
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  peek(name: string, max = 20) {
    const queue = this.sources.sqs.store.get(name);
    return queue.peek(max).map((message) => ({
      messageId: message.messageId,
      sentAt: new Date(message.sentTimestamp).toISOString(),
      receiveCount: message.receiveCount,
      visible: message.visibleAt <= Date.now(),
      body: maskJsonText(message.body),
      attributes: Object.fromEntries(
        Object.entries(message.messageAttributes).map(([key, value]) => [
          key,
          maskText(String(value.StringValue ?? value.BinaryValue ?? '')),
        ]),
      ),
      ...(message.deadLetterSourceArn
        ? { deadLetterSource: message.deadLetterSourceArn.split(':').pop() }
        : {}),
    }));
  }

  /**
   * What `npm run dlq:redrive` does: an SQS message move task from the DLQ back to the queue whose redrive policy
   * names it (named, since messages EventBridge parked there have no source queue of their own); waits for it.
   */
  async redrive(name: string): Promise<{ moved: number; to: string }> {
    const store = this.sources.sqs.store;
    const dlq = store.get(name);
    const destination = store.deadLetterSources(dlq)[0];
    if (!destination)
      throw new ConsoleError(
        409,
        `${name} is no queue's dead-letter queue: there is nowhere to redrive it to`,
      );
    const { TaskHandle } = await this.sqsClient.send(
      new StartMessageMoveTaskCommand({ SourceArn: dlq.arn, DestinationArn: destination.arn }),
    );
    const deadline = Date.now() + 60_000;
    for (;;) {
      const { Results = [] } = await this.sqsClient.send(
        new ListMessageMoveTasksCommand({ SourceArn: dlq.arn, MaxResults: 10 }),
      );
      const task = Results.find((result) => result.TaskHandle === TaskHandle) ?? Results[0];
      if (task && task.Status !== 'RUNNING') {
        if (task.Status !== 'COMPLETED')
          throw new ConsoleError(500, `Redrive ${task.Status}: ${task.FailureReason ?? 'no reason given'}`);
        return { moved: Number(task.ApproximateNumberOfMessagesMoved ?? 0), to: destination.name };
      }
      if (Date.now() > deadline) throw new ConsoleError(504, `Redrive of ${name} still running after 60 s`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  async purge(name: string): Promise<void> {
    const queue = this.sources.sqs.store.get(name);
    const url = `${this.sources.endpoint}/000000000000/${queue.name}`;
    await this.sqsClient.send(new PurgeQueueCommand({ QueueUrl: url }));
  }

  // ---- outbox ----

  async emails(to?: string): Promise<OutboxEmail[]> {
    if (!this.sources.ses) return [];
    const all = (await this.sources.ses.emails()).map(normaliseEmail);
    const wanted = to?.trim().toLowerCase();
    const found = wanted
      ? all.filter((e) => [...e.to, ...e.cc, ...e.bcc].some((r) => r.toLowerCase().includes(wanted)))
      : all;
    return found.reverse();
  }

  sms(to?: string) {
    const wanted = to?.replace(/\s/g, '');
    const all = this.sources.sns?.smsOutbox.list() ?? [];
    return all
      .filter((s) => !wanted || s.phoneNumber.includes(wanted))
      .map((s) => ({ ...s, message: maskText(s.message) }))
      .reverse();
  }

  // ---- logs ----

  logs(after = -1): LogLine[] {
    const lines = this.sources.functionLogs ?? [];
    const out: LogLine[] = [];
    for (let index = Math.max(0, after + 1, lines.length - 2000); index < lines.length; index++)
      out.push(parseLogLine(index, lines[index]!));
    return out;
  }

  /** A cheap fingerprint of each section, so the stream says only what changed. */
  versions(): Record<string, string> {
    const queues = this.sources.sqs.store
      .list()
      .map((q) => {
        const c = q.counts();
        return `${q.name}:${c.visible}:${c.notVisible}:${c.delayed}`;
      })
      .join('|');
    const outcomes = this.sources.events.deliveryOutcomes;
    return {
      events: `${this.sources.events.logs.length}:${outcomes.length}:${outcomes.filter((o) => o.status !== 'delivered').length}`,
      queues: createHash('sha1').update(queues).digest('hex').slice(0, 12),
      sms: String(this.sources.sns?.smsOutbox.list().length ?? 0),
      logs: String(this.sources.functionLogs?.length ?? 0),
    };
  }
}

export class ConsoleError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The order id and correlation id an input or event carries, wherever Payflow puts them. */
function businessKeys(value: unknown): { orderId?: string; correlationId?: string; email?: string } {
  const keys: { orderId?: string; correlationId?: string; email?: string } = {};
  const visit = (node: unknown, depth: number) => {
    if (!node || typeof node !== 'object' || depth > 4) return;
    for (const [key, inner] of Object.entries(node)) {
      if (typeof inner === 'string' && key === 'orderId' && !keys.orderId) keys.orderId = inner;
      if (typeof inner === 'string' && key === 'email' && !keys.email) keys.email = inner;
      if (typeof inner === 'string' && /^correlation_?id$/i.test(key) && !keys.correlationId)
        keys.correlationId = inner;
      if (typeof inner === 'object') visit(inner, depth + 1);
    }
  };
  visit(value, 0);
  return keys;
}

function parseLogLine(index: number, raw: string): LogLine {
  const match = /^\[([^\]]+)\] ?(.*)$/.exec(raw);
  const service = match?.[1] ?? 'local-cloud';
  const text = maskText(match?.[2] ?? raw);
  const line: LogLine = { index, service, text };
  const json = parseJson(text.slice(text.indexOf('{')));
  if (json && typeof json === 'object') {
    const record = json as Record<string, unknown>;
    if (typeof record.level === 'string') line.level = record.level;
    const keys = businessKeys(record);
    if (keys.correlationId) line.correlationId = keys.correlationId;
  } else {
    const level = /\b(ERROR|WARN|INFO|DEBUG)\b/.exec(text)?.[1];
    if (level) line.level = level;
  }
  return line;
}
