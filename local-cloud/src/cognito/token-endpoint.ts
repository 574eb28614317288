import crypto from 'node:crypto';
import type { AwsRequest, AwsResponse } from '../protocol';
import type { AppClient, UserPools } from './pools';

/** The `error` values Cognito's token endpoint answers with (400, `{"error": ...}`). */
export type TokenError =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope';

/** A refused token request: `error` is what the caller sees, `reason` only what the local cloud says about it. */
export class TokenRequestError extends Error {
  constructor(
    readonly error: TokenError,
    readonly reason: string,
  ) {
    super(`${error}: ${reason}`);
  }
}

export interface TokenGrant {
  client: AppClient;
  scopes: string[];
}

/**
 * Checks a client-credentials request as Cognito's `POST /oauth2/token` does: a form body, `grant_type`,
 * the client by HTTP Basic (client_secret_basic) or `client_id`/`client_secret` fields (client_secret_post),
 * its OAuth settings, and `scope` (a subset of the client's; all of them when absent).
 */
export function grantClientCredentials(req: AwsRequest, pools: UserPools): TokenGrant {
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (contentType !== 'application/x-www-form-urlencoded') {
    throw new TokenRequestError(
      'invalid_request',
      `Content-Type must be application/x-www-form-urlencoded, not '${contentType || 'none'}'`,
    );
  }
  const form = new URLSearchParams(req.body.toString('utf8'));
  for (const field of ['grant_type', 'client_id', 'client_secret', 'scope']) {
    if (form.getAll(field).length > 1) throw new TokenRequestError('invalid_request', `${field} is repeated`);
  }
  const grantType = form.get('grant_type');
  if (!grantType) throw new TokenRequestError('invalid_request', 'grant_type is missing');
  if (grantType !== 'client_credentials') {
    throw new TokenRequestError(
      'unsupported_grant_type',
      `grant_type '${grantType}': the local issuer grants client_credentials only`,
    );
  }

  const { clientId, secret } = clientCredentials(req.headers.authorization, form);
  const client = pools.client(clientId);
  if (!client) throw new TokenRequestError('invalid_client', `no app client '${clientId}' in any user pool`);
  if (!client.secret) {
    throw new TokenRequestError(
      'unauthorized_client',
      `app client '${clientId}' has no secret (GenerateSecret: false); client_credentials needs one`,
    );
  }
  if (secret === undefined || !sameText(secret, client.secret)) {
    throw new TokenRequestError('invalid_client', `wrong or missing client secret for '${clientId}'`);
  }
  if (!client.allowedOAuthFlowsUserPoolClient) {
    throw new TokenRequestError(
      'invalid_grant',
      `app client '${clientId}' does not set AllowedOAuthFlowsUserPoolClient: true`,
    );
  }
  if (!client.allowedOAuthFlows.includes('client_credentials')) {
    throw new TokenRequestError(
      'unauthorized_client',
      `app client '${clientId}' does not allow client_credentials (AllowedOAuthFlows: ${client.allowedOAuthFlows.join(', ') || 'none'})`,
    );
  }

  const requested = [...new Set((form.get('scope') ?? '').split(/\s+/).filter(Boolean))];
  const notAllowed = requested.filter((scope) => !client.allowedOAuthScopes.includes(scope));
  if (notAllowed.length > 0) {
    throw new TokenRequestError(
      'invalid_scope',
      `app client '${clientId}' may not ask for ${notAllowed.join(', ')} (allowed: ${client.allowedOAuthScopes.join(' ') || 'none'})`,
    );
  }
  const scopes = requested.length > 0 ? requested : client.allowedOAuthScopes;
  if (scopes.length === 0) {
    throw new TokenRequestError('invalid_scope', `app client '${clientId}' has no AllowedOAuthScopes`);
  }
  return { client, scopes };
}

/** The client id and secret from `Authorization: Basic base64(id:secret)` or the form's fields. */
function clientCredentials(
  authorization: string | undefined,
  form: URLSearchParams,
): { clientId: string; secret?: string } {
  const formId = form.get('client_id') ?? undefined;
  const formSecret = form.get('client_secret') ?? undefined;
  if (authorization) {
    const basic = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(authorization);
    if (!basic)
      throw new TokenRequestError('invalid_client', 'the Authorization header is not Basic credentials');
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0)
      throw new TokenRequestError('invalid_client', 'Basic credentials are not client_id:client_secret');
    const clientId = decoded.slice(0, colon);
    const secret = decoded.slice(colon + 1);
    if ((formId !== undefined && formId !== clientId) || formSecret !== undefined) {
      throw new TokenRequestError(
        'invalid_request',
        'client credentials both in the Authorization header and in the body; use one',
      );
    }
    return { clientId, secret };
  }
  if (!formId)
    throw new TokenRequestError('invalid_client', 'no client_id: send Basic credentials or client_id');
  return { clientId: formId, secret: formSecret };
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && crypto.timingSafeEqual(left, right);
}

/** As Cognito answers: JSON in UTF-8, never cached. */
export function tokenResponse(status: number, body: unknown, reason?: string): AwsResponse {
  return {
    status,
    headers: {
      'content-type': 'application/json;charset=UTF-8',
      'cache-control': 'no-cache, no-store, max-age=0, must-revalidate',
      pragma: 'no-cache',
      // Local only: why a request was refused, which Cognito does not say.
      ...(reason ? { 'x-local-cognito-reason': reason } : {}),
    },
    body: JSON.stringify(body),
  };
}
