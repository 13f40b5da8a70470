// Mastery by standard in the LMS gradebook (teacher opt-in per placement): on each submission, every
// standard the attempt measured gets the student's current mastery level (1 Beginning … 4 Mastered) in
// that standard's own column of the activity. Each is its own outbox record, with the same ordering and
// exactly-once delivery as the activity's score; the worker finds or creates the columns once per activity.
import type { SubmittedAttempt } from '../delivery/events.js';
import { log as defaultLog, type Logger } from '../log.js';
import { getStudentMastery, recordAttemptEvidence } from '../mastery/mastery.service.js';
import { LEVELS, type Level } from '../mastery/model.js';
import { getPlacementGradeSettings } from '../placements/placement-grade-settings.js';
import { queueScore } from './outbox.service.js';
import { STANDARD_COLUMN_MAXIMUM } from './worker.js';

const LEVEL_WORDS: Record<Level, string> = { beginning: 'Beginning', developing: 'Developing', proficient: 'Proficient', mastered: 'Mastered' };

/** The column's score for a level: its place on the 1–4 scale teachers see on the dashboard. */
export const levelScore = (level: Level): number => LEVELS.indexOf(level) + 1;

/** The delivery hook: per-standard mastery scores to the outbox, when the placement's teacher turned them on. */
export async function queueStandardScores(e: SubmittedAttempt, log: Logger = defaultLog): Promise<number> {
  const settings = await getPlacementGradeSettings(e.tenantId, e.courseId, e.placementId);
  if (!settings?.standardLineItems) return 0;
  // The mastery hook may run after this one: recording is idempotent per attempt, so make sure the
  // estimates include this attempt before reading them.
  await recordAttemptEvidence(e);
  const mastery = await getStudentMastery(e.tenantId, e.courseId, e.personId);
  let queued = 0;
  for (const code of [...new Set(e.standards.map((s) => s.code))]) {
    const cell = mastery.cells.find((c) => c.code === code);
    if (!cell) {
      log.warn({ tenantId: e.tenantId, attemptId: e.attemptId, standard: code }, 'no mastery estimate for a measured standard; its column gets no score');
      continue;
    }
    const outcome = await queueScore({
      tenantId: e.tenantId, courseId: e.courseId, placementId: e.placementId, personId: e.personId, attemptId: e.attemptId,
      standard: code, scoreGiven: levelScore(cell.level), scoreMaximum: STANDARD_COLUMN_MAXIMUM, timestamp: e.submittedAt,
      comment: `Growthline mastery of ${code}: ${LEVEL_WORDS[cell.level]}`,
    });
    if (outcome === 'queued') queued++;
  }
  return queued;
}
