// Progress reports to the LMS gradebook while a student takes an attempt (AGS activityProgress Started,
// then InProgress; gradingProgress NotReady; no score), for LMSs that want them. They go through the
// outbox like scores, so a report never overtakes or replaces a Completed score, and the student never
// waits for them: delivery events reach here fire-and-forget, and a failure is only logged.
import { claimOnce } from '../db/once.js';
import type { AttemptActivity } from '../delivery/events.js';
import { oneAtATime } from '../delivery/one-at-a-time.js';
import { getPlatform, getTenantRegistration } from '../tenants/tenant.service.js';
import { GradePlatformSettingsModel, GradeProgressModel } from './outbox.model.js';
import { queueProgress } from './outbox.service.js';

/**
 * Whether an LMS of this product family gets progress reports unless its administrator says otherwise.
 * None of the three shows a score-less "in progress" state in its gradebook that teachers rely on (Canvas
 * ignores a score whose gradingProgress is NotReady; Moodle ignores activityProgress altogether), so all
 * are off; docs/install/*.md explain when to turn them on. One table, so a product that does can be added.
 */
export const PROGRESS_SCORES_BY_FAMILY: Record<string, boolean> = { canvas: false, moodle: false, schoology: false };

export interface ProgressScoresSetting {
  progressScores: boolean;
  /** "setting" when an administrator chose; "default" when it follows the product family. */
  source: 'setting' | 'default';
}

/** The platform's setting: the administrator's choice, else the family's default. */
export async function platformProgressScores(platformId: string): Promise<ProgressScoresSetting> {
  const [platform, chosen] = await Promise.all([getPlatform(platformId), GradePlatformSettingsModel.findOne({ _id: platformId }).lean()]);
  if (typeof chosen?.progressScores === 'boolean') return { progressScores: chosen.progressScores, source: 'setting' };
  return { progressScores: PROGRESS_SCORES_BY_FAMILY[platform.productFamily ?? ''] ?? false, source: 'default' };
}

/** Sets (true/false) or clears (null: back to the family's default) an LMS's progress reports. */
export async function setProgressScores(platformId: string, on: boolean | null): Promise<ProgressScoresSetting> {
  await getPlatform(platformId); // 404 for an unknown platform
  await GradePlatformSettingsModel.updateOne({ _id: platformId }, { $set: { progressScores: on, updatedAt: new Date() } }, { upsert: true });
  byTenant.clear();
  return platformProgressScores(platformId);
}

// Read on every start and first save: cached briefly per tenant. A change made in another process
// takes effect within CACHE_MS; in this process at once.
const CACHE_MS = 60_000;
const byTenant = new Map<string, { on: boolean; until: number }>();

async function progressScoresFor(tenantId: string): Promise<boolean> {
  const hit = byTenant.get(tenantId);
  if (hit && hit.until > Date.now()) return hit.on;
  const { platform } = await getTenantRegistration(tenantId);
  const { progressScores } = await platformProgressScores(String(platform._id));
  if (byTenant.size > 10_000) byTenant.clear();
  byTenant.set(tenantId, { on: progressScores, until: Date.now() + CACHE_MS });
  return progressScores;
}

/** How long "InProgress was reported for this opening" is remembered (a session longer than this reports again). */
const SESSION_CLAIM_MS = 7 * 24 * 3600_000;

/**
 * The delivery hook: a start reports Started; each opening (start or resume) allows one InProgress, on
 * the first answer saved after it — not one per save.
 */
export function reportAttemptActivity(e: AttemptActivity): Promise<void> {
  const _id = `${e.tenantId}:${e.attemptId}`;
  // One attempt's events are handled in the order they happened (in this process): a start must be
  // recorded before the first save after it is looked at.
  return oneAtATime(`grade-progress:${_id}`, async () => {
    if (!(await progressScoresFor(e.tenantId))) return;
    const ids = { tenantId: e.tenantId, courseId: e.courseId, placementId: e.placementId, personId: e.personId, attemptId: e.attemptId };
    if (e.kind === 'started' || e.kind === 'resumed') {
      await GradeProgressModel.updateOne({ _id }, {
        $set: { openedAt: e.at },
        $setOnInsert: { tenantId: e.tenantId, placementId: e.placementId, personId: e.personId, attemptId: e.attemptId },
      }, { upsert: true });
      if (e.kind === 'started') await queueProgress({ ...ids, activityProgress: 'Started', timestamp: e.at });
      return;
    }
    const opened = await GradeProgressModel.findOne({ _id }).lean();
    if (opened && String(opened.tenantId) !== e.tenantId) return;
    // Opened before progress reports were on (or by another process not yet seen): that opening counts as one.
    const session = opened ? opened.openedAt.getTime() : 0;
    // An insert on a unique key: exactly one saver per opening wins, across processes and engines.
    if (!(await claimOnce('grade-progress', `${_id}:${session}`, new Date(Date.now() + SESSION_CLAIM_MS)))) return;
    await queueProgress({ ...ids, activityProgress: 'InProgress', timestamp: e.at });
  });
}
