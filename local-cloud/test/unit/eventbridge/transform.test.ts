/** Input, InputPath and InputTransformer as "Amazon EventBridge input transformation" documents them. */
import { renderTargetInput, type EventBridgeEvent } from '../../../src/eventbridge';

const event: EventBridgeEvent = {
  version: '0',
  id: '7bf73129-1428-4cd3-a780-95db273d1602',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '123456789012',
  time: '2015-11-11T21:29:54Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111'],
  detail: { 'instance-id': 'i-0123456789', state: 'RUNNING', count: 3, tags: { env: 'prod' } },
};
const rule = {
  ruleArn: 'arn:aws:events:us-east-1:000000000000:rule/r1',
  ruleName: 'r1',
  ingestionTime: '2015-11-11T21:29:55Z',
};
const paths = { instance: '$.detail.instance-id', state: '$.detail.state' };
const render = (InputTemplate: string, InputPathsMap: Record<string, string> = paths) =>
  renderTargetInput({ InputTransformer: { InputPathsMap, InputTemplate } }, event, rule)!;

describe('renderTargetInput', () => {
  it('sends the whole event when no input is configured', () => {
    expect(JSON.parse(renderTargetInput({}, event, rule)!)).toEqual(event);
  });

  it('sends Input verbatim and InputPath as the selected JSON', () => {
    expect(renderTargetInput({ Input: '{"fixed":true}' }, event, rule)).toBe('{"fixed":true}');
    expect(JSON.parse(renderTargetInput({ InputPath: '$.detail' }, event, rule)!)).toEqual(event.detail);
    expect(JSON.parse(renderTargetInput({ InputPath: '$.resources[0]' }, event, rule)!)).toBe(
      event.resources[0],
    );
  });

  it('a string template gets the bare values', () => {
    expect(render('<instance> is in state <state>')).toBe('i-0123456789 is in state RUNNING');
    expect(render('<instance> is in state "<state>"')).toBe('i-0123456789 is in state "RUNNING"');
  });

  it('a JSON template quotes string values outside quotes and keeps numbers and objects as JSON', () => {
    const out = render('{"instance": <instance>, "state": [9, <state>, true], "n": <n>, "tags": <tags>}', {
      ...paths,
      n: '$.detail.count',
      tags: '$.detail.tags',
    });
    expect(JSON.parse(out)).toEqual({
      instance: 'i-0123456789',
      state: [9, 'RUNNING', true],
      n: 3,
      tags: { env: 'prod' },
    });
  });

  it('a JSON template inserts values inside quotes as string content', () => {
    const out = render('{"myInstance": <instance>, "myStatus": "<instance> is in state \\"<state>\\""}');
    expect(JSON.parse(out)).toEqual({
      myInstance: 'i-0123456789',
      myStatus: 'i-0123456789 is in state "RUNNING"',
    });
  });

  it('provides the predefined variables', () => {
    const out = render(
      '{"e": <aws.events.event>, "full": <aws.events.event.json>, "arn": <aws.events.rule-arn>, "name": "<aws.events.rule-name>", "at": <aws.events.event.ingestion-time>}',
      {},
    );
    expect(JSON.parse(out)).toEqual({
      // as AWS sends it: no detail, detailType for detail-type, the ingestion time
      e: {
        id: event.id,
        account: event.account,
        detailType: event['detail-type'],
        time: rule.ingestionTime,
        source: event.source,
        region: event.region,
        resources: event.resources,
        version: '0',
      },
      full: event,
      arn: rule.ruleArn,
      name: 'r1',
      at: rule.ingestionTime,
    });
  });

  const special = {
    ...event,
    detail: {
      payload: { acc_id: '0a787ecb-4015', sf_id: 'baz' },
      listsingle: ['HIGH'],
      listmulti: ['ACTIVE', 'INACTIVE'],
      valid: true,
    },
  };
  const specialPaths = {
    userId: '$.detail.payload.acc_id',
    payload: '$.detail.payload',
    missing: '$.detail.awsAccountId',
    listsingle: '$.detail.listsingle',
    listmulti: '$.detail.listmulti',
    valid: '$.detail.valid',
  };
  const renderSpecial = (InputTemplate: string) =>
    renderTargetInput({ InputTransformer: { InputPathsMap: specialPaths, InputTemplate } }, special, rule);

  it('writes objects and arrays inside a text template without quotes, and a missing path as nothing', () => {
    expect(renderSpecial('"Payload of <payload> with path users-service/users/<userId> and <userId>"')).toBe(
      '"Payload of {acc_id:0a787ecb-4015,sf_id:baz} with path users-service/users/0a787ecb-4015 and 0a787ecb-4015"',
    );
    expect(
      renderSpecial('"<listsingle> single list item"\n"<listmulti> multiple"\n"<missing> account"'),
    ).toBe('"[HIGH] single list item"\n"[ACTIVE,INACTIVE] multiple"\n" account"');
    expect(renderSpecial('"Command is <valid>!"')).toBe('"Command is true!"');
  });

  it('inserts a missing path outside quotes in a JSON template as an empty string', () => {
    expect(
      JSON.parse(renderSpecial('{"command": <missing>, "id": <userId>, "list": <listsingle>}')!),
    ).toEqual({
      command: '',
      id: '0a787ecb-4015',
      list: ['HIGH'],
    });
  });

  it('drops output that looks like JSON but is not (an object or array inside quotes, a bare list first)', () => {
    expect(renderSpecial('{"payload": "<payload>"}')).toBeUndefined();
    expect(renderSpecial('{"singlelistitem": "<listsingle>"}')).toBeUndefined();
    expect(renderSpecial('{"not_valid": "users-service/users/<payload>", "bod": <payload>}')).toBeUndefined();
    expect(renderSpecial('<listsingle> single list item')).toBeUndefined();
  });
});
