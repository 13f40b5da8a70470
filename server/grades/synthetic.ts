// Synthetic scores for load tests and the benchmark: N students with predictable LMS user ids, each with
// a submitted score queued for one activity, stored exactly as submitted scores are. Not used by the
// running tool. The LMS must know the students (with the simulator: push matching users first). No
// Person records are made, so the teacher's list shows these students without names.
import mongoose from 'mongoose';
import { queueScoresInBulk } from './outbox.service.js';

export interface SyntheticScores {
  tenantId: string;
  courseId: string;
  placementId: string;
  count: number;
  /** LMS user ids are `${subPrefix}${i}` for i in 0…count−1. */
  subPrefix?: string;
  scoreMaximum?: number;
  submittedAt?: Date;
}

/** Queues `count` scores; resolves with the LMS user ids used, in order, once every score is stored. */
export async function queueSyntheticScores(o: SyntheticScores): Promise<{ subs: string[]; personIds: string[] }> {
  const prefix = o.subPrefix ?? 'synthetic-';
  const maximum = o.scoreMaximum ?? 20;
  const at = o.submittedAt ?? new Date();
  const subs = Array.from({ length: o.count }, (_, i) => `${prefix}${i}`);
  const personIds = subs.map(() => new mongoose.Types.ObjectId().toHexString());
  const BATCH = 500;
  for (let start = 0; start < subs.length; start += BATCH) {
    await queueScoresInBulk(subs.slice(start, start + BATCH).map((sub, j) => ({
      tenantId: o.tenantId, courseId: o.courseId, placementId: o.placementId, personId: personIds[start + j]!, lmsUserId: sub,
      attemptId: `synthetic-${start + j}`, scoreGiven: (start + j) % (maximum + 1), scoreMaximum: maximum, timestamp: at,
      comment: 'Growthline mastery by standard — got it: 7.RP.A.1',
    })));
  }
  return { subs, personIds };
}
