/**
 * A packaged service template with a user pool, a resource server, app clients, a group and a domain, through
 * startLocalCloud as `npm start` runs it; then a restart on the same data directory.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { JwtRsaVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { startLocalCloud, type LocalCloud } from '../../../src';
import { decodeJwt } from '../../../src/cognito';

const serviceDir = path.resolve(__dirname, '..', '..', 'fixtures', 'cognito-service');
const services = [{ key: 'cognito-test', dir: serviceDir }];

let cloud: LocalCloud;
let dataDir: string;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'payflow-cognito-provision-'));
  cloud = await startLocalCloud({ port: 0, dataDir, services, offline: false, inMemoryTables: true });
}, 180_000);
afterAll(async () => {
  await cloud?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Parameter Store through the edge: what the template's Ref and Fn::GetAtt resolved to. */
async function parameters(): Promise<Record<string, string>> {
  const response = await fetch(cloud.endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'AmazonSSM.GetParametersByPath',
    },
    body: JSON.stringify({ Path: '/payflow-cognito-test' }),
  });
  const { Parameters } = (await response.json()) as { Parameters: Array<{ Name: string; Value: string }> };
  return Object.fromEntries(Parameters.map((p) => [p.Name.split('/').pop()!, p.Value]));
}

async function token(clientId: string, scope?: string) {
  const response = await fetch(`${cloud.endpoint}/oauth2/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${clientId}:local-${clientId}-secret`).toString('base64')}`,
    },
    body: `grant_type=client_credentials${scope ? `&scope=${encodeURIComponent(scope)}` : ''}`,
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { access_token: string; expires_in: number };
}

function verifier(issuer: string) {
  return JwtRsaVerifier.create(
    { issuer, audience: null, jwksUri: `${issuer}/.well-known/jwks.json` },
    {
      jwksCache: new SimpleJwksCache({ fetcher: { fetch: async (uri) => (await fetch(uri)).arrayBuffer() } }),
    },
  );
}

it('creates the Cognito resources, resolves Ref and Fn::GetAtt to local ids, and skips other types', async () => {
  const [report] = cloud.reports;
  expect(report!.created).toEqual(
    expect.arrayContaining([
      { type: 'AWS::Cognito::UserPool', name: 'local_payflowlocal' },
      { type: 'AWS::Cognito::UserPoolResourceServer', name: 'payments' },
      { type: 'AWS::Cognito::UserPoolClient', name: 'merchant-acme' },
      { type: 'AWS::Cognito::UserPoolClient', name: 'operator-console' },
      { type: 'AWS::Cognito::UserPoolGroup', name: 'operators' },
      { type: 'AWS::Cognito::UserPoolDomain', name: 'payflow-local-auth' },
    ]),
  );
  expect(report!.skipped).toContainEqual(
    expect.objectContaining({ type: 'AWS::Cognito::UserPoolRiskConfigurationAttachment' }),
  );
  expect(await parameters()).toEqual({
    'pool-id': 'local_payflowlocal',
    issuer: `${cloud.endpoint}/local_payflowlocal`,
    'pool-arn': 'arn:aws:cognito-idp:us-east-1:000000000000:userpool/local_payflowlocal',
    'provider-name': `${cloud.endpoint.replace('http://', '')}/local_payflowlocal`,
    'merchant-client-id': 'merchant-acme',
    'merchant-client-secret': 'local-merchant-acme-secret',
  });
  const pool = cloud.emulators.cognito.pools.get('local_payflowlocal')!;
  expect([...pool.groups.keys()]).toEqual(['operators']);
  expect([...pool.domains]).toEqual(['payflow-local-auth']);
});

it('issues tokens to the template’s clients with their scopes and validity', async () => {
  const merchant = await token('merchant-acme', 'payments/sessions');
  expect(decodeJwt(merchant.access_token).payload.scope).toBe('payments/sessions');
  const operator = await token('operator-console');
  expect(operator.expires_in).toBe(900);
  const { payload } = decodeJwt(operator.access_token);
  expect(payload.scope).toBe('payments/read payments/refund');
  expect(Number(payload.exp) - Number(payload.iat)).toBe(900);
});

it('keeps the pool’s key across a fresh restart (npm start’s default): a token from before verifies after', async () => {
  const { access_token } = await token('merchant-acme');
  const port = Number(new URL(cloud.endpoint).port);
  await cloud.stop();
  cloud = await startLocalCloud({
    port,
    dataDir,
    services,
    offline: false,
    inMemoryTables: true,
    fresh: true,
  });
  const issuer = `${cloud.endpoint}/local_payflowlocal`;
  // fetch's pooled connection to the stopped edge may fail once.
  await fetch(`${issuer}/.well-known/jwks.json`).catch(() => undefined);
  await expect(verifier(issuer).verify(access_token, { scope: 'payments/read' })).resolves.toMatchObject({
    client_id: 'merchant-acme',
  });
}, 180_000);
