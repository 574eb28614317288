import { JwtRsaVerifier } from 'aws-jwt-verify';
import { JwtInvalidScopeError } from 'aws-jwt-verify/error';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { HttpProblem } from '../http/errors';

/** Who called, as their verified access token says: the app client (a merchant, a service, an operator's tool). */
export interface Principal {
  clientId: string;
  /**
   * Who acted: the token's `sub` (a signed-in person's user id; the app client itself for the client-credentials
   * grant). Two people using one operator tool share a clientId, never a subject.
   */
  subject: string;
  scopes: string[];
  /** Cognito groups of a signed-in user (e.g. `operators`); empty for the client-credentials grant. */
  groups: string[];
}

export interface BearerAuthOptions {
  /** The token issuer: Cognito's `https://cognito-idp.<region>.amazonaws.com/<poolId>`, or the local issuer. */
  issuer: string;
  /** The app clients whose tokens this API accepts (Cognito access tokens name theirs in `client_id`). */
  clientIds: readonly string[];
  fetchImpl?: typeof fetch;
}

/**
 * The JWKS is fetched with the runtime's own fetch, so the same code reads Cognito's (https) and the local
 * issuer's (http); aws-jwt-verify's default fetcher speaks https only.
 */
function jwksFetcher(fetchImpl: typeof fetch) {
  return {
    async fetch(uri: string): Promise<ArrayBuffer> {
      const response = await fetchImpl(uri, { signal: AbortSignal.timeout(5000) });
      if (response.status !== 200) throw new Error(`JWKS at ${uri} answered ${response.status}`);
      return response.arrayBuffer();
    },
  };
}

/** 401: the caller did not prove who they are. Says nothing that helps an attacker tell why. */
export class UnauthorizedError extends HttpProblem {
  override name = 'UnauthorizedError';
  constructor() {
    super(401, 'A valid bearer token is required for this route.');
    this.headers = { 'www-authenticate': 'Bearer realm="payflow", error="invalid_token"' };
  }
}

/** 403: a valid token that does not carry this route's scope. */
export class ForbiddenError extends HttpProblem {
  override name = 'ForbiddenError';
  constructor() {
    super(403, 'The token does not allow this operation.');
    this.headers = { 'www-authenticate': 'Bearer realm="payflow", error="insufficient_scope"' };
  }
}

/** `Authorization: Bearer <token>`, or undefined. */
function bearerToken(headers: Record<string, string | undefined>): string | undefined {
  const match = /^Bearer\s+([\w-]+\.[\w-]+\.[\w-]*)$/i.exec(headers.authorization?.trim() ?? '');
  return match?.[1];
}

/**
 * Verifies OAuth2 access tokens in the function's code, the same way locally and on AWS (aws-jwt-verify): the
 * signature against the issuer's JWKS (RS256 only, so `alg: none` and HMAC tokens fail), expiry, issuer,
 * `token_use: access`, the app client, and the route's scope. Every failure is a bare 401 or 403.
 */
export function createBearerAuth(options: BearerAuthOptions) {
  const issuer = options.issuer.replace(/\/$/, '');
  const clients = new Set(options.clientIds);
  const verifier = JwtRsaVerifier.create(
    {
      issuer,
      audience: null,
      jwksUri: `${issuer}/.well-known/jwks.json`,
      customJwtCheck: ({ payload }) => {
        if (payload.token_use !== 'access') throw new Error('not an access token');
        if (typeof payload.client_id !== 'string' || !clients.has(payload.client_id)) {
          throw new Error('token of an app client this API does not accept');
        }
      },
    },
    { jwksCache: new SimpleJwksCache({ fetcher: jwksFetcher(options.fetchImpl ?? fetch) }) },
  );

  /** The caller, when its token is valid and carries `scope` (or, with a list, any of them). */
  return async function authorize(
    headers: Record<string, string | undefined>,
    scope: string | readonly string[],
  ): Promise<Principal> {
    const token = bearerToken(headers);
    if (!token) throw new UnauthorizedError();
    const scopes = [scope].flat();
    try {
      const payload = await verifier.verify(token, { scope: scopes });
      return {
        clientId: String(payload.client_id),
        subject: String(payload.sub ?? payload.client_id),
        scopes: typeof payload.scope === 'string' ? payload.scope.split(' ') : [],
        groups: Array.isArray(payload['cognito:groups']) ? payload['cognito:groups'].map(String) : [],
      };
    } catch (error) {
      if (error instanceof JwtInvalidScopeError) throw new ForbiddenError();
      throw new UnauthorizedError();
    }
  };
}

export type BearerAuth = ReturnType<typeof createBearerAuth>;

/** The bearer auth of a function from its environment (TOKEN_ISSUER, TOKEN_CLIENT_IDS), made once. */
export function bearerAuthFromEnv(env: NodeJS.ProcessEnv = process.env): BearerAuth {
  const issuer = env.TOKEN_ISSUER;
  const clientIds = (env.TOKEN_CLIENT_IDS ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);
  if (!issuer || clientIds.length === 0) {
    throw new Error('TOKEN_ISSUER and TOKEN_CLIENT_IDS must be set for a route that takes bearer tokens');
  }
  return createBearerAuth({ issuer, clientIds });
}
