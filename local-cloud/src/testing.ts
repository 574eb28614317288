/** What integration tests and benchmarks of every service share: the HTTP APIs as a client sees them. */

/** Response bodies are checked by the tests' expectations, not by types. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export interface ApiResponse<Body = Record<string, Json>> {
  status: number;
  headers: Headers;
  body: Body;
}

export interface ApiRequestOptions {
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as it is (malformed JSON, other content types). */
  raw?: string;
  headers?: Record<string, string>;
  /** The Idempotency-Key header. */
  key?: string;
}

/** One HTTP call to a service's API; a JSON answer is parsed, anything else is returned as text. */
export async function callApi<Body = Record<string, Json>>(
  base: string,
  method: string,
  path: string,
  options: ApiRequestOptions = {},
): Promise<ApiResponse<Body>> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.body !== undefined || options.raw !== undefined) headers['content-type'] ??= 'application/json';
  if (options.key) headers['idempotency-key'] = options.key;
  const body = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const response = await fetch(`${base}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body }),
  });
  const text = await response.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  return { status: response.status, headers: response.headers, body: parsed as Body };
}
