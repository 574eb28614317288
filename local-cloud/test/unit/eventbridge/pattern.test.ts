/**
 * Pattern/event pairs from AWS's "Content filtering in Amazon EventBridge event patterns",
 * "Event patterns" and "Arrays in event patterns" pages, and the InvalidEventPatternException
 * reasons AWS returns for invalid patterns.
 */
import { matchesPattern, validatePattern } from '../../../src/eventbridge';

const ec2Event = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: {
    'instance-id': 'i-1234567890abcdef0',
    state: 'terminated',
    'c-count': 5,
    'd-count': 7,
    'x-limit': 301.8,
    sourceIPAddress: '10.0.0.123',
    FileName: 'photo.PNG',
    FilePath: 'dir/lib/file.txt',
    responseElements: null,
    eventVersion: '',
  },
};

const withDetail = (detail: Record<string, unknown>) => ({ ...ec2Event, detail });

describe('matchesPattern: exact values', () => {
  it.each([
    [{ source: ['aws.ec2'] }, true],
    [{ source: ['aws.s3'] }, false],
    [{ source: ['aws.s3', 'aws.ec2'] }, true],
    [{ 'detail-type': ['EC2 Instance State-change Notification'], detail: { state: ['terminated'] } }, true],
    [{ detail: { state: ['running'] } }, false],
    [{ detail: { 'c-count': [5] } }, true],
    [{ detail: { 'c-count': ['5'] } }, false],
    [{ detail: { responseElements: [null] } }, true],
    [{ detail: { eventVersion: [''] } }, true],
    [{ detail: { eventVersion: [null] } }, false],
    [{ source: ['AWS.EC2'] }, false],
    [{}, true],
  ])('%j → %s', (pattern, expected) => {
    expect(matchesPattern(pattern, ec2Event)).toBe(expected);
  });

  it('matches booleans only by boolean', () => {
    expect(matchesPattern({ detail: { ok: [true] } }, withDetail({ ok: true }))).toBe(true);
    expect(matchesPattern({ detail: { ok: [true] } }, withDetail({ ok: 'true' }))).toBe(false);
  });

  it('matches an event array when any element matches (Arrays in event patterns)', () => {
    const event = {
      ...ec2Event,
      resources: [
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
      ],
    };
    expect(
      matchesPattern({ resources: ['arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f', 'x'] }, event),
    ).toBe(true);
    expect(
      matchesPattern({ resources: ['arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f'] }, event),
    ).toBe(false);
  });

  it('does not match a pattern value against an empty event array', () => {
    expect(matchesPattern({ resources: [null] }, { ...ec2Event, resources: [] })).toBe(false);
  });

  it('matches only leaf values, through nested objects and arrays of objects', () => {
    const event = withDetail({
      items: [{ sku: 'a' }, { sku: 'b' }],
      shipping: { address: { country: 'DE' } },
    });
    expect(matchesPattern({ detail: { items: { sku: ['b'] } } }, event)).toBe(true);
    expect(matchesPattern({ detail: { shipping: { address: { country: ['DE'] } } } }, event)).toBe(true);
    expect(matchesPattern({ detail: { shipping: ['DE'] } }, event)).toBe(false);
  });

  it('requires every field of the pattern to match (AND across fields)', () => {
    expect(matchesPattern({ source: ['aws.ec2'], detail: { state: ['running'] } }, ec2Event)).toBe(false);
  });
});

describe('matchesPattern: comparison operators', () => {
  it.each([
    ['prefix', { time: [{ prefix: '2017-12-22' }] }, true],
    ['prefix miss', { time: [{ prefix: '2018' }] }, false],
    ['prefix equals-ignore-case', { source: [{ prefix: { 'equals-ignore-case': 'AWS.' } }] }, true],
    ['suffix is case sensitive', { detail: { FileName: [{ suffix: '.png' }] } }, false],
    [
      'suffix equals-ignore-case',
      { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } },
      true,
    ],
    [
      'equals-ignore-case',
      { 'detail-type': [{ 'equals-ignore-case': 'ec2 instance state-change notification' }] },
      true,
    ],
    ['anything-but string', { detail: { state: [{ 'anything-but': 'initializing' }] } }, true],
    ['anything-but string equal', { detail: { state: [{ 'anything-but': 'terminated' }] } }, false],
    ['anything-but list', { detail: { state: [{ 'anything-but': ['stopped', 'terminated'] }] } }, false],
    ['anything-but number', { detail: { 'c-count': [{ 'anything-but': 5 }] } }, false],
    ['anything-but number list', { detail: { 'c-count': [{ 'anything-but': [100, 200, 300] }] } }, true],
    ['anything-but prefix', { detail: { state: [{ 'anything-but': { prefix: 'term' } }] } }, false],
    ['anything-but suffix', { detail: { FilePath: [{ 'anything-but': { suffix: '.txt' } }] } }, false],
    ['anything-but wildcard', { detail: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] } }, false],
    [
      'anything-but wildcard list',
      { detail: { FilePath: [{ 'anything-but': { wildcard: ['*/bin/*', 'x*'] } }] } },
      true,
    ],
    [
      'anything-but equals-ignore-case',
      { detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['Stopped', 'TERMINATED'] } }] } },
      false,
    ],
    ['numeric range', { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] } }, true],
    ['numeric below', { detail: { 'd-count': [{ numeric: ['<', 7] }] } }, false],
    ['numeric equals with exponent', { detail: { 'x-limit': [{ numeric: ['=', 3.018e2] }] } }, true],
    ['numeric on a string', { detail: { state: [{ numeric: ['>', 0] }] } }, false],
    ['cidr IPv4', { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } }, true],
    ['cidr IPv4 outside', { detail: { sourceIPAddress: [{ cidr: '10.0.1.0/24' }] } }, false],
    ['wildcard', { detail: { FilePath: [{ wildcard: 'dir/*/file.txt' }] } }, true],
    ['wildcard miss', { detail: { FilePath: [{ wildcard: 'dir/*.png' }] } }, false],
    ['wildcard escaped star is literal', { detail: { FilePath: [{ wildcard: 'dir/\\*/file.txt' }] } }, false],
  ])('%s', (_name, pattern, expected) => {
    expect(matchesPattern(pattern, ec2Event)).toBe(expected);
  });

  it('matches every documented numeric field together', () => {
    const pattern = {
      detail: {
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ numeric: ['=', 3.018e2] }],
      },
    };
    expect(matchesPattern(pattern, ec2Event)).toBe(true);
    expect(matchesPattern(pattern, withDetail({ 'c-count': 6, 'd-count': 7, 'x-limit': 301.8 }))).toBe(false);
  });

  it('matches IPv6 addresses against an IPv6 CIDR', () => {
    const pattern = { detail: { sourceIPAddress: [{ cidr: '2001:db8:1234:1a00::/64' }] } };
    expect(matchesPattern(pattern, withDetail({ sourceIPAddress: '2001:db8:1234:1a00::1' }))).toBe(true);
    expect(matchesPattern(pattern, withDetail({ sourceIPAddress: '2001:db8:1234:1a01::1' }))).toBe(false);
  });

  it('anything-but matches null but not a missing field', () => {
    const pattern = { detail: { state: [{ 'anything-but': 'initializing' }] } };
    expect(matchesPattern(pattern, withDetail({ state: null }))).toBe(true);
    expect(matchesPattern(pattern, withDetail({}))).toBe(false);
  });

  it('wildcard matches ARNs of any account', () => {
    const pattern = { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] };
    expect(
      matchesPattern(pattern, { EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/payflow' }),
    ).toBe(true);
    expect(
      matchesPattern(pattern, { EventBusArn: 'arn:aws:events:us-west-2:123456789012:event-bus/payflow' }),
    ).toBe(false);
  });
});

describe('matchesPattern: exists', () => {
  it('exists true matches a present leaf, including null', () => {
    expect(matchesPattern({ detail: { state: [{ exists: true }] } }, ec2Event)).toBe(true);
    expect(matchesPattern({ detail: { responseElements: [{ exists: true }] } }, ec2Event)).toBe(true);
    expect(matchesPattern({ detail: { missing: [{ exists: true }] } }, ec2Event)).toBe(false);
  });

  it('exists false matches an absent field only', () => {
    expect(matchesPattern({ detail: { missing: [{ exists: false }] } }, ec2Event)).toBe(true);
    expect(matchesPattern({ detail: { state: [{ exists: false }] } }, ec2Event)).toBe(false);
  });

  it('works on leaf nodes only: a nested object is not a leaf', () => {
    const event = withDetail({ state: { status: 'running' } });
    expect(matchesPattern({ detail: { state: [{ exists: true }] } }, event)).toBe(false);
    expect(matchesPattern({ detail: { state: { status: [{ exists: true }] } } }, event)).toBe(true);
  });
});

describe('matchesPattern: $or', () => {
  const pattern = {
    detail: {
      $or: [{ 'c-count': [{ numeric: ['>', 10] }] }, { 'd-count': [{ numeric: ['<', 10] }] }],
    },
  };
  it('matches when any alternative matches', () => {
    expect(matchesPattern(pattern, ec2Event)).toBe(true);
    expect(matchesPattern(pattern, withDetail({ 'c-count': 1, 'd-count': 20 }))).toBe(false);
  });

  it('combines with fields outside the $or (AND)', () => {
    expect(
      matchesPattern({ source: ['aws.s3'], $or: [{ region: ['us-west-1'] }, { account: ['x'] }] }, ec2Event),
    ).toBe(false);
    expect(
      matchesPattern({ source: ['aws.ec2'], $or: [{ region: ['us-west-1'] }, { account: ['x'] }] }, ec2Event),
    ).toBe(true);
  });
});

describe('validatePattern', () => {
  const reason = (pattern: unknown) => {
    try {
      validatePattern(pattern);
    } catch (error) {
      return { name: (error as Error).name, message: (error as Error).message };
    }
    return undefined;
  };

  it.each([
    [['not', 'an', 'object'], 'Filter is not an object'],
    [{ int: 42 }, '"int" must be an object or an array'],
    [{ string: 'my-value' }, '"string" must be an object or an array'],
    [{ resources: [] }, 'Empty arrays are not allowed'],
    [{ my_key: [{ EXISTS: true }] }, 'Unrecognized match type EXISTS'],
    [{ detail: { equal: [{ NUMERIC: ['=', 5] }] } }, 'Unrecognized match type NUMERIC'],
    [{ detail: { 'c-count': [{ numeric: ['>', 0, '>', 0] }] } }, 'Bad numeric range operator: >'],
    [{ detail: { 'c-count': [{ numeric: ['>', 0, '<'] }] } }, 'Value of < must be numeric'],
    [{ detail: { 'c-count': [{ numeric: ['<', 10, '>', 0] }] } }, 'Too many elements in numeric expression'],
    [{ detail: { 'c-count': [{ numeric: ['>', 10, '<', 0] }] } }, 'Bottom must be less than top'],
    [{ detail: { 'c-count': [{ numeric: '>' }] } }, 'Value of numeric must be an array.'],
    [{ time: [{ prefix: ['2022-07-13'] }] }, 'prefix match pattern must be a string'],
    [{ FileName: [{ suffix: 123 }] }, 'suffix match pattern must be a string'],
    [
      { 'detail-type': [{ 'equals-ignore-case': ['x'] }] },
      'equals-ignore-case match pattern must be a string',
    ],
    [{ a: [{ exists: 'yes' }] }, 'exists match pattern must be either true or false.'],
    [
      { a: [{ 'anything-but': null }] },
      'Value of anything-but must be an array or single string/number value.',
    ],
    [{ a: [{ 'anything-but': { prefix: 123 } }] }, 'prefix/suffix match pattern must be a string'],
    [
      { a: [{ 'anything-but': { prefix: { 'equals-ignore-case': 'x' } } }] },
      'Value of anything-but must be an array or single string/number value.',
    ],
    [
      { a: [{ 'anything-but': { 'equals-ignore-case': 123 } }] },
      'Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.',
    ],
    [{ a: [{ 'anything-but': { wildcard: [123, '*/dir/*'] } }] }, 'wildcard match pattern must be a string'],
    [
      { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:**:event-bus/*' }] },
      'Consecutive wildcard characters at pos 26',
    ],
    [{ EventBusArn: [{ wildcard: 123 }] }, 'wildcard match pattern must be a string'],
    [{ ip: [{ cidr: '10.0.0.0' }] }, "Malformed CIDR, one '/' required"],
    [{ ip: [{ cidr: '10.0.0.0/xx' }] }, 'Malformed CIDR, mask bits must be an integer'],
    [{ ip: [{ cidr: 'xx.11.xx/24' }] }, 'Nonstandard IP address: xx.11.xx'],
    [{ ip: [{ cidr: ['bad-type'] }] }, 'prefix match pattern must be a string'],
  ])('%j is rejected: %s', (pattern, expected) => {
    expect(reason(pattern)).toEqual({
      name: 'InvalidEventPatternException',
      message: `Event pattern is not valid. Reason: ${expected}`,
    });
  });

  it.each([
    [{ source: ['aws.ec2'] }],
    [{ detail: { a: [null, '', 1, true, { prefix: 'x' }, { 'anything-but': ['a', 'b'] }] } }],
    [{ detail: { n: [{ numeric: ['>=', 0, '<', 10] }], ip: [{ cidr: '2001:db8::/32' }] } }],
    [{ a: [{ wildcard: 'a\\*b*c' }], b: [{ suffix: { 'equals-ignore-case': '.PNG' } }] }],
  ])('%j is valid', (pattern) => {
    expect(reason(pattern)).toBeUndefined();
  });

  it('accepts the pattern as a JSON string and rejects text that is not JSON', () => {
    expect(reason('{"source":["aws.ec2"]}')).toBeUndefined();
    expect(reason("{'bad': 'quotation'}")).toMatchObject({ name: 'InvalidEventPatternException' });
  });
});
