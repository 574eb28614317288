/** User pools, resource servers and app clients as Cognito accepts or refuses them; ids and secrets. */
import { cognitoPhysicalResource, localPoolId } from '../../../src/cognito';
import { UserPools } from '../../../src/cognito/pools';

const merchant = {
  UserPoolId: 'local_payflowlocal',
  ClientName: 'merchant-acme',
  GenerateSecret: true,
  AllowedOAuthFlowsUserPoolClient: true,
  AllowedOAuthFlows: ['client_credentials'],
  AllowedOAuthScopes: ['payments/read'],
};

function poolWithScopes(): UserPools {
  const pools = new UserPools();
  pools.createUserPool({ UserPoolName: 'payflow-local' });
  pools.createResourceServer({
    UserPoolId: 'local_payflowlocal',
    Identifier: 'payments',
    Scopes: [{ ScopeName: 'read' }, { ScopeName: 'refund' }],
  });
  return pools;
}

describe('local Cognito ids', () => {
  it('names a pool local_ and its name without punctuation', () => {
    expect(localPoolId('payflow-local')).toBe('local_payflowlocal');
    expect(localPoolId('Pay Flow_prod.2')).toBe('local_PayFlowprod2');
  });

  it('resolves Ref and Fn::GetAtt of a pool and a client before anything is created', () => {
    const name = (props: Record<string, string>) => (property: string) => props[property];
    const pool = cognitoPhysicalResource(
      'AWS::Cognito::UserPool',
      name({ UserPoolName: 'payflow-local' }),
      'stack-UserPool',
      'http://localhost:4566',
    );
    expect(pool).toEqual({
      ref: 'local_payflowlocal',
      attributes: {
        Arn: 'arn:aws:cognito-idp:us-east-1:000000000000:userpool/local_payflowlocal',
        ProviderURL: 'http://localhost:4566/local_payflowlocal',
        ProviderName: 'localhost:4566/local_payflowlocal',
        UserPoolId: 'local_payflowlocal',
      },
    });
    const client = cognitoPhysicalResource(
      'AWS::Cognito::UserPoolClient',
      name({ ClientName: 'merchant-acme', GenerateSecret: 'true' }),
      'stack-Client',
      'http://localhost:4566',
    );
    expect(client).toEqual({
      ref: 'merchant-acme',
      attributes: {
        ClientId: 'merchant-acme',
        ClientSecret: 'local-merchant-acme-secret',
        Name: 'merchant-acme',
      },
    });
    const publicClient = cognitoPhysicalResource(
      'AWS::Cognito::UserPoolClient',
      name({ ClientName: 'web' }),
      'stack-Client',
      'http://localhost:4566',
    );
    expect(publicClient?.attributes.ClientSecret).toBeUndefined();
    expect(
      cognitoPhysicalResource('AWS::Cognito::IdentityPool', name({}), 'x', 'http://localhost:4566'),
    ).toBeUndefined();
  });
});

describe('UserPools', () => {
  it('defines scopes <Identifier>/<ScopeName> and gives a client its id and local secret', () => {
    const pools = poolWithScopes();
    expect(pools.get('local_payflowlocal')?.resourceServers.get('payments')?.scopes).toEqual([
      'payments/read',
      'payments/refund',
    ]);
    const client = pools.createClient(merchant, 'fallback');
    expect(client).toMatchObject({
      id: 'merchant-acme',
      poolId: 'local_payflowlocal',
      secret: 'local-merchant-acme-secret',
      allowedOAuthScopes: ['payments/read'],
      accessTokenSeconds: 3600,
    });
    expect(pools.client('merchant-acme')).toBe(client);
  });

  it('takes AccessTokenValidity in its TokenValidityUnits (hours by default)', () => {
    const pools = poolWithScopes();
    const minutes = pools.createClient(
      {
        ...merchant,
        ClientName: 'a',
        AccessTokenValidity: '15',
        TokenValidityUnits: { AccessToken: 'minutes' },
      },
      'a',
    );
    const hours = pools.createClient({ ...merchant, ClientName: 'b', AccessTokenValidity: 2 }, 'b');
    expect([minutes.accessTokenSeconds, hours.accessTokenSeconds]).toEqual([900, 7200]);
  });

  it('refuses what Cognito refuses: client_credentials without a secret or with another flow, unknown scopes', () => {
    const pools = poolWithScopes();
    expect(() => pools.createClient({ ...merchant, GenerateSecret: false }, 'x')).toThrow(
      /client_credentials flow can not be selected if client does not have a client secret/,
    );
    expect(() =>
      pools.createClient({ ...merchant, AllowedOAuthFlows: ['client_credentials', 'code'] }, 'x'),
    ).toThrow(/along with code flow or implicit flow/);
    expect(() => pools.createClient({ ...merchant, AllowedOAuthScopes: ['payments/write'] }, 'x')).toThrow(
      /Invalid scope requested: payments\/write/,
    );
  });

  it('refuses a resource in a pool that does not exist, and one client id in two pools', () => {
    const pools = poolWithScopes();
    expect(() => pools.createResourceServer({ UserPoolId: 'local_nope', Identifier: 'x' })).toThrow(
      /user pool 'local_nope' does not exist \(local pools: local_payflowlocal\)/,
    );
    pools.createClient(merchant, 'x');
    pools.createUserPool({ UserPoolName: 'other' });
    pools.createResourceServer({
      UserPoolId: 'local_other',
      Identifier: 'payments',
      Scopes: [{ ScopeName: 'read' }],
    });
    expect(() => pools.createClient({ ...merchant, UserPoolId: 'local_other' }, 'x')).toThrow(
      /already exists in user pool local_payflowlocal/,
    );
  });

  it('refuses a scope name with a slash', () => {
    const pools = poolWithScopes();
    expect(() =>
      pools.createResourceServer({
        UserPoolId: 'local_payflowlocal',
        Identifier: 'x',
        Scopes: [{ ScopeName: 'a/b' }],
      }),
    ).toThrow(/scope name 'a\/b'/);
  });
});
