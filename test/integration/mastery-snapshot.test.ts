// Course mastery snapshots against the real database: the teacher's map read from a course's snapshot is the same
// map the estimates give, after submissions, after a repeat delivery, when the snapshot was lost (rebuilt), and when
// another student's submissions land at the same time.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SubmittedAttempt } from '../../server/delivery/events.js';
import type { RunningTool } from '../../server/main.js';
import { MasteryEstimateModel } from '../../server/mastery/mastery.model.js';
import { getMasteryMap, getStudentMastery, recordAttemptEvidence } from '../../server/mastery/mastery.service.js';
import { MasterySnapshotModel, snapshotKey } from '../../server/mastery/snapshot.model.js';
import { cellOfEstimate, cellsOf, snapshotDocument, type EstimateFields } from '../../server/mastery/snapshot.js';
import { startTestTool } from '../support/tool.js';

let tool: RunningTool;
beforeAll(async () => { tool = await startTestTool(); });
afterAll(async () => { await tool?.stop(); });

const BANK = path.resolve(import.meta.dirname, '../../server/content/bank/starter/grade-6');
const bankItems = (code: string) => (JSON.parse(readFileSync(path.join(BANK, `${code}.json`), 'utf8')) as { id: string; version: number }[]);
const id = () => new mongoose.Types.ObjectId().toString();

function attempt(o: { tenantId: string; courseId: string; personId: string; assessmentId?: string; at: Date; scores: Record<string, number[]> }): SubmittedAttempt {
  let position = 0;
  const items = Object.entries(o.scores).flatMap(([code, scores]) => bankItems(code).slice(0, scores.length).map((it, i) => ({
    position: ++position, itemId: it.id, version: it.version, standard: code, score: scores[i]!,
  })));
  const score = items.reduce((s, i) => s + i.score, 0);
  return {
    tenantId: o.tenantId, courseId: o.courseId, placementId: id(), personId: o.personId, attemptId: id(), attemptNumber: 1,
    assessmentId: o.assessmentId ?? 'starter-g6-rp-pre', formId: 'f', score, maxScore: items.length, percent: Math.round((100 * score) / items.length),
    submittedAt: o.at, autoSubmitted: false, standards: [], items,
  };
}

/** The cells straight from the estimates, sorted as the snapshot's are compared. */
async function fromEstimates(tenantId: string, courseId: string) {
  const docs = await MasteryEstimateModel.find({ tenantId, courseId }).lean();
  return docs.map((d) => cellOfEstimate(d as unknown as EstimateFields)).sort((a, b) => `${a.personId}${a.code}`.localeCompare(`${b.personId}${b.code}`));
}
const sorted = <T extends { personId: string; code: string }>(cells: T[]) => [...cells].sort((a, b) => `${a.personId}${a.code}`.localeCompare(`${b.personId}${b.code}`));
const stored = async (tenantId: string, courseId: string) => MasterySnapshotModel.findOne({ _id: snapshotKey(tenantId, courseId) }).lean();

describe('course mastery snapshots', () => {
  it('hold exactly what the estimates hold after submissions, concurrent ones and a repeat delivery included', async () => {
    const tenantId = id();
    const courseId = id();
    const people = [id(), id(), id()];
    const first = attempt({ tenantId, courseId, personId: people[0]!, at: new Date('2026-09-01'), scores: { '6.RP.A.1': [1, 0, 1], '6.RP.A.2': [0, 0] } });
    await recordAttemptEvidence(first);
    await Promise.all([
      ...people.map((p, i) => recordAttemptEvidence(attempt({ tenantId, courseId, personId: p, assessmentId: 'starter-g6-rp-post', at: new Date(`2026-12-0${i + 1}`), scores: { '6.RP.A.1': [1, 1, i % 2], '6.RP.A.3': [1] } }))),
      recordAttemptEvidence(first),
    ]);
    const snapshot = await stored(tenantId, courseId);
    expect(snapshot?.students).toHaveLength(3);
    const cells = sorted(cellsOf(snapshot as never));
    expect(cells).toEqual(await fromEstimates(tenantId, courseId));
    expect(cells.find((c) => c.personId === people[0] && c.code === '6.RP.A.1')!.attempts).toHaveLength(2);
  });

  it('are rebuilt from the estimates when missing, so the teacher sees the same map as before', async () => {
    const tenantId = id();
    const courseId = id();
    const personId = id();
    await recordAttemptEvidence(attempt({ tenantId, courseId, personId, at: new Date('2026-09-01'), scores: { '6.RP.A.1': [1, 0, 1] } }));
    const before = await getMasteryMap(tenantId, courseId);
    await MasterySnapshotModel.deleteOne({ _id: snapshotKey(tenantId, courseId) });
    expect(await getMasteryMap(tenantId, courseId)).toEqual(before);
    expect(await stored(tenantId, courseId)).not.toBeNull();
    // A snapshot in an older format is not trusted either.
    await MasterySnapshotModel.updateOne({ _id: snapshotKey(tenantId, courseId) }, { $set: { format: 0, students: [] } });
    expect((await getStudentMastery(tenantId, courseId, personId)).cells).toEqual(before.cells);
  });

  it('stay current when a course\'s first snapshot was written in bulk (the bench\'s way) and a submission follows', async () => {
    const tenantId = id();
    const courseId = id();
    const [a, b] = [id(), id()];
    await recordAttemptEvidence(attempt({ tenantId, courseId, personId: a, at: new Date('2026-09-01'), scores: { '6.RP.A.1': [1, 1, 1] } }));
    const docs = await MasteryEstimateModel.find({ tenantId, courseId }).lean();
    await MasterySnapshotModel.deleteOne({ _id: snapshotKey(tenantId, courseId) });
    await MasterySnapshotModel.collection.insertOne(snapshotDocument(tenantId, courseId, docs as unknown as EstimateFields[]) as never);
    await recordAttemptEvidence(attempt({ tenantId, courseId, personId: b, at: new Date('2026-09-02'), scores: { '6.RP.A.1': [0, 0, 1] } }));
    expect(sorted(cellsOf((await stored(tenantId, courseId)) as never))).toEqual(await fromEstimates(tenantId, courseId));
    expect((await getMasteryMap(tenantId, courseId)).students.sort()).toEqual([a, b].sort());
  });

  it('belong to one tenant: another tenant\'s ids find nothing', async () => {
    const tenantId = id();
    const courseId = id();
    await recordAttemptEvidence(attempt({ tenantId, courseId, personId: id(), at: new Date('2026-09-01'), scores: { '6.RP.A.1': [1] } }));
    expect((await getMasteryMap(id(), courseId)).cells).toEqual([]);
  });
});
