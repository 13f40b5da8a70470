// What other domains hear when a student submits: mastery and grade passback register here. The
// submission is stored before any hook runs, and a failing hook is logged, never undoes it; an attempt
// whose hooks did not all succeed (or never ran: a crash) is announced again by delivery/announce.ts.
import { log as defaultLog, type Logger } from '../log.js';
import type { ScaleSummary } from '../adaptive/scale-report.js';
import type { MasteryLevel } from './results.js';

export interface SubmittedAttempt {
  tenantId: string;
  courseId: string;
  placementId: string;
  personId: string;
  attemptId: string;
  attemptNumber: number;
  assessmentId: string;
  formId: string;
  score: number;
  maxScore: number;
  percent: number;
  submittedAt: Date;
  autoSubmitted: boolean;
  standards: { code: string; correct: number; total: number; level: MasteryLevel }[];
  items: { position: number; itemId: string; version: number; standard: string; score: number }[];
  /** The sitting on the one ability scale (fixed and adaptive alike; server/adaptive/scale-report.ts). */
  scale?: ScaleSummary;
}

export const onAttemptSubmitted: Array<(e: SubmittedAttempt) => Promise<void>> = [];

/** Runs every hook; true when all of them succeeded (delivery/announce.ts then records the attempt as announced). */
export async function announceSubmitted(e: SubmittedAttempt, log: Logger = defaultLog): Promise<boolean> {
  let ok = true;
  for (const hook of [...onAttemptSubmitted]) {
    try {
      await hook(e);
    } catch (err) {
      ok = false;
      log.error({ err, attemptId: e.attemptId, tenantId: e.tenantId, hook: hook.name || 'anonymous' }, 'a submitted-attempt hook failed; the submission is kept and announced again later');
    }
  }
  return ok;
}

/**
 * A student's activity while taking an attempt (not previews): grade progress listens. `resumed` is a
 * student opening an attempt already under way (a new page load or launch).
 */
export interface AttemptActivity {
  kind: 'started' | 'resumed' | 'answer-saved';
  tenantId: string;
  courseId: string;
  placementId: string;
  personId: string;
  attemptId: string;
  at: Date;
}

export const onAttemptActivity: Array<(e: AttemptActivity) => Promise<void>> = [];

/** Fire and forget: the student's request never waits for a listener, and a failing one is only logged. */
export function announceActivity(e: AttemptActivity, log: Logger = defaultLog): void {
  for (const hook of [...onAttemptActivity]) {
    Promise.resolve().then(() => hook(e)).catch((err: unknown) => {
      log.warn({ err: (err as Error)?.message, attemptId: e.attemptId, tenantId: e.tenantId, kind: e.kind, hook: hook.name || 'anonymous' }, 'an attempt-activity hook failed; the student was not affected');
    });
  }
}
