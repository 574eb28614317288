/**
 * Packages every service in serverless-compose.yml with `osls package` and reads the IAM it would deploy:
 * no wildcard actions, no unscoped resources where AWS allows scoping, one role per function.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import YAML from 'yaml';

const run = promisify(execFile);
const root = path.resolve(__dirname, '..', '..', '..');

/** Actions AWS only grants on Resource "*" (no resource-level permissions). */
const ACTIONS_WITHOUT_RESOURCES = new Set([
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'cloudwatch:PutMetricData',
  'sns:Publish', // publishing an SMS to a phone number has no resource ARN
  // Account-level reads (the SES send quota and suppression list, SMS opt-outs): no resource type exists for them.
  'ses:GetAccount',
  'ses:GetSuppressedDestination',
  'sns:CheckIfPhoneNumberIsOptedOut',
]);

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
}
interface Template {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
}

const services = Object.entries(
  (
    YAML.parse(fs.readFileSync(path.join(root, 'serverless-compose.yml'), 'utf8')) as {
      services: Record<string, { path: string }>;
    }
  ).services,
);

describe.each(services)('IAM of the packaged %s service', (_name, service) => {
  let template: Template;

  beforeAll(async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'payflow-iam-'));
    await run(
      path.join(root, 'node_modules', '.bin', 'serverless'),
      ['package', '--stage', 'iamcheck', '--package', out],
      {
        cwd: path.join(root, service.path),
        // Not the .esbuild folder serverless-offline serves from while the other integration tests run.
        env: { ...process.env, PAYFLOW_ESBUILD_WORK_FOLDER: '.esbuild-iamcheck' },
        timeout: 180_000,
      },
    );
    template = JSON.parse(
      fs.readFileSync(path.join(out, 'cloudformation-template-update-stack.json'), 'utf8'),
    ) as Template;
    fs.rmSync(out, { recursive: true, force: true });
  });

  it('grants no wildcard action and no unscoped resource', () => {
    expect(iamProblems(template)).toEqual([]);
  });

  it('gives each function a role of its own', () => {
    const roles = Object.entries(template.Resources)
      .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
      .map(([id, r]) => [id, JSON.stringify(r.Properties?.Role)] as const);
    const shared = roles.filter(([, role]) => roles.filter(([, other]) => other === role).length > 1);
    expect(shared.map(([id]) => id)).toEqual([]);
  });
});

describe('the IAM check itself', () => {
  it('flags wildcard actions and unscoped resources, and allows SMS publishing on "*"', () => {
    const role = (statements: Statement[]) => ({
      Resources: {
        FnRole: {
          Type: 'AWS::IAM::Role',
          Properties: { Policies: [{ PolicyDocument: { Statement: statements } }] },
        },
      },
    });
    expect(
      iamProblems(role([{ Effect: 'Allow', Action: 'dynamodb:*', Resource: 'arn:aws:dynamodb:x' }])),
    ).toEqual(['FnRole: wildcard action dynamodb:*']);
    expect(iamProblems(role([{ Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: '*' }]))).toEqual([
      'FnRole: Resource "*" for sqs:SendMessage',
    ]);
    expect(iamProblems(role([{ Effect: 'Allow', Action: 'sns:Publish', Resource: '*' }]))).toEqual([]);
  });
});

function iamProblems(template: Template): string[] {
  const problems: string[] = [];
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    for (const statement of allowStatements(resource)) {
      const actions = ([] as string[]).concat(statement.Action);
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

function allowStatements(resource: { Type: string; Properties?: Record<string, unknown> }): Statement[] {
  const documents: unknown[] = [];
  if (resource.Type === 'AWS::IAM::Role') {
    for (const policy of (resource.Properties?.Policies ?? []) as Array<{ PolicyDocument: unknown }>) {
      documents.push(policy.PolicyDocument);
    }
  }
  if (resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy') {
    documents.push(resource.Properties?.PolicyDocument);
  }
  return documents
    .flatMap((d) => (d as { Statement?: Statement[] })?.Statement ?? [])
    .filter((s) => s.Effect === 'Allow');
}
