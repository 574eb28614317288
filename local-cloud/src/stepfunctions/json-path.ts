/** Reads a reference path (`$.a.b[0]`, `$['a']`) from a JSON value; undefined when it points nowhere. */
export function readPath(path: string, value: unknown): unknown {
  if (!path.startsWith('$')) throw new Error(`'${path}' is not a reference path: it must start with '$'`);
  const segments = [...path.slice(1).matchAll(/\.([^.[\]]+)|\[(\d+)\]|\['([^']+)'\]/g)].map(
    (m) => m[1] ?? (m[2] !== undefined ? Number(m[2]) : m[3]!),
  );
  let current: unknown = value;
  for (const segment of segments) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}
