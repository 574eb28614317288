/**
 * Nothing lost on failure, read from what `osls package --stage prod` of every service would deploy: every function
 * invoked asynchronously (by S3, an EventBridge rule or schedule, SNS) ends an event it failed on in an SQS queue
 * (an on-failure destination, or its DeadLetterConfig) its role may send to, with its retries and event age set;
 * every rule target has a RetryPolicy and a DeadLetterConfig queue whose policy lets that rule, and only through
 * events.amazonaws.com, send to it; every such queue is encrypted and keeps messages 14 days.
 */
import type { CfnResource, CfnTemplate } from './cfn-spec';
import { packagedTemplates, services } from './packaged';

type Template = Pick<CfnTemplate, 'Resources'>;
type Resources = Template['Resources'];

/** Services that invoke a function asynchronously through a resource policy (AWS::Lambda::Permission). */
const ASYNC_PRINCIPALS = new Set([
  's3.amazonaws.com',
  'events.amazonaws.com',
  'sns.amazonaws.com',
  'ses.amazonaws.com',
  'logs.amazonaws.com',
  'iot.amazonaws.com',
  'lambda.alarms.cloudwatch.amazonaws.com',
]);
const FOURTEEN_DAYS = 1_209_600;

let templates: Record<string, CfnTemplate>;
beforeAll(async () => {
  templates = await packagedTemplates('prod');
});

describe.each(services)('the packaged %s service (stage prod), on failure', (name) => {
  it('sends every event an asynchronously invoked function failed on to a queue (on-failure or DLQ)', () => {
    expect(asyncFunctionProblems(templates[name]!)).toEqual([]);
  });

  it('gives every rule target a RetryPolicy and a DeadLetterConfig queue only that rule may send to', () => {
    expect(ruleTargetProblems(templates[name]!)).toEqual([]);
  });

  it('encrypts every queue failures go to, and keeps its messages 14 days', () => {
    expect(failureQueueProblems(templates[name]!)).toEqual([]);
  });
});

it('finds the asynchronous paths the services have (the check is not vacuous)', () => {
  const found = (name: string) => [
    ...asyncInvokedFunctions(templates[name]!.Resources),
    ...ruleTargets(templates[name]!.Resources).map(({ ruleId, target }) => `${ruleId}/${target.Id}`),
  ];
  // At least these (a service may add more; the tests above hold them to the same rules).
  const known: Record<string, string[]> = {
    'billing-ingest': ['IngestBillsFileLambdaFunction'],
    checkout: ['CompletePaymentTaskLambdaFunction', 'PaymentResultsRule/completePaymentTask'],
    payments: [
      'ReconcilePaymentsLambdaFunction',
      'RefundRequestedRule/refund-requests-queue',
      'OrderOutcomesRule/order-outcomes-queue',
    ],
    notification: ['InvoiceDueRule/reminders-queue', 'OrderOutcomeRule/notifications-queue'],
    'event-bus': ['AuditRule/audit-log'],
  };
  for (const [name] of services) expect(found(name)).toEqual(expect.arrayContaining(known[name]!));
});

describe('the check itself', () => {
  const queue = (properties: Record<string, unknown> = {}): CfnResource => ({
    Type: 'AWS::SQS::Queue',
    Properties: { SqsManagedSseEnabled: true, MessageRetentionPeriod: FOURTEEN_DAYS, ...properties },
  });
  const sendTo = (queueId: string) => ({
    Effect: 'Allow',
    Action: ['sqs:SendMessage'],
    Resource: [{ 'Fn::GetAtt': [queueId, 'Arn'] }],
  });
  /** A function S3 invokes, its role allowed to send to FailuresQueue, and that queue. */
  const s3Triggered = (extra: Resources = {}, statements: unknown[] = [sendTo('FailuresQueue')]) => ({
    Resources: {
      FnLambdaFunction: {
        Type: 'AWS::Lambda::Function',
        Properties: { Role: { 'Fn::GetAtt': ['FnRole', 'Arn'] } },
      },
      FnRole: {
        Type: 'AWS::IAM::Role',
        Properties: { Policies: [{ PolicyDocument: { Statement: statements } }] },
      },
      Bucket: {
        Type: 'AWS::S3::Bucket',
        Properties: {
          NotificationConfiguration: {
            LambdaConfigurations: [
              { Event: 's3:ObjectCreated:*', Function: { 'Fn::GetAtt': ['FnLambdaFunction', 'Arn'] } },
            ],
          },
        },
      },
      FailuresQueue: queue(),
      ...extra,
    },
  });
  const invokeConfig = (properties: Record<string, unknown>): CfnResource => ({
    Type: 'AWS::Lambda::EventInvokeConfig',
    Properties: { FunctionName: { Ref: 'FnLambdaFunction' }, Qualifier: '$LATEST', ...properties },
  });
  const onFailure = { OnFailure: { Destination: { 'Fn::GetAtt': ['FailuresQueue', 'Arn'] } } };

  it('flags a function S3 invokes with no on-failure destination or DLQ', () => {
    expect(asyncFunctionProblems(s3Triggered())).toEqual([
      'FnLambdaFunction: invoked asynchronously, but no on-failure destination or DeadLetterConfig',
    ]);
    expect(
      asyncFunctionProblems(
        s3Triggered({
          FnLambdaFunctionEvConf: invokeConfig({ MaximumRetryAttempts: 2, DestinationConfig: {} }),
        }),
      ),
    ).toEqual([
      'FnLambdaFunction: invoked asynchronously, but no on-failure destination or DeadLetterConfig',
    ]);
  });

  it('flags retries or event age left to the defaults, and a destination the role may not send to', () => {
    expect(
      asyncFunctionProblems(
        s3Triggered({ FnLambdaFunctionEvConf: invokeConfig({ DestinationConfig: onFailure }) }),
      ),
    ).toEqual([
      'FnLambdaFunctionEvConf: MaximumRetryAttempts not set',
      'FnLambdaFunctionEvConf: MaximumEventAgeInSeconds not set',
    ]);
    const complete = {
      FnLambdaFunctionEvConf: invokeConfig({
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: 21600,
        DestinationConfig: onFailure,
      }),
    };
    expect(asyncFunctionProblems(s3Triggered(complete, []))).toEqual([
      'FnLambdaFunction: its role may not sqs:SendMessage to FailuresQueue',
    ]);
    expect(asyncFunctionProblems(s3Triggered(complete))).toEqual([]);
  });

  it("accepts the function's own DeadLetterConfig, and finds functions through their invoke permission", () => {
    const template = s3Triggered({
      Permission: {
        Type: 'AWS::Lambda::Permission',
        Properties: { FunctionName: { Ref: 'OtherLambdaFunction' }, Principal: 'sns.amazonaws.com' },
      },
      OtherLambdaFunction: {
        Type: 'AWS::Lambda::Function',
        Properties: {
          Role: { 'Fn::GetAtt': ['FnRole', 'Arn'] },
          DeadLetterConfig: { TargetArn: { 'Fn::GetAtt': ['FailuresQueue', 'Arn'] } },
        },
      },
    });
    expect(asyncInvokedFunctions(template.Resources).sort()).toEqual([
      'FnLambdaFunction',
      'OtherLambdaFunction',
    ]);
    expect(asyncFunctionProblems(template)).toEqual([
      'FnLambdaFunction: invoked asynchronously, but no on-failure destination or DeadLetterConfig',
    ]);
  });

  const rule = (target: Record<string, unknown>): CfnResource => ({
    Type: 'AWS::Events::Rule',
    Properties: {
      Name: 'payflow-prod-something',
      Targets: [{ Id: 'target', Arn: { 'Fn::GetAtt': ['TargetQueue', 'Arn'] }, ...target }],
    },
  });
  const policy = (sourceArn: unknown): CfnResource => ({
    Type: 'AWS::SQS::QueuePolicy',
    Properties: {
      Queues: [{ Ref: 'RuleDeadLetterQueue' }],
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sqs:SendMessage',
            Resource: { 'Fn::GetAtt': ['RuleDeadLetterQueue', 'Arn'] },
            Condition: { ArnEquals: { 'aws:SourceArn': sourceArn } },
          },
        ],
      },
    },
  });
  const retryPolicy = { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 };
  const deadLetterConfig = { Arn: { 'Fn::GetAtt': ['RuleDeadLetterQueue', 'Arn'] } };

  it('flags a rule target without a DeadLetterConfig or a RetryPolicy', () => {
    expect(ruleTargetProblems({ Resources: { Rule: rule({ RetryPolicy: retryPolicy }) } })).toEqual([
      'Rule target target: no DeadLetterConfig',
    ]);
    expect(
      ruleTargetProblems({
        Resources: {
          Rule: rule({ DeadLetterConfig: deadLetterConfig }),
          RuleDeadLetterQueue: queue(),
          Policy: policy({ 'Fn::GetAtt': ['Rule', 'Arn'] }),
        },
      }),
    ).toEqual(['Rule target target: RetryPolicy must set MaximumRetryAttempts and MaximumEventAgeInSeconds']);
  });

  it("flags a rule DLQ whose policy does not let the rule send to it, and accepts the rule's ARN by name", () => {
    const withPolicy = (sourceArn: unknown) => ({
      Resources: {
        Rule: rule({ RetryPolicy: retryPolicy, DeadLetterConfig: deadLetterConfig }),
        RuleDeadLetterQueue: queue(),
        Policy: policy(sourceArn),
      },
    });
    const problem =
      'Rule target target: no queue policy lets events.amazonaws.com send to RuleDeadLetterQueue for this rule';
    expect(
      ruleTargetProblems({
        Resources: {
          Rule: rule({ RetryPolicy: retryPolicy, DeadLetterConfig: deadLetterConfig }),
          RuleDeadLetterQueue: queue(),
        },
      }),
    ).toEqual([problem]);
    expect(ruleTargetProblems(withPolicy({ 'Fn::GetAtt': ['OtherRule', 'Arn'] }))).toEqual([problem]);
    expect(ruleTargetProblems(withPolicy({ 'Fn::GetAtt': ['Rule', 'Arn'] }))).toEqual([]);
    expect(
      ruleTargetProblems(
        withPolicy({
          'Fn::Sub': 'arn:aws:events:${AWS::Region}:${AWS::AccountId}:rule/payflow-prod-something',
        }),
      ),
    ).toEqual([]);
  });

  it('flags a failure queue that is unencrypted or keeps messages less than 14 days', () => {
    const template = (properties: Record<string, unknown>) =>
      s3Triggered({
        FailuresQueue: { Type: 'AWS::SQS::Queue', Properties: properties },
        FnLambdaFunctionEvConf: invokeConfig({ DestinationConfig: onFailure }),
      });
    expect(failureQueueProblems(template({}))).toEqual([
      'FailuresQueue: not encrypted',
      'FailuresQueue: keeps messages undefined s, not 14 days',
    ]);
    expect(
      failureQueueProblems(template({ SqsManagedSseEnabled: true, MessageRetentionPeriod: FOURTEEN_DAYS })),
    ).toEqual([]);
  });
});

/** The logical id a `Ref`, a `Fn::GetAtt [id, Arn]` or a plain id names. */
function idOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  const v = value as { Ref?: unknown; 'Fn::GetAtt'?: unknown } | undefined;
  if (typeof v?.Ref === 'string') return v.Ref;
  const getAtt = v?.['Fn::GetAtt'];
  return Array.isArray(getAtt) && getAtt[1] === 'Arn' ? String(getAtt[0]) : undefined;
}

const ofType = (resources: Resources, type: string): Array<[string, CfnResource]> =>
  Object.entries(resources).filter(([, r]) => r.Type === type);

/** Functions of the template that S3, an EventBridge rule, SNS (or another async caller) invokes. */
function asyncInvokedFunctions(resources: Resources): string[] {
  const named = new Set<string>();
  for (const [, bucket] of ofType(resources, 'AWS::S3::Bucket')) {
    const notifications = bucket.Properties?.NotificationConfiguration as
      { LambdaConfigurations?: Array<{ Function: unknown }> } | undefined;
    for (const c of notifications?.LambdaConfigurations ?? []) named.add(idOf(c.Function) ?? '');
  }
  for (const [, rule] of ofType(resources, 'AWS::Events::Rule')) {
    for (const t of (rule.Properties?.Targets ?? []) as Array<{ Arn: unknown }>) named.add(idOf(t.Arn) ?? '');
  }
  for (const [, subscription] of ofType(resources, 'AWS::SNS::Subscription')) {
    if (subscription.Properties?.Protocol === 'lambda')
      named.add(idOf(subscription.Properties.Endpoint) ?? '');
  }
  for (const [, permission] of ofType(resources, 'AWS::Lambda::Permission')) {
    if (ASYNC_PRINCIPALS.has(String(permission.Properties?.Principal)))
      named.add(idOf(permission.Properties?.FunctionName) ?? '');
  }
  return [...named].filter((id) => resources[id]?.Type === 'AWS::Lambda::Function');
}

/** The queue (logical id) an ARN names, when it is one of the template's SQS queues. */
function queueOf(resources: Resources, arn: unknown): string | undefined {
  const id = idOf(arn);
  return id && resources[id]?.Type === 'AWS::SQS::Queue' ? id : undefined;
}

function asyncFunctionProblems(template: Template): string[] {
  const resources = template.Resources;
  const problems: string[] = [];
  for (const fn of asyncInvokedFunctions(resources)) {
    const configs = ofType(resources, 'AWS::Lambda::EventInvokeConfig').filter(
      ([, c]) => idOf(c.Properties?.FunctionName) === fn,
    );
    const destinations: string[] = [];
    let declared = false;
    for (const [configId, config] of configs) {
      const p = config.Properties ?? {};
      const destination = (p.DestinationConfig as { OnFailure?: { Destination?: unknown } } | undefined)
        ?.OnFailure?.Destination;
      if (destination === undefined) continue;
      declared = true;
      const queue = queueOf(resources, destination);
      if (!queue) problems.push(`${configId}: on-failure destination is not an SQS queue of this stack`);
      else destinations.push(queue);
      if (p.MaximumRetryAttempts === undefined) problems.push(`${configId}: MaximumRetryAttempts not set`);
      if (p.MaximumEventAgeInSeconds === undefined)
        problems.push(`${configId}: MaximumEventAgeInSeconds not set`);
    }
    const deadLetter = (resources[fn]!.Properties?.DeadLetterConfig as { TargetArn?: unknown } | undefined)
      ?.TargetArn;
    if (deadLetter !== undefined) {
      declared = true;
      const queue = queueOf(resources, deadLetter);
      if (!queue) problems.push(`${fn}: DeadLetterConfig is not an SQS queue of this stack`);
      else destinations.push(queue);
    }
    if (!declared) {
      problems.push(`${fn}: invoked asynchronously, but no on-failure destination or DeadLetterConfig`);
    }
    // Lambda sends to either with the function's execution role: without the grant the event is dropped.
    const role = idOf(resources[fn]!.Properties?.Role);
    for (const queue of destinations) {
      if (!roleMaySend(role ? resources[role] : undefined, queue)) {
        problems.push(`${fn}: its role may not sqs:SendMessage to ${queue}`);
      }
    }
  }
  return problems;
}

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
  Principal?: { Service?: string | string[] };
  Condition?: Record<string, Record<string, unknown>>;
}

function roleMaySend(role: CfnResource | undefined, queue: string): boolean {
  const statements = (
    (role?.Properties?.Policies ?? []) as Array<{ PolicyDocument: { Statement: Statement[] } }>
  ).flatMap((policy) => policy.PolicyDocument.Statement);
  return statements.some(
    (s) =>
      s.Effect === 'Allow' &&
      ([] as string[]).concat(s.Action).includes('sqs:SendMessage') &&
      ([] as unknown[]).concat(s.Resource ?? []).some((r) => idOf(r) === queue),
  );
}

/** Every target of every rule, by rule. */
function ruleTargets(resources: Resources): Array<{
  ruleId: string;
  rule: CfnResource;
  target: { Id: string; RetryPolicy?: Record<string, unknown>; DeadLetterConfig?: { Arn?: unknown } };
}> {
  return ofType(resources, 'AWS::Events::Rule').flatMap(([ruleId, rule]) =>
    ((rule.Properties?.Targets ?? []) as Array<{ Id: string }>).map((target) => ({ ruleId, rule, target })),
  );
}

function ruleTargetProblems(template: Template): string[] {
  const resources = template.Resources;
  const problems: string[] = [];
  for (const { ruleId, rule, target } of ruleTargets(resources)) {
    const where = `${ruleId} target ${target.Id}`;
    const retry = target.RetryPolicy;
    if (retry?.MaximumRetryAttempts === undefined || retry.MaximumEventAgeInSeconds === undefined) {
      problems.push(`${where}: RetryPolicy must set MaximumRetryAttempts and MaximumEventAgeInSeconds`);
    }
    if (target.DeadLetterConfig === undefined) {
      problems.push(`${where}: no DeadLetterConfig`);
      continue;
    }
    const queue = queueOf(resources, target.DeadLetterConfig.Arn);
    if (!queue) {
      problems.push(`${where}: DeadLetterConfig is not an SQS queue of this stack`);
      continue;
    }
    if (!rulesMaySend(resources, queue, ruleId, rule)) {
      problems.push(`${where}: no queue policy lets events.amazonaws.com send to ${queue} for this rule`);
    }
  }
  return problems;
}

/** A queue policy on the queue lets events.amazonaws.com send to it for this rule's ARN (by GetAtt or by name). */
function rulesMaySend(resources: Resources, queue: string, ruleId: string, rule: CfnResource): boolean {
  const ruleArnByName = `:rule/${String(rule.Properties?.Name)}`;
  const namesRule = (arn: unknown) => {
    if (idOf(arn) === ruleId) return true;
    const sub = (arn as { 'Fn::Sub'?: unknown } | undefined)?.['Fn::Sub'];
    return typeof sub === 'string' && sub.endsWith(ruleArnByName);
  };
  return ofType(resources, 'AWS::SQS::QueuePolicy').some(([, policy]) => {
    const queues = (policy.Properties?.Queues ?? []) as unknown[];
    if (!queues.some((q) => idOf(q) === queue)) return false;
    const document = policy.Properties?.PolicyDocument as { Statement: Statement[] };
    return document.Statement.some(
      (s) =>
        s.Effect === 'Allow' &&
        ([] as string[]).concat(s.Principal?.Service ?? []).includes('events.amazonaws.com') &&
        ([] as string[]).concat(s.Action).includes('sqs:SendMessage') &&
        ([] as unknown[]).concat(s.Resource ?? []).some((r) => idOf(r) === queue) &&
        ([] as unknown[]).concat(s.Condition?.ArnEquals?.['aws:SourceArn'] ?? []).some(namesRule),
    );
  });
}

/** Queues that take failures: on-failure destinations, functions' and rule targets' dead-letter queues. */
function failureQueueProblems(template: Template): string[] {
  const resources = template.Resources;
  const queues = new Set<string>();
  for (const [, config] of ofType(resources, 'AWS::Lambda::EventInvokeConfig')) {
    const p = config.Properties?.DestinationConfig as { OnFailure?: { Destination?: unknown } } | undefined;
    queues.add(queueOf(resources, p?.OnFailure?.Destination) ?? '');
  }
  for (const [, fn] of ofType(resources, 'AWS::Lambda::Function')) {
    const p = fn.Properties?.DeadLetterConfig as { TargetArn?: unknown } | undefined;
    queues.add(queueOf(resources, p?.TargetArn) ?? '');
  }
  for (const { target } of ruleTargets(resources))
    queues.add(queueOf(resources, target.DeadLetterConfig?.Arn) ?? '');
  queues.delete('');
  return [...queues].flatMap((id) => {
    const p = resources[id]!.Properties ?? {};
    return [
      ...(p.SqsManagedSseEnabled === true || p.KmsMasterKeyId ? [] : [`${id}: not encrypted`]),
      ...(p.MessageRetentionPeriod === FOURTEEN_DAYS
        ? []
        : [`${id}: keeps messages ${String(p.MessageRetentionPeriod)} s, not 14 days`]),
    ];
  });
}
