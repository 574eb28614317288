import {
  attributesDocument,
  bodyDocument,
  matchesPolicy,
  parseFilterPolicy,
} from '../../../src/sns/filter-policy';
import { matchesPattern, validatePattern } from '../../../src/eventbridge/pattern';
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

  it('matches a nested policy over an array of objects within one element, not across two', () => {
    const body = bodyDocument('{"items":[{"sku":"A","qty":1},{"sku":"B","qty":5}]}')!;
    const policy = (sku: string) =>
      parseFilterPolicy(
        JSON.stringify({ items: { sku: [sku], qty: [{ numeric: ['>', 2] }] } }),
        'MessageBody',
      )!;
    expect(matchesPolicy(policy('B'), body)).toBe(true);
    expect(matchesPolicy(policy('A'), body)).toBe(false);
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

describe('filter policies are EventBridge patterns', () => {
  const body = {
    order: { status: 'PAID', total: 12.5, items: [{ sku: 'A-1' }, { sku: 'B-2' }], note: null },
    source: { ip: '10.0.0.7', ip6: '2001:db8::1' },
  };
  it.each([
    [{ order: { status: ['PAID'] } }, true],
    [{ order: { status: [{ 'equals-ignore-case': 'paid' }] } }, true],
    [{ order: { status: [{ suffix: 'ID' }] } }, true],
    [{ order: { status: [{ 'anything-but': { suffix: 'ID' } }] } }, false],
    [{ order: { total: [{ numeric: ['>', 12, '<', 13] }] } }, true],
    [{ order: { items: { sku: ['B-2'] } } }, true],
    [{ order: { note: [{ exists: true }] } }, true],
    [{ order: { refund: [{ exists: false }] } }, true],
    // `exists` looks at leaf values: an object is not one.
    [{ order: { items: [{ exists: true }] } }, false],
    [{ source: { ip: [{ cidr: '10.0.0.0/24' }] } }, true],
    [{ source: { ip6: [{ cidr: '2001:db8::/32' }] } }, true],
    [{ source: { ip: [{ cidr: '10.0.1.0/24' }] } }, false],
    [{ $or: [{ order: { status: ['OPEN'] } }, { source: { ip: [{ prefix: '10.' }] } }] }, true],
  ])('%# MessageBody %j → %p, as EventBridge matches it', (policy, expected) => {
    const parsed = parseFilterPolicy(JSON.stringify(policy), 'MessageBody')!;
    expect(matchesPolicy(parsed, bodyDocument(JSON.stringify(body))!)).toBe(expected);
    expect(matchesPattern(policy, body)).toBe(expected);
  });
});

describe("SNS's restrictions on top of the pattern language", () => {
  const refuse = (policy: object, scope: 'MessageAttributes' | 'MessageBody' = 'MessageBody') =>
    expect(() => parseFilterPolicy(JSON.stringify(policy), scope));

  it('refuses EventBridge-only operators that EventBridge itself accepts', () => {
    for (const policy of [
      { a: [{ wildcard: 'x*' }] },
      { a: [{ prefix: { 'equals-ignore-case': 'x' } }] },
      { a: [{ 'anything-but': { 'equals-ignore-case': 'x' } }] },
    ]) {
      expect(() => validatePattern(policy)).not.toThrow();
      refuse(policy).toThrow(/^Invalid parameter: FilterPolicy: /);
    }
  });

  it('refuses numbers beyond plus or minus one billion', () => {
    refuse({ a: [{ numeric: ['<', 1e10] }] }).toThrow(
      'Invalid parameter: FilterPolicy: Value of numeric must be between -1000000000 and 1000000000',
    );
    expect(
      parseFilterPolicy(JSON.stringify({ a: [{ numeric: ['>=', -1e9] }] }), 'MessageBody'),
    ).toBeDefined();
  });

  it("counts the leaf keys of nested policies and of every $or branch against the five keys' limit", () => {
    refuse({ a: { b: [1], c: [1], d: [1] }, e: { f: [1], g: [1], h: [1] } }).toThrow('more than 5 keys');
    refuse({
      $or: [
        { a: [1], b: [1], c: [1] },
        { d: [1], e: [1], f: [1] },
      ],
    }).toThrow('more than 5 keys');
    expect(
      parseFilterPolicy(JSON.stringify({ a: { b: [1], c: [1] }, d: [1, 2] }), 'MessageBody'),
    ).toBeDefined();
  });

  it('passes on the pattern checks with SNS wording', () => {
    refuse({ a: [] }).toThrow('Invalid parameter: FilterPolicy: Empty arrays are not allowed');
    refuse({ $or: [{ a: [1] }] }).toThrow(
      'Invalid parameter: FilterPolicy: Or relationship must have at least 2 items',
    );
    refuse({ a: [{ cidr: '10.0.0.0' }] }).toThrow(
      "Invalid parameter: FilterPolicy: Malformed CIDR, one '/' required",
    );
  });

  it('takes an empty policy as no filter, and refuses one over 256 KB', () => {
    expect(parseFilterPolicy('{}', 'MessageAttributes')).toBeUndefined();
    expect(parseFilterPolicy('  ', 'MessageAttributes')).toBeUndefined();
    const huge = JSON.stringify({ a: ['x'.repeat(256 * 1024)] });
    expect(() => parseFilterPolicy(huge, 'MessageAttributes')).toThrow('Filter policy is too long');
  });
});
