// Verifying a JWT the tool signed (client assertions, deep-linking responses) against
// the JWKS URL in the tool's registration. The JWKS is fetched fresh every time so a
// tool that rotates its key is seen at once, and a stale cache never hides a bug.

import { createLocalJWKSet, decodeJwt, jwtVerify, type JWTPayload } from 'jose';
import { PlatformError } from './errors.js';
import type { ToolRegistration } from './types.js';

/** The unverified iss of a tool JWT: only used to pick whose keys to verify it with. */
export function claimedIssuer(jwt: string): string | undefined {
  try {
    const iss = decodeJwt(jwt).iss;
    return typeof iss === 'string' ? iss : undefined;
  } catch {
    return undefined;
  }
}

async function toolKeySet(reg: ToolRegistration) {
  let body: unknown;
  try {
    const res = await fetch(reg.jwksUri, { signal: AbortSignal.timeout(5000), headers: { Accept: 'application/json' } });
    if (!res.ok) throw new Error(`status ${res.status}`);
    body = await res.json();
  } catch (err) {
    throw new PlatformError(502, `could not fetch the tool's JWKS from its registered jwks_uri (${(err as Error).message})`);
  }
  try {
    return createLocalJWKSet(body as Parameters<typeof createLocalJWKSet>[0]);
  } catch {
    throw new PlatformError(502, "the tool's jwks_uri did not return a JSON Web Key Set");
  }
}

export interface ToolJwtExpectations {
  audience: string;
  subject?: string;
  requiredClaims: string[];
  /** Status and OAuth error code to answer with when verification fails. */
  failStatus: number;
  failCode?: string;
}

export async function verifyToolJwt(jwt: string, reg: ToolRegistration, expect: ToolJwtExpectations): Promise<JWTPayload> {
  const keys = await toolKeySet(reg);
  try {
    const { payload } = await jwtVerify(jwt, keys, {
      algorithms: ['RS256'],
      issuer: reg.clientId,
      audience: expect.audience,
      ...(expect.subject ? { subject: expect.subject } : {}),
      requiredClaims: expect.requiredClaims,
      clockTolerance: 5,
    });
    return payload;
  } catch (err) {
    const reason = err instanceof Error ? err.message : 'verification failed';
    throw new PlatformError(expect.failStatus, `JWT signed by the tool was refused: ${reason}`, expect.failCode);
  }
}
