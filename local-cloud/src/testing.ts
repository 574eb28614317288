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

const tokens = new Map<string, Promise<string>>();

/**
 * An access token from the local issuer (POST /oauth2/token, client credentials) for one of the app clients the
 * templates declare; the local secret of client `x` is `local-x-secret`. Cached per client and scopes.
 */
export function localToken(endpoint: string, clientId: string, scope?: string): Promise<string> {
  const cacheKey = `${endpoint} ${clientId} ${scope ?? ''}`;
  let token = tokens.get(cacheKey);
  if (!token) {
    token = (async () => {
      const response = await fetch(`${endpoint}/oauth2/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${clientId}:local-${clientId}-secret`).toString('base64')}`,
        },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          ...(scope ? { scope } : {}),
        }).toString(),
      });
      const body = (await response.json()) as { access_token?: string };
      if (!body.access_token)
        throw new Error(`no token for ${clientId}: ${response.status} ${JSON.stringify(body)}`);
      return body.access_token;
    })();
    tokens.set(cacheKey, token);
    token.catch(() => tokens.delete(cacheKey));
  }
  return token;
}
