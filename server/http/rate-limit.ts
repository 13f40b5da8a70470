// Abuse resistance at the edge, mounted once in front of every route: rate limits per IP, per
// tenant and per user on the JSON API and per IP and per LMS on the LTI launch routes (429 with
// Retry-After), a ceiling on declared request sizes (413 before any body is read), and a refusal of
// MongoDB query operators (`$gt`, `$where`…) smuggled into query strings or JSON bodies (400).
import { sessionOf as verifiedSession } from '../auth/session.js';
import { createHash } from 'node:crypto';
import express, { type Request, type RequestHandler, type Response } from 'express';
import { rateLimit, type Options } from 'express-rate-limit';
import { z } from 'zod';
import { parseEnv } from '../env-schema.js';
import type { LaunchContext, SessionIssuer } from '../auth/session.js';
import { InvalidInput, renderErrorPage, sendProblem, TooLarge, TooManyRequests } from './problem.js';

/*
 * Why these defaults (per window of 60 s, every one set by an env variable, 0 turns a limit off):
 *
 * - A school puts its 1,000 students behind ONE NAT address. Taking a test, a student's page saves an
 *   answer every few seconds and loads a handful of things at the start: about 10–20 API calls a
 *   minute each, so 10,000–20,000 a minute from that one address at peak. The per-IP API limit
 *   (30,000) sits above that; it only stops a flood from one machine. The same school opening an
 *   activity in the same minute makes about 3 LTI requests per student (login, launch, sometimes
 *   a completion step): the per-IP LTI limit (6,000) leaves room for that twice over.
 * - The per-tenant limit is the main guard. The tenant comes from the signed session token, so it
 *   cannot be forged, and it bounds what one district — or one leaked session replayed by a script —
 *   can take from a tool many districts share. 60,000 calls a minute is about 4,000 students taking
 *   a test at the same moment; a bigger district raises RATE_LIMIT_API_PER_TENANT.
 * - Per user, 1,200 a minute (20 a second) is far beyond what any person's page does, and stops a
 *   script replaying one student's token long before it hurts the student's classmates.
 * - On the launch routes the LMS is only *claimed* (issuer, client id, deployment) until the id_token
 *   is verified, so the per-LMS launch limit is generous (20,000): it caps a flood that names one
 *   LMS without letting anyone who guesses an issuer lock a district out cheaply; per-IP comes first.
 *
 * Counters live in each process's memory: with N tool processes behind a load balancer the effective
 * limits are N times these. That is deliberate — a shared store would add a database write to every
 * request — and the reason the per-process numbers are set from one process's point of view.
 */
const Limit = z.coerce.number().int().min(0).max(100_000_000);
const SettingsSchema = z.object({
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  RATE_LIMIT_API_PER_IP: Limit.default(30_000),
  RATE_LIMIT_API_PER_TENANT: Limit.default(60_000),
  RATE_LIMIT_API_PER_USER: Limit.default(1_200),
  RATE_LIMIT_LTI_PER_IP: Limit.default(6_000),
  RATE_LIMIT_LTI_PER_TENANT: Limit.default(20_000),
});

export interface RateLimitSettings {
  windowMs: number;
  apiPerIp: number;
  apiPerTenant: number;
  apiPerUser: number;
  ltiPerIp: number;
  ltiPerTenant: number;
}

export function rateLimitSettings(env: NodeJS.ProcessEnv): RateLimitSettings {
  const e = parseEnv(SettingsSchema, env, 'RATE_LIMIT_');
  return {
    windowMs: e.RATE_LIMIT_WINDOW_SECONDS * 1000,
    apiPerIp: e.RATE_LIMIT_API_PER_IP, apiPerTenant: e.RATE_LIMIT_API_PER_TENANT, apiPerUser: e.RATE_LIMIT_API_PER_USER,
    ltiPerIp: e.RATE_LIMIT_LTI_PER_IP, ltiPerTenant: e.RATE_LIMIT_LTI_PER_TENANT,
  };
}

/** '100kb', '1mb', '2048' → bytes (the forms BODY_LIMIT takes, as body-parser reads them). */
export function parseByteSize(limit: string | number): number {
  if (typeof limit === 'number') return limit;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(limit);
  if (!m) throw new Error(`Invalid configuration:\n  BODY_LIMIT: "${limit}" is not a size like 100kb or 1mb`);
  const unit = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[(m[2] ?? 'b').toLowerCase() as 'b' | 'kb' | 'mb' | 'gb'];
  return Math.floor(Number(m[1]) * unit);
}

// The LTI routes' own form limits (server/lti/provider.ts); the launch limiter parses those forms
// first, with the same limits, so parsing here changes nothing for the routes behind it.
const LTI_FORM_LIMITS: Record<string, string> = { '/lti/login': '16kb', '/lti/launch': '64kb' };
// Nothing the tool accepts is bigger than the API's JSON limit or an id_token form.
const LTI_MAX_BYTES = 64 * 1024;

/** An IPv6 client controls at least a /64; counting each address alone would let it rotate freely. */
export function clientAddressKey(ip: string | undefined): string {
  if (!ip) return 'ip:unknown';
  const v4 = /^(?:::ffff:)?(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (v4) return `ip:${v4[1]}`;
  if (!ip.includes(':')) return `ip:${ip}`;
  const [head = '', tail = ''] = ip.split('%')[0]!.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left;
  return `ip6:${groups.slice(0, 4).map((g) => g.toLowerCase().replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

/** The LMS a login or launch names (not yet verified), as a bounded key: see the note above. */
function claimedLms(req: Request): string | undefined {
  const params = { ...(req.query as Record<string, unknown>), ...((req.body ?? {}) as Record<string, unknown>) };
  let iss: unknown = params.iss;
  let client: unknown = params.client_id;
  let deployment: unknown = params.lti_deployment_id;
  if (typeof params.id_token === 'string') {
    try {
      const payload = JSON.parse(Buffer.from(params.id_token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
      iss = payload.iss;
      client = Array.isArray(payload.aud) ? payload.aud[0] : payload.aud;
      deployment = payload['https://purl.imsglobal.org/spec/lti/claim/deployment_id'];
    } catch { return undefined; }
  }
  if (typeof iss !== 'string' || !iss) return undefined;
  // Hashed into a fixed number of buckets, so made-up issuers cannot grow the counters without bound.
  const h = createHash('sha256').update(`${iss}\n${String(client ?? '')}\n${String(deployment ?? '')}`).digest().readUInt32BE(0);
  return `lms:${h % 65_536}`;
}

export interface AbuseGuardOptions {
  sessions: SessionIssuer;
  /** BODY_LIMIT: the JSON API's body limit. */
  bodyLimit: string;
  settings: RateLimitSettings;
}

/**
 * One router for server/app.ts to mount before its routes. It also parses the API's JSON bodies
 * (with the same BODY_LIMIT) so operator keys can be refused before any route sees them; the API's
 * own express.json() then finds the body parsed and does nothing.
 */
export function abuseGuards(o: AbuseGuardOptions): express.Router {
  const s = o.settings;
  const apiMaxBytes = parseByteSize(o.bodyLimit);
  const r = express.Router();

  // A session token is checked once here for the tenant and user limits (an HMAC: cheap); requests
  // without a valid one count only per IP and are refused by the routes' requireSession.
  const sessionOf = async (req: Request, _res: Response): Promise<LaunchContext | null> =>
    (await verifiedSession(req, o.sessions)) ?? null;

  const limiter = (name: string, limit: number, extra: Partial<Options>): RequestHandler | undefined => limit > 0 ? rateLimit({
    windowMs: s.windowMs,
    limit,
    standardHeaders: false,
    legacyHeaders: false,
    requestPropertyName: `rateLimit_${name}`,
    handler: tooMany(s.windowMs),
    ...extra,
  }) : undefined;

  // Size first: a declared body over the limit is refused before it is read or counted.
  r.use(['/api', '/lti'], (req, _res, next) => {
    const max = req.baseUrl === '/api' ? apiMaxBytes : Math.max(apiMaxBytes, LTI_MAX_BYTES);
    const declared = Number(req.headers['content-length'] ?? 0);
    if (Number.isFinite(declared) && declared > max) return next(new TooLarge(`The request body is larger than the limit of ${max} bytes.`));
    next();
  });

  const ltiIp = limiter('ltiIp', s.ltiPerIp, { keyGenerator: (req) => clientAddressKey(req.ip) });
  const ltiLms = limiter('ltiLms', s.ltiPerTenant, {
    skip: (req) => !LTI_FORM_LIMITS[req.path] || !claimedLms(req),
    keyGenerator: (req) => claimedLms(req)!,
  });
  if (ltiIp) r.use('/lti', ltiIp);
  if (ltiLms) {
    for (const [p, limit] of Object.entries(LTI_FORM_LIMITS)) r.use(p, (req, res, next) => (req.path === '/' ? express.urlencoded({ extended: false, limit })(req, res, next) : next()));
    r.use((req, res, next) => (LTI_FORM_LIMITS[req.path] ? ltiLms(req, res, next) : next()));
  }

  const apiIp = limiter('apiIp', s.apiPerIp, { keyGenerator: (req) => clientAddressKey(req.ip) });
  const apiTenant = limiter('apiTenant', s.apiPerTenant, {
    skip: async (req, res) => !(await sessionOf(req, res)),
    keyGenerator: async (req, res) => `tenant:${(await sessionOf(req, res))!.tenantId}`,
  });
  const apiUser = limiter('apiUser', s.apiPerUser, {
    skip: async (req, res) => !(await sessionOf(req, res)),
    keyGenerator: async (req, res) => { const c = (await sessionOf(req, res))!; return `user:${c.tenantId}:${c.userId}`; },
  });
  for (const l of [apiIp, apiTenant, apiUser]) if (l) r.use('/api', l);

  r.use('/api', express.json({ limit: o.bodyLimit }), (req, _res, next) => {
    const bad = operatorKey(req.query, 'query') ?? operatorKey(req.body, 'body');
    if (bad) return next(new InvalidInput(`The request is not valid: ${bad} is not accepted.`, [{ field: bad, message: 'field names may not start with $ or be __proto__, and bodies may not nest deeper than 32 levels' }]));
    next();
  });
  return r;
}

/** The first key that could act as a query operator or reach an object's prototype, or a body nested beyond reason. */
function operatorKey(value: unknown, at: string, depth = 0): string | undefined {
  if (!value || typeof value !== 'object') return undefined;
  // Nothing the API takes is nested more than a few levels; a deeper body is refused, not walked.
  if (depth > 32) return `${at} (nested too deeply)`;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const here = `${at}.${k}`;
    if (k.startsWith('$') || k === '__proto__') return here;
    const deeper = operatorKey(v, here, depth + 1);
    if (deeper) return deeper;
  }
  return undefined;
}

/** 429: problem+json for API clients and scripts, a plain page for a browser opening a launch. */
function tooMany(windowMs: number): Options['handler'] {
  return (req, res, _next, options) => {
    const info = (req as unknown as Record<string, { resetTime?: Date } | undefined>)[options.requestPropertyName];
    const retryAfter = Math.max(1, Math.ceil(((info?.resetTime?.getTime() ?? Date.now() + windowMs) - Date.now()) / 1000));
    const err = new TooManyRequests(`Too many requests right now. Wait ${retryAfter} seconds and try again; nothing you already saved is lost.`, retryAfter);
    const browser = !req.originalUrl.startsWith('/api/') && /\btext\/html\b/.test(req.headers.accept ?? '');
    if (browser) {
      res.setHeader('Retry-After', String(retryAfter));
      res.status(429).type('html').send(renderErrorPage('Growthline is busy', err.message));
      return;
    }
    sendProblem(res, req, err);
  };
}
