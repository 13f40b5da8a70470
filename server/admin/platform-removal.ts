// Removing an LMS from Growthline: its ltijs record first (launches stop at once), then every
// record of its tenants in every collection that has a tenantId, then its service tokens, its
// tenants and the platform last — so a removal cut short can simply be run again.
import mongoose from 'mongoose';
import { forgetAllAttempts } from '../delivery/answer-journal.js';
import { NotFound } from '../http/problem.js';
import { forgetPlatformServices } from '../lti/service-token.js';
import type { LtiService } from '../lti/provider.js';
import { PlatformModel, TenantModel } from '../tenants/tenant.model.js';
import { findPlatform, forgetFrameOriginsCache } from '../tenants/tenant.service.js';

export interface RemovalReport {
  platform: { issuer: string; clientId: string; name: string };
  deployments: string[];
  /** Records deleted, by collection. */
  deleted: Record<string, number>;
}


/** Collections that may hold tenant records: every model with a tenantId path, and every collection in the database (models of modules not loaded in this process included). */
export async function tenantCollections(): Promise<string[]> {
  const fromModels = mongoose.modelNames()
    .map((n) => mongoose.model(n))
    .filter((m) => !!m.schema.path('tenantId'))
    .map((m) => m.collection.collectionName);
  const db = mongoose.connection.db;
  const inDb = db ? (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name) : [];
  return [...new Set([...fromModels, ...inDb])].filter((n) => !n.startsWith('system.')).sort();
}

export async function describePlatform(issuer: string, clientId: string) {
  const platform = await findPlatform(issuer, clientId);
  if (!platform) throw new NotFound(`No platform with issuer ${issuer} and client id ${clientId} is registered.`);
  const tenants = await TenantModel.find({ platformId: platform._id }).lean();
  return { platform, tenants };
}

export async function removePlatform(lti: Pick<LtiService, 'deletePlatform'>, issuer: string, clientId: string): Promise<RemovalReport> {
  const { platform, tenants } = await describePlatform(issuer, clientId);
  const deleted: Record<string, number> = {};
  await lti.deletePlatform(issuer, clientId);

  const ids = tenants.map((t) => t._id);
  // tenantId is an ObjectId in our schemas; match its string form too, for records written raw.
  const match = { tenantId: { $in: [...ids, ...ids.map(String)] } };
  const db = mongoose.connection.db!;
  if (ids.length) {
    for (const name of await tenantCollections()) {
      const r = await db.collection(name).deleteMany(match);
      if (r.deletedCount) deleted[name] = r.deletedCount;
    }
  }
  // What ltijs and the login step keep by issuer and client id rather than by tenant.
  const byIssuer: [string, Record<string, unknown>][] = [
    ['idtoken', { iss: issuer, clientId }],
    ['accesstoken', { platformUrl: issuer, clientId }],
    ['LoginState', { issuer, clientId }],
  ];
  for (const [model, filter] of byIssuer) {
    if (!mongoose.modelNames().includes(model)) continue;
    const r = await mongoose.model(model).collection.deleteMany(filter);
    if (r.deletedCount) deleted[mongoose.model(model).collection.collectionName] = r.deletedCount;
  }
  // Per-LMS settings kept by platform id (e.g. the grade progress setting).
  if (mongoose.modelNames().includes('GradePlatformSettings')) {
    const r = await mongoose.model('GradePlatformSettings').collection.deleteOne({ _id: String(platform._id) } as Record<string, unknown>);
    if (r.deletedCount) deleted[mongoose.model('GradePlatformSettings').collection.collectionName] = r.deletedCount;
  }
  await forgetPlatformServices(String(platform._id));
  const t = await TenantModel.deleteMany({ platformId: platform._id });
  if (t.deletedCount) deleted[TenantModel.collection.collectionName] = t.deletedCount;
  await PlatformModel.deleteOne({ _id: platform._id });
  deleted[PlatformModel.collection.collectionName] = 1;
  forgetFrameOriginsCache();
  forgetAllAttempts();
  return {
    platform: { issuer: platform.issuer, clientId: platform.clientId, name: platform.name },
    deployments: tenants.map((t) => t.deploymentId),
    deleted,
  };
}
