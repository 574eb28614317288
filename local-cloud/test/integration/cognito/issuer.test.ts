/**
 * The local Cognito on the edge as a client and a service see it: POST /oauth2/token, the pool's JWKS, tokens that
 * aws-jwt-verify accepts, the test-only mint route, and keys that outlive a restart.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { JwtRsaVerifier } from 'aws-jwt-verify';
import {
  JwtExpiredError,
  JwtInvalidIssuerError,
  JwtInvalidScopeError,
  KidNotFoundInJwksError,
} from 'aws-jwt-verify/error';
import { SimpleJwksCache, type Jwks } from 'aws-jwt-verify/jwk';
import { CognitoIssuer, decodeJwt } from '../../../src/cognito';
import { provisionTemplate, type ProvisionReport } from '../../../src/provision/provision';
import { startEdge, type Edge } from '../../../src/router';
import type { CfnTemplate } from '../../../src/provision/template';

const template: CfnTemplate = {
  Resources: {
    UserPool: { Type: 'AWS::Cognito::UserPool', Properties: { UserPoolName: 'payflow-local' } },
    PaymentsApi: {
      Type: 'AWS::Cognito::UserPoolResourceServer',
      Properties: {
        UserPoolId: { Ref: 'UserPool' },
        Identifier: 'payments',
        Name: 'Payflow payments',
        Scopes: [
          { ScopeName: 'read', ScopeDescription: 'Read payments' },
          { ScopeName: 'refund', ScopeDescription: 'Refund payments' },
          { ScopeName: 'sessions', ScopeDescription: 'Create payment sessions' },
        ],
      },
    },
    MerchantClient: {
      Type: 'AWS::Cognito::UserPoolClient',
      Properties: {
        UserPoolId: { Ref: 'UserPool' },
        ClientName: 'merchant-acme',
        GenerateSecret: true,
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthFlows: ['client_credentials'],
        AllowedOAuthScopes: ['payments/read', 'payments/sessions'],
      },
    },
    OtherPool: { Type: 'AWS::Cognito::UserPool', Properties: { UserPoolName: 'partners-local' } },
    PartnersApi: {
      Type: 'AWS::Cognito::UserPoolResourceServer',
      Properties: {
        UserPoolId: { Ref: 'OtherPool' },
        Identifier: 'partners',
        Scopes: [{ ScopeName: 'read' }],
      },
    },
    PartnerClient: {
      Type: 'AWS::Cognito::UserPoolClient',
      Properties: {
        UserPoolId: { Ref: 'OtherPool' },
        ClientName: 'partner-zed',
        GenerateSecret: 'true',
        AllowedOAuthFlowsUserPoolClient: 'true',
        AllowedOAuthFlows: ['client_credentials'],
        AllowedOAuthScopes: ['partners/read'],
      },
    },
    IdentityPool: {
      Type: 'AWS::Cognito::IdentityPool',
      Properties: { AllowUnauthenticatedIdentities: false },
    },
  },
};

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
const ACME = basic('merchant-acme', 'local-merchant-acme-secret');

/** The local issuer on an edge, as the local cloud starts it; `port` to come back on the same one. */
async function startIssuer(dataDir: string, port = 0) {
  const edge = await startEdge({ port });
  const cognito = new CognitoIssuer({ endpoint: edge.endpoint, dataDir, route: edge.route });
  const report = await provisionTemplate('payflow-auth-local', template, {
    endpoint: edge.endpoint,
    s3: { setLambdaNotifications: () => undefined },
    eventSourceMappings: { create: () => undefined },
    cognito,
  });
  return { edge, cognito, report };
}

let edge: Edge;
let report: ProvisionReport;
let dataDir: string;
let issuer: string;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'payflow-cognito-'));
  ({ edge, report } = await startIssuer(dataDir));
  issuer = `${edge.endpoint}/local_payflowlocal`;
});
afterAll(async () => {
  await edge?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function requestToken(body: string, headers: Record<string, string> = { authorization: ACME }) {
  const response = await fetch(`${edge.endpoint}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body,
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as { access_token: string; expires_in?: number; error?: string },
  };
}

/** A verifier as the services make one: the JWKS fetched with the runtime's fetch (http locally). */
function verifierFor(issuerUri: string) {
  return JwtRsaVerifier.create(
    { issuer: issuerUri, audience: null, jwksUri: `${issuerUri}/.well-known/jwks.json` },
    {
      jwksCache: new SimpleJwksCache({
        fetcher: { fetch: async (uri: string) => (await fetch(uri)).arrayBuffer() },
      }),
    },
  );
}

describe('provisioning', () => {
  it('creates the pools, resource servers and clients, and skips other Cognito types', () => {
    expect(report.created).toEqual([
      { type: 'AWS::Cognito::UserPool', name: 'local_payflowlocal' },
      { type: 'AWS::Cognito::UserPool', name: 'local_partnerslocal' },
      { type: 'AWS::Cognito::UserPoolResourceServer', name: 'payments' },
      { type: 'AWS::Cognito::UserPoolResourceServer', name: 'partners' },
      { type: 'AWS::Cognito::UserPoolClient', name: 'merchant-acme' },
      { type: 'AWS::Cognito::UserPoolClient', name: 'partner-zed' },
    ]);
    expect(report.skipped).toEqual([
      {
        type: 'AWS::Cognito::IdentityPool',
        logicalId: 'IdentityPool',
        why: expect.stringMatching(/local Cognito has user pools, resource servers, app clients/),
      },
    ]);
  });

  it('lists pools and clients with their local secrets at GET /_local/cognito/clients', async () => {
    const { pools } = (await (await fetch(`${edge.endpoint}/_local/cognito/clients`)).json()) as {
      pools: Array<Record<string, unknown>>;
    };
    expect(pools.map((p) => p.id)).toEqual(['local_payflowlocal', 'local_partnerslocal']);
    expect(pools[0]).toMatchObject({
      name: 'payflow-local',
      issuer,
      jwksUri: `${issuer}/.well-known/jwks.json`,
      tokenEndpoint: `${edge.endpoint}/oauth2/token`,
      clients: [
        {
          id: 'merchant-acme',
          secret: 'local-merchant-acme-secret',
          scopes: ['payments/read', 'payments/sessions'],
          flows: ['client_credentials'],
        },
      ],
    });
  });
});

describe('POST /oauth2/token', () => {
  it('issues an access token to a client authenticated with HTTP Basic', async () => {
    const { status, headers, body } = await requestToken('grant_type=client_credentials');
    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('application/json;charset=UTF-8');
    expect(headers.get('cache-control')).toMatch(/no-store/);
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'token_type']);
    expect(body).toMatchObject({ expires_in: 3600, token_type: 'Bearer' });
  });

  it('issues one to a client that sends client_id and client_secret in the body', async () => {
    const { status, body } = await requestToken(
      'grant_type=client_credentials&client_id=merchant-acme&client_secret=local-merchant-acme-secret',
      {},
    );
    expect(status).toBe(200);
    expect(decodeJwt(body.access_token).payload.client_id).toBe('merchant-acme');
  });

  it('signs the claims Cognito puts in a client-credentials access token', async () => {
    const before = Math.floor(Date.now() / 1000);
    const { body } = await requestToken('grant_type=client_credentials');
    const { header, payload } = decodeJwt(body.access_token);
    const jwks = (await (await fetch(`${issuer}/.well-known/jwks.json`)).json()) as {
      keys: Array<{ kid: string }>;
    };
    expect(header).toEqual({ kid: jwks.keys[0]!.kid, alg: 'RS256' });
    expect(Object.keys(payload).sort()).toEqual(
      ['auth_time', 'client_id', 'exp', 'iat', 'iss', 'jti', 'scope', 'sub', 'token_use', 'version'].sort(),
    );
    expect(payload).toMatchObject({
      sub: 'merchant-acme',
      client_id: 'merchant-acme',
      token_use: 'access',
      scope: 'payments/read payments/sessions',
      iss: issuer,
      version: 2,
    });
    expect(payload.iat).toBeGreaterThanOrEqual(before);
    expect(payload.auth_time).toBe(payload.iat);
    expect(payload.exp).toBe(Number(payload.iat) + 3600);
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('gives the scopes asked for when they are a subset of the client’s', async () => {
    const { body } = await requestToken('grant_type=client_credentials&scope=payments%2Fsessions');
    expect(decodeJwt(body.access_token).payload.scope).toBe('payments/sessions');
  });

  it('finds the pool by the client id when there are several', async () => {
    const { body } = await requestToken('grant_type=client_credentials', {
      authorization: basic('partner-zed', 'local-partner-zed-secret'),
    });
    expect(decodeJwt(body.access_token).payload).toMatchObject({
      iss: `${edge.endpoint}/local_partnerslocal`,
      scope: 'partners/read',
    });
  });

  it.each([
    [
      'invalid_client',
      'a wrong secret',
      'grant_type=client_credentials',
      { authorization: basic('merchant-acme', 'x') },
    ],
    [
      'invalid_client',
      'an unknown client',
      'grant_type=client_credentials',
      { authorization: basic('nobody', 'x') },
    ],
    ['invalid_client', 'no client at all', 'grant_type=client_credentials', {}],
    ['unsupported_grant_type', 'the password grant', 'grant_type=password', { authorization: ACME }],
    ['invalid_request', 'no grant_type', 'scope=payments/read', { authorization: ACME }],
    [
      'invalid_scope',
      'a scope the client lacks',
      'grant_type=client_credentials&scope=payments/refund',
      { authorization: ACME },
    ],
    [
      'invalid_scope',
      "another pool's scope",
      'grant_type=client_credentials&scope=partners/read',
      { authorization: ACME },
    ],
  ])('answers 400 {"error":"%s"} to %s', async (error, _, body, headers) => {
    const response = await requestToken(body, headers);
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error });
    expect(response.headers.get('content-type')).toBe('application/json;charset=UTF-8');
    expect(response.headers.get('x-local-cognito-reason')).toBeTruthy();
  });

  it('takes POST only', async () => {
    const response = await fetch(`${edge.endpoint}/oauth2/token?grant_type=client_credentials`);
    expect([response.status, response.headers.get('allow'), await response.json()]).toEqual([
      405,
      'POST',
      { error: 'invalid_request' },
    ]);
  });

  it('answers invalid_request to a JSON body', async () => {
    const response = await fetch(`${edge.endpoint}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: ACME },
      body: JSON.stringify({ grant_type: 'client_credentials' }),
    });
    expect([response.status, await response.json()]).toEqual([400, { error: 'invalid_request' }]);
  });
});

describe('GET /<poolId>/.well-known/jwks.json', () => {
  it('lists the pool’s RSA public key as Cognito does', async () => {
    const response = await fetch(`${issuer}/.well-known/jwks.json`);
    expect(response.status).toBe(200);
    const jwks = (await response.json()) as { keys: Array<Record<string, string>> };
    expect(jwks.keys).toHaveLength(1);
    const [key] = jwks.keys;
    expect(Object.keys(key!).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
    expect(key).toMatchObject({ alg: 'RS256', kty: 'RSA', use: 'sig', e: 'AQAB' });
    // A 2048-bit modulus: 256 bytes, 342 base64url characters.
    expect(Buffer.from(key!.n!, 'base64url')).toHaveLength(256);
  });

  it('gives each pool its own key', async () => {
    const kid = async (poolId: string) =>
      (
        (await (await fetch(`${edge.endpoint}/${poolId}/.well-known/jwks.json`)).json()) as {
          keys: Array<{ kid: string }>;
        }
      ).keys[0]!.kid;
    expect(await kid('local_payflowlocal')).not.toBe(await kid('local_partnerslocal'));
  });

  it('serves the discovery document beside it', async () => {
    const config = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    expect(config).toMatchObject({
      issuer,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      token_endpoint: `${edge.endpoint}/oauth2/token`,
    });
  });
});

describe('aws-jwt-verify', () => {
  it('accepts an issued token with a fetcher that speaks http, and checks the scope', async () => {
    const { body } = await requestToken('grant_type=client_credentials&scope=payments/read');
    const verifier = verifierFor(issuer);
    await expect(verifier.verify(body.access_token, { scope: 'payments/read' })).resolves.toMatchObject({
      client_id: 'merchant-acme',
      token_use: 'access',
    });
    await expect(verifier.verify(body.access_token, { scope: 'payments/refund' })).rejects.toThrow(
      JwtInvalidScopeError,
    );
  });

  it('accepts it with the JWKS handed over by cacheJwks', async () => {
    const { body } = await requestToken('grant_type=client_credentials');
    const verifier = JwtRsaVerifier.create({
      issuer,
      audience: null,
      jwksUri: `${issuer}/.well-known/jwks.json`,
    });
    verifier.cacheJwks((await (await fetch(`${issuer}/.well-known/jwks.json`)).json()) as Jwks);
    await expect(verifier.verify(body.access_token)).resolves.toMatchObject({ sub: 'merchant-acme' });
  });

  it('cannot fetch an http:// JWKS with its own fetcher (Node https only)', async () => {
    const { body } = await requestToken('grant_type=client_credentials');
    const verifier = JwtRsaVerifier.create({
      issuer,
      audience: null,
      jwksUri: `${issuer}/.well-known/jwks.json`,
    });
    await expect(verifier.verify(body.access_token)).rejects.toThrow(/Protocol "http:" not supported/);
  });

  it('refuses a token of another pool signed by that pool’s key', async () => {
    const { body } = await requestToken('grant_type=client_credentials', {
      authorization: basic('partner-zed', 'local-partner-zed-secret'),
    });
    // Its kid is not in this pool's JWKS, which aws-jwt-verify checks before the issuer.
    await expect(verifierFor(issuer).verify(body.access_token)).rejects.toThrow(KidNotFoundInJwksError);
  });
});

describe('POST /_local/cognito/mint', () => {
  async function mint(request: unknown) {
    const response = await fetch(`${edge.endpoint}/_local/cognito/mint`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request),
    });
    return { status: response.status, body: (await response.json()) as Record<string, string> };
  }

  it('signs with the pool’s key and the claims given: an expired token fails only as expired', async () => {
    const past = Math.floor(Date.now() / 1000) - 7200;
    const { status, body } = await mint({
      clientId: 'merchant-acme',
      claims: { iat: past - 3600, exp: past },
    });
    expect(status).toBe(200);
    expect(decodeJwt(body.access_token!).payload).toMatchObject({
      exp: past,
      client_id: 'merchant-acme',
      iss: issuer,
    });
    await expect(verifierFor(issuer).verify(body.access_token!)).rejects.toThrow(JwtExpiredError);
  });

  it('makes a token of another issuer, signed by the right key', async () => {
    const { body } = await mint({ clientId: 'merchant-acme', claims: { iss: 'https://evil.example/pool' } });
    await expect(verifierFor(issuer).verify(body.access_token!)).rejects.toThrow(JwtInvalidIssuerError);
  });

  it('removes a claim set to null and takes a scope', async () => {
    const { body } = await mint({
      clientId: 'merchant-acme',
      scope: 'payments/refund',
      claims: { client_id: null },
    });
    const { payload } = decodeJwt(body.access_token!);
    expect(payload.client_id).toBeUndefined();
    expect(payload.scope).toBe('payments/refund');
    await expect(verifierFor(issuer).verify(body.access_token!)).resolves.toMatchObject({
      sub: 'merchant-acme',
    });
  });

  it('answers 404 for an unknown client and 400 for claims that are not an object', async () => {
    expect(await mint({ clientId: 'nobody' })).toMatchObject({ status: 404 });
    expect(await mint({ clientId: 'merchant-acme', claims: [1] })).toMatchObject({ status: 400 });
  });
});

describe('a restart on the same data directory', () => {
  it('keeps the keys, so a token issued before still verifies', async () => {
    const { body } = await requestToken('grant_type=client_credentials');
    const jwksBefore = await (await fetch(`${issuer}/.well-known/jwks.json`)).json();
    expect(JSON.parse(fs.readFileSync(path.join(dataDir, 'cognito-keys.json'), 'utf8'))).toHaveProperty(
      'local_payflowlocal.kid',
    );
    const port = edge.port;
    await edge.close();
    ({ edge } = await startIssuer(dataDir, port));
    // fetch's pooled connection to the old edge was closed under it: the first request after may fail once.
    await fetch(`${issuer}/.well-known/jwks.json`).catch(() => undefined);
    expect(await (await fetch(`${issuer}/.well-known/jwks.json`)).json()).toEqual(jwksBefore);
    await expect(verifierFor(issuer).verify(body.access_token)).resolves.toMatchObject({
      sub: 'merchant-acme',
    });
  });

  it('makes new keys in a new data directory', async () => {
    const otherDir = fs.mkdtempSync(path.join(os.tmpdir(), 'payflow-cognito-'));
    const other = await startIssuer(otherDir);
    try {
      const kid = async (endpoint: string) =>
        (
          (await (await fetch(`${endpoint}/local_payflowlocal/.well-known/jwks.json`)).json()) as {
            keys: Array<{ kid: string }>;
          }
        ).keys[0]!.kid;
      expect(await kid(other.edge.endpoint)).not.toBe(await kid(edge.endpoint));
    } finally {
      await other.edge.close();
      fs.rmSync(otherDir, { recursive: true, force: true });
    }
  });
});
