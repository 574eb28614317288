/** The pools' signing keys: one per pool, kept in the data directory, through a fresh start too. */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { keepKeysAcross, KeyStore, publicJwk } from '../../../src/cognito/keys';
import { decodeJwt, signJwt } from '../../../src/cognito/jwt';

let dataDir: string;
beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'payflow-cognito-keys-'));
});
afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe('KeyStore', () => {
  it('makes one key per pool and finds the same keys again in the same data directory', () => {
    const store = new KeyStore(dataDir);
    const a = store.keyOf('local_a');
    expect(store.keyOf('local_a')).toBe(a);
    expect(store.keyOf('local_b').kid).not.toBe(a.kid);
    const again = new KeyStore(dataDir);
    expect(again.jwks('local_a')).toEqual(store.jwks('local_a'));
    expect(fs.statSync(store.file).mode & 0o777).toBe(0o600);
  });

  it('keeps the keys through a wipe of the data directory', () => {
    const jwks = new KeyStore(dataDir).jwks('local_a');
    keepKeysAcross(dataDir, () => fs.rmSync(dataDir, { recursive: true, force: true }));
    expect(new KeyStore(dataDir).jwks('local_a')).toEqual(jwks);
  });

  it('says what to do with a damaged key file', () => {
    fs.writeFileSync(path.join(dataDir, 'cognito-keys.json'), '{');
    expect(() => new KeyStore(dataDir)).toThrow(/delete it to make new keys/);
  });
});

describe('signJwt', () => {
  it('signs RS256 with the kid in the header, verifiable with the published key', () => {
    const key = new KeyStore(dataDir).keyOf('local_a');
    const token = signJwt({ sub: 'client' }, key);
    expect(decodeJwt(token)).toEqual({ header: { kid: key.kid, alg: 'RS256' }, payload: { sub: 'client' } });
    const [header, payload, signature] = token.split('.');
    const publicKey = crypto.createPublicKey({ key: { ...publicJwk(key) }, format: 'jwk' });
    const valid = crypto
      .createVerify('RSA-SHA256')
      .update(`${header}.${payload}`)
      .verify(publicKey, Buffer.from(signature!, 'base64url'));
    expect(valid).toBe(true);
  });
});
