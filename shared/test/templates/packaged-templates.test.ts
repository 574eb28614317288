/**
 * What `osls package --stage prod` of every service would deploy, read as an operator would before the first
 * deploy: valid against the CloudFormation resource specification, a valid state machine, traced, watched by
 * alarms, free of benchmark resources; and a missing required setting stops the packaging, saying how to set it.
 */
import { execFile } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import aslValidator from 'asl-validator';
import { validateTemplate, type CfnResource, type CfnTemplate } from './cfn-spec';
import { PROD_SETTINGS, ROOT, SERVERLESS, environmentWithout, packagedTemplates, services } from './packaged';

const run = promisify(execFile);

let prod: Record<string, CfnTemplate>;
beforeAll(async () => {
  prod = await packagedTemplates('prod');
});
const template = (name: string): CfnTemplate => prod[name]!;

const ofType = (template: CfnTemplate, type: string): Array<[string, CfnResource]> =>
  Object.entries(template.Resources).filter(([, r]) => r.Type === type);
const alarmsOn = (template: CfnTemplate, metric: string, dimension: string, value: unknown) =>
  ofType(template, 'AWS::CloudWatch::Alarm').filter(([, alarm]) => {
    const p = alarm.Properties ?? {};
    const metrics = [
      p,
      ...((p.Metrics as Array<{ MetricStat?: { Metric: object } }>) ?? []).map((m) => m.MetricStat?.Metric),
    ];
    return metrics.some(
      (m) =>
        (m as { MetricName?: string })?.MetricName === metric &&
        ((m as { Dimensions?: Array<{ Name: string; Value: unknown }> }).Dimensions ?? []).some(
          (d) => d.Name === dimension && JSON.stringify(d.Value) === JSON.stringify(value),
        ),
    );
  });
const alarmTopic = { 'Fn::Sub': 'arn:aws:sns:${AWS::Region}:${AWS::AccountId}:payflow-prod-alarms' };

describe.each(services)('the packaged %s service (stage prod)', (name) => {
  it('is valid against the CloudFormation resource specification', () => {
    expect(validateTemplate(template(name))).toEqual([]);
  });

  it('traces every function with X-Ray', () => {
    const untraced = ofType(template(name), 'AWS::Lambda::Function')
      .filter(([, fn]) => (fn.Properties?.TracingConfig as { Mode?: string })?.Mode !== 'Active')
      .map(([id]) => id);
    expect(untraced).toEqual([]);
  });

  it('alarms on errors and throttles of every function, to the alarm topic', () => {
    const unwatched = ofType(template(name), 'AWS::Lambda::Function').flatMap(([id]) =>
      ['Errors', 'Throttles']
        .filter((metric) => alarmsOn(template(name), metric, 'FunctionName', { Ref: id }).length !== 1)
        .map((metric) => `${id} ${metric}`),
    );
    expect(unwatched).toEqual([]);
    for (const [, alarm] of ofType(template(name), 'AWS::CloudWatch::Alarm')) {
      expect(alarm.Properties?.AlarmActions).toEqual([alarmTopic]);
    }
  });

  it('alarms when any dead-letter queue holds a message (ApproximateNumberOfMessagesVisible > 0)', () => {
    const resources = template(name).Resources;
    const deadLetterQueues = new Set<string>();
    const json = JSON.stringify(resources);
    for (const [id, queue] of ofType(template(name), 'AWS::SQS::Queue')) {
      // By name, and by use: a redrive target, a rule target's DeadLetterConfig, a function's on-failure destination.
      const used =
        json.includes(`"deadLetterTargetArn":{"Fn::GetAtt":["${id}","Arn"]}`) ||
        json.includes(`"DeadLetterConfig":{"Arn":{"Fn::GetAtt":["${id}","Arn"]}}`) ||
        json.includes(`"OnFailure":{"Destination":{"Fn::GetAtt":["${id}","Arn"]}}`);
      if (used || String(queue.Properties?.QueueName).endsWith('-dlq')) deadLetterQueues.add(id);
    }
    const unwatched = [...deadLetterQueues].filter((id) => {
      const alarms = alarmsOn(template(name), 'ApproximateNumberOfMessagesVisible', 'QueueName', {
        'Fn::GetAtt': [id, 'QueueName'],
      });
      return !alarms.some(
        ([, a]) =>
          a.Properties?.Threshold === 0 && a.Properties?.ComparisonOperator === 'GreaterThanThreshold',
      );
    });
    expect(unwatched).toEqual([]);
  });

  it('alarms on the 5xx rate of its HTTP API', () => {
    for (const [id] of ofType(template(name), 'AWS::ApiGatewayV2::Api')) {
      expect(alarmsOn(template(name), '5xx', 'ApiId', { Ref: id })).toHaveLength(1);
    }
  });

  it('carries no benchmark resource', () => {
    expect(Object.keys(template(name).Resources).filter((id) => /bench/i.test(id))).toEqual([]);
  });

  it("carries none of the local stage's values (keys, localhost, the local account)", () => {
    const text = JSON.stringify(template(name));
    const leaks = [
      'localhost',
      'local-fingerprint-key',
      'local-pay-link-key',
      'local-simulator-key',
      '000000000000',
    ];
    expect(leaks.filter((value) => text.includes(value))).toEqual([]);
  });

  it('sets no environment variable to an empty string', () => {
    const empty = ofType(template(name), 'AWS::Lambda::Function').flatMap(([id, fn]) =>
      Object.entries((fn.Properties?.Environment as { Variables?: Record<string, unknown> })?.Variables ?? {})
        .filter(([, value]) => value === '')
        .map(([key]) => `${id} ${key}`),
    );
    expect(empty).toEqual([]);
  });
});

describe('the checkout state machine (stage prod)', () => {
  const machine = () =>
    template('checkout').Resources.CheckoutStateMachine!.Properties as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

  it('is a valid Amazon States Language definition (asl-validator)', () => {
    const [text, variables] = machine().DefinitionString['Fn::Sub'] as [string, Record<string, unknown>];
    // Fn::Sub's ${...} stand for function ARNs and the like: any ARN-shaped value will do for the validator.
    const definition = JSON.parse(
      text.replace(/\$\{([^}]+)\}/g, (_, key: string) =>
        key in variables ? `arn:aws:lambda:eu-west-1:123456789012:function:${key}` : key,
      ),
    ) as object;
    const { isValid, errorsText } = aslValidator(definition);
    expect(isValid ? '' : errorsText('\n')).toBe('');
  });

  it('is traced, and logs errors without execution data (no card data, no task tokens) to its log group', () => {
    expect(machine().TracingConfiguration).toEqual({ Enabled: true });
    expect(machine().LoggingConfiguration).toEqual({
      Level: 'ERROR',
      IncludeExecutionData: false,
      Destinations: [
        {
          CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': ['CheckoutStateMachineLogGroup', 'Arn'] } },
        },
      ],
    });
  });

  it('alarms on failed and timed-out executions', () => {
    for (const metric of ['ExecutionsFailed', 'ExecutionsTimedOut']) {
      expect(
        alarmsOn(template('checkout'), metric, 'StateMachineArn', { Ref: 'CheckoutStateMachine' }),
      ).toHaveLength(1);
    }
  });
});

describe('the event-bus stack (stage prod)', () => {
  it('has the alarm topic, subscribed by the alarm e-mail, and the dashboard', () => {
    const resources = template('event-bus').Resources;
    expect(resources.AlarmTopic?.Properties?.TopicName).toBe('payflow-prod-alarms');
    expect(resources.AlarmEmailSubscription?.Properties).toEqual({
      TopicArn: { Ref: 'AlarmTopic' },
      Protocol: 'email',
      Endpoint: PROD_SETTINGS.PAYFLOW_ALARM_EMAIL,
    });
    expect(ofType(template('event-bus'), 'AWS::CloudWatch::Dashboard')).toHaveLength(1);
  });

  it('has one dashboard whose body is valid JSON showing every metric an operator watches', () => {
    const [[, dashboard]] = ofType(template('event-bus'), 'AWS::CloudWatch::Dashboard') as [
      [string, CfnResource],
    ];
    const body = (dashboard.Properties?.DashboardBody as { 'Fn::Sub': string })['Fn::Sub'];
    // CloudFormation fills in ${AWS::...}; PutDashboard then refuses a body that is not JSON.
    const widgets = (JSON.parse(body.replace(/\$\{AWS::[A-Za-z]+\}/g, 'x')) as { widgets: unknown[] })
      .widgets;
    expect(widgets.length).toBeGreaterThan(5);
    for (const metric of [
      'PaymentsSucceeded',
      'PaymentsDeclined',
      'PaymentAmount',
      'OrdersCompleted',
      'NotificationsSent',
      'NotificationsSkipped',
      'NotificationsFailed',
      'BillsRowsLoaded',
      'BillsRowsRejected',
      'ReconcilerActions',
      'ExecutionsFailed',
      'ApproximateNumberOfMessagesVisible',
      '5xx',
      'Errors',
      'Throttles',
    ]) {
      expect(body).toContain(`"${metric}`);
    }
  });
});

describe('the local stage', () => {
  it("keeps the benchmark's function and queue that prod leaves out", async () => {
    const local = await packagedTemplates('local');
    expect(local.notification!.Resources.BenchQueue?.Type).toBe('AWS::SQS::Queue');
    expect(local.notification!.Resources.BenchSinkLambdaFunction?.Type).toBe('AWS::Lambda::Function');
  });
});

describe('a required setting', () => {
  const packageCheckout = (env: NodeJS.ProcessEnv) =>
    run(
      SERVERLESS,
      ['package', '--stage', 'prod', '--package', path.join(os.tmpdir(), 'payflow-never-written')],
      {
        cwd: path.join(ROOT, 'services', 'checkout'),
        env: { ...env, PAYFLOW_ESBUILD_WORK_FOLDER: `.esbuild-templates-${process.pid}` },
        timeout: 120_000,
      },
    ).then(
      () => 'packaged',
      (error: { stdout?: string; stderr?: string }) => `${error.stdout ?? ''}${error.stderr ?? ''}`,
    );

  it('that is missing stops the packaging, naming it and how to set it', async () => {
    const { PAYMENTS_API_URL: _, ...others } = PROD_SETTINGS;
    const output = await packageCheckout({ ...environmentWithout(), ...others });
    expect(output).toContain('paymentsApiUrl is required for stage prod and not set');
    expect(output).toContain('--param="paymentsApiUrl=https://');
    expect(output).toContain('PAYMENTS_API_URL=https://');
    expect(output).not.toContain('Service packaged');
  });

  it('with the wrong form stops it too', async () => {
    const output = await packageCheckout({
      ...environmentWithout(),
      ...PROD_SETTINGS,
      PAYMENTS_API_URL: 'payments',
    });
    expect(output).toContain('paymentsApiUrl is "payments", which does not look like');
  });

  it('given with --param instead of the environment is taken', async () => {
    const { PAYMENTS_API_URL: url, ...others } = PROD_SETTINGS;
    const output = await run(
      SERVERLESS,
      [
        'print',
        '--stage',
        'prod',
        '--param',
        `paymentsApiUrl=${url}`,
        '--path',
        'custom.paymentsClientEnvironment',
      ],
      {
        cwd: path.join(ROOT, 'services', 'checkout'),
        env: { ...environmentWithout(), ...others },
        timeout: 120_000,
      },
    );
    expect(output.stdout).toContain(`PAYMENTS_API_URL: ${url}`);
  });
});
