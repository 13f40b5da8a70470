// Access tokens for the LMS's services (grade passback, roster): OAuth 2.0 client_credentials with
// a client assertion signed by the tool's current key, built from the STORED platform registration
// only, so grade passback days after a launch works. Tokens are cached per platform and scope set
// (in the database, shared by every tool process, and in memory) until shortly before they expire.
// Scopes the LMS refuses are remembered, so teachers can be told which feature is off and why.
import { createHash } from 'node:crypto';
import mongoose, { Schema } from 'mongoose';
import { AppError } from '../http/problem.js';
import { getPlatform, getTenantRegistration } from '../tenants/tenant.service.js';
import { seal, signAsTool, unseal, type Sealed } from './keys.js';
import { SCOPES } from './registration.js';

// Refresh this long before the LMS says a token expires: a request started with it must still land.
const REFRESH_BEFORE_MS = 60_000;
// After the LMS refused every scope asked for, do not ask again for a while (an administrator
// re-enabling a scope is seen at the next try after this).
const REFUSAL_RECHECK_MS = 15 * 60_000;
const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

const sealedSchema = new Schema({ iv: String, tag: String, data: String }, { _id: false });

// Per platform (client id), not per tenant: one registration's deployments share its tokens.
const serviceTokenSchema = new Schema({
  platformId: { type: Schema.Types.ObjectId, required: true },
  scopeKey: { type: String, required: true },          // requested scopes, sorted, space-separated
  token: { type: sealedSchema, required: true },
  tokenHash: { type: String, required: true },         // lets a 401 retry drop exactly the token that failed
  grantedScopes: { type: [String], default: [] },
  expiresAt: { type: Date, required: true },           // as the LMS said
  refreshAt: { type: Date, required: true },           // when to stop using it and ask for a new one
  createdAt: { type: Date, required: true },
});
serviceTokenSchema.index({ platformId: 1, scopeKey: 1 }, { unique: true });
serviceTokenSchema.index({ expiresAt: 1 });

const platformServicesSchema = new Schema({
  platformId: { type: Schema.Types.ObjectId, required: true },
  // Scopes the LMS refused (token endpoint answered invalid_scope, or granted fewer than asked).
  refused: {
    type: [new Schema({ scope: String, reason: String, since: Date, checkedAt: Date }, { _id: false })],
    default: [],
  },
  // Scopes the LMS has granted in a token at least once (outranks a registration that did not list them).
  granted: { type: [String], default: [] },
  version: { type: Number, default: 0 },
  updatedAt: { type: Date, required: true },
});
platformServicesSchema.index({ platformId: 1 }, { unique: true });

export const ServiceTokenModel = mongoose.model('ServiceToken', serviceTokenSchema, 'lti_service_tokens');
export const PlatformServicesModel = mongoose.model('PlatformServices', platformServicesSchema, 'lti_platform_services');

export type LmsServiceProblem = 'scope-refused' | 'client-rejected' | 'unavailable' | 'bad-answer';

/** The LMS would not give the tool what a service call needs; `problem` says what a caller can do. */
export class LmsServiceError extends AppError {
  override readonly status = 502;
  override readonly title = 'The LMS did not allow this';
  constructor(message: string, readonly problem: LmsServiceProblem, readonly refusedScopes: string[] = []) { super(message); }
}

export interface ServiceGrant { token: string; grantedScopes: string[]; expiresAt: Date }

const memory = new Map<string, ServiceGrant & { tokenHash: string; refreshAt: Date }>();
const inFlight = new Map<string, Promise<ServiceGrant>>();

const scopeKeyOf = (scopes: string[]) => [...new Set(scopes)].sort().join(' ');
const hashToken = (t: string) => createHash('sha256').update(t).digest('base64url');

// Which platform a tenant belongs to never changes; remembering it spares two reads per service call.
const PLATFORM_OF_TENANT_MS = 60_000;
const platformOfTenant = new Map<string, { platform: PlatformForToken & { scopes?: string[] | null; productFamily?: string | null }; at: number }>();

async function tenantPlatform(tenantId: string) {
  const hit = platformOfTenant.get(tenantId);
  if (hit && Date.now() - hit.at < PLATFORM_OF_TENANT_MS) return hit.platform;
  const { platform } = await getTenantRegistration(tenantId);
  if (platformOfTenant.size > 10_000) platformOfTenant.clear();
  platformOfTenant.set(tenantId, { platform, at: Date.now() });
  return platform;
}

/** An access token for these scopes on the tenant's platform (cached until shortly before expiry). */
export async function getServiceToken(tenantId: string, scopes: string[]): Promise<string> {
  return (await getServiceGrant(tenantId, scopes)).token;
}

/** As getServiceToken, with the scopes the LMS actually granted (may be fewer than asked). */
export async function getServiceGrant(tenantId: string, scopes: string[]): Promise<ServiceGrant> {
  if (!scopes.length) throw new RangeError('at least one scope is needed');
  const platform = await tenantPlatform(tenantId);
  const platformId = String(platform._id);
  const scopeKey = scopeKeyOf(scopes);
  const key = `${platformId}|${scopeKey}`;

  const cached = memory.get(key);
  if (cached && cached.refreshAt.getTime() > Date.now()) return cached;
  const stored = await ServiceTokenModel.findOne({ platformId, scopeKey, refreshAt: { $gt: new Date() } }).lean();
  if (stored) {
    try {
      const grant = { token: unseal('service-token', stored.token as Sealed, `${platformId}|${scopeKey}`), grantedScopes: stored.grantedScopes, expiresAt: stored.expiresAt };
      memory.set(key, { ...grant, tokenHash: stored.tokenHash, refreshAt: stored.refreshAt });
      return grant;
    } catch { /* sealed under another LTI_KEY: ask for a new one */ }
  }

  // One token request per process at a time for the same platform and scopes.
  const pending = inFlight.get(key);
  if (pending) return pending;
  const request = requestToken(platform, scopeKey.split(' ')).finally(() => inFlight.delete(key));
  inFlight.set(key, request);
  return request;
}

/** Forgets a token the LMS no longer accepts (a 401), so the next call asks for a new one. */
export async function invalidateServiceToken(tenantId: string, scopes: string[], token?: string): Promise<void> {
  const platform = await tenantPlatform(tenantId);
  const platformId = String(platform._id);
  const scopeKey = scopeKeyOf(scopes);
  const key = `${platformId}|${scopeKey}`;
  const hash = token ? hashToken(token) : undefined;
  const cached = memory.get(key);
  if (cached && (!hash || cached.tokenHash === hash)) memory.delete(key);
  // Conditional on the token, so a fresh token another process just stored is not thrown away.
  await ServiceTokenModel.deleteOne({ platformId, scopeKey, ...(hash ? { tokenHash: hash } : {}) });
}

interface PlatformForToken { _id: unknown; clientId: string; tokenEndpoint: string }

async function requestToken(platform: PlatformForToken, scopes: string[]): Promise<ServiceGrant> {
  const platformId = String(platform._id);
  const scopeKey = scopeKeyOf(scopes);
  const known = await PlatformServicesModel.findOne({ platformId }).lean();
  const refusedNow = (known?.refused ?? []).filter((r) => scopes.includes(r.scope ?? '') && r.checkedAt && Date.now() - r.checkedAt.getTime() < REFUSAL_RECHECK_MS);
  if (refusedNow.length === scopes.length) {
    throw new LmsServiceError('The LMS refused the permission this needs; an LMS administrator must allow it.', 'scope-refused', scopes);
  }

  const assertion = await signAsTool({}, { issuer: platform.clientId, subject: platform.clientId, audience: platform.tokenEndpoint, expiresInSeconds: 300, jti: true });
  let res: Response;
  try {
    res = await fetch(platform.tokenEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: assertion, scope: scopes.join(' ') }),
      signal: AbortSignal.timeout(15_000),
      redirect: 'error',
    });
  } catch (err) {
    throw new LmsServiceError(`The LMS token endpoint could not be reached (${(err as Error).name === 'TimeoutError' ? 'timed out' : (err as Error).message}).`, 'unavailable');
  }
  const text = (await res.text()).slice(0, 64 * 1024);
  let body: Record<string, unknown> = {};
  try { body = JSON.parse(text) as Record<string, unknown>; } catch { /* not JSON: judged by status below */ }

  if (!res.ok) {
    const error = typeof body.error === 'string' ? body.error : '';
    const description = typeof body.error_description === 'string' ? body.error_description.slice(0, 300) : '';
    if (error === 'invalid_scope') {
      await recordRefused(platformId, scopes, `The LMS refused ${scopes.length > 1 ? 'these permissions' : 'this permission'}${description ? `: ${description}` : '.'}`);
      throw new LmsServiceError('The LMS refused the permission this needs; an LMS administrator must allow it.', 'scope-refused', scopes);
    }
    if (res.status === 401 || error === 'invalid_client' || error === 'unauthorized_client') {
      throw new LmsServiceError(`The LMS did not accept Growthline's credentials (${error || res.status}). Check the client id and that the LMS has Growthline's key URL.`, 'client-rejected');
    }
    throw new LmsServiceError(`The LMS token endpoint answered ${res.status}${error ? ` (${error})` : ''}.`, res.status >= 500 || res.status === 429 ? 'unavailable' : 'bad-answer');
  }
  if (typeof body.access_token !== 'string' || !body.access_token) throw new LmsServiceError('The LMS token endpoint answered without an access token.', 'bad-answer');

  // OAuth 2.0 §5.1: no scope in the answer means everything asked for was granted.
  const granted = typeof body.scope === 'string' ? body.scope.split(/\s+/).filter(Boolean) : scopes;
  const missing = scopes.filter((s) => !granted.includes(s));
  if (missing.length) await recordRefused(platformId, missing, 'The LMS granted an access token without this permission.');
  await clearRefused(platformId, scopes.filter((s) => granted.includes(s)));
  if (!scopes.some((s) => granted.includes(s))) throw new LmsServiceError('The LMS refused the permission this needs; an LMS administrator must allow it.', 'scope-refused', scopes);

  const lifetimeSeconds = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : Number(body.expires_in) > 0 ? Number(body.expires_in) : 3600;
  // Very short lifetimes: keep half of it rather than nothing.
  const usableMs = Math.max(lifetimeSeconds * 1000 - REFRESH_BEFORE_MS, (lifetimeSeconds * 1000) / 2);
  const now = Date.now();
  const grant: ServiceGrant = { token: body.access_token, grantedScopes: granted.filter((s) => scopes.includes(s)), expiresAt: new Date(now + lifetimeSeconds * 1000) };
  const refreshAt = new Date(now + usableMs);
  const tokenHash = hashToken(grant.token);
  memory.set(`${platformId}|${scopeKey}`, { ...grant, tokenHash, refreshAt });
  await ServiceTokenModel.updateOne(
    { platformId, scopeKey },
    { $set: { token: seal('service-token', grant.token, `${platformId}|${scopeKey}`), tokenHash, grantedScopes: grant.grantedScopes, expiresAt: grant.expiresAt, refreshAt, createdAt: new Date(now) } },
    { upsert: true },
  ).catch((err: unknown) => { if ((err as { code?: number }).code !== 11000) throw err; }); // another process stored one first: both work
  // Expired tokens go by query (no TTL indexes on FerretDB): cheap, and keeps the collection small.
  await ServiceTokenModel.deleteMany({ expiresAt: { $lt: new Date(now - 3600_000) } });
  return grant;
}

interface Refusal { scope: string; reason: string; since: Date; checkedAt: Date }
interface ServicesState { refused: Refusal[]; granted: string[] }

/**
 * Read, change, write back only if nobody wrote in between (a version counter), retrying a few
 * times: FerretDB cannot $pull by a condition on sub-documents, and the list is tiny.
 */
async function updateServices(platformId: string, change: (s: ServicesState) => ServicesState | null): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const doc = await PlatformServicesModel.findOne({ platformId }).lean();
    const current: ServicesState = {
      refused: (doc?.refused ?? []).map((r) => ({ scope: r.scope ?? '', reason: r.reason ?? '', since: r.since ?? new Date(), checkedAt: r.checkedAt ?? new Date(0) })),
      granted: doc?.granted ?? [],
    };
    const next = change(current);
    if (!next) return;
    const set = { refused: next.refused, granted: next.granted, updatedAt: new Date() };
    try {
      if (!doc) {
        await PlatformServicesModel.create({ platformId, ...set, version: 1 });
        return;
      }
      const r = await PlatformServicesModel.updateOne({ _id: doc._id, version: doc.version ?? 0 }, { $set: set, $inc: { version: 1 } });
      if (r.modifiedCount) return;
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
    }
  }
}

async function recordRefused(platformId: string, scopes: string[], reason: string): Promise<void> {
  const now = new Date();
  await updateServices(platformId, (s) => ({
    refused: [
      ...s.refused.filter((r) => !scopes.includes(r.scope)),
      ...scopes.map((scope) => ({ scope, reason, since: s.refused.find((r) => r.scope === scope)?.since ?? now, checkedAt: now })),
    ],
    granted: s.granted.filter((g) => !scopes.includes(g)),
  }));
}

async function clearRefused(platformId: string, scopes: string[]): Promise<void> {
  if (!scopes.length) return;
  await updateServices(platformId, (s) => {
    // Usually nothing to change: no write on the hot path.
    if (scopes.every((x) => s.granted.includes(x)) && !s.refused.some((r) => scopes.includes(r.scope))) return null;
    return { refused: s.refused.filter((r) => !scopes.includes(r.scope)), granted: [...new Set([...s.granted, ...scopes])] };
  });
}

/**
 * Calls an LMS service with a bearer token for these scopes; on 401 the token is dropped and the
 * call is made once more with a new one (tokens can be revoked or expire early).
 */
export async function serviceFetch(tenantId: string, scopes: string[], url: string, init: RequestInit = {}): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    const token = await getServiceToken(tenantId, scopes);
    let res: Response;
    try {
      res = await fetch(url, {
        ...init,
        headers: { ...(init.headers as Record<string, string> | undefined), authorization: `Bearer ${token}` },
        signal: init.signal ?? AbortSignal.timeout(20_000),
        // Never hand the token to wherever a redirect points.
        redirect: 'error',
      });
    } catch (err) {
      throw new LmsServiceError(`The LMS could not be reached (${(err as Error).name === 'TimeoutError' ? 'timed out' : (err as Error).message}).`, 'unavailable');
    }
    if (res.status !== 401 || attempt > 0) return res;
    await res.body?.cancel();
    await invalidateServiceToken(tenantId, scopes, token);
  }
}

// ---------------------------------------------------------------------------------------------
// What teachers are told: which feature is off on this LMS, and what an administrator can do.

export type Feature = 'gradePassback' | 'roster';
const FEATURE_SCOPES: Record<Feature, string[]> = { gradePassback: [SCOPES.score], roster: [SCOPES.membership] };
const FEATURE_NAMES: Record<Feature, string> = { gradePassback: 'Sending scores to the LMS gradebook', roster: 'Reading the course roster' };

// Where an administrator turns the permission back on, per LMS.
const ADMIN_HINTS: Record<string, Record<Feature, string>> = {
  canvas: {
    gradePassback: 'A Canvas administrator can turn it on: Admin → Developer Keys → Growthline → edit, and under LTI Advantage Services enable "Can create and update submission results for assignments associated with the tool" and "Can create and view assignment data in the gradebook associated with the tool".',
    roster: 'A Canvas administrator can turn it on: Admin → Developer Keys → Growthline → edit, and under LTI Advantage Services enable "Can retrieve user data associated with the context the tool is installed in".',
  },
  moodle: {
    gradePassback: 'A Moodle administrator can turn it on: Site administration → Plugins → Activity modules → External tool → Manage tools → Growthline → edit → Services, and set "IMS LTI Assignment and Grade Services" to "Use this service for grade sync and column management".',
    roster: 'A Moodle administrator can turn it on: Site administration → Plugins → Activity modules → External tool → Manage tools → Growthline → edit → Services, and set "IMS LTI Names and Role Provisioning" to "Use this service to retrieve members\' information as per privacy settings".',
  },
  schoology: {
    gradePassback: 'A Schoology administrator can turn it on in the Growthline app\'s LTI 1.3 configuration: allow Assignment and Grade Services, then reinstall the app for the organization.',
    roster: 'A Schoology administrator can turn it on in the Growthline app\'s LTI 1.3 configuration: allow Names and Role Provisioning Services, then reinstall the app for the organization.',
  },
};
const GENERIC_HINT = 'An LMS administrator can allow it in the settings of the Growthline tool.';

export interface ServiceStatus {
  gradePassback: 'on' | 'off';
  roster: 'on' | 'off';
  /** Why features are off, in words for a teacher; absent when everything is on. */
  reason?: string;
  details: Partial<Record<Feature, { scopes: string[]; why: string; since?: Date; adminHint: string }>>;
}

export async function serviceStatus(tenantId: string): Promise<ServiceStatus> {
  const { platform } = await getTenantRegistration(tenantId);
  return statusOf(platform);
}

/** The same, for an administrator looking at one registration. */
export async function platformServiceStatus(platformId: string): Promise<ServiceStatus> {
  return statusOf(await getPlatform(platformId));
}

async function statusOf(platform: { _id: unknown; scopes?: string[] | null; productFamily?: string | null }): Promise<ServiceStatus> {
  const known = await PlatformServicesModel.findOne({ platformId: platform._id }).lean();
  const refused = new Map((known?.refused ?? []).map((r) => [r.scope ?? '', r]));
  const registered = platform.scopes ?? [];
  const hints = ADMIN_HINTS[(platform.productFamily ?? '').toLowerCase()];
  const status: ServiceStatus = { gradePassback: 'on', roster: 'on', details: {} };
  for (const feature of Object.keys(FEATURE_SCOPES) as Feature[]) {
    const scopes = FEATURE_SCOPES[feature];
    const refusal = scopes.map((s) => refused.get(s)).find(Boolean);
    // An empty registered list means the registration did not say: assume granted until refused.
    const notRegistered = registered.length > 0 && scopes.some((s) => !registered.includes(s) && !(known?.granted ?? []).includes(s));
    if (!refusal && !notRegistered) continue;
    status[feature] = 'off';
    status.details[feature] = {
      scopes,
      why: refusal ? `the LMS refused the permission it needs (${refusal.reason ?? 'refused'})` : 'Growthline was registered in the LMS without the permission it needs',
      ...(refusal?.since ? { since: refusal.since } : {}),
      adminHint: hints?.[feature] ?? GENERIC_HINT,
    };
  }
  const off = (Object.keys(status.details) as Feature[]);
  if (off.length) status.reason = off.map((f) => `${FEATURE_NAMES[f]} is off: ${status.details[f]!.why}. ${status.details[f]!.adminHint}`).join(' ');
  return status;
}

/** Platform removal: forget its tokens and service state. */
export async function forgetPlatformServices(platformId: string): Promise<void> {
  for (const key of memory.keys()) if (key.startsWith(`${platformId}|`)) memory.delete(key);
  for (const [tenantId, v] of platformOfTenant) if (String(v.platform._id) === platformId) platformOfTenant.delete(tenantId);
  await ServiceTokenModel.deleteMany({ platformId });
  await PlatformServicesModel.deleteMany({ platformId });
}

/** For tests: forget tokens held in memory, as a freshly started process would. */
export function forgetServiceTokenMemory(): void { memory.clear(); }
