import { ACCOUNT_ID, REGION } from '../config';

/** `local_` and the pool name without its non-alphanumeric characters: `payflow-local` → `local_payflowlocal`. */
export function localPoolId(poolName: string): string {
  return `local_${poolName.replace(/[^A-Za-z0-9]/g, '')}`;
}

/** The token issuer (`iss`) of a pool, as Cognito's `https://cognito-idp.<region>.amazonaws.com/<poolId>`. */
export function issuerOf(endpoint: string, poolId: string): string {
  return `${endpoint.replace(/\/$/, '')}/${poolId}`;
}

/** The secret of a local app client: known in advance, so a README can show curl with it. */
export function localClientSecret(clientName: string): string {
  return `local-${clientName}-secret`;
}

/**
 * What `Ref` and `Fn::GetAtt` give for the Cognito types, before anything is created. `name` resolves a property
 * of the resource; `fallback` is `<stack>-<LogicalId>`.
 */
export function cognitoPhysicalResource(
  type: string,
  name: (property: string) => string | undefined,
  fallback: string,
  endpoint: string,
): { ref: string; attributes: Record<string, string> } | undefined {
  switch (type) {
    case 'AWS::Cognito::UserPool': {
      const poolId = localPoolId(name('UserPoolName') ?? fallback);
      const providerUrl = issuerOf(endpoint, poolId);
      return {
        ref: poolId,
        attributes: {
          Arn: `arn:aws:cognito-idp:${REGION}:${ACCOUNT_ID}:userpool/${poolId}`,
          ProviderURL: providerUrl,
          ProviderName: providerUrl.replace(/^https?:\/\//, ''),
          UserPoolId: poolId,
        },
      };
    }
    case 'AWS::Cognito::UserPoolClient': {
      const clientId = name('ClientName') ?? fallback;
      const attributes: Record<string, string> = { ClientId: clientId, Name: clientId };
      if (name('GenerateSecret') === 'true') attributes.ClientSecret = localClientSecret(clientId);
      return { ref: clientId, attributes };
    }
    case 'AWS::Cognito::UserPoolResourceServer':
      return { ref: name('Identifier') ?? fallback, attributes: {} };
    case 'AWS::Cognito::UserPoolGroup':
      return { ref: name('GroupName') ?? fallback, attributes: {} };
    case 'AWS::Cognito::UserPoolDomain':
      return { ref: name('Domain') ?? fallback, attributes: {} };
    default:
      return undefined;
  }
}
