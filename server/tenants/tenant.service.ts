// Registering LMS platforms and their deployments, finding the tenant of a launch, and the list of
// LMS origins allowed to frame the tool. Other domains call these functions, never the models.
import { upsertRacing } from '../db/once.js';
import { z } from 'zod';
import { PlatformModel, TenantModel, type PlatformDoc, type TenantDoc } from './tenant.model.js';
import { Conflict, InvalidInput, NotFound } from '../http/problem.js';

const httpsOrLocal = z.string().url().refine((u) => u.startsWith('https://') || /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\//.test(u + '/'), 'must be an https URL (http only for localhost)');

export const PlatformRegistrationSchema = z.object({
  issuer: z.string().min(1).max(500).url(),
  clientId: z.string().min(1).max(300),
  name: z.string().min(1).max(200).optional(),
  productFamily: z.string().max(60).optional(),
  deploymentIds: z.array(z.string().min(1).max(300)).max(1000),
  acceptNewDeployments: z.boolean().default(false),
  authEndpoint: httpsOrLocal,
  tokenEndpoint: httpsOrLocal,
  jwksUrl: httpsOrLocal,
  scopes: z.array(z.string().max(300)).max(50).default([]),
  frameOrigins: z.array(z.string().max(300)).max(100).default([]),
  registeredVia: z.enum(['dynamic', 'manual']).default('manual'),
});
export type PlatformRegistration = z.input<typeof PlatformRegistrationSchema>;

export interface PlatformView {
  id: string; issuer: string; clientId: string; name: string; productFamily: string; scopes: string[];
  deploymentIds: string[]; registeredVia: string; createdAt: Date;
}

const originOf = (u: string) => { try { return new URL(u).origin; } catch { return undefined; } };

export async function registerPlatform(input: PlatformRegistration): Promise<{ platform: PlatformDoc; tenants: TenantDoc[] }> {
  const reg = PlatformRegistrationSchema.parse(input);
  if (!reg.deploymentIds.length && !reg.acceptNewDeployments) throw new InvalidInput('At least one deployment id is needed.');
  const existing = await PlatformModel.findOne({ issuer: reg.issuer, clientId: reg.clientId }).lean();
  if (existing) throw new Conflict(`A platform with issuer ${reg.issuer} and client id ${reg.clientId} is already registered.`);
  const frameOrigins = [...new Set([reg.issuer, reg.authEndpoint, ...reg.frameOrigins].map(originOf).filter((o): o is string => !!o))];
  const platform = await PlatformModel.create({
    issuer: reg.issuer, clientId: reg.clientId, name: reg.name ?? new URL(reg.issuer).host, productFamily: reg.productFamily ?? 'unknown',
    authEndpoint: reg.authEndpoint, tokenEndpoint: reg.tokenEndpoint, jwksUrl: reg.jwksUrl, scopes: reg.scopes,
    frameOrigins, registeredVia: reg.registeredVia, acceptNewDeployments: reg.acceptNewDeployments,
  });
  const tenants = await Promise.all(reg.deploymentIds.map((deploymentId) => TenantModel.create({ platformId: platform._id, deploymentId })));
  frameOriginsCache = undefined;
  forgetRegistrations();
  return { platform: platform.toObject() as PlatformDoc, tenants: tenants.map((t) => t.toObject() as TenantDoc) };
}

export async function addDeployment(platformId: string, deploymentId: string): Promise<TenantDoc> {
  const t = await upsertRacing(() => TenantModel.findOneAndUpdate({ platformId, deploymentId }, { $setOnInsert: { platformId, deploymentId } }, { upsert: true, new: true }).lean());
  return t as TenantDoc;
}

// Every launch looks its platform up three times (login, id_token checks, the launch page), the last
// two milliseconds apart, and its tenant twice. Found ones are kept for one second: enough to serve a
// launch's repeated lookups, short enough that a removal by another process (the command line) takes
// effect within a second — and ltijs, whose record of the platform is removed first, refuses its
// launches in that second anyway. A change in this process forgets them at once
// (forgetFrameOriginsCache, which platform removal calls). Misses are never kept, so a new
// registration works at once everywhere.
const REGISTRATION_CACHE_MS = 1000;
const MAX_CACHED = 10_000;
const registrations = new Map<string, { at: number; value: unknown }>();

async function remembered<T>(key: string, load: () => Promise<T>, keep: (v: T) => boolean): Promise<T> {
  const hit = registrations.get(key);
  if (hit && Date.now() - hit.at < REGISTRATION_CACHE_MS) return hit.value as T;
  const value = await load();
  if (keep(value)) {
    if (registrations.size >= MAX_CACHED) registrations.clear();
    registrations.set(key, { at: Date.now(), value });
  } else registrations.delete(key);
  return value;
}

const forgetRegistrations = () => registrations.clear();

export async function findPlatform(issuer: string, clientId: string): Promise<PlatformDoc | null> {
  return remembered(`platform\u0000${issuer}\u0000${clientId}`, async () => (await PlatformModel.findOne({ issuer, clientId }).lean()) as PlatformDoc | null, (p) => !!p);
}

export async function findPlatformsByIssuer(issuer: string): Promise<PlatformDoc[]> {
  return remembered(`issuer\u0000${issuer}`, async () => (await PlatformModel.find({ issuer }).lean()) as PlatformDoc[], (list) => list.length > 0);
}

export async function findTenant(platformId: string, deploymentId: string): Promise<TenantDoc | null> {
  const tenant = await remembered(`tenant\u0000${platformId}\u0000${deploymentId}`,
    async () => (await TenantModel.findOne({ platformId, deploymentId }).lean()) as TenantDoc | null, (t) => !!t);
  if (tenant) return tenant;
  const platform = await PlatformModel.findById(platformId, { acceptNewDeployments: 1 }).lean();
  return platform?.acceptNewDeployments ? addDeployment(platformId, deploymentId) : null;
}

/** The platform and deployment behind a tenant id (as carried by sessions and stored records). */
export async function getTenantRegistration(tenantId: string): Promise<{ platform: PlatformDoc; deploymentId: string }> {
  const tenant = (await TenantModel.findById(tenantId).lean()) as TenantDoc | null;
  if (!tenant) throw new NotFound('No such tenant.');
  return { platform: await getPlatform(String(tenant.platformId)), deploymentId: tenant.deploymentId };
}

export async function getPlatform(platformId: string): Promise<PlatformDoc> {
  const p = (await PlatformModel.findById(platformId).lean()) as PlatformDoc | null;
  if (!p) throw new NotFound('No such platform.');
  return p;
}

export async function listPlatforms(): Promise<PlatformView[]> {
  const platforms = (await PlatformModel.find().sort({ createdAt: 1 }).lean()) as PlatformDoc[];
  const tenants = (await TenantModel.find({ platformId: { $in: platforms.map((p) => p._id) } }).lean()) as TenantDoc[];
  return platforms.map((p) => ({
    id: String(p._id), issuer: p.issuer, clientId: p.clientId, name: p.name, productFamily: p.productFamily ?? 'unknown',
    scopes: p.scopes ?? [], registeredVia: p.registeredVia, createdAt: p.createdAt,
    deploymentIds: tenants.filter((t) => String(t.platformId) === String(p._id)).map((t) => t.deploymentId),
  }));
}

/** Remembers an LMS origin seen on a validated launch, so the tool may be framed by it. */
export async function rememberFrameOrigin(platformId: string, origin: string): Promise<void> {
  const o = originOf(origin);
  if (!o) return;
  // Nearly always known already (from registration or an earlier launch): then there is nothing to write.
  if (frameOriginsCache && Date.now() - frameOriginsCache.at < FRAME_CACHE_MS && frameOriginsCache.byPlatform.get(platformId)?.includes(o)) return;
  const res = await PlatformModel.updateOne({ _id: platformId, frameOrigins: { $ne: o } }, { $push: { frameOrigins: o } });
  if (res.modifiedCount) { frameOriginsCache = undefined; forgetRegistrations(); }
}

let frameOriginsCache: { at: number; origins: string[]; byPlatform: Map<string, string[]> } | undefined;
const FRAME_CACHE_MS = 30_000;

/** Every registered LMS origin; cached briefly because it is read on every page response. */
export async function allFrameOrigins(): Promise<string[]> {
  if (frameOriginsCache && Date.now() - frameOriginsCache.at < FRAME_CACHE_MS) return frameOriginsCache.origins;
  const platforms = await PlatformModel.find({}, { frameOrigins: 1 }).lean();
  const origins = [...new Set(platforms.flatMap((p) => p.frameOrigins ?? []))].sort();
  frameOriginsCache = { at: Date.now(), origins, byPlatform: new Map(platforms.map((p) => [String(p._id), p.frameOrigins ?? []])) };
  return origins;
}

/** Forgets what is cached about registrations (frame origins, platforms, tenants) after changing them. */
export function forgetFrameOriginsCache(): void { frameOriginsCache = undefined; forgetRegistrations(); }
