/** Cognito's POST /oauth2/token for the client-credentials grant: who may have a token, with which scopes. */
import { UserPools } from '../../../src/cognito/pools';
import { grantClientCredentials, TokenRequestError } from '../../../src/cognito/token-endpoint';
import type { AwsRequest } from '../../../src/protocol';

const FORM = 'application/x-www-form-urlencoded';
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

function tokenRequest(body: string, headers: Record<string, string> = {}): AwsRequest {
  return {
    method: 'POST',
    path: '/oauth2/token',
    query: new URLSearchParams(),
    headers: { 'content-type': FORM, ...headers },
    body: Buffer.from(body),
  };
}

const pools = new UserPools();
pools.createUserPool({ UserPoolName: 'payflow-local' });
pools.createResourceServer({
  UserPoolId: 'local_payflowlocal',
  Identifier: 'payments',
  Scopes: [{ ScopeName: 'read' }, { ScopeName: 'refund' }, { ScopeName: 'sessions' }],
});
const client = (name: string, props: Record<string, unknown> = {}) =>
  pools.createClient(
    {
      UserPoolId: 'local_payflowlocal',
      ClientName: name,
      GenerateSecret: true,
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['client_credentials'],
      AllowedOAuthScopes: ['payments/read', 'payments/sessions'],
      ...props,
    },
    name,
  );
client('merchant-acme');
client('no-user-pool-flows', { AllowedOAuthFlowsUserPoolClient: false });
client('code-only', { AllowedOAuthFlows: ['code'], AllowedOAuthScopes: ['openid'] });
client('public-web', { GenerateSecret: false, AllowedOAuthFlows: ['code'], AllowedOAuthScopes: ['openid'] });
client('no-scopes', { AllowedOAuthScopes: [] });

const acme = { authorization: basic('merchant-acme', 'local-merchant-acme-secret') };

function refusal(req: AwsRequest): string {
  try {
    grantClientCredentials(req, pools);
  } catch (error) {
    if (error instanceof TokenRequestError) return error.error;
    throw error;
  }
  throw new Error('the request was granted');
}

describe('grantClientCredentials', () => {
  it('grants every allowed scope to a client authenticated with HTTP Basic', () => {
    const grant = grantClientCredentials(tokenRequest('grant_type=client_credentials', acme), pools);
    expect(grant.client.id).toBe('merchant-acme');
    expect(grant.scopes).toEqual(['payments/read', 'payments/sessions']);
  });

  it('grants a client authenticated with client_id and client_secret in the body', () => {
    const grant = grantClientCredentials(
      tokenRequest(
        'grant_type=client_credentials&client_id=merchant-acme&client_secret=local-merchant-acme-secret',
        { 'content-type': `${FORM}; charset=UTF-8` },
      ),
      pools,
    );
    expect(grant.client.id).toBe('merchant-acme');
  });

  it('grants the scopes asked for when they are a subset, once each', () => {
    const grant = grantClientCredentials(
      tokenRequest('grant_type=client_credentials&scope=payments%2Fsessions+payments/sessions', acme),
      pools,
    );
    expect(grant.scopes).toEqual(['payments/sessions']);
  });

  it('accepts client_id in the body beside Basic credentials for the same client', () => {
    const grant = grantClientCredentials(
      tokenRequest('grant_type=client_credentials&client_id=merchant-acme', acme),
      pools,
    );
    expect(grant.client.id).toBe('merchant-acme');
  });

  it.each([
    [
      'a JSON body',
      tokenRequest('{"grant_type":"client_credentials"}', { ...acme, 'content-type': 'application/json' }),
    ],
    ['no grant_type', tokenRequest('scope=payments/read', acme)],
    ['grant_type twice', tokenRequest('grant_type=client_credentials&grant_type=client_credentials', acme)],
    [
      'credentials in the header and the body',
      tokenRequest('grant_type=client_credentials&client_id=merchant-acme&client_secret=x', acme),
    ],
    [
      'another client id in the body than in the header',
      tokenRequest('grant_type=client_credentials&client_id=b', acme),
    ],
  ])('answers invalid_request to %s', (_, req) => {
    expect(refusal(req)).toBe('invalid_request');
  });

  it.each([
    ['authorization_code', 'grant_type=authorization_code&code=x'],
    ['refresh_token', 'grant_type=refresh_token&refresh_token=x'],
    ['password', 'grant_type=password'],
  ])('answers unsupported_grant_type to %s', (_, body) => {
    expect(refusal(tokenRequest(body, acme))).toBe('unsupported_grant_type');
  });

  it.each([
    ['no credentials', tokenRequest('grant_type=client_credentials')],
    [
      'an unknown client',
      tokenRequest('grant_type=client_credentials', { authorization: basic('nobody', 'x') }),
    ],
    [
      'a wrong secret',
      tokenRequest('grant_type=client_credentials', {
        authorization: basic('merchant-acme', 'local-x-secret'),
      }),
    ],
    [
      'a wrong secret in the body',
      tokenRequest('grant_type=client_credentials&client_id=merchant-acme&client_secret=nope'),
    ],
    ['client_id without a secret', tokenRequest('grant_type=client_credentials&client_id=merchant-acme')],
    ['a Bearer header', tokenRequest('grant_type=client_credentials', { authorization: 'Bearer abc' })],
    [
      'Basic credentials without a colon',
      tokenRequest('grant_type=client_credentials', {
        authorization: `Basic ${Buffer.from('merchant-acme').toString('base64')}`,
      }),
    ],
  ])('answers invalid_client to %s', (_, req) => {
    expect(refusal(req)).toBe('invalid_client');
  });

  it('answers unauthorized_client to a client without client_credentials, or without a secret', () => {
    expect(
      refusal(
        tokenRequest('grant_type=client_credentials', {
          authorization: basic('code-only', 'local-code-only-secret'),
        }),
      ),
    ).toBe('unauthorized_client');
    expect(refusal(tokenRequest('grant_type=client_credentials&client_id=public-web'))).toBe(
      'unauthorized_client',
    );
  });

  it('answers invalid_grant to a client without AllowedOAuthFlowsUserPoolClient', () => {
    const req = tokenRequest('grant_type=client_credentials', {
      authorization: basic('no-user-pool-flows', 'local-no-user-pool-flows-secret'),
    });
    expect(refusal(req)).toBe('invalid_grant');
  });

  it.each([
    ['a scope the client may not have', 'scope=payments/refund'],
    ['one allowed and one not', 'scope=payments/read%20payments/refund'],
    ['an unknown scope', 'scope=payments/write'],
    ['a standard scope', 'scope=openid'],
  ])('answers invalid_scope to %s', (_, scope) => {
    expect(refusal(tokenRequest(`grant_type=client_credentials&${scope}`, acme))).toBe('invalid_scope');
  });

  it('answers invalid_scope to a client that has no scopes to give', () => {
    const req = tokenRequest('grant_type=client_credentials', {
      authorization: basic('no-scopes', 'local-no-scopes-secret'),
    });
    expect(refusal(req)).toBe('invalid_scope');
  });
});
