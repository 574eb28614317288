/**
 * Reads the IAM that `osls package --stage prod` of every service in serverless-compose.yml would deploy:
 * no wildcard actions, no unscoped resources where AWS allows scoping, one role per function; events put on the
 * bus only as the service's own source; SMS publishing that cannot reach a topic.
 */
import { packagedTemplates, services } from './packaged';
import type { CfnTemplate } from './cfn-spec';

/** Actions AWS only grants on Resource "*" (no resource-level permissions). */
const ACTIONS_WITHOUT_RESOURCES = new Set([
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
  'cloudwatch:PutMetricData',
  'sns:Publish', // publishing an SMS to a phone number has no resource ARN (a Deny must take the topics back out)
  // Account-level reads (the SES send quota and suppression list, SMS opt-outs): no resource type exists for them.
  'ses:GetAccount',
  'ses:GetSuppressedDestination',
  'sns:CheckIfPhoneNumberIsOptedOut',
  // Vended log delivery of the state machine's logging configuration.
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
]);

/** The events:source each service publishes as (shared/src/events). */
const SOURCES: Record<string, string> = {
  payments: 'payflow.payments',
  checkout: 'payflow.checkout',
  'billing-ingest': 'payflow.billing-ingest',
  notification: 'payflow.notification',
};

/** Any SNS topic or platform endpoint: what an SMS-only grant must deny. */
const ANY_SNS_ARN = 'arn:aws:sns:*:*:*';

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}
type Template = Pick<CfnTemplate, 'Resources'>;

let templates: Record<string, CfnTemplate>;
beforeAll(async () => {
  templates = await packagedTemplates('prod');
});
const template = (name: string): CfnTemplate => templates[name]!;

describe.each(services)('IAM of the packaged %s service (stage prod)', (name) => {
  it('grants no wildcard action and no unscoped resource', () => {
    expect(iamProblems(template(name))).toEqual([]);
  });

  it('gives each function a role of its own', () => {
    const roles = Object.entries(template(name).Resources)
      .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
      .map(([id, r]) => [id, JSON.stringify(r.Properties?.Role)] as const);
    const shared = roles.filter(([, role]) => roles.filter(([, other]) => other === role).length > 1);
    expect(shared.map(([id]) => id)).toEqual([]);
  });

  it("puts events on the bus only as the service's own source", () => {
    expect(putEventsProblems(template(name), SOURCES[name])).toEqual([]);
  });

  it('publishes SMS only: every role allowed sns:Publish on "*" denies it on every topic', () => {
    expect(smsProblems(template(name))).toEqual([]);
  });

  it('encrypts every queue', () => {
    const unencrypted = Object.entries(template(name).Resources)
      .filter(([, r]) => r.Type === 'AWS::SQS::Queue')
      .filter(([, r]) => r.Properties?.SqsManagedSseEnabled !== true && !r.Properties?.KmsMasterKeyId)
      .map(([id]) => id);
    expect(unencrypted).toEqual([]);
  });
});

it('the services that publish events are the ones whose sources the check knows', () => {
  const publishing = services
    .map(([name]) => name)
    .filter((name) => allowStatements(template(name)).some((s) => actionsOf(s).includes('events:PutEvents')));
  expect(publishing.sort()).toEqual(Object.keys(SOURCES).sort());
});

describe('the IAM check itself', () => {
  const role = (statements: Statement[]) => ({
    Resources: {
      FnRole: {
        Type: 'AWS::IAM::Role',
        Properties: { Policies: [{ PolicyDocument: { Statement: statements } }] },
      },
    },
  });
  const bus = { 'Fn::Sub': 'arn:aws:events:${AWS::Region}:${AWS::AccountId}:event-bus/payflow-prod' };

  it('flags wildcard actions and unscoped resources, and allows SMS publishing on "*"', () => {
    expect(
      iamProblems(role([{ Effect: 'Allow', Action: 'dynamodb:*', Resource: 'arn:aws:dynamodb:x' }])),
    ).toEqual(['FnRole: wildcard action dynamodb:*']);
    expect(iamProblems(role([{ Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: '*' }]))).toEqual([
      'FnRole: Resource "*" for sqs:SendMessage',
    ]);
    expect(iamProblems(role([{ Effect: 'Allow', Action: 'sns:Publish', Resource: '*' }]))).toEqual([]);
  });

  it("flags events:PutEvents with no events:source condition, or another service's source", () => {
    const put = (Condition?: Statement['Condition']) =>
      role([
        {
          Effect: 'Allow',
          Action: ['events:PutEvents'],
          Resource: [bus],
          ...(Condition ? { Condition } : {}),
        },
      ]);
    const problem =
      'FnRole: events:PutEvents without Condition StringEquals events:source = payflow.payments';
    expect(putEventsProblems(put(), 'payflow.payments')).toEqual([problem]);
    expect(
      putEventsProblems(put({ StringEquals: { 'events:source': 'payflow.checkout' } }), 'payflow.payments'),
    ).toEqual([problem]);
    expect(
      putEventsProblems(put({ StringLike: { 'events:source': 'payflow.*' } }), 'payflow.payments'),
    ).toEqual([problem]);
    expect(
      putEventsProblems(put({ StringEquals: { 'events:source': 'payflow.payments' } }), 'payflow.payments'),
    ).toEqual([]);
  });

  it('flags sns:Publish on "*" unless a Deny takes every topic back out', () => {
    const publish = { Effect: 'Allow', Action: 'sns:Publish', Resource: '*' };
    const problem = `FnRole: sns:Publish on "*" without a Deny of sns:Publish on ${ANY_SNS_ARN}`;
    expect(smsProblems(role([publish]))).toEqual([problem]);
    expect(
      smsProblems(
        role([publish, { Effect: 'Deny', Action: 'sns:Publish', Resource: 'arn:aws:sns:*:*:alarms' }]),
      ),
    ).toEqual([problem]);
    expect(
      smsProblems(role([publish, { Effect: 'Deny', Action: 'sns:Publish', Resource: ANY_SNS_ARN }])),
    ).toEqual([]);
  });
});

function iamProblems(template: Template): string[] {
  const problems: string[] = [];
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    for (const statement of statementsOf(resource).filter((s) => s.Effect === 'Allow')) {
      const actions = actionsOf(statement);
      for (const action of actions) {
        if (action.includes('*')) problems.push(`${logicalId}: wildcard action ${action}`);
      }
      const resources = ([] as unknown[]).concat(statement.Resource ?? []);
      if (resources.includes('*') && !actions.every((a) => ACTIONS_WITHOUT_RESOURCES.has(a))) {
        problems.push(`${logicalId}: Resource "*" for ${actions.join(', ')}`);
      }
    }
  }
  return problems;
}

function putEventsProblems(template: Template, source: string | undefined): string[] {
  const problems: string[] = [];
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    for (const statement of statementsOf(resource).filter((s) => s.Effect === 'Allow')) {
      if (!actionsOf(statement).includes('events:PutEvents')) continue;
      const condition = statement.Condition ?? {};
      const sources = Object.entries(condition)
        .filter(([operator]) => operator === 'StringEquals')
        .map(([, keys]) => keys['events:source']);
      if (sources.length !== 1 || sources[0] !== source) {
        problems.push(
          `${logicalId}: events:PutEvents without Condition StringEquals events:source = ${source}`,
        );
      }
    }
  }
  return problems;
}

function smsProblems(template: Template): string[] {
  const problems: string[] = [];
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    const statements = statementsOf(resource);
    const publishesAnywhere = statements.some(
      (s) =>
        s.Effect === 'Allow' &&
        actionsOf(s).includes('sns:Publish') &&
        ([] as unknown[]).concat(s.Resource ?? []).includes('*'),
    );
    const deniesTopics = statements.some(
      (s) =>
        s.Effect === 'Deny' &&
        actionsOf(s).includes('sns:Publish') &&
        ([] as unknown[]).concat(s.Resource ?? []).includes(ANY_SNS_ARN) &&
        s.Condition === undefined,
    );
    if (publishesAnywhere && !deniesTopics) {
      problems.push(`${logicalId}: sns:Publish on "*" without a Deny of sns:Publish on ${ANY_SNS_ARN}`);
    }
  }
  return problems;
}

function actionsOf(statement: Statement): string[] {
  return ([] as string[]).concat(statement.Action);
}

function allowStatements(template: Template): Statement[] {
  return Object.values(template.Resources)
    .flatMap(statementsOf)
    .filter((s) => s.Effect === 'Allow');
}

function statementsOf(resource: { Type: string; Properties?: Record<string, unknown> }): Statement[] {
  const documents: unknown[] = [];
  if (resource.Type === 'AWS::IAM::Role') {
    for (const policy of (resource.Properties?.Policies ?? []) as Array<{ PolicyDocument: unknown }>) {
      documents.push(policy.PolicyDocument);
    }
  }
  if (resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy') {
    documents.push(resource.Properties?.PolicyDocument);
  }
  return documents.flatMap((d) => (d as { Statement?: Statement[] })?.Statement ?? []);
}
