// Mastery estimates against the real database: a submitted attempt updates the students × standards map once,
// however often (or however concurrently) it is delivered. The real tool is started so the hook registration in
// server/main.ts and the seeded starter bank (item difficulties, assessment kinds) are the ones in production.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { announceSubmitted, type SubmittedAttempt } from '../../server/delivery/events.js';
import type { RunningTool } from '../../server/main.js';
import { MasteryEstimateModel } from '../../server/mastery/mastery.model.js';
import { getMasteryMap, getStudentMastery, recordAttemptEvidence } from '../../server/mastery/mastery.service.js';
import { DEFAULT_METHODS } from '../../server/mastery/methods.js';
import { startTestTool } from '../support/tool.js';

let tool: RunningTool;
beforeAll(async () => { tool = await startTestTool(); });
afterAll(async () => { await tool?.stop(); });

const BANK = path.resolve(import.meta.dirname, '../../server/content/bank/starter/grade-6');
const bankItems = (code: string) => (JSON.parse(readFileSync(path.join(BANK, `${code}.json`), 'utf8')) as { id: string; version: number; difficulty: number }[]);
const id = () => new mongoose.Types.ObjectId().toString();

function attempt(o: { tenantId: string; courseId: string; personId: string; attemptId?: string; assessmentId?: string; at?: Date; scores: Record<string, number[]> }): SubmittedAttempt {
  let position = 0;
  const items = Object.entries(o.scores).flatMap(([code, scores]) => bankItems(code).slice(0, scores.length).map((it, i) => ({
    position: ++position, itemId: it.id, version: it.version, standard: code, score: scores[i]!,
  })));
  const score = items.reduce((s, i) => s + i.score, 0);
  return {
    tenantId: o.tenantId, courseId: o.courseId, placementId: id(), personId: o.personId, attemptId: o.attemptId ?? id(), attemptNumber: 1,
    assessmentId: o.assessmentId ?? 'starter-g6-rp-pre', formId: 'f', score, maxScore: items.length, percent: Math.round((100 * score) / items.length),
    submittedAt: o.at ?? new Date(), autoSubmitted: false,
    standards: Object.entries(o.scores).map(([code, s]) => ({ code, correct: s.reduce((a, b) => a + b, 0), total: s.length, level: 'almost' as const })),
    items,
  };
}

describe('mastery estimates after submitted attempts', () => {
  const tenantId = id();
  const courseId = id();

  it('a submitted pre-test puts one cell per standard on the course map, levelled by the model', async () => {
    const personId = id();
    const e = attempt({ tenantId, courseId, personId, scores: { '6.RP.A.1': [1, 1, 1], '6.RP.A.2': [0, 0, 0] } });
    expect(await recordAttemptEvidence(e)).toEqual({ applied: ['6.RP.A.1', '6.RP.A.2'], alreadyCounted: [] });
    const map = await getStudentMastery(tenantId, courseId, personId);
    expect(map.method).toBe('model');
    expect(map.standards).toEqual([{ framework: 'CCSS.Math', code: '6.RP.A.1' }, { framework: 'CCSS.Math', code: '6.RP.A.2' }]);
    const [a, b] = map.cells;
    // All right, but on the bank's three easiest items (difficulty −1.5, −1.0, 0.2): convincing, not yet Mastered.
    expect(a).toMatchObject({ personId, code: '6.RP.A.1', level: 'proficient', evidence: 3, attempts: 1, score: 1 });
    expect(a!.pMastery).toBeGreaterThan(0.6);
    expect(b).toMatchObject({ code: '6.RP.A.2', level: 'beginning', score: 0 });
    expect(b!.pMastery).toBeLessThan(0.1);
  });

  it('delivering the same attempt again, even several times at once, counts it once', async () => {
    const personId = id();
    const e = attempt({ tenantId, courseId, personId, scores: { '6.RP.A.1': [1, 0, 1] } });
    const outcomes = await Promise.all([1, 2, 3, 4].map(() => recordAttemptEvidence(e)));
    expect(outcomes.filter((o) => o.applied.length === 1)).toHaveLength(1);
    expect(outcomes.filter((o) => o.alreadyCounted.length === 1)).toHaveLength(3);
    expect(await recordAttemptEvidence(e)).toEqual({ applied: [], alreadyCounted: ['6.RP.A.1'] });
    const docs = await MasteryEstimateModel.find({ personId: new mongoose.Types.ObjectId(personId) }).lean();
    expect(docs).toHaveLength(1);
    expect(docs[0]!.attempts).toHaveLength(1);
    expect(docs[0]!.appliedAttemptIds).toEqual([e.attemptId]);
    expect(docs[0]!.evidence).toBe(3);
  });

  it('two different attempts counted at the same moment both land', async () => {
    const personId = id();
    const first = attempt({ tenantId, courseId, personId, scores: { '6.RP.A.1': [1, 1, 0] } });
    const second = attempt({ tenantId, courseId, personId, scores: { '6.RP.A.1': [1, 1, 1] } });
    await Promise.all([recordAttemptEvidence(first), recordAttemptEvidence(second), recordAttemptEvidence(first)]);
    const [cell] = (await getStudentMastery(tenantId, courseId, personId)).cells;
    expect(cell).toMatchObject({ attempts: 2, evidence: 6 });
    const doc = await MasteryEstimateModel.findOne({ personId: new mongoose.Types.ObjectId(personId) }).lean();
    expect(new Set(doc!.appliedAttemptIds)).toEqual(new Set([first.attemptId, second.attemptId]));
  });

  it('a post-test after teaching lifts a student who struggled on the pre-test', async () => {
    const personId = id();
    const sept = new Date('2024-09-05T10:00:00Z');
    const oct = new Date('2024-10-20T10:00:00Z');
    await recordAttemptEvidence(attempt({ tenantId, courseId, personId, at: sept, scores: { '6.RP.A.3': [0, 0, 1] } }));
    const before = (await getStudentMastery(tenantId, courseId, personId)).cells[0]!;
    await recordAttemptEvidence(attempt({ tenantId, courseId, personId, at: oct, assessmentId: 'starter-g6-rp-post', scores: { '6.RP.A.3': [1, 1, 1] } }));
    const after = (await getStudentMastery(tenantId, courseId, personId)).cells[0]!;
    expect(after.pMastery!).toBeGreaterThan(before.pMastery!);
    expect(['beginning', 'developing']).toContain(before.level);
    expect(['proficient', 'mastered']).toContain(after.level);
    const doc = await MasteryEstimateModel.findOne({ personId: new mongoose.Types.ObjectId(personId) }).lean();
    expect(doc!.attempts.map((a) => a.kind)).toEqual(['pre', 'post']);
  });

  it('a teacher can read the same evidence through an LMS calculation method instead', async () => {
    const personId = id();
    await recordAttemptEvidence(attempt({ tenantId, courseId, personId, at: new Date('2024-09-01'), scores: { '6.RP.A.2': [1, 1, 1] } }));
    await recordAttemptEvidence(attempt({ tenantId, courseId, personId, at: new Date('2024-09-20'), scores: { '6.RP.A.2': [0, 1, 0] } }));
    const highest = (await getStudentMastery(tenantId, courseId, personId, { method: DEFAULT_METHODS.highest })).cells[0]!;
    const recent = (await getStudentMastery(tenantId, courseId, personId, { method: DEFAULT_METHODS['most-recent'] })).cells[0]!;
    expect(highest).toMatchObject({ level: 'mastered', score: 1, pMastery: null });
    expect(recent.level).toBe('beginning');
    expect(recent.score).toBeCloseTo(1 / 3, 10);
  });

  it('items the bank does not know count in points but not in the model', async () => {
    const personId = id();
    const e = attempt({ tenantId, courseId, personId, scores: { '6.RP.A.1': [1, 1] } });
    e.items.push({ position: 9, itemId: 'no-such-item', version: 1, standard: '6.RP.A.1', score: 1 });
    await recordAttemptEvidence(e);
    const cell = (await getStudentMastery(tenantId, courseId, personId)).cells[0]!;
    expect(cell.evidence).toBe(2);
    expect(cell.score).toBe(1);
  });

  it('the hook registered at start updates the map when delivery announces a submission', async () => {
    const personId = id();
    await announceSubmitted(attempt({ tenantId, courseId, personId, scores: { '6.RP.A.1': [0, 1, 1] } }));
    const cells = (await getMasteryMap(tenantId, courseId)).cells.filter((c) => c.personId === personId);
    expect(cells).toHaveLength(1);
  });

  it('the course map lists every student and standard with evidence, and nothing from other courses or tenants', async () => {
    const map = await getMasteryMap(tenantId, courseId);
    expect(map.students.length).toBeGreaterThanOrEqual(7);
    expect(map.standards.map((s) => s.code)).toEqual(['6.RP.A.1', '6.RP.A.2', '6.RP.A.3']);
    expect((await getMasteryMap(id(), courseId)).cells).toEqual([]);
    expect((await getMasteryMap(tenantId, id())).cells).toEqual([]);
    await expect(getMasteryMap('not-an-id', courseId)).rejects.toThrow(/Unknown tenant/);
  });
});
