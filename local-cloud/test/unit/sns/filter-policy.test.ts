import {
  attributesDocument,
  bodyDocument,
  matchesPolicy,
  parseFilterPolicy,
} from '../../../src/sns/filter-policy';
import type { MessageAttributes } from '../../../src/sns/model';

const attrs: MessageAttributes = {
  event: { DataType: 'String', StringValue: 'PaymentSucceeded' },
  amount: { DataType: 'Number', StringValue: '1250' },
  tags: { DataType: 'String.Array', StringValue: '["vip","eu"]' },
};
const matches = (policy: object, a: MessageAttributes = attrs) =>
  matchesPolicy(parseFilterPolicy(JSON.stringify(policy), 'MessageAttributes')!, attributesDocument(a));

// https://docs.aws.amazon.com/sns/latest/dg/sns-subscription-filter-policies.html
describe('filter policies, MessageAttributes scope', () => {
  it.each([
    [{ event: ['PaymentSucceeded', 'PaymentFailed'] }, true],
    [{ event: ['PaymentFailed'] }, false],
    [{ event: [{ prefix: 'Payment' }] }, true],
    [{ event: [{ suffix: 'Failed' }] }, false],
    [{ event: [{ 'anything-but': ['PaymentFailed'] }] }, true],
    [{ event: [{ 'anything-but': 'PaymentSucceeded' }] }, false],
    [{ event: [{ 'anything-but': { prefix: 'Pay' } }] }, false],
    [{ amount: [{ numeric: ['>', 1000, '<=', 1250] }] }, true],
    [{ amount: [{ numeric: ['<', 1000] }] }, false],
    [{ amount: [1250] }, true],
    [{ tags: ['eu'] }, true],
    [{ tags: ['us'] }, false],
    [{ customer: [{ exists: false }] }, true],
    [{ customer: [{ exists: true }] }, false],
    [{ event: [{ exists: true }], amount: [{ numeric: ['>=', 2000] }] }, false],
    [{ event: [{ 'equals-ignore-case': 'paymentsucceeded' }] }, true],
    [{ $or: [{ event: ['Nope'] }, { amount: [1250] }] }, true],
  ])('%# %j → %p', (policy, expected) => {
    expect(matches(policy)).toBe(expected);
  });

  it('does not match a message without the attribute, except for exists: false', () => {
    expect(matches({ event: [{ 'anything-but': 'x' }] }, {})).toBe(false);
    expect(matches({ event: [{ exists: false }] }, {})).toBe(true);
  });

  it('compares numbers only with Number attributes', () => {
    expect(
      matches({ code: [{ numeric: ['=', 5] }] }, { code: { DataType: 'String', StringValue: '5' } }),
    ).toBe(false);
  });
});

describe('filter policies, MessageBody scope', () => {
  it('matches nested properties of a JSON body', () => {
    const policy = parseFilterPolicy(
      JSON.stringify({ order: { status: ['paid'], total: [{ numeric: ['>', 10] }] } }),
      'MessageBody',
    )!;
    expect(matchesPolicy(policy, bodyDocument('{"order":{"status":"paid","total":12}}')!)).toBe(true);
    expect(matchesPolicy(policy, bodyDocument('{"order":{"status":"open","total":12}}')!)).toBe(false);
    expect(bodyDocument('not json')).toBeUndefined();
  });
});

describe('filter policy validation', () => {
  it.each([
    ['{not json', 'Invalid parameter: FilterPolicy: failed to parse JSON.'],
    [JSON.stringify({ a: 'x' }), 'Invalid parameter: FilterPolicy: "a" must be an object or an array'],
    [
      JSON.stringify({ a: [{ numeric: ['>>', 1] }] }),
      'Invalid parameter: FilterPolicy: Unrecognized numeric range operator: >>',
    ],
    [JSON.stringify({ a: [{ foo: 1 }] }), 'Invalid parameter: FilterPolicy: Unrecognized match type foo'],
    [
      JSON.stringify({ a: [1], b: [1], c: [1], d: [1], e: [1], f: [1] }),
      'Invalid parameter: FilterPolicy: Filter policy can not have more than 5 keys',
    ],
  ])('%# rejects %s', (text, message) => {
    expect(() => parseFilterPolicy(text, 'MessageAttributes')).toThrow(message);
  });

  it('refuses nested policies in the MessageAttributes scope and more than 150 combinations', () => {
    expect(() => parseFilterPolicy(JSON.stringify({ a: { b: ['x'] } }), 'MessageAttributes')).toThrow(
      /nested/,
    );
    const many = Array.from({ length: 13 }, (_, i) => `v${i}`);
    expect(() => parseFilterPolicy(JSON.stringify({ a: many, b: many }), 'MessageAttributes')).toThrow(
      'Filter policy is too complex',
    );
  });
});
