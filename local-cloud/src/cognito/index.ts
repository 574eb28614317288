import crypto from 'node:crypto';
import type { AwsRequest, AwsResponse } from '../protocol';
import { localJson, type LocalRoute } from '../router';
import { signJwt } from './jwt';
import { KeyStore } from './keys';
import { issuerOf } from './names';
import { UserPools, type AppClient, type UserPool } from './pools';
import { grantClientCredentials, TokenRequestError, tokenResponse } from './token-endpoint';

export { cognitoPhysicalResource, localPoolId } from './names';
export { decodeJwt } from './jwt';
export { keepKeysAcross } from './keys';
export type { AppClient, UserPool } from './pools';

/** The Cognito resource types provisioning creates here; other `AWS::Cognito::*` types are skipped. */
export const COGNITO_TYPES = [
  'AWS::Cognito::UserPool',
  'AWS::Cognito::UserPoolResourceServer',
  'AWS::Cognito::UserPoolClient',
  'AWS::Cognito::UserPoolGroup',
  'AWS::Cognito::UserPoolDomain',
];

export interface CognitoIssuerOptions {
  /** The edge, e.g. `http://localhost:4566`: tokens' `iss` is `<endpoint>/<poolId>`. */
  endpoint: string;
  /** Where the pools' signing keys are kept (`cognito-keys.json`). */
  dataDir: string;
  /** Registers a route on the edge (`edge.route`). */
  route(method: string, path: string, handler: LocalRoute): void;
  log?: (line: string) => void;
}

/**
 * Amazon Cognito user pools as an OAuth2 issuer for the client-credentials grant: `POST /oauth2/token`,
 * `GET /<poolId>/.well-known/jwks.json`, and access tokens as Cognito signs them.
 */
export class CognitoIssuer {
  readonly pools: UserPools;
  readonly keys: KeyStore;
  private readonly endpoint: string;
  private readonly log: (line: string) => void;

  constructor(private readonly options: CognitoIssuerOptions) {
    this.endpoint = options.endpoint.replace(/\/$/, '');
    this.log = options.log ?? (() => undefined);
    this.keys = new KeyStore(options.dataDir);
    this.pools = new UserPools((pool) => this.publish(pool));
    options.route('POST', '/oauth2/token', (req) => this.token(req));
    // The token endpoint takes POST only.
    const notPost = tokenResponse(405, { error: 'invalid_request' });
    options.route('GET', '/oauth2/token', () => ({
      ...notPost,
      headers: { ...notPost.headers, allow: 'POST' },
    }));
    options.route('GET', '/_local/cognito/clients', () => localJson(200, { pools: this.describe() }));
    options.route('POST', '/_local/cognito/mint', (req) => this.mint(req));
  }

  issuer(poolId: string): string {
    return issuerOf(this.endpoint, poolId);
  }

  /** Creates a resource of one of COGNITO_TYPES from its resolved template properties. */
  provision(type: string, props: Record<string, unknown>, ref: string): void {
    switch (type) {
      case 'AWS::Cognito::UserPool':
        this.pools.createUserPool(props, ref);
        return;
      case 'AWS::Cognito::UserPoolResourceServer':
        this.pools.createResourceServer(props);
        return;
      case 'AWS::Cognito::UserPoolClient':
        this.pools.createClient(props, ref);
        return;
      case 'AWS::Cognito::UserPoolGroup':
        this.pools.createGroup(props, ref);
        return;
      case 'AWS::Cognito::UserPoolDomain':
        this.pools.createDomain(props);
        return;
      default:
        throw new Error(`${type} is not emulated by the local Cognito`);
    }
  }

  /** An access token for the client, as Cognito issues one for the client-credentials grant. */
  accessToken(client: AppClient, scopes: string[], overrides: Record<string, unknown> = {}): string {
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = {
      sub: client.id,
      token_use: 'access',
      scope: scopes.join(' '),
      auth_time: now,
      iss: this.issuer(client.poolId),
      exp: now + client.accessTokenSeconds,
      iat: now,
      version: 2,
      jti: crypto.randomUUID(),
      client_id: client.id,
    };
    for (const [name, value] of Object.entries(overrides)) {
      if (value === null) delete claims[name];
      else claims[name] = value;
    }
    return signJwt(claims, this.keys.keyOf(client.poolId));
  }

  /** The pool's JWKS and discovery document, at the paths Cognito serves them under its issuer. */
  private publish(pool: UserPool): void {
    this.keys.keyOf(pool.id);
    const json = (body: unknown): AwsResponse => ({
      status: 200,
      headers: { 'content-type': 'application/json;charset=UTF-8' },
      body: JSON.stringify(body),
    });
    const issuer = this.issuer(pool.id);
    this.options.route('GET', `/${pool.id}/.well-known/jwks.json`, () => json(this.keys.jwks(pool.id)));
    this.options.route('GET', `/${pool.id}/.well-known/openid-configuration`, () =>
      json({
        issuer,
        jwks_uri: `${issuer}/.well-known/jwks.json`,
        token_endpoint: `${this.endpoint}/oauth2/token`,
        grant_types_supported: ['client_credentials'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
        id_token_signing_alg_values_supported: ['RS256'],
        scopes_supported: [...pool.resourceServers.values()].flatMap((server) => server.scopes),
      }),
    );
  }

  private token(req: AwsRequest): AwsResponse {
    try {
      const { client, scopes } = grantClientCredentials(req, this.pools);
      return tokenResponse(200, {
        access_token: this.accessToken(client, scopes),
        expires_in: client.accessTokenSeconds,
        token_type: 'Bearer',
      });
    } catch (error) {
      if (!(error instanceof TokenRequestError)) throw error;
      this.log(`[cognito] POST /oauth2/token refused: ${error.message}`);
      return tokenResponse(400, { error: error.error }, error.reason);
    }
  }

  /**
   * Local only: a token signed with the pool's real key, with any claims replaced (`null` removes one), so a test
   * can make an expired token, one of another issuer, or one without a claim.
   */
  private mint(req: AwsRequest): AwsResponse {
    let body: { clientId?: unknown; scope?: unknown; claims?: unknown };
    try {
      body = JSON.parse(req.body.toString('utf8') || '{}') as typeof body;
    } catch {
      return localJson(400, { message: 'The body must be JSON: {"clientId": "...", "claims": {...}}' });
    }
    const client = typeof body.clientId === 'string' ? this.pools.client(body.clientId) : undefined;
    if (!client) {
      const known = this.pools.list().flatMap((pool) => [...pool.clients.keys()]);
      return localJson(404, {
        message: `No app client '${String(body.clientId)}'; known: ${known.join(', ') || 'none'}`,
      });
    }
    if (body.claims !== undefined && (typeof body.claims !== 'object' || Array.isArray(body.claims))) {
      return localJson(400, { message: 'claims must be an object of claim names to values' });
    }
    const scopes = typeof body.scope === 'string' ? body.scope.split(/\s+/).filter(Boolean) : undefined;
    const token = this.accessToken(
      client,
      scopes ?? client.allowedOAuthScopes,
      (body.claims ?? {}) as Record<string, unknown>,
    );
    return localJson(200, { access_token: token, token_type: 'Bearer' });
  }

  /** Every pool and client, with the clients' local secrets (GET /_local/cognito/clients). */
  describe() {
    return this.pools.list().map((pool) => ({
      id: pool.id,
      name: pool.name,
      arn: pool.arn,
      issuer: this.issuer(pool.id),
      jwksUri: `${this.issuer(pool.id)}/.well-known/jwks.json`,
      tokenEndpoint: `${this.endpoint}/oauth2/token`,
      resourceServers: [...pool.resourceServers.values()],
      groups: [...pool.groups.values()],
      domains: [...pool.domains],
      clients: [...pool.clients.values()].map((client) => ({
        id: client.id,
        secret: client.secret ?? null,
        scopes: client.allowedOAuthScopes,
        flows: client.allowedOAuthFlows,
        accessTokenSeconds: client.accessTokenSeconds,
      })),
    }));
  }
}
