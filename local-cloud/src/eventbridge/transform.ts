/**
 * What a target receives: the whole event, `Input` (constant JSON), `InputPath` (a JSON path into the event),
 * or `InputTransformer` (InputPathsMap variables substituted into InputTemplate), as
 * "Amazon EventBridge input transformation" documents. Pure.
 */
import { readJsonPath } from '../json-path';

export interface EventBridgeEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: unknown;
}

export interface TargetInput {
  Input?: string;
  InputPath?: string;
  InputTransformer?: { InputPathsMap?: Record<string, string>; InputTemplate: string };
}

export interface RuleContext {
  ruleArn: string;
  ruleName: string;
  ingestionTime: string;
}

/** Variables every template may use without declaring them in InputPathsMap. */
export const PREDEFINED_VARIABLES = [
  'aws.events.rule-arn',
  'aws.events.rule-name',
  'aws.events.event.ingestion-time',
  'aws.events.event',
  'aws.events.event.json',
];

/** The placeholders of a template, `<name>`, as EventBridge finds them. */
export function templatePlaceholders(template: string): string[] {
  return [...template.matchAll(/<(.*?)>/g)].map((match) => match[1]!);
}

/**
 * The text sent to the target: JSON for the event, Input, InputPath and JSON templates; free text for string
 * templates. Undefined when the transformed output is not what EventBridge delivers (a JSON-looking output that is
 * not JSON): AWS drops such an event without a word.
 */
export function renderTargetInput(
  target: TargetInput,
  event: EventBridgeEvent,
  rule: RuleContext,
): string | undefined {
  if (target.Input !== undefined) return target.Input;
  if (target.InputPath !== undefined) return JSON.stringify(readJsonPath(target.InputPath, event) ?? null);
  if (!target.InputTransformer) return JSON.stringify(event);
  const out = renderTemplate(target.InputTransformer, event, rule);
  const trimmed = out.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      JSON.parse(out);
    } catch {
      return undefined;
    }
  }
  return out;
}

function renderTemplate(
  transformer: NonNullable<TargetInput['InputTransformer']>,
  event: EventBridgeEvent,
  rule: RuleContext,
): string {
  const variables = new Map<string, unknown>();
  for (const [name, path] of Object.entries(transformer.InputPathsMap ?? {})) {
    variables.set(name, readJsonPath(path, event));
  }
  // `aws.events.event` is the event without detail, with detailType for detail-type, as AWS sends it.
  const { detail: _detail, 'detail-type': detailType, ...rest } = event;
  const withoutDetail = {
    id: rest.id,
    account: rest.account,
    detailType,
    time: rule.ingestionTime,
    source: rest.source,
    region: rest.region,
    resources: rest.resources,
    version: rest.version,
  };
  // Predefined variables are inserted verbatim: AWS says they are only for use as JSON values.
  const raw = new Map<string, string>([
    ['aws.events.event', JSON.stringify(withoutDetail)],
    ['aws.events.event.json', JSON.stringify(event)],
  ]);
  variables.set('aws.events.rule-arn', rule.ruleArn);
  variables.set('aws.events.rule-name', rule.ruleName);
  variables.set('aws.events.event.ingestion-time', rule.ingestionTime);

  const template = transformer.InputTemplate;
  const isJson = template.trim().startsWith('{');
  let out = '';
  let inString = false;
  for (let i = 0; i < template.length; i++) {
    const ch = template[i]!;
    if (ch === '\\' && inString) {
      out += ch + (template[i + 1] ?? '');
      i++;
      continue;
    }
    if (ch === '"') inString = !inString;
    const placeholder = ch === '<' ? /^<([^<>]*)>/.exec(template.slice(i)) : null;
    const name = placeholder?.[1];
    if (!placeholder || name === undefined || (!variables.has(name) && !raw.has(name))) {
      out += ch;
      continue;
    }
    i += placeholder[0].length - 1;
    const verbatim = raw.get(name);
    if (verbatim !== undefined) out += verbatim;
    else out += substitute(variables.get(name), isJson, inString);
  }
  return out;
}

/**
 * In a JSON template a value outside quotes goes in as JSON (a missing one as ""), a string inside quotes as string
 * content, and an object or array as JSON wherever it is (inside quotes that breaks the JSON, and AWS drops the
 * event). In a text template values go in bare, objects and arrays without quotes: {a:1,b:x}, [HIGH,LOW].
 */
function substitute(value: unknown, isJson: boolean, inString: boolean): string {
  if (isJson) {
    if (value !== null && typeof value === 'object') return JSON.stringify(value);
    if (!inString) return value === undefined ? '""' : JSON.stringify(value);
    if (value === undefined) return '';
    return JSON.stringify(typeof value === 'string' ? value : JSON.stringify(value)).slice(1, -1);
  }
  return bare(value);
}

function bare(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return `[${value.map(bare).join(',')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([key, item]) => `${key}:${bare(item)}`)
      .join(',')}}`;
  }
  return String(value);
}
