import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** One pool's signing key: Cognito signs with RS256 and names the key by `kid` in the token header. */
export interface SigningKey {
  kid: string;
  privateKey: crypto.KeyObject;
}

/** A public key as Cognito's `/.well-known/jwks.json` lists it. */
export interface Jwk {
  kid: string;
  alg: 'RS256';
  kty: 'RSA';
  use: 'sig';
  n: string;
  e: string;
}

const KEY_FILE = 'cognito-keys.json';

interface StoredKey {
  kid: string;
  /** PKCS#8 PEM. */
  privateKey: string;
}

/**
 * Each pool's RSA key, made once per data directory and kept in `<dataDir>/cognito-keys.json` (through `--fresh`
 * starts too), so tokens issued before a restart still verify after it.
 */
export class KeyStore {
  private readonly keys = new Map<string, SigningKey>();
  readonly file: string;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, KEY_FILE);
    for (const [poolId, stored] of Object.entries(this.read())) {
      this.keys.set(poolId, { kid: stored.kid, privateKey: crypto.createPrivateKey(stored.privateKey) });
    }
  }

  /** The pool's key, made (and saved) the first time the pool is seen in this data directory. */
  keyOf(poolId: string): SigningKey {
    const known = this.keys.get(poolId);
    if (known) return known;
    const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const key = { kid: thumbprint(privateKey), privateKey };
    this.keys.set(poolId, key);
    const stored = this.read();
    stored[poolId] = {
      kid: key.kid,
      privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    };
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    fs.writeFileSync(this.file, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
    return key;
  }

  jwks(poolId: string): { keys: Jwk[] } {
    return { keys: [publicJwk(this.keyOf(poolId))] };
  }

  private read(): Record<string, StoredKey> {
    if (!fs.existsSync(this.file)) return {};
    try {
      return JSON.parse(fs.readFileSync(this.file, 'utf8')) as Record<string, StoredKey>;
    } catch (error) {
      throw new Error(
        `${this.file} is not the local Cognito's key file (${(error as Error).message}); delete it to make new keys`,
      );
    }
  }
}

/** Runs `wipe` (a `--fresh` start emptying the data directory) and puts the pools' keys back after it. */
export function keepKeysAcross(dataDir: string, wipe: () => void): void {
  const file = path.join(dataDir, KEY_FILE);
  const keys = fs.existsSync(file) ? fs.readFileSync(file) : undefined;
  wipe();
  if (!keys) return;
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, keys, { mode: 0o600 });
}

export function publicJwk(key: SigningKey): Jwk {
  const { n, e } = crypto.createPublicKey(key.privateKey).export({ format: 'jwk' });
  return { kid: key.kid, alg: 'RS256', kty: 'RSA', use: 'sig', n: n!, e: e! };
}

/** The RFC 7638 thumbprint of the public key: stable for the key, different for every other. */
function thumbprint(privateKey: crypto.KeyObject): string {
  const { n, e } = crypto.createPublicKey(privateKey).export({ format: 'jwk' });
  return crypto
    .createHash('sha256')
    .update(JSON.stringify({ e, kty: 'RSA', n }))
    .digest('base64url');
}
