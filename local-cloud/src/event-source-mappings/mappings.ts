import { randomUUID } from 'node:crypto';
import { invokeFunction } from '../lambda';
import { AwsError } from '../protocol';
import type { QueueStore, ReceivedMessage, SqsEmulator } from '../sqs';
import { decodeReceiptHandle } from '../sqs/queue';
import { settleBatch } from './batch-response';
import { sqsRecord } from './sqs-event';

export interface MappingInput {
  uuid?: string;
  eventSourceArn: string;
  functionName: string;
  batchSize?: number;
  maximumBatchingWindowInSeconds?: number;
  functionResponseTypes?: string[];
  enabled?: boolean;
  /** Concurrent pollers (AWS starts an SQS mapping with 5). */
  pollers?: number;
}

interface MappingStats {
  invocations: number;
  functionErrors: number;
  recordsDeleted: number;
  inFlight: number;
}

export interface MappingInfo {
  uuid: string;
  eventSourceArn: string;
  functionName: string;
  batchSize: number;
  maximumBatchingWindowInSeconds: number;
  functionResponseTypes: string[];
  enabled: boolean;
  stats: MappingStats;
}

const IDLE_RECHECK_MS = 1000;

/** Lambda event source mappings for SQS: pollers receive from the local queues and invoke the function. */
export class EventSourceMappings {
  private readonly store: QueueStore;
  private readonly mappings = new Map<string, Mapping>();

  constructor(sqs: SqsEmulator | QueueStore) {
    this.store = 'store' in sqs ? sqs.store : sqs;
  }

  create(input: MappingInput): MappingInfo {
    const mapping = new Mapping(this.store, validated(input));
    if (this.mappings.has(mapping.info.uuid)) {
      throw new AwsError(
        'ResourceConflictException',
        `An event source mapping ${mapping.info.uuid} already exists.`,
        409,
      );
    }
    this.mappings.set(mapping.info.uuid, mapping);
    if (mapping.info.enabled) mapping.start();
    return mapping.describe();
  }

  list(): MappingInfo[] {
    return [...this.mappings.values()].map((m) => m.describe());
  }

  get(uuid: string): MappingInfo {
    return this.mapping(uuid).describe();
  }

  async delete(uuid: string): Promise<MappingInfo> {
    const mapping = this.mapping(uuid);
    this.mappings.delete(uuid);
    await mapping.stop();
    return mapping.describe();
  }

  /** Resolves once no invocation is running and no batch is being gathered (for tests and benchmarks). */
  async idle(): Promise<void> {
    await Promise.all([...this.mappings.values()].map((m) => m.idle()));
  }

  async close(): Promise<void> {
    const all = [...this.mappings.values()];
    this.mappings.clear();
    await Promise.all(all.map((m) => m.stop()));
  }

  private mapping(uuid: string): Mapping {
    const mapping = this.mappings.get(uuid);
    if (!mapping)
      throw new AwsError(
        'ResourceNotFoundException',
        `The resource you requested does not exist. (Event source mapping ${uuid})`,
        404,
      );
    return mapping;
  }
}

class Mapping {
  readonly stats: MappingStats = { invocations: 0, functionErrors: 0, recordsDeleted: 0, inFlight: 0 };
  private running = false;
  private loops: Promise<void>[] = [];
  /** One poller at a time fills a batch, so a batching window gathers up to BatchSize records. */
  private gathering: Promise<void> = Promise.resolve();
  private readonly stopWaiters = new Set<() => void>();

  constructor(
    private readonly store: QueueStore,
    readonly info: Omit<MappingInfo, 'stats'> & { pollers: number },
  ) {}

  describe(): MappingInfo {
    const { pollers: _pollers, ...info } = this.info;
    return { ...info, stats: { ...this.stats } };
  }

  start(): void {
    this.running = true;
    for (let i = 0; i < this.info.pollers; i += 1) this.loops.push(this.poll());
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const wake of this.stopWaiters) wake();
    await Promise.all(this.loops);
    this.loops = [];
  }

  async idle(): Promise<void> {
    while (this.stats.inFlight > 0) await sleep(10);
  }

  private async poll(): Promise<void> {
    while (this.running) {
      const batch = await this.gather();
      if (batch.length === 0 || !this.running) continue;
      this.stats.inFlight += 1;
      try {
        await this.invoke(batch);
      } catch (error) {
        console.error(
          `[local-cloud] event source mapping ${this.info.uuid} → ${this.info.functionName}:`,
          error,
        );
      } finally {
        this.stats.inFlight -= 1;
      }
    }
  }

  private async gather(): Promise<ReceivedMessage[]> {
    let release!: () => void;
    const previous = this.gathering;
    this.gathering = new Promise((resolve) => (release = resolve));
    await previous;
    try {
      return await this.fill();
    } finally {
      release();
    }
  }

  private async fill(): Promise<ReceivedMessage[]> {
    if (!this.running) return [];
    const queue = this.store.byArn(this.info.eventSourceArn);
    if (!queue) {
      await this.pause(Date.now() + IDLE_RECHECK_MS);
      return [];
    }
    const { batchSize, maximumBatchingWindowInSeconds } = this.info;
    const receive = (n: number) =>
      this.store.receive(queue, Math.min(10, n), queue.settings.VisibilityTimeout);
    const batch = receive(batchSize);
    if (batch.length === 0) {
      await Promise.race([
        queue.waitForChange(Date.now() + IDLE_RECHECK_MS),
        this.pause(Date.now() + IDLE_RECHECK_MS),
      ]);
      return [];
    }
    const deadline = Date.now() + maximumBatchingWindowInSeconds * 1000;
    while (batch.length < batchSize && this.running) {
      const more = receive(batchSize - batch.length);
      batch.push(...more);
      if (more.length > 0) continue;
      if (Date.now() >= deadline) break;
      await Promise.race([queue.waitForChange(deadline), this.pause(deadline)]);
    }
    return batch;
  }

  private async invoke(batch: ReceivedMessage[]): Promise<void> {
    const event = { Records: batch.map((r) => sqsRecord(r, this.info.eventSourceArn)) };
    this.stats.invocations += 1;
    const result = await invokeFunction(this.info.functionName, event, 'RequestResponse');
    if (result.functionError) {
      this.stats.functionErrors += 1;
      return;
    }
    const reportFailures = this.info.functionResponseTypes.includes('ReportBatchItemFailures');
    const toDelete = settleBatch(batch, result.payload, reportFailures);
    const queue = this.store.byArn(this.info.eventSourceArn);
    if (!queue) return;
    for (const received of toDelete) {
      const handle = decodeReceiptHandle(received.receiptHandle);
      if (!handle) continue;
      try {
        queue.delete(handle, received.receiptHandle);
        this.stats.recordsDeleted += 1;
      } catch (error) {
        // A FIFO handle that expired during a slow invocation: the message comes back, as on AWS.
        if (!(error instanceof AwsError)) throw error;
      }
    }
  }

  private pause(until: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.stopWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, until - Date.now()));
      this.stopWaiters.add(done);
    });
  }
}

/** Applies Lambda's defaults and limits for SQS sources (BatchSize 1–10000; over 10 needs a batching window). */
function validated(input: MappingInput): Omit<MappingInfo, 'stats'> & { pollers: number } {
  const batchSize = input.batchSize ?? 10;
  const window = input.maximumBatchingWindowInSeconds ?? 0;
  if (!input.eventSourceArn?.startsWith('arn:aws:sqs:')) {
    throw new AwsError(
      'InvalidParameterValueException',
      `EventSourceArn must be an SQS queue ARN, got '${input.eventSourceArn}'.`,
    );
  }
  if (!input.functionName) throw new AwsError('InvalidParameterValueException', 'FunctionName is required.');
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
    throw new AwsError(
      'InvalidParameterValueException',
      `BatchSize ${batchSize} must be between 1 and 10000 for an SQS source.`,
    );
  }
  if (!Number.isInteger(window) || window < 0 || window > 300) {
    throw new AwsError(
      'InvalidParameterValueException',
      `MaximumBatchingWindowInSeconds ${window} must be between 0 and 300.`,
    );
  }
  if (batchSize > 10 && window < 1) {
    throw new AwsError(
      'InvalidParameterValueException',
      'Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10',
    );
  }
  const types = input.functionResponseTypes ?? [];
  for (const type of types) {
    if (type !== 'ReportBatchItemFailures') {
      throw new AwsError(
        'InvalidParameterValueException',
        `Unsupported FunctionResponseTypes value '${type}'.`,
      );
    }
  }
  return {
    uuid: input.uuid ?? randomUUID(),
    eventSourceArn: input.eventSourceArn,
    functionName: input.functionName,
    batchSize,
    maximumBatchingWindowInSeconds: window,
    functionResponseTypes: [...types],
    enabled: input.enabled ?? true,
    pollers: input.pollers ?? 5,
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
