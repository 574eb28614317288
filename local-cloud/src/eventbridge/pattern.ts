/**
 * EventBridge event patterns: validation and matching, pure.
 * Semantics follow "Content filtering in Amazon EventBridge event patterns" and aws/event-ruler:
 * a pattern names leaf fields (nested objects, or dotted keys), each with a list of match values;
 * a field matches when any of its event values matches any of its match values; `$or` branches.
 */
import { AwsError } from '../protocol';
import { cidrContains, parseCidr } from './cidr';

export type EventPattern = Record<string, unknown>;

const REASON = 'Event pattern is not valid. Reason: ';
const NUMERIC_OPERATORS = new Set(['<', '<=', '=', '>', '>=']);

function invalid(reason: string): AwsError {
  return new AwsError('InvalidEventPatternException', `${REASON}${reason}`);
}

/** Parses an EventPattern string as PutRule and TestEventPattern receive it. */
export function parsePattern(text: string): EventPattern {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw invalid(`Filter is not valid JSON: ${(error as Error).message}`);
  }
  validatePattern(parsed);
  return parsed as EventPattern;
}

/** Throws InvalidEventPatternException (with AWS's reason text) when the pattern is not valid. */
export function validatePattern(pattern: unknown): asserts pattern is EventPattern {
  if (typeof pattern === 'string') pattern = parsePattern(pattern);
  if (!isObject(pattern)) throw invalid('Filter is not an object');
  validateFields(pattern);
}

function validateFields(fields: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(fields)) {
    if (key === '$or' && Array.isArray(value)) {
      if (value.length < 2) throw invalid('Or relationship must have at least 2 items');
      for (const branch of value) {
        if (!isObject(branch)) throw invalid('Or relationship items must be objects');
        validateFields(branch);
      }
    } else if (isObject(value)) {
      validateFields(value);
    } else if (Array.isArray(value)) {
      if (value.length === 0) throw invalid('Empty arrays are not allowed');
      for (const rule of value) validateRule(rule);
    } else {
      throw invalid(`"${key}" must be an object or an array`);
    }
  }
}

function validateRule(rule: unknown): void {
  if (rule === null || ['string', 'number', 'boolean'].includes(typeof rule)) return;
  if (!isObject(rule)) throw invalid('Match value must be String, number, true, false, or null');
  const entries = Object.entries(rule);
  if (entries.length !== 1) throw invalid('Only one key allowed in match expression');
  const [operator, value] = entries[0]!;
  switch (operator) {
    case 'prefix':
    case 'suffix':
      if (
        isObject(value) &&
        Object.keys(value).length === 1 &&
        typeof value['equals-ignore-case'] === 'string'
      )
        return;
      if (typeof value !== 'string') throw invalid(`${operator} match pattern must be a string`);
      return;
    case 'equals-ignore-case':
      if (typeof value !== 'string') throw invalid('equals-ignore-case match pattern must be a string');
      return;
    case 'exists':
      if (typeof value !== 'boolean') throw invalid('exists match pattern must be either true or false.');
      return;
    case 'anything-but':
      return validateAnythingBut(value);
    case 'numeric':
      return validateNumeric(value);
    case 'cidr':
      // AWS reports a non-string cidr with the prefix wording.
      if (typeof value !== 'string') throw invalid('prefix match pattern must be a string');
      parseCidrOrThrow(value);
      return;
    case 'wildcard':
      return validateWildcard(value);
    default:
      throw invalid(`Unrecognized match type ${operator}`);
  }
}

function validateAnythingBut(value: unknown): void {
  if (typeof value === 'string' || typeof value === 'number') return;
  if (Array.isArray(value)) {
    if (value.length === 0) throw invalid('Empty arrays are not allowed');
    for (const item of value) {
      if (typeof item !== 'string' && typeof item !== 'number') {
        throw invalid('Inside anything but list, start|null|boolean is not supported.');
      }
    }
    return;
  }
  if (!isObject(value))
    throw invalid('Value of anything-but must be an array or single string/number value.');
  const entries = Object.entries(value);
  if (entries.length !== 1) throw invalid('Only one key allowed in match expression');
  const [operator, inner] = entries[0]!;
  switch (operator) {
    case 'prefix':
    case 'suffix':
      if (isObject(inner))
        throw invalid('Value of anything-but must be an array or single string/number value.');
      if (!isStringOrStrings(inner)) throw invalid('prefix/suffix match pattern must be a string');
      if (inner === '' || (Array.isArray(inner) && inner.includes('')))
        throw invalid('Null prefix/suffix not allowed');
      return;
    case 'equals-ignore-case':
      if (!isStringOrStrings(inner)) {
        throw invalid(
          'Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.',
        );
      }
      return;
    case 'wildcard':
      if (Array.isArray(inner)) inner.forEach(validateWildcard);
      else validateWildcard(inner);
      return;
    default:
      throw invalid(`Unsupported anything-but pattern: ${operator}`);
  }
}

function validateNumeric(value: unknown): void {
  if (!Array.isArray(value)) throw invalid('Value of numeric must be an array.');
  if (value.length === 0) throw invalid('Invalid member in numeric match: ]');
  const [op1, num1, op2, num2, ...rest] = value as unknown[];
  if (typeof op1 !== 'string') throw invalid(`Invalid member in numeric match: ${String(op1)}`);
  if (!NUMERIC_OPERATORS.has(op1)) throw invalid(`Unrecognized numeric range operator: ${op1}`);
  if (typeof num1 !== 'number') throw invalid(`Value of ${op1 === '=' ? 'equals' : op1} must be numeric`);
  if (value.length === 2) return;
  if (op1 !== '>' && op1 !== '>=') throw invalid('Too many elements in numeric expression');
  if (typeof op2 !== 'string') throw invalid(`Bad value in numeric range: ${String(op2)}`);
  if (op2 !== '<' && op2 !== '<=') throw invalid(`Bad numeric range operator: ${op2}`);
  if (typeof num2 !== 'number') throw invalid(`Value of ${op2} must be numeric`);
  if (num2 <= num1) throw invalid('Bottom must be less than top');
  if (rest.length > 0) throw invalid('Too many terms in numeric range expression');
}

function validateWildcard(value: unknown): void {
  if (typeof value !== 'string') throw invalid('wildcard match pattern must be a string');
  let stars = 0;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch === '\\') {
      const next = value[i + 1];
      if (next !== '*' && next !== '\\') throw invalid(`Invalid escape character at pos ${i + 1}`);
      i++;
    } else if (ch === '*') {
      if (value[i + 1] === '*') throw invalid(`Consecutive wildcard characters at pos ${i + 1}`);
      stars++;
    }
  }
  if (stars > 5) {
    throw invalid(
      'Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character',
    );
  }
}

function parseCidrOrThrow(value: string): void {
  const parts = value.split('/');
  if (parts.length !== 2) throw invalid("Malformed CIDR, one '/' required");
  if (!/^\d+$/.test(parts[1]!)) throw invalid('Malformed CIDR, mask bits must be an integer');
  if (!parseCidr(value)) throw invalid(`Nonstandard IP address: ${parts[0]}`);
}

// ---------------------------------------------------------------- matching

/** One `$or` alternative: every field must match. */
type Branch = Array<{ path: string; rules: unknown[] }>;

/** True when `event` (an EventBridge event or any JSON object) matches `pattern`. The pattern must be valid. */
export function matchesPattern(pattern: EventPattern | string, event: unknown): boolean {
  const compiled = compilePattern(typeof pattern === 'string' ? parsePattern(pattern) : pattern);
  return matchesCompiled(compiled, flattenEvent(event));
}

export type CompiledPattern = Branch[];

export function compilePattern(pattern: EventPattern): CompiledPattern {
  return expand(pattern, '', [[]]);
}

function expand(fields: Record<string, unknown>, prefix: string, branches: Branch[]): Branch[] {
  let current = branches;
  for (const [key, value] of Object.entries(fields)) {
    if (key === '$or' && Array.isArray(value)) {
      current = value.flatMap((alternative) =>
        expand(alternative as Record<string, unknown>, prefix, current),
      );
    } else if (isObject(value)) {
      current = expand(value, join(prefix, key), current);
    } else {
      const field = { path: join(prefix, key), rules: value as unknown[] };
      current = current.map((branch) => [...branch, field]);
    }
  }
  return current;
}

/** Leaf values of an event by dotted path; array elements are all values of the array's path. */
export type FlatEvent = Map<string, unknown[]>;

export function flattenEvent(event: unknown): FlatEvent {
  const flat: FlatEvent = new Map();
  const visit = (value: unknown, path: string): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item, path);
    } else if (isObject(value)) {
      for (const [key, child] of Object.entries(value)) visit(child, join(path, key));
    } else {
      const leaves = flat.get(path);
      if (leaves) leaves.push(value);
      else flat.set(path, [value]);
    }
  };
  visit(event, '');
  return flat;
}

export function matchesCompiled(pattern: CompiledPattern, event: FlatEvent): boolean {
  return pattern.some((branch) =>
    branch.every(({ path, rules }) => {
      const leaves = event.get(path) ?? [];
      return rules.some((rule) => matchesRule(rule, leaves));
    }),
  );
}

/** One rule of a field against the field's leaf values (none when the field is absent). */
export function matchesRule(rule: unknown, leaves: unknown[]): boolean {
  if (!isObject(rule)) return leaves.some((leaf) => sameValue(rule, leaf));
  const [operator, operand] = Object.entries(rule)[0]!;
  if (operator === 'exists') return operand === leaves.length > 0;
  if (operator === 'anything-but') return leaves.some((leaf) => !excludedBy(operand, leaf));
  return leaves.some((leaf) => matchesOperator(operator, operand, leaf));
}

function matchesOperator(operator: string, operand: unknown, leaf: unknown): boolean {
  switch (operator) {
    case 'prefix':
      return typeof leaf === 'string' && affix(operand, leaf, (v, p) => v.startsWith(p));
    case 'suffix':
      return typeof leaf === 'string' && affix(operand, leaf, (v, s) => v.endsWith(s));
    case 'equals-ignore-case':
      return typeof leaf === 'string' && leaf.toLowerCase() === String(operand).toLowerCase();
    case 'numeric':
      return typeof leaf === 'number' && inRange(operand as unknown[], leaf);
    case 'cidr':
      return typeof leaf === 'string' && cidrContains(operand as string, leaf);
    case 'wildcard':
      return typeof leaf === 'string' && wildcardRegex(operand as string).test(leaf);
    default:
      return false;
  }
}

function affix(operand: unknown, leaf: string, test: (value: string, affix: string) => boolean): boolean {
  if (isObject(operand)) {
    return test(leaf.toLowerCase(), String(operand['equals-ignore-case']).toLowerCase());
  }
  return test(leaf, operand as string);
}

/** Whether `leaf` is one of the values an anything-but operand excludes. */
function excludedBy(operand: unknown, leaf: unknown): boolean {
  if (Array.isArray(operand)) return operand.some((value) => sameValue(value, leaf));
  if (!isObject(operand)) return sameValue(operand, leaf);
  const [operator, inner] = Object.entries(operand)[0]!;
  const values = Array.isArray(inner) ? inner : [inner];
  if (typeof leaf !== 'string') return false;
  return values.some((value) => matchesOperator(operator, value, leaf));
}

function sameValue(expected: unknown, actual: unknown): boolean {
  return expected === actual;
}

function inRange(terms: unknown[], value: number): boolean {
  for (let i = 0; i < terms.length; i += 2) {
    const bound = terms[i + 1] as number;
    switch (terms[i]) {
      case '=':
        if (value !== bound) return false;
        break;
      case '<':
        if (!(value < bound)) return false;
        break;
      case '<=':
        if (!(value <= bound)) return false;
        break;
      case '>':
        if (!(value > bound)) return false;
        break;
      case '>=':
        if (!(value >= bound)) return false;
        break;
    }
  }
  return true;
}

const wildcardCache = new Map<string, RegExp>();

/** `*` matches any run of characters (including none); `\*` and `\\` are a literal star and backslash. */
function wildcardRegex(wildcard: string): RegExp {
  let regex = wildcardCache.get(wildcard);
  if (regex) return regex;
  let source = '';
  for (let i = 0; i < wildcard.length; i++) {
    const ch = wildcard[i]!;
    if (ch === '\\' && i + 1 < wildcard.length) {
      source += escapeRegex(wildcard[++i]!);
    } else if (ch === '*') {
      source += '[\\s\\S]*';
    } else {
      source += escapeRegex(ch);
    }
  }
  regex = new RegExp(`^${source}$`);
  wildcardCache.set(wildcard, regex);
  return regex;
}

function escapeRegex(ch: string): string {
  return ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

function join(prefix: string, key: string): string {
  return prefix ? `${prefix}.${key}` : key;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringOrStrings(value: unknown): boolean {
  return typeof value === 'string' || (Array.isArray(value) && value.every((v) => typeof v === 'string'));
}
