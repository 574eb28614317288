/**
 * What a target receives: the whole event, `Input` (constant JSON), `InputPath` (a JSON path into the event),
 * or `InputTransformer` (InputPathsMap variables substituted into InputTemplate), as
 * "Amazon EventBridge input transformation" documents. Pure.
 */

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

/** The text sent to the target: JSON for the event, Input, InputPath and JSON templates; free text for string templates. */
export function renderTargetInput(target: TargetInput, event: EventBridgeEvent, rule: RuleContext): string {
  if (target.Input !== undefined) return target.Input;
  if (target.InputPath !== undefined) return JSON.stringify(selectPath(event, target.InputPath) ?? null);
  if (target.InputTransformer) return renderTemplate(target.InputTransformer, event, rule);
  return JSON.stringify(event);
}

function renderTemplate(
  transformer: NonNullable<TargetInput['InputTransformer']>,
  event: EventBridgeEvent,
  rule: RuleContext,
): string {
  const variables = new Map<string, unknown>();
  for (const [name, path] of Object.entries(transformer.InputPathsMap ?? {})) {
    variables.set(name, selectPath(event, path));
  }
  const { detail: _detail, ...withoutDetail } = event;
  // Predefined variables are inserted verbatim: AWS says they are only for use as JSON values.
  const raw = new Map<string, string>([
    ['aws.events.event', JSON.stringify(withoutDetail)],
    ['aws.events.event.json', JSON.stringify(event)],
  ]);
  variables.set('aws.events.rule-arn', rule.ruleArn);
  variables.set('aws.events.rule-name', rule.ruleName);
  variables.set('aws.events.event.ingestion-time', rule.ingestionTime);

  const template = transformer.InputTemplate;
  const isJson = /^\s*[{[]/.test(template);
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
    const placeholder = ch === '<' ? /^<([A-Za-z0-9_.-]+)>/.exec(template.slice(i)) : null;
    const name = placeholder?.[1];
    if (!placeholder || name === undefined || (!variables.has(name) && !raw.has(name))) {
      out += ch;
      continue;
    }
    i += placeholder[0].length - 1;
    const verbatim = raw.get(name);
    if (verbatim !== undefined) out += verbatim;
    else out += substitute(variables.get(name), isJson && !inString, isJson);
  }
  return out;
}

/**
 * Outside quotes in a JSON template a value is inserted as JSON (strings quoted, missing → null);
 * inside quotes, or in a text template, strings go in bare (escaped for JSON when in a JSON string).
 */
function substitute(value: unknown, asJsonValue: boolean, insideJsonString: boolean): string {
  if (asJsonValue) return JSON.stringify(value ?? null);
  if (value === undefined) return '';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return insideJsonString ? JSON.stringify(text).slice(1, -1) : text;
}

/** The JSON path subset EventBridge supports: `$`, dot notation, array indices and `*` wildcards. */
export function selectPath(root: unknown, path: string): unknown {
  if (!path.startsWith('$')) return undefined;
  const tokens = path
    .slice(1)
    .replace(/\[(\d+|\*)\]/g, '.$1')
    .replace(/\['([^']+)'\]/g, '.$1')
    .split('.')
    .filter((token) => token !== '');
  let current: unknown[] = [root];
  let many = false;
  for (const token of tokens) {
    const next: unknown[] = [];
    for (const node of current) {
      if (token === '*') {
        many = true;
        if (Array.isArray(node)) next.push(...node);
        else if (node && typeof node === 'object') next.push(...Object.values(node));
      } else if (Array.isArray(node) && /^\d+$/.test(token)) {
        if (Number(token) < node.length) next.push(node[Number(token)]);
      } else if (node && typeof node === 'object' && !Array.isArray(node) && token in node) {
        next.push((node as Record<string, unknown>)[token]);
      }
    }
    current = next;
  }
  return many ? current : current[0];
}
