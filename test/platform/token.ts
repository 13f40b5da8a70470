// The OAuth 2.0 client-credentials token endpoint (LTI Security Framework §4.1) and
// the bearer check every service route uses. A tool only ever gets scopes it
// registered for; every request, granted or refused, is recorded for tests.

import { randomBytes } from 'node:crypto';
import express, { type RequestHandler, type Router } from 'express';
import { z } from 'zod';
import { errorHandler, parseOr400, PlatformError } from './errors.js';
import { faultInjection } from './faults.js';
import { findRegistration, platformUrls, rememberOnce, type PlatformState } from './state.js';
import { claimedIssuer, verifyToolJwt } from './tool-jwt.js';
import type { TokenRequest } from './types.js';
import { clientAssertionType } from './vocabulary.js';

const accessTokenLifetimeSeconds = 3600;

const tokenRequest = z.object({
  grant_type: z.string(),
  client_assertion_type: z.literal(clientAssertionType),
  client_assertion: z.string().min(1),
  scope: z.string().trim().min(1),
});

export function tokenRouter(state: PlatformState): Router {
  const router = express.Router();
  router.post('/lti/token', faultInjection(state, 'token'), express.urlencoded({ extended: false }), (req, res, next) => {
    const record: TokenRequest = { receivedAt: new Date().toISOString(), requestedScopes: [], grantedScopes: [], outcome: 'refused' };
    state.tokenRequests.push(record);
    grantToken(state, req.body, record)
      .then((answer) => res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' }).json(answer))
      .catch((err: unknown) => {
        record.error = err instanceof Error ? err.message : String(err);
        next(err);
      });
  });
  router.use('/lti/token', errorHandler('oauth'));
  return router;
}

async function grantToken(state: PlatformState, body: unknown, record: TokenRequest) {
  const request = parseOr400(tokenRequest, body, 'token request', 'invalid_request');
  record.requestedScopes = request.scope.split(/\s+/);
  if (request.grant_type !== 'client_credentials') {
    throw new PlatformError(400, 'only grant_type=client_credentials is supported', 'unsupported_grant_type');
  }
  const clientId = claimedIssuer(request.client_assertion);
  const reg = clientId ? findRegistration(state, clientId) : undefined;
  if (!reg) throw new PlatformError(401, 'client_assertion iss is not a registered client_id', 'invalid_client');
  record.clientId = reg.clientId;
  const assertion = await verifyToolJwt(request.client_assertion, reg, {
    audience: platformUrls(state).token,
    subject: reg.clientId,
    requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat', 'jti'],
    failStatus: 401,
    failCode: 'invalid_client',
  });
  if (!rememberOnce(state.seenJti, `${reg.clientId}:${String(assertion.jti)}`, (assertion.exp ?? 0) * 1000 + 60_000)) {
    throw new PlatformError(400, 'client_assertion jti was already used (replayed assertion)', 'invalid_grant');
  }
  const granted = record.requestedScopes.filter((s) => reg.scopes.includes(s));
  if (granted.length === 0) {
    throw new PlatformError(400, 'none of the requested scopes were registered for this tool', 'invalid_scope');
  }
  const accessToken = randomBytes(32).toString('base64url');
  state.accessTokens.set(accessToken, { clientId: reg.clientId, scopes: granted, expiresAt: Date.now() + accessTokenLifetimeSeconds * 1000 });
  record.grantedScopes = granted;
  record.outcome = 'granted';
  return { access_token: accessToken, token_type: 'Bearer', expires_in: accessTokenLifetimeSeconds, scope: granted.join(' ') };
}

/** 401 without a live token, 403 when the token lacks every one of the scopes that would allow this call. */
export function requireScope(state: PlatformState, anyOf: readonly string[]): RequestHandler {
  return (req, res, next) => {
    const match = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
    const token = match?.[1] ? state.accessTokens.get(match[1]) : undefined;
    if (!token || token.expiresAt < Date.now()) {
      return next(new PlatformError(401, 'a valid Bearer access token from the platform token endpoint is required', undefined, {
        'WWW-Authenticate': 'Bearer error="invalid_token"',
      }));
    }
    if (!anyOf.some((s) => token.scopes.includes(s))) {
      return next(new PlatformError(403, `the access token lacks the scope this call needs (one of: ${anyOf.join(' ')})`, undefined, {
        'WWW-Authenticate': `Bearer error="insufficient_scope", scope="${anyOf.join(' ')}"`,
      }));
    }
    res.locals.clientId = token.clientId;
    next();
  };
}
