import fs from 'node:fs';
import path from 'node:path';
import { DATA_DIR, EDGE_PORT } from './config';
import { DynamoDbEmulator, launchDynamoDbLocal } from './dynamodb';
import { EventBridgeEmulator } from './eventbridge';
import { EventSourceMappings } from './event-source-mappings';
import { registerLambdaService, serviceStarting } from './lambda';
import { abandonAsyncInvocations } from './lambda-async';
import { startOffline } from './offline';
import { MetricsStore, registerMetricsRoutes } from './metrics';
import { registerOutboxRoutes } from './outbox';
import { assertPortsFree, freePort } from './ports';
import {
  composeServices,
  packageService,
  type ComposeService,
  type PackagedService,
} from './provision/services';
import { provisionTemplate, type ProvisionReport } from './provision/provision';
import { seedTables } from './provision/seed';
import { localJson, startEdge, type Edge } from './router';
import { S3Emulator } from './s3';
import { startSes } from './ses';
import { SnsEmulator } from './sns';
import { SqsEmulator } from './sqs';
import { StepFunctionsEmulator } from './stepfunctions';
import { startWebsite } from './website';
import { createConsole, startConsoleServer } from './console';
import { Supervisor } from './supervisor';
import { SsmEmulator } from './ssm';
import { SecretsManagerEmulator } from './secretsmanager';
import { CognitoIssuer, keepKeysAcross } from './cognito';
import { LambdaEmulator, startLambdaPort } from './lambda-api';
import { setFunctionConcurrency } from './concurrency';
import { startHttpGateway } from './http-gateway';
import { Timeline } from './timeline';
import { performance } from 'node:perf_hooks';

export interface LocalCloudOptions {
  /** Start from empty tables and buckets. */
  fresh?: boolean;
  /** Run each service under serverless-offline (false for tests of the emulators alone). */
  offline?: boolean;
  /** Where DynamoDB and S3 keep data; tests use a throw-away folder. */
  dataDir?: string;
  /** DynamoDB Local keeps tables in memory: several times faster, gone at stop (tests, benchmarks). */
  inMemoryTables?: boolean;
  /** The edge port; 0 picks a free one (tests). */
  port?: number;
  /** Services to package and provision; default: every service in serverless-compose.yml. */
  services?: ComposeService[];
  /** Multiplies Wait state durations (0 makes them instant; tests only). */
  waitTimeScale?: number;
  log?: (line: string) => void;
}

export interface LocalCloud {
  endpoint: string;
  edge: Edge;
  services: PackagedService[];
  reports: ProvisionReport[];
  /** URLs of the services' static sites (the billing page). */
  websites: string[];
  /** The child processes (serverless-offline per service, DynamoDB Local), restarted when they die. */
  supervisor: Supervisor;
  /** Where start-up time went. */
  timeline: Timeline;
  emulators: {
    dynamodb: DynamoDbEmulator;
    s3: S3Emulator;
    sqs: SqsEmulator;
    sns: SnsEmulator;
    events: EventBridgeEmulator;
    states: StepFunctionsEmulator;
    eventSourceMappings: EventSourceMappings;
    ssm: SsmEmulator;
    secretsManager: SecretsManagerEmulator;
    cognito: CognitoIssuer;
  };
  stop(): Promise<void>;
}

/** Starts every emulator behind :4566, provisions every compose service's template, then serverless-offline. */
export async function startLocalCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  const log = options.log ?? (() => undefined);
  const dataDir = options.dataDir ?? DATA_DIR;
  const offline = options.offline ?? true;
  const port = options.port ?? EDGE_PORT;
  if (port !== 0) await assertPortsFree({ 'AWS endpoint': port });
  // The local Cognito's signing keys outlive a fresh start, so tokens issued before it still verify.
  if (options.fresh) keepKeysAcross(dataDir, () => fs.rmSync(dataDir, { recursive: true, force: true }));
  fs.mkdirSync(dataDir, { recursive: true });

  const stoppers: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const stopOne of stoppers.reverse()) await stopOne().catch(() => undefined);
    // Last: a schedule can still fire while the services are being stopped, and its retries must not outlive us.
    abandonAsyncInvocations();
  };
  try {
    const timeline = new Timeline();
    timeline.phases.push({ name: 'Node and the local cloud loaded', from: 0, to: performance.now() / 1000 });
    // Each service's serverless-offline starts as soon as that service is packaged: it needs neither the tables
    // nor the other emulators to come up, so it overlaps with DynamoDB Local and provisioning.
    const packaging = (options.services ?? composeServices()).map((service) =>
      timeline.time(`package ${service.key}`, () => packageService(service)),
    );
    const edge = await startEdge({ port });
    stoppers.push(() => edge.close());
    let ready = false;
    const supervisor = new Supervisor((line) => log(line));
    stoppers.push(() => supervisor.stop());
    registerHealthRoute(edge, supervisor, () => ready);
    const functionLogs: string[] = [];
    // The EMF lines functions print are metrics (GET /_local/metrics), as CloudWatch reads them, not log lines.
    const metrics = new MetricsStore();
    registerMetricsRoutes(edge, metrics);

    const startServiceOffline = async (s: PackagedService) => {
      for (const [fn, limit] of Object.entries(s.reservedConcurrency)) setFunctionConcurrency(fn, limit);
      await assertPortsFree(offlinePorts([s]));
      // The local Lambda takes the service's lambdaPort too, so what is invoked there is gated as well.
      const privateLambdaPort = await freePort();
      registerLambdaService(s.name, privateLambdaPort, functionNames(s));
      const lambdaPort = await startLambdaPort(s.offline!.lambdaPort);
      stoppers.push(() => lambdaPort.close());
      // The local API Gateway takes the service's httpPort; serverless-offline serves behind it.
      const privateHttpPort = servesHttp(s) ? await freePort() : undefined;
      if (privateHttpPort) {
        const gateway = await startHttpGateway({
          port: s.offline!.httpPort,
          targetPort: privateHttpPort,
          routes: s.routes,
          allowedOrigins: s.corsOrigins,
          log: (line) => log(`[${s.key}] ${line}`),
        });
        stoppers.push(() => gateway.close());
      }
      const started = timeline.time(`serverless-offline ${s.key}`, () =>
        supervisor.watch(`serverless-offline ${s.key}`, () =>
          startOffline(s.key, s.dir, edge.endpoint, {
            ports: privateHttpPort ? [privateLambdaPort, privateHttpPort] : [privateLambdaPort],
            httpPort: privateHttpPort,
            lambdaPort: privateLambdaPort,
            sourceHash: s.sourceHash,
            log: (line) => {
              if (metrics.take(line)) return;
              functionLogs.push(line);
              if (functionLogs.length > 50_000) functionLogs.splice(0, 10_000);
              log(line);
            },
          }),
        ),
      );
      serviceStarting(s.name, started);
      await started;
    };
    const offlineStarted = Promise.all(
      packaging.map(async (packaged) => {
        const s = await packaged;
        if (!s.offline) return;
        if (offline) await startServiceOffline(s);
        else registerLambdaService(s.name, s.offline.lambdaPort, functionNames(s));
      }),
    );
    // Awaited after provisioning; a failure is thrown there, not as an unhandled rejection meanwhile.
    offlineStarted.catch(() => undefined);

    const dynamodbPort = await freePort();
    const dynamodbDir = options.inMemoryTables ? undefined : path.join(dataDir, 'dynamodb');
    let services: PackagedService[] = [];
    const [, s3, ses] = await Promise.all([
      timeline.time('DynamoDB Local', () =>
        supervisor.watch(
          'DynamoDB Local',
          () => launchDynamoDbLocal({ port: dynamodbPort, dataDir: dynamodbDir }),
          // In-memory tables die with the process: create them (and their seed items) again.
          dynamodbDir ? undefined : () => restoreTables(edge.endpoint, services),
        ),
      ),
      S3Emulator.start({ port: await freePort(), dataDir: path.join(dataDir, 's3') }),
      startSes({ port: 0 }),
    ]);
    const dynamodb = new DynamoDbEmulator(dynamodbPort);
    const sqs = new SqsEmulator({ endpoint: edge.endpoint });
    const sns = new SnsEmulator({ endpoint: edge.endpoint });
    const events = new EventBridgeEmulator({
      endpoint: edge.endpoint,
      sendToQueue: (queueName, message) =>
        void sqs.store.get(queueName).send({ ...message, messageAttributes: {} }),
    });
    const states = new StepFunctionsEmulator({
      endpoint: edge.endpoint,
      waitTimeScale: options.waitTimeScale,
    });
    const ssm = new SsmEmulator();
    const secretsManager = new SecretsManagerEmulator();
    const cognito = new CognitoIssuer({ endpoint: edge.endpoint, dataDir, route: edge.route, log });
    const eventSourceMappings = new EventSourceMappings(sqs);
    stoppers.push(() => eventSourceMappings.close());
    for (const emulator of [dynamodb, s3, ses, sqs, sns, events, states, ssm, secretsManager])
      edge.add(emulator);
    edge.add(new LambdaEmulator());
    registerOutboxRoutes(edge, { sns, ses });
    registerInspectionRoutes(edge, events, functionLogs);
    log(
      `AWS endpoint ${edge.endpoint} (DynamoDB Local, s3rver, SES, SQS, SNS, EventBridge, Step Functions, ` +
        'SSM Parameter Store, Secrets Manager, Lambda Invoke, Cognito /oauth2/token)',
    );

    services = await Promise.all(packaging);
    const reports: ProvisionReport[] = [];
    await timeline.time('provision every template', async () => {
      for (const service of services) {
        const report = await provisionTemplate(service.stack, service.template, {
          endpoint: edge.endpoint,
          s3,
          eventSourceMappings,
          parameters: ssm,
          secrets: secretsManager,
          cognito,
        });
        reports.push(report);
        log(describeReport(report, service.reused));
        if (service.seeds)
          log(`  seeded ${await seedTables(edge.endpoint, service.dir, service.seeds)} items`);
      }
    });
    await offlineStarted;

    const websites: string[] = [];
    // The local console: under /console of the billing page's server, and on PAYFLOW_CONSOLE_PORT when set.
    const localConsole = createConsole({ endpoint: edge.endpoint, sqs, events, sns, ses, functionLogs });
    stoppers.push(() => localConsole.close());
    if (offline) {
      for (const service of services.filter((s) => s.website)) {
        const site = await startWebsite(service.dir, service.website!, localConsole.handle);
        stoppers.push(() => site.close());
        websites.push(site.url);
      }
    }
    if (process.env.PAYFLOW_CONSOLE_PORT) {
      const consoleSite = await startConsoleServer(localConsole, Number(process.env.PAYFLOW_CONSOLE_PORT));
      stoppers.push(() => consoleSite.close());
    }
    ready = true;

    return {
      endpoint: edge.endpoint,
      edge,
      services,
      reports,
      websites,
      supervisor,
      timeline,
      emulators: {
        dynamodb,
        s3,
        sqs,
        sns,
        events,
        states,
        eventSourceMappings,
        ssm,
        secretsManager,
        cognito,
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** 200 and `ready` only when everything is provisioned and every child process runs; otherwise who is down and why. */
function registerHealthRoute(edge: Edge, supervisor: Supervisor, isReady: () => boolean): void {
  edge.route('GET', '/_local/health', () => {
    if (!isReady()) return localJson(503, { status: 'starting' });
    const down = supervisor.down();
    if (down.length > 0) return localJson(503, { status: 'degraded', down });
    return localJson(200, { status: 'ready', processes: supervisor.status() });
  });
}

/** Tables (and their seed items) again, after an in-memory DynamoDB Local was restarted. */
async function restoreTables(endpoint: string, services: PackagedService[]): Promise<void> {
  for (const service of services) {
    const tables = Object.fromEntries(
      Object.entries(service.template.Resources).filter(([, r]) => r.Type === 'AWS::DynamoDB::Table'),
    );
    if (Object.keys(tables).length === 0) continue;
    await provisionTemplate(
      service.stack,
      { Resources: tables },
      {
        endpoint,
        s3: { setLambdaNotifications: () => undefined },
        eventSourceMappings: { create: () => undefined },
      },
    );
    if (service.seeds) await seedTables(endpoint, service.dir, service.seeds);
  }
}

/** What a test or a person inspects: every event the audit rule logged, and what the functions printed. */
function registerInspectionRoutes(edge: Edge, events: EventBridgeEmulator, functionLogs: string[]): void {
  edge.route('GET', '/_local/events', () =>
    localJson(
      200,
      events.logs.map((record) => JSON.parse(record.message)),
    ),
  );
  edge.route('GET', '/_local/logs', () => ({
    status: 200,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
    body: functionLogs.join('\n'),
  }));
}

/** The names its template gives its functions (serverless-offline serves the same); undefined if not literal. */
function functionNames(service: PackagedService): string[] | undefined {
  const names = Object.values(service.template.Resources)
    .filter((r) => r.Type === 'AWS::Lambda::Function')
    .map((r) => r.Properties?.FunctionName);
  return names.every((n) => typeof n === 'string') ? (names as string[]) : undefined;
}

/** True when the service has HTTP events (serverless-offline opens its HTTP port only then). */
export function servesHttp(service: PackagedService): boolean {
  return Object.values(service.template.Resources).some((r) => r.Type.startsWith('AWS::ApiGateway'));
}

function offlinePorts(services: PackagedService[]): Record<string, number> {
  const ports: Record<string, number> = {};
  for (const { key, offline } of services) {
    if (!offline) continue;
    ports[`${key} HTTP`] = offline.httpPort;
    ports[`${key} Lambda`] = offline.lambdaPort;
  }
  for (const { key, website } of services) if (website) ports[`${key} web page`] = website.port;
  return ports;
}

function describeReport(report: ProvisionReport, reused: boolean): string {
  const skipped = new Map<string, string>();
  for (const s of report.skipped) skipped.set(s.type, s.why);
  const lines = [
    `${report.stack}: ${report.created.length} resources${reused ? ' (package unchanged, reused)' : ''}`,
    ...[...skipped].map(([type, why]) => `  skipped ${type}: ${why}`),
  ];
  return lines.join('\n');
}
