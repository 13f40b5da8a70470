// What grade passback listens to in delivery: a submitted attempt's score (and, when the teacher asked,
// its per-standard mastery scores) and, for LMSs that want them, progress while the student works.
// main.ts calls registerGradeHooks once at start, after ensureIndexes.
import { onAttemptActivity, onAttemptSubmitted, type SubmittedAttempt } from '../delivery/events.js';
import { dropLegacyOutboxIndex, queueSubmittedScore } from './outbox.service.js';
import { reportAttemptActivity } from './progress.js';
import { queueStandardScores } from './standard-scores.js';

const queueStandardScoresHook = async (e: SubmittedAttempt): Promise<void> => { await queueStandardScores(e); };

export async function registerGradeHooks(): Promise<void> {
  await dropLegacyOutboxIndex();
  if (!onAttemptSubmitted.includes(queueSubmittedScore)) onAttemptSubmitted.push(queueSubmittedScore);
  if (!onAttemptSubmitted.includes(queueStandardScoresHook)) onAttemptSubmitted.push(queueStandardScoresHook);
  if (!onAttemptActivity.includes(reportAttemptActivity)) onAttemptActivity.push(reportAttemptActivity);
}
