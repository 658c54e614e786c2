import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GlimpseError } from '@glimpse/errors';
import { SignJWT, createLocalJWKSet, createRemoteJWKSet, exportJWK, jwtVerify, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';

/**
 * Short-lived signed access tokens (EdDSA/Ed25519 JWTs). Only the auth service holds the
 * private key; every other service verifies tokens locally with the public key, fetched
 * once from the auth service's JWKS endpoint or passed in directly.
 */
export interface Viewer {
  id: string;
  username: string;
}

const ISSUER = 'glimpse';
const AUDIENCE = 'glimpse-api';
const ALGORITHM = 'EdDSA';
export const JWKS_PATH = '/.well-known/jwks.json';

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  keyId: string;
}

function keyFromPem(pem: string): SigningKey {
  const privateKey = createPrivateKey(pem);
  const publicKey = createPublicKey(privateKey);
  // A stable key id from the public key, so a rotated key is told apart in the JWKS.
  const keyId = createHash('sha256').update(publicKey.export({ format: 'der', type: 'spki' })).digest('hex').slice(0, 16);
  return { privateKey, publicKey, keyId };
}

/**
 * The signing key: from `AUTH_PRIVATE_KEY` when given (production), else from
 * `<dataDir>/keys/auth-ed25519.pem`, generated on first start so tokens survive restarts.
 */
export function loadSigningKey(options: { privateKeyPem?: string; dataDir?: string }): SigningKey {
  if (options.privateKeyPem) return keyFromPem(options.privateKeyPem);
  if (!options.dataDir) {
    return keyFromPem(generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
  }
  const directory = join(options.dataDir, 'keys');
  const path = join(directory, 'auth-ed25519.pem');
  try {
    return keyFromPem(readFileSync(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(directory, { recursive: true });
  const pem = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  writeFileSync(path, pem, { mode: 0o600, flag: 'wx' });
  return keyFromPem(pem);
}

export interface TokenSigner {
  sign(viewer: Viewer): Promise<{ token: string; expiresAt: Date }>;
  jwks(): Promise<JSONWebKeySet>;
}

export function createTokenSigner(key: SigningKey, ttlSeconds: number): TokenSigner {
  return {
    async sign(viewer) {
      const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
      const token = await new SignJWT({ username: viewer.username })
        .setProtectedHeader({ alg: ALGORITHM, kid: key.keyId, typ: 'JWT' })
        .setSubject(viewer.id)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
        .sign(key.privateKey);
      return { token, expiresAt };
    },
    async jwks() {
      const jwk = await exportJWK(key.publicKey);
      return { keys: [{ ...jwk, kid: key.keyId, alg: ALGORITHM, use: 'sig' }] };
    },
  };
}

export interface TokenVerifier {
  /** The viewer a valid token names; GlimpseError INVALID_TOKEN for anything else. */
  verify(token: string): Promise<Viewer>;
}

function verifierFor(getKey: JWTVerifyGetKey): TokenVerifier {
  return {
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, getKey, { issuer: ISSUER, audience: AUDIENCE, algorithms: [ALGORITHM], requiredClaims: ['exp', 'sub'] });
        if (typeof payload.sub !== 'string' || typeof payload.username !== 'string') throw new Error('claims missing');
        return { id: payload.sub, username: payload.username };
      } catch (error) {
        const expired = (error as { code?: string }).code === 'ERR_JWT_EXPIRED';
        throw new GlimpseError('INVALID_TOKEN', expired ? 'Your access token has expired; refresh it or sign in again.' : 'Your access token is not valid; sign in again.');
      }
    },
  };
}

/** Verifies with keys at hand (the all-in-one, or a service given the JWKS). */
export async function createLocalVerifier(jwks: JSONWebKeySet): Promise<TokenVerifier> {
  return verifierFor(createLocalJWKSet(jwks));
}

/** Verifies with the auth service's JWKS endpoint, fetched once and cached by jose. */
export function createRemoteVerifier(jwksUrl: string): TokenVerifier {
  return verifierFor(createRemoteJWKSet(new URL(jwksUrl), { cooldownDuration: 30_000, cacheMaxAge: 600_000 }));
}
