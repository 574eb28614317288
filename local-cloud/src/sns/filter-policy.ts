/**
 * SNS subscription filter policies: https://docs.aws.amazon.com/sns/latest/dg/sns-subscription-filter-policies.html
 * They are EventBridge event patterns (both are aws/event-ruler), so eventbridge/pattern.ts validates them and
 * matches each rule; this module adds what SNS restricts on top (filter policy constraints), the walk over nested
 * policies (within one array element) and the documents a policy sees.
 */
import { AwsError } from '../protocol';
import { matchesRule, validatePattern } from '../eventbridge/pattern';
import { invalidParameter } from './errors';
import type { MessageAttributes } from './model';

export type FilterPolicyScope = 'MessageAttributes' | 'MessageBody';
/** A validated policy, kept as written: SNS matches a nested policy within one object (see matchesPolicy). */
export type FilterPolicy = Record<string, unknown>;

const MAX_KEYS = 5;
const MAX_COMBINATIONS = 150;
const MAX_POLICY_BYTES = 256 * 1024;
const MAX_NUMERIC = 1e9;
/** Pattern operators EventBridge has and SNS's list of filter operators does not. */
const EVENTBRIDGE_ONLY = new Set(['wildcard']);

/** Parses and checks a policy; undefined when the policy is empty (no filtering). */
export function parseFilterPolicy(text: string, scope: FilterPolicyScope): FilterPolicy | undefined {
  if (text.trim() === '') return undefined;
  if (Buffer.byteLength(text) > MAX_POLICY_BYTES) throw policyError('Filter policy is too long');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw policyError('failed to parse JSON.');
  }
  if (!isObject(parsed)) throw policyError('Filter policy must be a JSON object');
  if (Object.keys(parsed).length === 0) return undefined;
  try {
    validatePattern(parsed);
  } catch (error) {
    if (error instanceof AwsError && error.code === 'InvalidEventPatternException') {
      throw policyError(error.message.replace(/^Event pattern is not valid\. Reason: /, ''));
    }
    throw error;
  }
  const stats = { keys: 0, combinations: 1 };
  checkSnsRestrictions(parsed, scope, stats);
  if (stats.keys > MAX_KEYS) throw policyError(`Filter policy can not have more than ${MAX_KEYS} keys`);
  if (stats.combinations > MAX_COMBINATIONS) throw policyError('Filter policy is too complex');
  return parsed;
}

/** What SNS refuses of a valid event pattern; counts the policy's keys and value combinations. */
function checkSnsRestrictions(
  policy: Record<string, unknown>,
  scope: FilterPolicyScope,
  stats: { keys: number; combinations: number },
): void {
  for (const [key, value] of Object.entries(policy)) {
    if (key === '$or' && Array.isArray(value)) {
      for (const branch of value as Array<Record<string, unknown>>)
        checkSnsRestrictions(branch, scope, stats);
    } else if (Array.isArray(value)) {
      for (const condition of value) checkCondition(condition);
      stats.keys += 1;
      stats.combinations *= value.length;
    } else {
      if (scope === 'MessageAttributes') {
        throw invalidParameter(
          'Invalid parameter: Filter policy scope MessageAttributes does not support nested filter policy',
        );
      }
      checkSnsRestrictions(value as Record<string, unknown>, scope, stats);
    }
  }
}

function checkCondition(condition: unknown): void {
  if (!isObject(condition)) return;
  const [operator, operand] = Object.entries(condition)[0]!;
  if (EVENTBRIDGE_ONLY.has(operator)) throw policyError(`Unrecognized match type ${operator}`);
  if ((operator === 'prefix' || operator === 'suffix') && isObject(operand)) {
    throw policyError(`${operator} match pattern must be a string`);
  }
  if (operator === 'anything-but' && isObject(operand)) {
    const [inner] = Object.keys(operand);
    if (inner !== 'prefix' && inner !== 'suffix') {
      throw policyError(`Unsupported anything-but pattern: ${inner}`);
    }
  }
  if (operator === 'numeric') {
    for (const bound of operand as unknown[]) {
      if (typeof bound === 'number' && Math.abs(bound) > MAX_NUMERIC) {
        throw policyError(`Value of numeric must be between -${MAX_NUMERIC} and ${MAX_NUMERIC}`);
      }
    }
  }
}

/** The document a policy is matched against: attribute values typed by DataType (Binary is not filterable). */
export function attributesDocument(attributes: MessageAttributes): Record<string, unknown> {
  const document: Record<string, unknown> = {};
  for (const [name, attribute] of Object.entries(attributes)) {
    const value = attribute.StringValue;
    if (value === undefined) continue;
    if (attribute.DataType.startsWith('Number')) document[name] = Number(value);
    else if (attribute.DataType === 'String.Array') document[name] = safeJson(value);
    else if (attribute.DataType.startsWith('String')) document[name] = value;
  }
  return document;
}

/** MessageBody scope: a body that is not a JSON object matches no policy. */
export function bodyDocument(message: string): Record<string, unknown> | undefined {
  const parsed = safeJson(message);
  return isObject(parsed) ? parsed : undefined;
}

/**
 * Each rule is the EventBridge matcher's; the walk is SNS's own: a nested policy over an array of objects must match
 * within one element (EventBridge's flattened paths would let two elements share the match).
 */
export function matchesPolicy(policy: FilterPolicy, document: Record<string, unknown>): boolean {
  return Object.entries(policy).every(([key, expected]) => {
    if (key === '$or') return (expected as FilterPolicy[]).some((branch) => matchesPolicy(branch, document));
    const actual = document[key];
    if (Array.isArray(expected)) return expected.some((rule) => matchesRule(rule, leavesOf(actual)));
    const nested = expected as FilterPolicy;
    if (Array.isArray(actual)) return actual.some((item) => isObject(item) && matchesPolicy(nested, item));
    return matchesPolicy(nested, isObject(actual) ? actual : {});
  });
}

/** A field's leaf values: none when absent or an object, the elements of an array, else the value itself. */
function leavesOf(value: unknown): unknown[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value.flat(Infinity).filter((item) => !isObject(item));
  return isObject(value) ? [] : [value];
}

function policyError(reason: string) {
  return invalidParameter(`Invalid parameter: FilterPolicy: ${reason}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
