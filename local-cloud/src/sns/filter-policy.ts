import { invalidParameter } from './errors';
import type { MessageAttributes } from './model';

/** SNS subscription filter policies: https://docs.aws.amazon.com/sns/latest/dg/sns-subscription-filter-policies.html */
export type FilterPolicyScope = 'MessageAttributes' | 'MessageBody';
export type FilterPolicy = Record<string, unknown>;

const MAX_KEYS = 5;
const MAX_COMBINATIONS = 150;
const OPERATORS = new Set([
  'prefix',
  'suffix',
  'anything-but',
  'numeric',
  'exists',
  'equals-ignore-case',
  'cidr',
]);
const NUMERIC_OPERATORS = new Set(['=', '<', '<=', '>', '>=']);

/** Parses and checks a policy; undefined when the policy is empty (no filtering). */
export function parseFilterPolicy(text: string, scope: FilterPolicyScope): FilterPolicy | undefined {
  if (text.trim() === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw policyError('failed to parse JSON.');
  }
  if (!isObject(parsed)) throw policyError('Filter policy must be a JSON object');
  if (Object.keys(parsed).length === 0) return undefined;
  const stats = { keys: 0, combinations: 1 };
  validateObject(parsed, scope, stats, 0);
  if (stats.keys > MAX_KEYS) throw policyError(`Filter policy can not have more than ${MAX_KEYS} keys`);
  if (stats.combinations > MAX_COMBINATIONS) throw policyError('Filter policy is too complex');
  return parsed;
}

function validateObject(
  policy: Record<string, unknown>,
  scope: FilterPolicyScope,
  stats: { keys: number; combinations: number },
  depth: number,
): void {
  for (const [key, value] of Object.entries(policy)) {
    if (key === '$or') {
      if (!Array.isArray(value) || value.length < 2 || !value.every(isObject)) {
        throw policyError('$or must be an array of at least two filter policies');
      }
      for (const branch of value) validateObject(branch, scope, stats, depth);
      continue;
    }
    if (Array.isArray(value)) {
      validateConditions(key, value);
      stats.keys += 1;
      stats.combinations *= value.length;
    } else if (isObject(value)) {
      if (scope === 'MessageAttributes') {
        throw invalidParameter(
          'Invalid parameter: Filter policy scope MessageAttributes does not support nested filter policy',
        );
      }
      validateObject(value, scope, stats, depth + 1);
    } else {
      throw policyError(`"${key}" must be an object or an array`);
    }
  }
}

function validateConditions(key: string, conditions: unknown[]): void {
  if (conditions.length === 0) throw policyError(`Empty arrays are not allowed ("${key}")`);
  for (const condition of conditions) {
    if (condition === null || ['string', 'number', 'boolean'].includes(typeof condition)) continue;
    if (!isObject(condition)) throw policyError('Match value must be String, number, true, false, or null');
    const [operator, ...rest] = Object.keys(condition);
    if (!operator || rest.length > 0)
      throw policyError(`Match pattern for "${key}" must have exactly one operator`);
    if (!OPERATORS.has(operator)) throw policyError(`Unrecognized match type ${operator}`);
    const operand = condition[operator];
    if (operator === 'exists' && typeof operand !== 'boolean') {
      throw policyError('exists match pattern must be either true or false.');
    }
    if (
      ['prefix', 'suffix', 'equals-ignore-case', 'cidr'].includes(operator) &&
      typeof operand !== 'string'
    ) {
      throw policyError(`${operator} match pattern must be a string`);
    }
    if (operator === 'numeric') validateNumeric(operand);
    if (operator === 'anything-but') validateAnythingBut(operand);
  }
}

function validateNumeric(operand: unknown): void {
  if (!Array.isArray(operand) || operand.length === 0 || operand.length % 2 !== 0 || operand.length > 4) {
    throw policyError('Value of numeric must be an array of operator and number pairs');
  }
  for (let i = 0; i < operand.length; i += 2) {
    const op = operand[i];
    if (typeof op !== 'string' || !NUMERIC_OPERATORS.has(op)) {
      throw policyError(`Unrecognized numeric range operator: ${String(op)}`);
    }
    if (typeof operand[i + 1] !== 'number') throw policyError(`Value of ${op} must be numeric`);
  }
}

function validateAnythingBut(operand: unknown): void {
  if (typeof operand === 'string' || typeof operand === 'number') return;
  if (Array.isArray(operand) && operand.every((v) => typeof v === 'string' || typeof v === 'number')) return;
  if (isObject(operand) && (typeof operand.prefix === 'string' || typeof operand.suffix === 'string')) return;
  throw policyError('Value of anything-but must be an array or single string/number value.');
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

export function matchesPolicy(policy: FilterPolicy, document: Record<string, unknown>): boolean {
  return Object.entries(policy).every(([key, expected]) => {
    if (key === '$or') return (expected as FilterPolicy[]).some((branch) => matchesPolicy(branch, document));
    const present = Object.prototype.hasOwnProperty.call(document, key);
    const actual = document[key];
    if (Array.isArray(expected))
      return expected.some((condition) => matchesCondition(condition, present, actual));
    const nested = expected as FilterPolicy;
    if (Array.isArray(actual)) return actual.some((item) => isObject(item) && matchesPolicy(nested, item));
    return matchesPolicy(nested, isObject(actual) ? actual : {});
  });
}

function matchesCondition(condition: unknown, present: boolean, actual: unknown): boolean {
  if (isObject(condition) && 'exists' in condition) return condition.exists === present;
  if (!present) return false;
  const values = Array.isArray(actual) ? actual : [actual];
  return values.some((value) => matchesValue(condition, value));
}

function matchesValue(condition: unknown, value: unknown): boolean {
  if (!isObject(condition)) return condition === value;
  const [operator] = Object.keys(condition);
  const operand = condition[operator!];
  switch (operator) {
    case 'prefix':
      return typeof value === 'string' && value.startsWith(operand as string);
    case 'suffix':
      return typeof value === 'string' && value.endsWith(operand as string);
    case 'equals-ignore-case':
      return typeof value === 'string' && value.toLowerCase() === (operand as string).toLowerCase();
    case 'numeric':
      return typeof value === 'number' && matchesNumeric(operand as Array<string | number>, value);
    case 'anything-but':
      return !matchesAnyOf(operand, value);
    case 'cidr':
      return typeof value === 'string' && inCidr(value, operand as string);
    default:
      return false;
  }
}

function matchesAnyOf(operand: unknown, value: unknown): boolean {
  if (isObject(operand)) return matchesValue(operand, value);
  const excluded = Array.isArray(operand) ? operand : [operand];
  return excluded.some((item) => item === value);
}

function matchesNumeric(operand: Array<string | number>, value: number): boolean {
  for (let i = 0; i < operand.length; i += 2) {
    const bound = operand[i + 1] as number;
    const ok = {
      '=': value === bound,
      '<': value < bound,
      '<=': value <= bound,
      '>': value > bound,
      '>=': value >= bound,
    }[operand[i] as '=' | '<' | '<=' | '>' | '>='];
    if (!ok) return false;
  }
  return true;
}

function inCidr(ip: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const bits = Number(bitsText ?? 32);
  const a = ipv4(ip);
  const b = ipv4(base ?? '');
  if (a === undefined || b === undefined || !(bits >= 0 && bits <= 32)) return false;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (a & mask) >>> 0 === (b & mask) >>> 0;
}

function ipv4(text: string): number | undefined {
  const parts = text.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return undefined;
  return parts.reduce((n, p) => ((n << 8) | p) >>> 0, 0);
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
