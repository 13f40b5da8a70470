// The API session: after a validated launch the tool issues its own short-lived signed token,
// carried by widgets in the Authorization header (never a cookie, so it works in an LMS iframe
// with third-party cookies blocked). It holds ids and roles only: no names, no emails.
import { createHmac } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { NotAllowed, NotAuthenticated } from '../http/problem.js';
import type { Role } from '../lti/roles.js';

/** What a request may act as: the small typed context a launch turns into. */
export interface LaunchContext {
  tenantId: string;
  platformId: string;
  userId: string;        // our Person id
  roles: Role[];
  courseId: string;      // our Course id
  placementId?: string;  // our Placement id (resource link launches)
  launchId?: string;     // our stored launch (deep linking settings, service endpoints)
  kind: 'resource-link' | 'deep-linking';
  locale: string;
}

const ContextSchema = z.object({
  ten: z.string(), plt: z.string(), sub: z.string(), rol: z.array(z.string()), crs: z.string(),
  plc: z.string().optional(), lch: z.string().optional(), knd: z.enum(['resource-link', 'deep-linking']), loc: z.string(),
});

export interface SessionIssuer {
  issue(ctx: LaunchContext): Promise<string>;
  verify(token: string): Promise<LaunchContext>;
}

export function createSessionIssuer(secret: string, lifetimeSeconds: number): SessionIssuer {
  // A key of its own, derived from LTI_KEY, so a session token can never be mistaken for an ltik.
  const key = createHmac('sha256', secret).update('growthline/session/v1').digest();
  return {
    async issue(ctx) {
      return new SignJWT({
        ten: ctx.tenantId, plt: ctx.platformId, rol: ctx.roles, crs: ctx.courseId, plc: ctx.placementId,
        lch: ctx.launchId, knd: ctx.kind, loc: ctx.locale,
      })
        .setProtectedHeader({ alg: 'HS256', typ: 'gl-session' })
        .setSubject(ctx.userId)
        .setIssuedAt()
        .setExpirationTime(Math.floor(Date.now() / 1000) + lifetimeSeconds)
        .sign(key);
    },
    async verify(token) {
      const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], typ: 'gl-session' });
      const p = ContextSchema.parse(payload);
      return {
        tenantId: p.ten, platformId: p.plt, userId: p.sub, roles: p.rol as Role[], courseId: p.crs,
        placementId: p.plc, launchId: p.lch, kind: p.knd, locale: p.loc,
      };
    },
  };
}

declare module 'express-serve-static-core' {
  interface Request { session?: LaunchContext }
}

const verifiedByRequest = new WeakMap<Request, Promise<LaunchContext | null | undefined>>();

/**
 * The request's session, verified once however many middlewares ask (the rate limiter and the
 * route's requireSession both do): undefined without a token, null for an invalid one.
 */
export function sessionOf(req: Request, issuer: SessionIssuer): Promise<LaunchContext | null | undefined> {
  let found = verifiedByRequest.get(req);
  if (!found) {
    const header = req.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    found = !token ? Promise.resolve(undefined) : token.length > 4096 ? Promise.resolve(null) : issuer.verify(token).catch(() => null);
    verifiedByRequest.set(req, found);
  }
  return found;
}

/** Requires a valid session token; with roles given, requires one of them too. */
export function requireSession(issuer: SessionIssuer, roles?: readonly Role[]): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    sessionOf(req, issuer).then((ctx) => {
      if (ctx === undefined) return next(new NotAuthenticated('This page needs the session from an LMS launch. Open the activity again from your course.'));
      if (ctx === null) return next(new NotAuthenticated('Your session has expired or is not valid. Open the activity again from your course.'));
      if (roles && !ctx.roles.some((r) => roles.includes(r))) return next(new NotAllowed('Your role in this course does not allow this.'));
      req.session = ctx;
      next();
    }, next);
  };
}
