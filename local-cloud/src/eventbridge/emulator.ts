/** The EventBridge API (JSON 1.1, X-Amz-Target `AWSEvents.<Op>`): buses, rules, targets, PutEvents, TestEventPattern. */
import {
  AwsError,
  jsonError,
  jsonResponse,
  jsonTarget,
  parseJsonBody,
  type AwsRequest,
  type AwsResponse,
  type Emulator,
} from '../protocol';
import { ACCOUNT_ID, REGION, arn } from '../config';
import { pageOf } from '../pagination';
import { compilePattern, flattenEvent, matchesCompiled, parsePattern, type CompiledPattern } from './pattern';
import {
  PREDEFINED_VARIABLES,
  renderTargetInput,
  templatePlaceholders,
  type EventBridgeEvent,
} from './transform';
import { TargetSender, targetKind, type LogRecord, type QueueSender, type Target } from './targets';
import {
  DeliveryQueue,
  defaultRetryTiming,
  type DeliveryOutcome,
  type FailedDelivery,
  type RetryTiming,
} from './delivery';
import { asyncInvocationsIdle } from '../lambda-async';
import { parseSchedule, Scheduler } from './schedule';

interface Bus {
  name: string;
  arn: string;
  description?: string;
  created: Date;
  rules: Map<string, Rule>;
}

interface Rule {
  name: string;
  arn: string;
  busName: string;
  eventPattern?: string;
  compiled?: CompiledPattern;
  scheduleExpression?: string;
  state: string;
  description?: string;
  roleArn?: string;
  targets: Map<string, Target>;
}

export interface EventBridgeOptions {
  /** The edge endpoint SQS, SNS and Step Functions targets are called through. */
  endpoint: string;
  /** Back-off between retries of a failed delivery (default: PAYFLOW_EVENTS_RETRY_DELAY_MS or 1 s, doubling). */
  retry?: RetryTiming;
  /** Delivers SQS targets straight into the in-process SQS emulator (otherwise through the SDK). */
  sendToQueue?: QueueSender;
  /** Multiplies rate() intervals (tests); default PAYFLOW_SCHEDULE_TIME_SCALE or 1. */
  scheduleTimeScale?: number;
}

type Handler = (input: Record<string, unknown>) => unknown;

const MAX_ENTRIES = 10;
/** Targets per rule (an EventBridge quota AWS does not raise). */
const MAX_TARGETS_PER_RULE = 5;
const TARGET_ID = /^[.\-_A-Za-z0-9]+$/;
const MAX_REQUEST_BYTES = 256 * 1024;

export class EventBridgeEmulator implements Emulator {
  readonly signingName = 'events';
  /** Everything delivered to CloudWatch Logs log-group targets, oldest first. */
  readonly logs: LogRecord[] = [];
  private readonly buses = new Map<string, Bus>();
  private readonly sender: TargetSender;
  private readonly deliveries: DeliveryQueue;
  private readonly scheduler: Scheduler;
  private readonly handlers: Record<string, Handler> = {
    CreateEventBus: (i) => this.createEventBus(i),
    DescribeEventBus: (i) => this.describeEventBus(i),
    ListEventBuses: (i) => this.listEventBuses(i),
    DeleteEventBus: (i) => this.deleteEventBus(i),
    PutRule: (i) => this.putRule(i),
    DescribeRule: (i) => this.describeRule(i),
    ListRules: (i) => this.listRules(i),
    DeleteRule: (i) => this.deleteRule(i),
    EnableRule: (i) => this.setRuleState(i, 'ENABLED'),
    DisableRule: (i) => this.setRuleState(i, 'DISABLED'),
    PutTargets: (i) => this.putTargets(i),
    RemoveTargets: (i) => this.removeTargets(i),
    ListTargetsByRule: (i) => this.listTargetsByRule(i),
    ListRuleNamesByTarget: (i) => this.listRuleNamesByTarget(i),
    PutEvents: (i) => this.putEvents(i),
    TestEventPattern: (i) => this.testEventPattern(i),
  };

  constructor(options: EventBridgeOptions) {
    this.sender = new TargetSender({
      endpoint: options.endpoint,
      logs: this.logs,
      forwardToBus: (busName, event) => {
        if (!this.buses.has(busName)) {
          throw new AwsError('ResourceNotFoundException', `Event bus ${busName} does not exist.`);
        }
        this.route(event, busName);
      },
      sendToQueue: options.sendToQueue,
    });
    this.deliveries = new DeliveryQueue(this.sender, options.retry ?? defaultRetryTiming());
    this.scheduler = new Scheduler(
      (ruleArn, at) => this.fireSchedule(ruleArn, at),
      options.scheduleTimeScale,
    );
    this.addBus('default');
  }

  operation(req: AwsRequest): string {
    return jsonTarget(req);
  }

  async handle(req: AwsRequest): Promise<AwsResponse> {
    const operation = this.operation(req);
    const handler = this.handlers[operation];
    if (!handler) {
      throw new AwsError(
        'UnknownOperationException',
        `The local EventBridge does not implement ${operation}`,
      );
    }
    return jsonResponse(handler(parseJsonBody(req)));
  }

  errorResponse(error: AwsError): AwsResponse {
    return jsonError(error);
  }

  /** Resolves when every delivery caused by events put so far (Lambda's async retries too) has finished. */
  async idle(): Promise<void> {
    await this.deliveries.idle();
    await asyncInvocationsIdle();
  }

  /** Deliveries that failed for good: after every retry, or at once for a failure EventBridge does not retry. */
  get failedDeliveries(): ReadonlyArray<FailedDelivery> {
    return this.deliveries.failures;
  }

  /** Every delivery to a target, newest last, with what became of it (the local console reads it). */
  get deliveryOutcomes(): ReadonlyArray<DeliveryOutcome> {
    return this.deliveries.outcomes;
  }

  async close(): Promise<void> {
    this.scheduler.close();
    // Not Lambda's async retries, nor this emulator's waiting ones: they may wait hours, and stop must not.
    await this.deliveries.close();
    this.sender.close();
  }

  // ------------------------------------------------------------------ buses

  private addBus(name: string, description?: string): Bus {
    const bus: Bus = {
      name,
      arn: arn('events', `event-bus/${name}`),
      description,
      created: new Date(),
      rules: new Map(),
    };
    this.buses.set(name, bus);
    return bus;
  }

  private createEventBus(input: Record<string, unknown>) {
    const name = requiredString(input, 'Name');
    if (!/^[.\-_A-Za-z0-9]{1,256}$/.test(name)) {
      throw validation(`Event bus name ${name} is not valid: use 1 to 256 characters from [.-_A-Za-z0-9]`);
    }
    if (this.buses.has(name))
      throw new AwsError('ResourceAlreadyExistsException', `Event bus ${name} already exists.`);
    return { EventBusArn: this.addBus(name, optionalString(input, 'Description')).arn };
  }

  private describeEventBus(input: Record<string, unknown>) {
    const bus = this.bus(optionalString(input, 'Name'));
    return {
      Name: bus.name,
      Arn: bus.arn,
      Description: bus.description,
      CreationTime: epochSeconds(bus.created),
      LastModifiedTime: epochSeconds(bus.created),
    };
  }

  private listEventBuses(input: Record<string, unknown>) {
    const prefix = optionalString(input, 'NamePrefix') ?? '';
    const buses = [...this.buses.values()].filter((bus) => bus.name.startsWith(prefix));
    return paginate(input, buses, 'EventBuses', (bus) => ({
      Name: bus.name,
      Arn: bus.arn,
      Description: bus.description,
      CreationTime: epochSeconds(bus.created),
      LastModifiedTime: epochSeconds(bus.created),
    }));
  }

  private deleteEventBus(input: Record<string, unknown>) {
    const name = requiredString(input, 'Name');
    if (name === 'default') throw validation('Cannot delete event bus default.');
    this.buses.delete(name);
    return {};
  }

  /** The bus named (by name or ARN; default when absent), or ResourceNotFoundException. */
  private bus(nameOrArn: string | undefined): Bus {
    const name = busName(nameOrArn);
    const bus = this.buses.get(name);
    if (!bus) throw new AwsError('ResourceNotFoundException', `Event bus ${name} does not exist.`);
    return bus;
  }

  // ------------------------------------------------------------------ rules

  private putRule(input: Record<string, unknown>) {
    const name = requiredString(input, 'Name');
    if (!/^[.\-_A-Za-z0-9]{1,64}$/.test(name)) {
      throw validation(
        `1 validation error detected: Value '${name}' at 'name' failed to satisfy constraint: ` +
          'Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+',
      );
    }
    const bus = this.bus(optionalString(input, 'EventBusName'));
    const eventPattern = optionalString(input, 'EventPattern');
    const scheduleExpression = optionalString(input, 'ScheduleExpression');
    if (!eventPattern && !scheduleExpression) {
      throw validation('Parameter(s) EventPattern or ScheduleExpression must be specified.');
    }
    if (scheduleExpression) {
      if (bus.name !== 'default')
        throw validation('ScheduleExpression is supported only on the default event bus.');
      try {
        parseSchedule(scheduleExpression);
      } catch (error) {
        throw validation((error as Error).message);
      }
    }
    const state = optionalString(input, 'State') ?? 'ENABLED';
    if (!['ENABLED', 'DISABLED', 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS'].includes(state)) {
      throw validation(
        `1 validation error detected: Value '${state}' at 'state' failed to satisfy constraint: ` +
          'Member must satisfy enum value set: [ENABLED, DISABLED, ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS]',
      );
    }
    const compiled = eventPattern ? compilePattern(parsePattern(eventPattern)) : undefined;
    const existing = bus.rules.get(name);
    const ruleArn = arn('events', bus.name === 'default' ? `rule/${name}` : `rule/${bus.name}/${name}`);
    bus.rules.set(name, {
      name,
      arn: ruleArn,
      busName: bus.name,
      eventPattern,
      compiled,
      scheduleExpression,
      state,
      description: optionalString(input, 'Description'),
      roleArn: optionalString(input, 'RoleArn'),
      targets: existing?.targets ?? new Map(),
    });
    this.reschedule(bus.rules.get(name)!);
    return { RuleArn: ruleArn };
  }

  private describeRule(input: Record<string, unknown>) {
    const rule = this.rule(requiredString(input, 'Name'), optionalString(input, 'EventBusName'));
    return { ...ruleDescription(rule), CreatedBy: ACCOUNT_ID };
  }

  private listRules(input: Record<string, unknown>) {
    const bus = this.bus(optionalString(input, 'EventBusName'));
    const prefix = optionalString(input, 'NamePrefix') ?? '';
    const rules = [...bus.rules.values()].filter((rule) => rule.name.startsWith(prefix));
    return paginate(input, rules, 'Rules', ruleDescription);
  }

  private listRuleNamesByTarget(input: Record<string, unknown>) {
    const bus = this.bus(optionalString(input, 'EventBusName'));
    const targetArn = requiredString(input, 'TargetArn');
    const rules = [...bus.rules.values()].filter((rule) =>
      [...rule.targets.values()].some((target) => target.Arn === targetArn),
    );
    return paginate(input, rules, 'RuleNames', (rule) => rule.name);
  }

  private deleteRule(input: Record<string, unknown>) {
    const bus = this.bus(optionalString(input, 'EventBusName'));
    const name = requiredString(input, 'Name');
    const rule = bus.rules.get(name);
    // AWS: deleting a rule that does not exist succeeds.
    if (!rule) return {};
    if (rule.targets.size > 0 && input.Force !== true)
      throw validation("Rule can't be deleted since it has targets.");
    bus.rules.delete(name);
    this.scheduler.unschedule(rule.arn);
    return {};
  }

  private setRuleState(input: Record<string, unknown>, state: string) {
    const rule = this.rule(requiredString(input, 'Name'), optionalString(input, 'EventBusName'));
    rule.state = state;
    this.reschedule(rule);
    return {};
  }

  /** An enabled rule with a ScheduleExpression has a timer; any other rule has none. */
  private reschedule(rule: Rule): void {
    if (rule.scheduleExpression && rule.state !== 'DISABLED')
      this.scheduler.schedule(rule.arn, rule.scheduleExpression);
    else this.scheduler.unschedule(rule.arn);
  }

  /** The event AWS sends a scheduled rule's targets. */
  private fireSchedule(ruleArn: string, scheduledTime: Date): void {
    const rule = this.buses.get('default')?.rules.get(ruleArn.split('/').pop()!);
    if (!rule || rule.arn !== ruleArn || rule.state === 'DISABLED') return;
    const event: EventBridgeEvent = {
      version: '0',
      id: crypto.randomUUID(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: ACCOUNT_ID,
      time: scheduledTime.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: REGION,
      resources: [rule.arn],
      detail: {},
    };
    this.deliverToTargets(rule, event, new Date().toISOString());
  }

  /** One delivery per target, with its input rendered; an input transformer's non-JSON output is dropped. */
  private deliverToTargets(rule: Rule, event: EventBridgeEvent, ingestionTime: string): void {
    for (const target of rule.targets.values()) {
      const body = renderTargetInput(target, event, {
        ruleArn: rule.arn,
        ruleName: rule.name,
        ingestionTime,
      });
      if (body === undefined) {
        console.error(
          `[local-cloud] events: the input transformer of target ${target.Id} of rule ${rule.arn} made text ` +
            `that is not valid JSON for event ${event.id}; as on AWS, nothing is delivered`,
        );
        continue;
      }
      this.deliveries.enqueue({ target, body, event }, rule.arn);
    }
  }

  private rule(name: string, busNameOrArn: string | undefined): Rule {
    const bus = this.bus(busNameOrArn);
    const rule = bus.rules.get(name);
    if (!rule)
      throw new AwsError('ResourceNotFoundException', `Rule ${name} does not exist on EventBus ${bus.name}.`);
    return rule;
  }

  // ---------------------------------------------------------------- targets

  private putTargets(input: Record<string, unknown>) {
    const rule = this.rule(requiredString(input, 'Rule'), optionalString(input, 'EventBusName'));
    const targets = input.Targets;
    if (!Array.isArray(targets) || targets.length < 1 || targets.length > 100) {
      throw validation(
        "1 validation error detected: Value at 'targets' failed to satisfy constraint: " +
          'Member must have length less than or equal to 100 and greater than or equal to 1',
      );
    }
    // What AWS refuses as a whole request: malformed ids and retry policies, then conflicting inputs and
    // template placeholders without a path, then more than five targets on the rule.
    const constraintErrors = (targets as Target[]).flatMap((target, index) =>
      targetConstraintErrors(target, index),
    );
    if (constraintErrors.length > 0) {
      throw validation(
        `${constraintErrors.length} validation error${constraintErrors.length > 1 ? 's' : ''} detected: ${constraintErrors.join('; ')}`,
      );
    }
    for (const target of targets as Target[]) {
      const problem = inputProblem(target);
      if (problem) throw validation(problem);
    }
    const ids = new Set([...rule.targets.keys(), ...(targets as Target[]).map((target) => target.Id)]);
    if (ids.size > MAX_TARGETS_PER_RULE) {
      throw new AwsError(
        'LimitExceededException',
        'The requested resource exceeds the maximum number allowed.',
      );
    }
    const failed: Array<{ TargetId: string; ErrorCode: string; ErrorMessage: string }> = [];
    for (const target of targets as Target[]) {
      const problem = targetProblem(target);
      if (problem) {
        failed.push({
          TargetId: String(target?.Id ?? ''),
          ErrorCode: 'ValidationException',
          ErrorMessage: problem,
        });
        console.error(
          `[local-cloud] events: PutTargets on rule ${rule.arn} refused target ${String(target?.Id)}: ${problem}`,
        );
      } else {
        rule.targets.set(target.Id, target);
        // AWS takes any ARN here; deliveries to a kind the local cloud does not emulate fail (NO_RESOURCE).
        if (!targetKind(target.Arn)) {
          console.warn(
            `[local-cloud] events: target ${target.Id} of rule ${rule.arn} is ${target.Arn}; the local cloud ` +
              'delivers only to SQS queues, Lambda functions, Step Functions state machines, SNS topics, ' +
              'CloudWatch Logs log groups and event buses, so its events will fail',
          );
        }
      }
    }
    return { FailedEntryCount: failed.length, FailedEntries: failed };
  }

  private removeTargets(input: Record<string, unknown>) {
    const rule = this.rule(requiredString(input, 'Rule'), optionalString(input, 'EventBusName'));
    const ids = input.Ids;
    if (!Array.isArray(ids) || ids.length === 0)
      throw validation('Parameter Ids must contain at least one target id.');
    for (const id of ids) rule.targets.delete(String(id));
    return { FailedEntryCount: 0, FailedEntries: [] };
  }

  private listTargetsByRule(input: Record<string, unknown>) {
    const rule = this.rule(requiredString(input, 'Rule'), optionalString(input, 'EventBusName'));
    return paginate(input, [...rule.targets.values()], 'Targets', (target) => target);
  }

  // ----------------------------------------------------------------- events

  private putEvents(input: Record<string, unknown>) {
    const entries = input.Entries;
    if (!Array.isArray(entries) || entries.length < 1 || entries.length > MAX_ENTRIES) {
      const count = Array.isArray(entries) ? entries.length : 0;
      throw validation(
        `1 validation error detected: Value of ${count} entries at 'entries' failed to satisfy constraint: ` +
          `Member must have length ${count < 1 ? 'greater than or equal to 1' : `less than or equal to ${MAX_ENTRIES}`}`,
      );
    }
    if (JSON.stringify(entries).length > MAX_REQUEST_BYTES) {
      throw validation('Total size of the entries in the request is over the limit.');
    }
    const results = (entries as Array<Record<string, unknown>>).map((entry) => this.putEntry(entry ?? {}));
    return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
  }

  private putEntry(entry: Record<string, unknown>): Record<string, string> {
    const problem = entryProblem(entry);
    if (problem) return problem;
    const name = busName(optionalString(entry, 'EventBusName'));
    const event: EventBridgeEvent = {
      version: '0',
      id: crypto.randomUUID(),
      'detail-type': entry.DetailType as string,
      source: entry.Source as string,
      account: ACCOUNT_ID,
      time: isoSeconds(entry.Time),
      region: REGION,
      resources: Array.isArray(entry.Resources) ? entry.Resources.map(String) : [],
      detail: JSON.parse(entry.Detail as string),
    };
    this.route(event, name);
    return { EventId: event.id };
  }

  /** Matches an event against every enabled rule of a bus and queues one delivery per target. */
  private route(event: EventBridgeEvent, name: string): void {
    const bus = this.buses.get(name);
    if (!bus) {
      // AWS accepts an entry for a bus that does not exist (it has an EventId) and drops the event.
      console.error(
        `[local-cloud] events: event ${event.id} put on event bus ${name}, which does not exist: dropped`,
      );
      return;
    }
    const flat = flattenEvent(event);
    const ingestionTime = new Date().toISOString();
    for (const rule of bus.rules.values()) {
      if (rule.state === 'DISABLED' || !rule.compiled || !matchesCompiled(rule.compiled, flat)) continue;
      this.deliverToTargets(rule, event, ingestionTime);
    }
  }

  private testEventPattern(input: Record<string, unknown>) {
    const pattern = compilePattern(parsePattern(requiredString(input, 'EventPattern')));
    const text = requiredString(input, 'Event');
    let event: unknown;
    try {
      event = JSON.parse(text);
    } catch {
      throw validation('Parameter Event is not valid.');
    }
    if (!isRecord(event) || TEST_EVENT_FIELDS.some((field) => !(field in event))) {
      throw validation('Parameter Event is not valid.');
    }
    return { Result: matchesCompiled(pattern, flattenEvent(event)) };
  }
}

/** Fields TestEventPattern requires in its Event (API reference; `resources` is listed but AWS accepts events without it). */
const TEST_EVENT_FIELDS = ['id', 'account', 'source', 'time', 'region', 'detail-type'];

function entryProblem(entry: Record<string, unknown>): Record<string, string> | undefined {
  for (const field of ['Source', 'DetailType', 'Detail']) {
    if (typeof entry[field] !== 'string' || entry[field] === '') {
      return {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: `Parameter ${field} is not valid. Reason: ${field} is a required argument.`,
      };
    }
  }
  try {
    if (isRecord(JSON.parse(entry.Detail as string))) return undefined;
  } catch {
    // reported below
  }
  return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
}

/** AWS's member constraints on one target (the "N validation errors detected" list). */
function targetConstraintErrors(target: Target, index: number): string[] {
  const at = `targets.${index + 1}.member`;
  if (!isRecord(target)) return [];
  const errors: string[] = [];
  if (typeof target.Arn !== 'string') {
    errors.push(`Value null at '${at}.arn' failed to satisfy constraint: Member must not be null`);
  }
  if (typeof target.Id !== 'string') {
    errors.push(`Value null at '${at}.id' failed to satisfy constraint: Member must not be null`);
    return errors;
  }
  if (target.Id.length > 0 && !TARGET_ID.test(target.Id)) {
    errors.push(
      `Value '${target.Id}' at '${at}.id' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+`,
    );
  }
  if (target.Id.length > 64) {
    errors.push(
      `Value '${target.Id}' at '${at}.id' failed to satisfy constraint: Member must have length less than or equal to 64`,
    );
  }
  const policy = target.RetryPolicy;
  if (isRecord(policy)) {
    const bounds: Array<[string, unknown, number, number]> = [
      ['maximumRetryAttempts', policy.MaximumRetryAttempts, 0, 185],
      ['maximumEventAgeInSeconds', policy.MaximumEventAgeInSeconds, 60, 86_400],
    ];
    for (const [name, value, min, max] of bounds) {
      if (typeof value !== 'number') continue;
      if (value < min) {
        errors.push(
          `Value '${value}' at '${at}.retryPolicy.${name}' failed to satisfy constraint: Member must have value greater than or equal to ${min}`,
        );
      } else if (value > max) {
        errors.push(
          `Value '${value}' at '${at}.retryPolicy.${name}' failed to satisfy constraint: Member must have value less than or equal to ${max}`,
        );
      }
    }
  }
  return errors;
}

/**
 * Refused outright: a FIFO queue target without SqsParameters, Input, InputPath and InputTransformer together, or
 * a template placeholder with no path.
 */
function inputProblem(target: Target): string | undefined {
  if (!isRecord(target)) return undefined;
  if (/^arn:[^:]+:sqs:/.test(target.Arn) && target.Arn.endsWith('.fifo') && !target.SqsParameters) {
    return `Parameter(s) SqsParameters must be specified for target: ${target.Id}.`;
  }
  const inputs = ['Input', 'InputPath', 'InputTransformer'].filter((key) => target[key] !== undefined);
  if (inputs.length > 1) {
    return `Only one of Input, InputPath, or InputTransformer must be provided for target ${target.Id}.`;
  }
  const transformer = target.InputTransformer;
  if (transformer && typeof transformer.InputTemplate === 'string') {
    const paths = transformer.InputPathsMap ?? {};
    for (const placeholder of templatePlaceholders(transformer.InputTemplate)) {
      if (!(placeholder in paths) && !PREDEFINED_VARIABLES.includes(placeholder)) {
        return `InputTemplate for target ${target.Id} contains invalid placeholder ${placeholder}.`;
      }
    }
  }
  return undefined;
}

function targetProblem(target: Target): string | undefined {
  if (!isRecord(target) || typeof target.Id !== 'string' || !target.Id) return 'Target Id is required.';
  if (typeof target.Arn !== 'string' || !target.Arn) return `Target ${target.Id}: Arn is required.`;
  if (target.Input !== undefined) {
    try {
      JSON.parse(target.Input);
    } catch {
      return `Target ${target.Id}: Input is not valid JSON text.`;
    }
  }
  if (target.InputTransformer && typeof target.InputTransformer.InputTemplate !== 'string') {
    return `Target ${target.Id}: InputTransformer needs an InputTemplate.`;
  }
  return undefined;
}

function ruleDescription(rule: Rule) {
  return {
    Name: rule.name,
    Arn: rule.arn,
    EventPattern: rule.eventPattern,
    ScheduleExpression: rule.scheduleExpression,
    State: rule.state,
    Description: rule.description,
    RoleArn: rule.roleArn,
    EventBusName: rule.busName,
  };
}

/** 'arn:aws:events:us-east-1:000000000000:event-bus/payflow-local' or 'payflow-local' → 'payflow-local'. */
function busName(nameOrArn: string | undefined): string {
  if (!nameOrArn) return 'default';
  const match = /^arn:aws[\w-]*:events:[^:]*:[^:]*:event-bus\/(.+)$/.exec(nameOrArn);
  return match ? match[1]! : nameOrArn;
}

function paginate<T>(input: Record<string, unknown>, all: T[], key: string, map: (item: T) => unknown) {
  const token = typeof input.NextToken === 'string' ? input.NextToken : undefined;
  const limit = typeof input.Limit === 'number' && input.Limit > 0 ? input.Limit : all.length;
  const { items, nextToken } = pageOf(
    all,
    { token, limit },
    () => new AwsError('ValidationException', `Invalid NextToken: '${token}'`),
  );
  return { [key]: items.map(map), NextToken: nextToken };
}

function requiredString(input: Record<string, unknown>, key: string): string {
  const value = input[key];
  if (typeof value !== 'string' || value === '') {
    throw validation(
      `1 validation error detected: Value null at '${key.charAt(0).toLowerCase()}${key.slice(1)}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}

function optionalString(input: Record<string, unknown>, key: string): string | undefined {
  const value = input[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function validation(message: string): AwsError {
  return new AwsError('ValidationException', message);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function epochSeconds(date: Date): number {
  return date.getTime() / 1000;
}

/** The SDK sends Time as epoch seconds; events carry it as ISO 8601 without milliseconds. */
function isoSeconds(time: unknown): string {
  const date =
    typeof time === 'number' ? new Date(time * 1000) : typeof time === 'string' ? new Date(time) : new Date();
  const valid = Number.isNaN(date.getTime()) ? new Date() : date;
  return valid.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
