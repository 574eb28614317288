/**
 * `npm run bench:local`: the local cloud's own throughput and latency, each beside the raw emulator call it
 * rests on, measured in the same run. Functions run in-process so the figures are the emulators', not Lambda's.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CreateStateMachineCommand,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { CreateQueueCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startLocalCloud, type LocalCloud } from '../src';
import { registerInProcessFunction } from '../src/lambda';
import { percentile, printTable, type BenchRow } from './stats';

const EVENTS = 1_000;
const EXECUTIONS = 200;
const credentials = { accessKeyId: 'bench', secretAccessKey: 'bench' };

export default async function benchLocalCloud(
  log: (line: string) => void = console.log,
): Promise<BenchRow[]> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'payflow-bench-'));
  const cloud = await startLocalCloud({
    port: 0,
    dataDir,
    services: [],
    offline: false,
    inMemoryTables: true,
    waitTimeScale: 0,
  });
  try {
    const rows: BenchRow[] = [];
    const config = { endpoint: cloud.endpoint, region: 'us-east-1', credentials };
    const sqs = new SQSClient(config);
    const events = new EventBridgeClient(config);
    const sfn = new SFNClient(config);

    log(`bench: ${EVENTS} messages SQS -> Lambda (raw)`);
    const raw = await measureDelivery(cloud, sqs, 'raw', async (ids, sentAt) => {
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'bench-raw' }));
      await inBatches(ids, async (batch) => {
        const now = Date.now();
        for (const id of batch) sentAt.set(id, now);
        await sqs.send(
          new SendMessageBatchCommand({
            QueueUrl,
            Entries: batch.map((id) => ({ Id: id, MessageBody: JSON.stringify({ detail: { id } }) })),
          }),
        );
      });
    });
    log(`bench: ${EVENTS} events PutEvents -> rule -> SQS -> Lambda`);
    const pipeline = await measureDelivery(cloud, sqs, 'pipeline', async (ids, sentAt) => {
      await events.send(new CreateEventBusCommand({ Name: 'bench' }));
      await events.send(
        new PutRuleCommand({ Name: 'all', EventBusName: 'bench', EventPattern: '{"source":["bench"]}' }),
      );
      await events.send(
        new PutTargetsCommand({
          Rule: 'all',
          EventBusName: 'bench',
          Targets: [{ Id: 'q', Arn: 'arn:aws:sqs:us-east-1:000000000000:bench-pipeline' }],
        }),
      );
      await inBatches(ids, async (batch) => {
        const now = Date.now();
        for (const id of batch) sentAt.set(id, now);
        await events.send(
          new PutEventsCommand({
            Entries: batch.map((id) => ({
              EventBusName: 'bench',
              Source: 'bench',
              DetailType: 'Tick',
              Detail: JSON.stringify({ id }),
            })),
          }),
        );
      });
    });
    rows.push(
      {
        service: 'local-cloud',
        metric: 'PutEvents->rule->SQS->Lambda throughput',
        value: pipeline.perSecond,
        unit: 'events/s',
        baseline: { metric: 'SQS->Lambda', value: raw.perSecond, unit: 'msgs/s' },
        ratio: pipeline.perSecond / raw.perSecond,
      },
      {
        service: 'local-cloud',
        metric: 'PutEvents->Lambda latency p50',
        value: pipeline.p50,
        unit: 'ms',
        baseline: { metric: 'SQS->Lambda p50', value: raw.p50, unit: 'ms' },
        ratio: pipeline.p50 / raw.p50,
      },
      {
        service: 'local-cloud',
        metric: 'PutEvents->Lambda latency p99',
        value: pipeline.p99,
        unit: 'ms',
        baseline: { metric: 'SQS->Lambda p99', value: raw.p99, unit: 'ms' },
        ratio: pipeline.p99 / raw.p99,
      },
    );

    log(`bench: ${EXECUTIONS} Step Functions executions, one-state vs five-state`);
    registerInProcessFunction('payflow-bench-local-step', async (input) => ({
      ...(input as object),
      checked: true,
    }));
    const onePass = await executionsPerSecond(sfn, 'bench-one', {
      StartAt: 'Done',
      States: { Done: { Type: 'Pass', End: true } },
    });
    const fiveStates = await executionsPerSecond(sfn, 'bench-five', {
      StartAt: 'Prepare',
      States: {
        Prepare: { Type: 'Pass', Result: { amount: 42 }, ResultPath: '$.order', Next: 'Check' },
        Check: {
          Type: 'Task',
          Resource: 'arn:aws:lambda:us-east-1:000000000000:function:payflow-bench-local-step',
          Next: 'Route',
        },
        Route: {
          Type: 'Choice',
          Choices: [{ Variable: '$.checked', BooleanEquals: true, Next: 'Settle' }],
          Default: 'Done',
        },
        Settle: { Type: 'Wait', Seconds: 1, Next: 'Done' },
        Done: { Type: 'Succeed' },
      },
    });
    rows.push({
      service: 'local-cloud',
      metric: 'Step Functions five-state executions',
      value: fiveStates,
      unit: 'exec/s',
      baseline: { metric: 'one-state (Pass)', value: onePass, unit: 'exec/s' },
      ratio: fiveStates / onePass,
    });
    return rows;
  } finally {
    await cloud.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Sends EVENTS messages through `send`, received by an in-process function behind an SQS event source mapping. */
async function measureDelivery(
  cloud: LocalCloud,
  sqs: SQSClient,
  name: string,
  send: (ids: string[], sentAt: Map<string, number>) => Promise<void>,
): Promise<{ perSecond: number; p50: number; p99: number }> {
  const queueName = `bench-${name}`;
  await sqs.send(new CreateQueueCommand({ QueueName: queueName }));
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let done!: () => void;
  const allReceived = new Promise<void>((resolve) => (done = resolve));
  registerInProcessFunction(`payflow-bench-local-${name}`, async (event) => {
    const now = Date.now();
    for (const record of (event as { Records: Array<{ body: string }> }).Records) {
      const id = (JSON.parse(record.body) as { detail: { id: string } }).detail.id;
      latencies.push(now - sentAt.get(id)!);
    }
    if (latencies.length >= EVENTS) done();
  });
  cloud.emulators.eventSourceMappings.create({
    eventSourceArn: `arn:aws:sqs:us-east-1:000000000000:${queueName}`,
    functionName: `payflow-bench-local-${name}`,
    batchSize: 10,
  });
  const ids = Array.from({ length: EVENTS }, (_, i) => `${name}-${i}`);
  const started = Date.now();
  await send(ids, sentAt);
  await allReceived;
  const seconds = (Date.now() - started) / 1000;
  return { perSecond: EVENTS / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

/** Ten per request (the API's limit), eight requests in flight. */
async function inBatches(ids: string[], send: (batch: string[]) => Promise<void>): Promise<void> {
  const batches: string[][] = [];
  for (let i = 0; i < ids.length; i += 10) batches.push(ids.slice(i, i + 10));
  const workers = Array.from({ length: 8 }, async () => {
    for (let batch = batches.shift(); batch; batch = batches.shift()) await send(batch);
  });
  await Promise.all(workers);
}

async function executionsPerSecond(sfn: SFNClient, name: string, definition: object): Promise<number> {
  const { stateMachineArn } = await sfn.send(
    new CreateStateMachineCommand({
      name,
      definition: JSON.stringify(definition),
      roleArn: 'arn:aws:iam::000000000000:role/bench',
    }),
  );
  const started = Date.now();
  const ids = Array.from({ length: EXECUTIONS }, (_, i) => `${i}`);
  await inBatches(ids, async (batch) => {
    await Promise.all(
      batch.map((id) =>
        sfn.send(new StartExecutionCommand({ stateMachineArn, name: `run-${id}`, input: '{}' })),
      ),
    );
  });
  for (;;) {
    const { executions } = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn, statusFilter: 'SUCCEEDED', maxResults: 1000 }),
    );
    if ((executions?.length ?? 0) >= EXECUTIONS) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  return EXECUTIONS / ((Date.now() - started) / 1000);
}

if (require.main === module) {
  benchLocalCloud()
    .then((rows) => printTable(rows))
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
