/**
 * Provisioning fails loudly when an API answers success with a partial failure inside: a target PutTargets
 * refused in its FailedEntries must not leave a rule that silently never delivers there.
 */
import { EventBridgeClient, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { startEdge, type Edge } from '../../../src/router';
import { EventBridgeEmulator } from '../../../src/eventbridge';
import { provisionTemplate } from '../../../src/provision/provision';

let edge: Edge;

beforeAll(async () => {
  edge = await startEdge({ port: 0 });
  edge.add(new EventBridgeEmulator({ endpoint: edge.endpoint, sendToQueue: () => undefined }));
});
afterAll(() => edge.close());

const provision = (resources: Record<string, unknown>) =>
  provisionTemplate('payflow-failures-local', { Resources: resources } as never, {
    endpoint: edge.endpoint,
    s3: { setLambdaNotifications: () => undefined },
    eventSourceMappings: { create: () => undefined },
  });

describe('provisioning a rule whose targets PutTargets refuses', () => {
  it('fails naming the rule, the refused target and the error AWS answered, and keeps the accepted one', async () => {
    const failure = provision({
      Bus: { Type: 'AWS::Events::EventBus', Properties: { Name: 'payflow-failures' } },
      OrdersRule: {
        Type: 'AWS::Events::Rule',
        Properties: {
          Name: 'orders-to-queues',
          EventBusName: 'payflow-failures',
          EventPattern: { source: ['payflow.orders'] },
          Targets: [
            { Id: 'good', Arn: 'arn:aws:sqs:us-east-1:000000000000:orders' },
            { Id: 'bad-input', Arn: 'arn:aws:sqs:us-east-1:000000000000:audit', Input: '{not json' },
          ],
        },
      },
    });
    await expect(failure).rejects.toThrow(
      'Cannot provision OrdersRule (AWS::Events::Rule) of payflow-failures-local: PutTargets on rule ' +
        'orders-to-queues refused target bad-input (ValidationException: Target bad-input: Input is not valid JSON text.)',
    );
    const events = new EventBridgeClient({
      endpoint: edge.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const { Targets } = await events.send(
      new ListTargetsByRuleCommand({ Rule: 'orders-to-queues', EventBusName: 'payflow-failures' }),
    );
    expect(Targets?.map((target) => target.Id)).toEqual(['good']);
  });

  it('fails when PutTargets refuses the whole request (a sixth target), naming the rule', async () => {
    const targets = Array.from({ length: 6 }, (_, i) => ({
      Id: `t${i}`,
      Arn: `arn:aws:sqs:us-east-1:000000000000:q${i}`,
    }));
    await expect(
      provision({
        TooMany: {
          Type: 'AWS::Events::Rule',
          Properties: { Name: 'too-many-targets', EventPattern: { source: ['x'] }, Targets: targets },
        },
      }),
    ).rejects.toThrow(
      'Cannot provision TooMany (AWS::Events::Rule) of payflow-failures-local: The requested resource exceeds the maximum number allowed.',
    );
  });
});
