// Who may load an attempt: the one place fixed and adaptive delivery decide it, so the two never disagree on
// what a student of another district, a classmate or a teacher is told.
import type { LaunchContext } from '../auth/session.js';
import { NotAllowed, NotFound } from '../http/problem.js';
import { isStaff } from '../lti/roles.js';
import { AttemptModel, type AttemptDoc } from './attempt.model.js';

export const isObjectId = (id: string) => /^[a-f0-9]{24}$/i.test(id);

/** The same answer for "no such attempt" and "not yours", so an id reveals nothing. */
export function notYours(): NotFound {
  return new NotFound('No attempt with this id exists for you. Open the activity again from your course.');
}

/** An attempt of the caller's district, whoever owns it. */
export async function loadAttempt(ctx: LaunchContext, attemptId: string): Promise<AttemptDoc> {
  if (!isObjectId(attemptId)) throw notYours();
  // By _id alone (the one filter FerretDB hands to SQLite instead of decoding every document); the tenant is checked here instead.
  const a = (await AttemptModel.findOne({ _id: attemptId }).lean()) as AttemptDoc | null;
  if (!a || String(a.tenantId) !== ctx.tenantId) throw notYours();
  return a;
}

export const isOwner = (ctx: LaunchContext, a: AttemptDoc) => String(a.personId) === ctx.userId && String(a.tenantId) === ctx.tenantId;
export const isCourseStaff = (ctx: LaunchContext, a: AttemptDoc) => isStaff(ctx.roles) && String(a.courseId) === ctx.courseId;

/** The owner's attempt; a teacher of the course may know it exists but may not act as the student. */
export async function loadOwned(ctx: LaunchContext, attemptId: string): Promise<AttemptDoc> {
  return ownedBy(ctx, await loadAttempt(ctx, attemptId));
}

export function ownedBy(ctx: LaunchContext, a: AttemptDoc | null): AttemptDoc {
  if (!a || String(a.tenantId) !== ctx.tenantId) throw notYours();
  if (isOwner(ctx, a)) return a;
  if (isCourseStaff(ctx, a)) throw new NotAllowed('Teachers can see a student\'s results, but cannot answer or submit for them.');
  throw notYours();
}
