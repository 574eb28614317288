import crypto from 'node:crypto';
import type { SigningKey } from './keys';

/** A JWT signed with RS256 and the key's `kid` in its header, as Cognito signs its tokens. */
export function signJwt(payload: Record<string, unknown>, key: SigningKey): string {
  const header = { kid: key.kid, alg: 'RS256' };
  const signingInput = `${base64url(header)}.${base64url(payload)}`;
  const signature = crypto.createSign('RSA-SHA256').update(signingInput).sign(key.privateKey);
  return `${signingInput}.${signature.toString('base64url')}`;
}

/** The header and payload of a JWT, unverified (for tests and the console). */
export function decodeJwt(token: string): {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
} {
  const [header, payload] = token.split('.');
  const part = (text: string | undefined) =>
    JSON.parse(Buffer.from(text ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  return { header: part(header), payload: part(payload) };
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
