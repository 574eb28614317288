/**
 * The template check itself, on a broken template: it must name the resource and the property for an unknown
 * property, a missing required one, a value of the wrong shape, an unknown type and a GetAtt of no attribute.
 */
import { validateTemplate, type CfnTemplate } from './cfn-spec';

const broken: CfnTemplate = {
  Resources: {
    Queue: {
      Type: 'AWS::SQS::Queue',
      Properties: { QueueName: 'orders', VisibiltyTimeout: 30 },
    },
    Function: {
      Type: 'AWS::Lambda::Function',
      Properties: {
        Runtime: 'nodejs22.x',
        Handler: 'index.handler',
        Code: { ZipFile: 'exports.handler = async () => 1' },
        MemorySize: 'lots',
      },
    },
    Topic: { Type: 'AWS::SNS::Topc', Properties: {} },
    Rule: {
      Type: 'AWS::Events::Rule',
      Properties: {
        EventPattern: { source: ['x'] },
        Targets: [{ Arn: { 'Fn::GetAtt': ['Queue', 'Url'] } }],
      },
    },
  },
  Outputs: {
    // What osls makes of a service's own output named like one it generates: the two merged into one object.
    HttpApiUrl: { Value: { 'Fn::Join': ['', ['https://', { Ref: 'Rule' }]], 'Fn::Sub': 'https://${Rule}' } },
  },
};

describe('the CloudFormation template check', () => {
  const problems = validateTemplate(broken);

  it('names an unknown property with its resource', () => {
    expect(problems).toContain(
      'Resources.Queue.Properties.VisibiltyTimeout: unknown property of AWS::SQS::Queue',
    );
  });

  it('names a missing required property with its resource, at the top or nested', () => {
    expect(problems).toContain(
      'Resources.Function.Properties: required property Role of AWS::Lambda::Function is missing',
    );
    expect(problems).toContain(
      'Resources.Rule.Properties.Targets[0]: required property Id of Target is missing',
    );
  });

  it('names a value of the wrong shape', () => {
    expect(problems).toContain(
      'Resources.Function.Properties.MemorySize: expected an integer, got string "lots"',
    );
  });

  it('names an unknown resource type', () => {
    expect(problems).toContain('Resources.Topic: unknown resource type AWS::SNS::Topc');
  });

  it('names a GetAtt of an attribute the type does not have', () => {
    expect(problems).toContain(
      'Resources.Rule.Properties.Targets[0].Arn: Fn::GetAtt Queue.Url: AWS::SQS::Queue has no attribute Url',
    );
  });

  it('names two intrinsic functions merged into one object', () => {
    expect(problems).toContain(
      "Outputs.HttpApiUrl.Value: an intrinsic function must be the object's only key, found Fn::Join, Fn::Sub",
    );
  });

  it('finds nothing else in it', () => {
    expect(problems).toHaveLength(7);
  });

  it('finds nothing wrong in the same resources written correctly', () => {
    const fixed = structuredClone(broken);
    const resources = fixed.Resources;
    resources.Queue!.Properties = { QueueName: 'orders', VisibilityTimeout: 30 };
    resources.Function!.Properties!.Role = 'arn:aws:iam::123456789012:role/fn';
    resources.Function!.Properties!.MemorySize = 512;
    resources.Topic!.Type = 'AWS::SNS::Topic';
    resources.Rule!.Properties!.Targets = [{ Id: 'q', Arn: { 'Fn::GetAtt': ['Queue', 'Arn'] } }];
    fixed.Outputs = { HttpApiUrl: { Value: { 'Fn::Sub': 'https://${Rule}' } } };
    expect(validateTemplate(fixed)).toEqual([]);
  });
});
