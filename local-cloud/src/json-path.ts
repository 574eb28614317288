import { JSONPath } from 'jsonpath-plus';

/**
 * The local cloud's one JSONPath reader (Step Functions' paths, EventBridge's InputPath and InputPathsMap), on
 * jsonpath-plus, the library aws-local-stepfunctions evaluates state machines' own paths with. `$.a.b[0]`,
 * `$['a b']`: the value, or undefined when the path points nowhere. A path that may select several values
 * (`$.items[*].id`, `$..id`) gives them as an array. Script expressions (`[?(...)]`) are never evaluated: such a
 * path points nowhere.
 */
export function readJsonPath(path: string, value: unknown): unknown {
  if (!path.startsWith('$')) return undefined;
  if (path === '$') return value;
  if (value === null || typeof value !== 'object') return undefined;
  let selected: unknown[];
  try {
    selected = JSONPath({ path, json: value, wrap: true, eval: false }) as unknown[];
  } catch {
    return undefined;
  }
  return selectsSeveral(path) ? selected : selected[0];
}

function selectsSeveral(path: string): boolean {
  return JSONPath.toPathArray(path).some(
    (segment) => segment === '*' || segment === '..' || /^\?\(|[,:]/.test(segment),
  );
}
