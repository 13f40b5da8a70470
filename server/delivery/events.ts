// What other domains hear when a student submits: mastery and grade passback register here. The
// submission is stored before any hook runs, and a failing hook is logged, never undoes it.
import { log as defaultLog, type Logger } from '../log.js';
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
}

export const onAttemptSubmitted: Array<(e: SubmittedAttempt) => Promise<void>> = [];

export async function announceSubmitted(e: SubmittedAttempt, log: Logger = defaultLog): Promise<void> {
  for (const hook of [...onAttemptSubmitted]) {
    try {
      await hook(e);
    } catch (err) {
      log.error({ err, attemptId: e.attemptId, tenantId: e.tenantId, hook: hook.name || 'anonymous' }, 'a submitted-attempt hook failed; the submission is kept');
    }
  }
}
