// The course roster for teachers: from the LMS's Names and Role Provisioning Service when it
// offers one (cached a few minutes), otherwise an explanation, so callers fall back to listing
// the students who have launched. Failures never break the dashboard: they become a reason.
import { getCourse, pseudonymLabel } from '../courses/course.service.js';
import { PersonModel } from '../courses/course.model.js';
import { NotFound } from '../http/problem.js';
import { fetchCourseMembers, type RosterMember } from '../lti/nrps.js';
import { LmsServiceError, serviceStatus } from '../lti/service-token.js';
import { getTenantRegistration } from '../tenants/tenant.service.js';
import { ROSTER_CACHE_SECONDS, RosterCacheModel } from './roster.model.js';

export type Roster =
  | { available: true; members: RosterMember[]; fetchedAt: Date }
  | { available: false; reason: string };

const inFlight = new Map<string, Promise<Roster>>();

export interface RosterOptions {
  /** NRPS page size to ask for (within the LMS's cap); tests use tiny pages. */
  pageSize?: number;
  /** Skip the cache (a teacher pressed "refresh"). */
  refresh?: boolean;
}

export async function getRoster(tenantId: string, courseId: string, o: RosterOptions = {}): Promise<Roster> {
  const course = await getCourse(tenantId, courseId);
  if (!course) throw new NotFound('No such course.');
  if (!course.membershipsUrl) {
    return { available: false, reason: 'The LMS does not share this course\'s roster with Growthline (no Names and Role Provisioning Service in its launches), so only students who have opened an assessment are listed.' };
  }
  if (!o.refresh) {
    const cached = await RosterCacheModel.findOne({ tenantId, courseId, expiresAt: { $gt: new Date() } }).lean();
    if (cached) return { available: true, members: cached.members.map(toMember), fetchedAt: cached.fetchedAt };
  }
  const key = `${tenantId}|${courseId}`;
  const pending = inFlight.get(key);
  if (pending) return pending;
  const p = fetchAndStore(tenantId, courseId, course.membershipsUrl, o).finally(() => inFlight.delete(key));
  inFlight.set(key, p);
  return p;
}

async function fetchAndStore(tenantId: string, courseId: string, membershipsUrl: string, o: RosterOptions): Promise<Roster> {
  const { platform } = await getTenantRegistration(tenantId);
  let members: RosterMember[];
  try {
    members = await fetchCourseMembers(tenantId, membershipsUrl, { productFamily: platform.productFamily ?? undefined, pageSize: o.pageSize });
  } catch (err) {
    if (!(err instanceof LmsServiceError)) throw err;
    if (err.problem === 'scope-refused') {
      // The token layer remembers the refusal (and does not ask again for a while); say what an admin can do.
      // A copy read before the administrator withdrew the permission is not shown any more.
      await RosterCacheModel.deleteOne({ tenantId, courseId });
      const hint = (await serviceStatus(tenantId)).details.roster?.adminHint ?? '';
      return { available: false, reason: `The course roster is off: the LMS refused Growthline permission to read it. Only students who have opened an assessment are listed. ${hint}`.trim() };
    }
    return { available: false, reason: `The course roster could not be read: the LMS did not answer as expected (${err.message}). Only students who have opened an assessment are listed.` };
  }
  const now = new Date();
  await RosterCacheModel.updateOne(
    { tenantId, courseId },
    { $set: { members, fetchedAt: now, expiresAt: new Date(now.getTime() + ROSTER_CACHE_SECONDS * 1000) } },
    { upsert: true },
  ).catch((err: unknown) => { if ((err as { code?: number }).code !== 11000) throw err; });
  await deleteExpiredRosters(now);
  return { available: true, members, fetchedAt: now };
}

/** Clean-up: rosters past their lifetime hold names for no reason. */
export async function deleteExpiredRosters(now = new Date()): Promise<number> {
  return (await RosterCacheModel.deleteMany({ expiresAt: { $lt: now } })).deletedCount ?? 0;
}

function toMember(m: { sub: string; name?: string | null; roles: string[]; status: string }): RosterMember {
  return { sub: m.sub, ...(m.name ? { name: m.name } : {}), roles: m.roles as RosterMember['roles'], status: m.status as RosterMember['status'] };
}

export interface RosterMemberView {
  lmsUserId: string;
  /** Our person id when this member has launched Growthline (matches attempts' student ids). */
  personId: string | null;
  displayName: string;
  roles: RosterMember['roles'];
  status: RosterMember['status'];
}

/** The roster as the teacher dashboard shows it: names (or pseudonyms) and our person ids. */
export async function rosterView(tenantId: string, courseId: string, o: RosterOptions = {}) {
  const roster = await getRoster(tenantId, courseId, o);
  if (!roster.available) return { available: false as const, reason: roster.reason, members: [] as RosterMemberView[] };
  // The courses domain has no lookup by LMS user id yet; this read is the only one outside it.
  const people = await PersonModel.find({ tenantId, sub: { $in: roster.members.map((m) => m.sub) } }, { sub: 1 }).lean();
  const personOf = new Map(people.map((p) => [p.sub, String(p._id)]));
  return {
    available: true as const,
    fetchedAt: roster.fetchedAt,
    members: roster.members.map((m): RosterMemberView => ({
      lmsUserId: m.sub, personId: personOf.get(m.sub) ?? null, displayName: m.name ?? pseudonymLabel(tenantId, m.sub), roles: m.roles, status: m.status,
    })),
  };
}
