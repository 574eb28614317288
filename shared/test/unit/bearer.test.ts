import { createSign, generateKeyPairSync } from 'node:crypto';
import { createBearerAuth, ForbiddenError, UnauthorizedError } from '../../src/auth/bearer';

const ISSUER = 'http://issuer.test/pool';
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'RS256', use: 'sig' };
const fetchJwks = (async () =>
  new Response(JSON.stringify({ keys: [jwk] }), { status: 200 })) as unknown as typeof fetch;

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
function token(
  claims: Record<string, unknown> = {},
  header: Record<string, unknown> = { alg: 'RS256', kid: 'k1' },
) {
  const now = Math.floor(Date.now() / 1000);
  const body = b64({
    sub: 'shop',
    client_id: 'shop',
    token_use: 'access',
    scope: 'payments/read',
    iss: ISSUER,
    iat: now,
    exp: now + 600,
    ...claims,
  });
  const head = b64(header);
  const signature = createSign('RSA-SHA256').update(`${head}.${body}`).sign(privateKey).toString('base64url');
  return `${head}.${body}.${signature}`;
}

const authorize = createBearerAuth({ issuer: ISSUER, clientIds: ['shop'], fetchImpl: fetchJwks });
const bearer = (value: string) => ({ authorization: `Bearer ${value}` });

describe('bearer tokens', () => {
  it('lets a valid token with the scope through, naming its client and scopes', async () => {
    await expect(authorize(bearer(token()), 'payments/read')).resolves.toEqual({
      clientId: 'shop',
      subject: 'shop',
      scopes: ['payments/read'],
      groups: [],
    });
  });
  it("names a signed-in person by the token's sub, not by the tool they used", async () => {
    await expect(authorize(bearer(token({ sub: 'user-ada' })), 'payments/read')).resolves.toMatchObject({
      clientId: 'shop',
      subject: 'user-ada',
    });
  });
  it.each([
    ['no header', {}],
    ['another scheme', { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }],
    ['an expired token', bearer(token({ exp: Math.floor(Date.now() / 1000) - 10 }))],
    ['another issuer', bearer(token({ iss: 'http://elsewhere.test/pool' }))],
    ['another app client', bearer(token({ client_id: 'intruder' }))],
    ['an id token', bearer(token({ token_use: 'id' }))],
    ['an unknown key id', bearer(token({}, { alg: 'RS256', kid: 'k2' }))],
    [
      'alg none',
      { authorization: `Bearer ${b64({ alg: 'none' })}.${b64({ client_id: 'shop', iss: ISSUER })}.` },
    ],
    ['a forged signature', bearer(`${token().split('.').slice(0, 2).join('.')}.${'A'.repeat(342)}`)],
  ])('refuses %s with 401', async (_what, headers) => {
    await expect(authorize(headers as Record<string, string>, 'payments/read')).rejects.toBeInstanceOf(
      UnauthorizedError,
    );
  });
  it('refuses a valid token without the scope with 403', async () => {
    await expect(authorize(bearer(token()), 'payments/refund')).rejects.toBeInstanceOf(ForbiddenError);
  });
  it('accepts any one of several scopes', async () => {
    await expect(authorize(bearer(token()), ['payments/admin', 'payments/read'])).resolves.toMatchObject({
      clientId: 'shop',
    });
  });
});
