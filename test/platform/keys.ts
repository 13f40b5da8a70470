// The platform's signing keys and how an id_token gets signed, honestly or (for
// tamper tests) in one of the classic broken ways a tool must refuse.

import { createHmac, randomUUID } from 'node:crypto';
import { CompactSign, exportJWK, exportSPKI, generateKeyPair, type JWK } from 'jose';
import type { Tamper } from './types.js';

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export interface PlatformKeys {
  /** Published in the JWKS and used for every honest id_token. */
  current: SigningKey;
  /** Never published: signs tokens that must fail verification. */
  unknown: SigningKey;
  /** The current public key as SPKI PEM, the secret in the HS256 key-confusion attack. */
  currentPublicPem: string;
}

async function newSigningKey(): Promise<SigningKey & { publicKey: CryptoKey }> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048 });
  const kid = randomUUID();
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  return { kid, privateKey, publicKey, publicJwk };
}

export async function createPlatformKeys(): Promise<PlatformKeys> {
  const [current, unknown] = await Promise.all([newSigningKey(), newSigningKey()]);
  return { current, unknown, currentPublicPem: await exportSPKI(current.publicKey) };
}

export function jwks(keys: PlatformKeys): { keys: JWK[] } {
  return { keys: [keys.current.publicJwk] };
}

const encoder = new TextEncoder();

function b64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

/** Apply a tamper's claim edits; pure, so a test of the tamper itself needs no keys. */
export function tamperClaims(claims: Record<string, unknown>, tamper?: Tamper): Record<string, unknown> {
  const out = { ...claims, ...(tamper?.claims ?? {}) };
  for (const name of tamper?.removeClaims ?? []) delete out[name];
  return out;
}

export function tamperHeader(header: Record<string, unknown>, tamper?: Tamper): Record<string, unknown> {
  const out = { ...header, ...(tamper?.header ?? {}) };
  for (const name of tamper?.removeHeader ?? []) delete out[name];
  return out;
}

/** Sign an id_token with the platform key, or spoil it the way the tamper asks. */
export async function signIdToken(keys: PlatformKeys, claims: Record<string, unknown>, tamper?: Tamper): Promise<string> {
  const payload = JSON.stringify(tamperClaims(claims, tamper));
  const mode = tamper?.signWith ?? 'platform-key';
  if (mode === 'none') {
    const header = tamperHeader({ alg: 'none', typ: 'JWT' }, tamper);
    return `${b64url(JSON.stringify(header))}.${b64url(payload)}.`;
  }
  if (mode === 'hs256-public-key') {
    const header = tamperHeader({ alg: 'HS256', typ: 'JWT', kid: keys.current.kid }, tamper);
    const input = `${b64url(JSON.stringify(header))}.${b64url(payload)}`;
    const mac = createHmac('sha256', keys.currentPublicPem).update(input).digest('base64url');
    return `${input}.${mac}`;
  }
  const key = mode === 'unknown-key' ? keys.unknown : keys.current;
  const header = tamperHeader({ alg: 'RS256', typ: 'JWT', kid: key.kid }, tamper);
  const jws = await new CompactSign(encoder.encode(payload))
    .setProtectedHeader(header as { alg: string })
    .sign(key.privateKey);
  return mode === 'corrupt-signature' ? flipSignatureByte(jws) : jws;
}

function flipSignatureByte(jws: string): string {
  const [h, p, s] = jws.split('.') as [string, string, string];
  const sig = Buffer.from(s, 'base64url');
  sig[0] = (sig[0] ?? 0) ^ 0xff;
  return `${h}.${p}.${sig.toString('base64url')}`;
}

