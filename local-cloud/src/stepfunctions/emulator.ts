import { randomUUID } from 'node:crypto';
import { arn } from '../config';
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
import { pageOf, type Page } from '../pagination';
import { Execution, type MachineRecord } from './execution';
import { definitionProblem, prepareDefinition } from './interpreter';
import { sdkCaller, type AwsCaller } from './integrations';
import { TaskTokens } from './tokens';

const CONTENT_TYPE = 'application/x-amz-json-1.0';
const NAME = /^[A-Za-z0-9_-]{1,80}$/;

export interface StepFunctionsOptions {
  /** The edge endpoint: DynamoDB, EventBridge, SQS and SNS integrations are called there. */
  endpoint: string;
  /** Multiplies Wait durations (0 = instant); defaults to PAYFLOW_SFN_WAIT_SCALE, else 1. */
  waitTimeScale?: number;
  /** Replaces the SDK clients of the service integrations (unit tests). */
  callAws?: AwsCaller;
}

export interface CreateStateMachineInput {
  name: string;
  definition: string;
  roleArn: string;
  type?: string;
}

type Body = Record<string, unknown>;

/** The Step Functions API (JSON 1.0, signing name `states`) around the aws-local-stepfunctions interpreter. */
export class StepFunctionsEmulator implements Emulator {
  readonly signingName = 'states';
  private readonly machines = new Map<string, MachineRecord>();
  private readonly executions = new Map<string, Execution>();
  private readonly tokens = new TaskTokens();
  private readonly callAws: AwsCaller;
  private readonly waitTimeScale: number;

  constructor(options: StepFunctionsOptions) {
    this.callAws = options.callAws ?? sdkCaller(options.endpoint);
    this.waitTimeScale = options.waitTimeScale ?? Number(process.env.PAYFLOW_SFN_WAIT_SCALE ?? 1);
  }

  operation(req: AwsRequest): string {
    return jsonTarget(req);
  }

  errorResponse(error: AwsError): AwsResponse {
    return jsonError(error, CONTENT_TYPE);
  }

  async close(): Promise<void> {
    for (const execution of this.executions.values())
      execution.stop('ABORTED', 'LocalCloud.Shutdown', 'The local cloud stopped');
  }

  async handle(req: AwsRequest): Promise<AwsResponse> {
    const op = this.operation(req);
    const body = parseJsonBody(req);
    const action = this.actions[op];
    if (!action)
      throw new AwsError(
        'UnknownOperationException',
        `The local Step Functions does not implement ${op || 'an empty X-Amz-Target'}`,
      );
    return jsonResponse(await action(body), CONTENT_TYPE);
  }

  private readonly actions: Record<string, (body: Body) => unknown> = {
    CreateStateMachine: (b) =>
      this.createStateMachine({
        name: str(b, 'name'),
        definition: str(b, 'definition'),
        roleArn: str(b, 'roleArn'),
        type: optStr(b, 'type'),
      }),
    DescribeStateMachine: (b) => this.describeStateMachine(str(b, 'stateMachineArn')),
    ListStateMachines: (b) => this.listStateMachines(b),
    DeleteStateMachine: (b) => this.deleteStateMachine(str(b, 'stateMachineArn')),
    UpdateStateMachine: (b) => this.updateStateMachine(b),
    StartExecution: (b) =>
      this.startExecution(str(b, 'stateMachineArn'), optStr(b, 'name'), optStr(b, 'input')),
    DescribeExecution: (b) => this.describeExecution(str(b, 'executionArn')),
    ListExecutions: (b) => this.listExecutions(b),
    StopExecution: (b) => this.stopExecution(str(b, 'executionArn'), optStr(b, 'error'), optStr(b, 'cause')),
    GetExecutionHistory: (b) => this.getExecutionHistory(b),
    SendTaskSuccess: (b) => this.sendTaskSuccess(str(b, 'taskToken'), str(b, 'output')),
    SendTaskFailure: (b) => {
      this.tokens.fail(str(b, 'taskToken'), optStr(b, 'error') ?? '', optStr(b, 'cause') ?? '');
      return {};
    },
    SendTaskHeartbeat: (b) => {
      this.tokens.heartbeat(str(b, 'taskToken'));
      return {};
    },
  };

  createStateMachine(input: CreateStateMachineInput): { stateMachineArn: string; creationDate: number } {
    if (!NAME.test(input.name))
      throw new AwsError('InvalidName', `Invalid Name: '${input.name}' (1-80 letters, digits, '-' or '_')`);
    const type = input.type ?? 'STANDARD';
    if (type !== 'STANDARD' && type !== 'EXPRESS') {
      throw new AwsError(
        'ValidationException',
        `1 validation error detected: Value '${type}' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, EXPRESS]`,
      );
    }
    const parsed = parseDefinition(input.definition);
    const stateMachineArn = arn('states', `stateMachine:${input.name}`);
    const existing = this.machines.get(stateMachineArn);
    if (existing) {
      if (existing.definition === input.definition && existing.type === type)
        return { stateMachineArn, creationDate: existing.creationDate };
      throw new AwsError('StateMachineAlreadyExists', `State Machine Already Exists: '${stateMachineArn}'`);
    }
    const record: MachineRecord = {
      stateMachineArn,
      name: input.name,
      definition: input.definition,
      roleArn: input.roleArn,
      type,
      creationDate: Date.now() / 1000,
      prepared: prepareDefinition(parsed),
    };
    this.machines.set(stateMachineArn, record);
    return { stateMachineArn, creationDate: record.creationDate };
  }

  private describeStateMachine(stateMachineArn: string) {
    const m = this.machine(stateMachineArn);
    return {
      stateMachineArn: m.stateMachineArn,
      name: m.name,
      status: 'ACTIVE',
      definition: m.definition,
      roleArn: m.roleArn,
      type: m.type,
      creationDate: m.creationDate,
      loggingConfiguration: { level: 'OFF', includeExecutionData: false },
      tracingConfiguration: { enabled: false },
    };
  }

  private listStateMachines(b: Body) {
    const all = [...this.machines.values()].map((m) => ({
      stateMachineArn: m.stateMachineArn,
      name: m.name,
      type: m.type,
      creationDate: m.creationDate,
    }));
    const { items, nextToken } = page(all, b);
    return { stateMachines: items, nextToken };
  }

  private deleteStateMachine(stateMachineArn: string) {
    checkArn(stateMachineArn, 'stateMachine');
    this.machines.delete(stateMachineArn);
    return {};
  }

  private updateStateMachine(b: Body) {
    const m = this.machine(str(b, 'stateMachineArn'));
    const definition = optStr(b, 'definition');
    const roleArn = optStr(b, 'roleArn');
    if (definition === undefined && roleArn === undefined) {
      throw new AwsError(
        'MissingRequiredParameter',
        'Either the definition or the roleArn must be specified',
      );
    }
    if (definition !== undefined) {
      m.prepared = prepareDefinition(parseDefinition(definition));
      m.definition = definition;
    }
    if (roleArn !== undefined) m.roleArn = roleArn;
    return { updateDate: Date.now() / 1000 };
  }

  private startExecution(stateMachineArn: string, name: string = randomUUID(), input = '{}') {
    const machine = this.machine(stateMachineArn);
    if (!NAME.test(name))
      throw new AwsError('InvalidName', `Invalid Name: '${name}' (1-80 letters, digits, '-' or '_')`);
    try {
      JSON.parse(input);
    } catch {
      throw new AwsError(
        'InvalidExecutionInput',
        `Invalid State Machine Execution Input: the input is not valid JSON: ${input.slice(0, 100)}`,
      );
    }
    const executionArn =
      machine.type === 'EXPRESS'
        ? arn('states', `express:${machine.name}:${name}:${randomUUID()}`)
        : arn('states', `execution:${machine.name}:${name}`);
    const existing = this.executions.get(executionArn);
    if (existing) {
      // Idempotent only while the earlier execution with this name and input is still running.
      if (existing.status === 'RUNNING' && existing.input === input)
        return { executionArn, startDate: existing.startDate };
      throw new AwsError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    const execution = new Execution(machine, executionArn, name, input, {
      tokens: this.tokens,
      callAws: this.callAws,
      waitTimeScale: this.waitTimeScale,
    });
    this.executions.set(executionArn, execution);
    return { executionArn, startDate: execution.startDate };
  }

  private describeExecution(executionArn: string) {
    const e = this.execution(executionArn);
    return {
      executionArn,
      stateMachineArn: e.machine.stateMachineArn,
      name: e.name,
      status: e.status,
      startDate: e.startDate,
      stopDate: e.stopDate,
      input: e.input,
      inputDetails: { included: true },
      output: e.output,
      outputDetails: e.output === undefined ? undefined : { included: true },
      error: e.error,
      cause: e.cause,
    };
  }

  private listExecutions(b: Body) {
    const stateMachineArn = str(b, 'stateMachineArn');
    this.machine(stateMachineArn);
    const statusFilter = optStr(b, 'statusFilter');
    const all = [...this.executions.values()]
      .filter(
        (e) => e.machine.stateMachineArn === stateMachineArn && (!statusFilter || e.status === statusFilter),
      )
      .reverse()
      .map((e) => ({
        executionArn: e.executionArn,
        stateMachineArn,
        name: e.name,
        status: e.status,
        startDate: e.startDate,
        stopDate: e.stopDate,
      }));
    const { items, nextToken } = page(all, b);
    return { executions: items, nextToken };
  }

  private stopExecution(executionArn: string, error?: string, cause?: string) {
    const e = this.execution(executionArn);
    e.stop('ABORTED', error, cause);
    return { stopDate: e.stopDate };
  }

  private getExecutionHistory(b: Body) {
    const e = this.execution(str(b, 'executionArn'));
    let events: Record<string, unknown>[] = [...e.history.events];
    if (b.reverseOrder === true) events.reverse();
    if (b.includeExecutionData === false) events = events.map(withoutData);
    const { items, nextToken } = page(events, b);
    return { events: items, nextToken };
  }

  private sendTaskSuccess(token: string, output: string) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(output);
    } catch {
      throw new AwsError(
        'InvalidOutput',
        `Invalid Output: the output is not valid JSON: ${output.slice(0, 100)}`,
      );
    }
    this.tokens.succeed(token, parsed);
    return {};
  }

  private machine(stateMachineArn: string): MachineRecord {
    checkArn(stateMachineArn, 'stateMachine');
    const m = this.machines.get(stateMachineArn);
    if (!m)
      throw new AwsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${stateMachineArn}'`);
    return m;
  }

  private execution(executionArn: string): Execution {
    checkArn(executionArn, 'execution|express');
    const e = this.executions.get(executionArn);
    if (!e) throw new AwsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return e;
  }
}

function parseDefinition(definition: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(definition);
  } catch (error) {
    throw new AwsError(
      'InvalidDefinition',
      `Invalid State Machine Definition: the definition is not valid JSON: ${(error as Error).message}`,
    );
  }
  const problem = definitionProblem(parsed);
  if (problem) throw new AwsError('InvalidDefinition', `Invalid State Machine Definition: ${problem}`);
  return parsed as Record<string, unknown>;
}

function checkArn(value: string, resource: string): void {
  if (!new RegExp(`^arn:aws[a-z-]*:states:[^:]+:\\d{12}:(${resource}):.+`).test(value)) {
    throw new AwsError('InvalidArn', `Invalid Arn: '${value}'`);
  }
}

function str(body: Body, key: string): string {
  const value = body[key];
  if (typeof value !== 'string') {
    throw new AwsError(
      'ValidationException',
      `1 validation error detected: Value null at '${key}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}

function optStr(body: Body, key: string): string | undefined {
  const value = body[key];
  return typeof value === 'string' ? value : undefined;
}

/** maxResults (100 unless asked, at most 1000) + nextToken paging. */
function page<T>(all: T[], b: Body): Page<T> {
  const limit = typeof b.maxResults === 'number' && b.maxResults > 0 ? Math.min(b.maxResults, 1000) : 100;
  const token = typeof b.nextToken === 'string' ? b.nextToken : undefined;
  return pageOf(all, { token, limit }, () => new AwsError('InvalidToken', `Invalid Token: '${token}'`));
}

function withoutData(event: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) {
    if (value && typeof value === 'object' && key.endsWith('EventDetails')) {
      const { input: _i, output: _o, parameters: _p, ...rest } = value as Record<string, unknown>;
      copy[key] = rest;
    } else copy[key] = value;
  }
  return copy as Record<string, unknown>;
}
