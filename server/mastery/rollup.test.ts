import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv.js';
import type { Level } from './model.js';
import { cellOf, MIN_CELL, modelSittingLevel, rollUp, rollupCsv, type RollupEstimate, type RollupSitting } from './rollup.js';

const T0 = '2026-09-01T00:00:00.000Z';
const est = (personId: string, code: string, level: Level, pMastery: number, o: Partial<RollupEstimate> = {}): RollupEstimate => ({
  courseId: 'c1', personId, framework: 'CCSS.Math', code, level, pMastery, updatedAt: T0, attempts: [], ...o,
});
const sitting = (assessmentId: string, kind: RollupSitting['kind'], points: number, maxPoints: number, at: string, items: { c: number; d: number }[] = []): RollupSitting =>
  ({ assessmentId, kind, points, maxPoints, at, items });
const NO_PAIRS = new Map<string, string>();

describe('district roll-up per standard', () => {
  // Hand-worked: 6 students on 7.RP.A.1 — levels B, D, D, P, M, M; pMastery .1 .3 .4 .7 .9 .95
  //   proficient or above = 3/6 = 0.5; mean pMastery = 3.35/6 = 0.558333
  const six = [['s1', 'beginning', 0.1], ['s2', 'developing', 0.3], ['s3', 'developing', 0.4], ['s4', 'proficient', 0.7], ['s5', 'mastered', 0.9], ['s6', 'mastered', 0.95]] as const;
  const data = rollUp(six.map(([p, l, x]) => est(p, '7.RP.A.1', l, x)), { pairs: NO_PAIRS });

  it('counts students per level, the share at Proficient or above and the mean probability of mastery', () => {
    expect(data.standards).toHaveLength(1);
    const cell = data.standards[0]!.cell;
    expect(cell.suppressed).toBe(false);
    if (cell.suppressed) return;
    expect(cell.students).toBe(6);
    expect(cell.levels).toEqual({ beginning: 1, developing: 2, proficient: 1, mastered: 2 });
    expect(cell.proficientShare).toBeCloseTo(0.5, 12);
    expect(cell.meanPMastery).toBeCloseTo(3.35 / 6, 12);
    expect(data.students).toBe(6);
  });

  it('shows no number at all for a standard fewer than five students have evidence on', () => {
    const small = rollUp(six.slice(0, 4).map(([p, l, x]) => est(p, '7.RP.A.2', l, x)), { pairs: NO_PAIRS });
    expect(MIN_CELL).toBe(5);
    expect(small.standards[0]!.cell).toEqual({ suppressed: true });
    expect(small.students).toBeNull();
    expect(JSON.stringify(small)).not.toMatch(/"levels"|proficientShare|meanPMastery/);
  });

  it('counts a student in two classes once per standard, with their newest estimate', () => {
    const rows = six.map(([p, l, x]) => est(p, '7.RP.A.1', l, x));
    // s1 also sits in course c2, where a later test put them at Proficient.
    rows.push(est('s1', '7.RP.A.1', 'proficient', 0.8, { courseId: 'c2', updatedAt: '2026-10-01T00:00:00.000Z' }));
    const d = rollUp(rows, { pairs: NO_PAIRS });
    const cell = d.standards[0]!.cell;
    if (cell.suppressed) throw new Error('suppressed');
    expect(cell.students).toBe(6);
    expect(cell.levels).toEqual({ beginning: 0, developing: 2, proficient: 2, mastered: 2 });
    expect(d.courses).toBe(2);
    expect(d.estimates).toBe(7);
  });

  it('never carries a student id, whatever is asked for', () => {
    const rows = six.map(([p, l, x]) => est(`person-${p}`, '7.RP.A.1', l, x));
    const d = rollUp(rows, { pairs: NO_PAIRS, byCourse: true, byGrade: true, gradeOf: () => '7' });
    expect(JSON.stringify(d)).not.toContain('person-');
  });
});

describe('district roll-up by course and by grade', () => {
  // Course A: 5 students on 7.RP.A.1 (shown); course B: 2 students (suppressed). Grade 7 = 7.RP.A.1 + 7.RP.A.2.
  const rows = [
    ...['a1', 'a2', 'a3', 'a4', 'a5'].map((p, i) => est(p, '7.RP.A.1', i < 2 ? 'beginning' : 'proficient', i < 2 ? 0.2 : 0.8, { courseId: 'A' })),
    ...['b1', 'b2'].map((p) => est(p, '7.RP.A.1', 'mastered', 0.95, { courseId: 'B' })),
    ...['a1', 'a2', 'a3'].map((p) => est(p, '7.RP.A.2', 'developing', 0.4, { courseId: 'A' })),
    est('a1', '6.EE.A.1', 'mastered', 0.9, { courseId: 'A' }),
  ];
  const grades: Record<string, string> = { '7.RP.A.1': '7', '7.RP.A.2': '7', '6.EE.A.1': '6' };
  const d = rollUp(rows, { pairs: NO_PAIRS, byCourse: true, byGrade: true, gradeOf: (c) => grades[c] ?? null });

  it('breaks each standard down by class, suppressing classes under five students', () => {
    const a = d.courseBreakdown!.find((c) => c.courseId === 'A')!;
    const b = d.courseBreakdown!.find((c) => c.courseId === 'B')!;
    expect(a.students).toBe(5);
    const rp1 = a.standards.find((s) => s.code === '7.RP.A.1')!.cell;
    expect(rp1).toMatchObject({ suppressed: false, students: 5, levels: { beginning: 2, developing: 0, proficient: 3, mastered: 0 }, proficientShare: 0.6 });
    expect(a.standards.find((s) => s.code === '7.RP.A.2')!.cell).toEqual({ suppressed: true });
    expect(b.students).toBeNull();
    expect(b.standards[0]!.cell).toEqual({ suppressed: true });
  });

  it('sums a grade over its standards: distinct students, levels over student × standard estimates', () => {
    const g7 = d.gradeBreakdown!.find((g) => g.grade === '7')!;
    // 7 distinct students (a1–a5, b1, b2); 10 estimates: B 2, D 3, P 3, M 2 → proficient or above 5/10
    expect(g7.students).toBe(7);
    expect(g7.estimates).toBe(10);
    expect(g7.standards).toEqual(['7.RP.A.1', '7.RP.A.2']);
    expect(g7.cell).toMatchObject({ suppressed: false, levels: { beginning: 2, developing: 3, proficient: 3, mastered: 2 }, proficientShare: 0.5 });
    const g6 = d.gradeBreakdown!.find((g) => g.grade === '6')!;
    expect(g6).toMatchObject({ students: null, estimates: null, cell: { suppressed: true } });
  });
});

describe('district pre→post growth per paired assessment', () => {
  const pairs = new Map([['post-1', 'pre-1']]);
  // Levels from the items alone; here a stand-in: mean credit ≥ .75 → proficient, else beginning.
  const sittingLevel = (items: readonly { c: number }[]): Level => (items.reduce((s, i) => s + i.c, 0) / items.length >= 0.75 ? 'proficient' : 'beginning');
  const items = (...c: number[]) => c.map((x) => ({ c: x, d: 0 }));
  // Hand-worked, 5 students, one standard out of 4 points:
  //   pre 1,2,2,3,0 → .25,.5,.5,.75,0     post 3,2,4,3,1 → .75,.5,1,.75,.25
  //   gains .5,0,.5,0,.25 → mean .25; mean pre .4, mean post .65
  //   levels (≥.75 proficient): pre B,B,B,P,B → post P,B,P,P,B → moved up: s1, s3 → 2/5 = .4
  const scores: [number, number][] = [[1, 3], [2, 2], [2, 4], [3, 3], [0, 1]];
  const rows = scores.map(([pre, post], i) => est(`s${i}`, '7.RP.A.1', 'developing', 0.5, {
    attempts: [
      sitting('pre-1', 'pre', pre, 4, '2026-09-01T00:00:00Z', items(...[1, 1, 1, 1].map((_, k) => (k < pre ? 1 : 0)))),
      sitting('post-1', 'post', post, 4, '2026-12-01T00:00:00Z', items(...[1, 1, 1, 1].map((_, k) => (k < post ? 1 : 0)))),
    ],
  }));

  it('reports paired students, mean pre, post and gain, and the share who moved up a level', () => {
    const d = rollUp(rows, { pairs, sittingLevel });
    expect(d.growth).toHaveLength(1);
    const g = d.growth[0]!;
    expect(g).toMatchObject({ pre: 'pre-1', post: 'post-1', suppressed: false, students: 5 });
    if (g.suppressed) return;
    expect(g.meanPre).toBeCloseTo(0.4, 12);
    expect(g.meanPost).toBeCloseTo(0.65, 12);
    expect(g.meanGain).toBeCloseTo(0.25, 12);
    expect(g.movedUpShare).toBeCloseTo(0.4, 12);
  });

  it('takes the first pre-test sitting as the baseline and the latest post-test, and ignores unpaired tests', () => {
    const retaken = rows.map((r) => ({
      ...r,
      attempts: [
        ...r.attempts,
        sitting('pre-1', 'pre', 4, 4, '2026-09-20T00:00:00Z', items(1, 1, 1, 1)), // a retake of the pre-test does not count
        sitting('post-1', 'post', 0, 4, '2026-11-01T00:00:00Z', items(0, 0, 0, 0)), // an earlier post sitting does not count
        sitting('post-other', 'post', 4, 4, '2026-12-02T00:00:00Z', items(1, 1, 1, 1)), // not paired with anything
      ],
    }));
    const g = rollUp(retaken, { pairs, sittingLevel }).growth;
    expect(g).toHaveLength(1);
    expect(g[0]).toMatchObject({ students: 5 });
    if (!g[0]!.suppressed) expect(g[0]!.meanGain).toBeCloseTo(0.25, 12);
  });

  it('suppresses a pair fewer than five students took both tests of', () => {
    const g = rollUp(rows.slice(0, 4), { pairs, sittingLevel }).growth;
    expect(g).toEqual([{ pre: 'pre-1', post: 'post-1', suppressed: true }]);
  });

  it('sums a student\'s standards before dividing, so a bigger standard weighs more', () => {
    // One student, two standards: pre 1/2 and 0/4 → 1/6; post 2/2 and 2/4 → 4/6; gain 0.5.
    const mk = (p: string, code: string, pre: number, post: number, max: number) => est(p, code, 'developing', 0.5, {
      attempts: [sitting('pre-1', 'pre', pre, max, '2026-09-01T00:00:00Z'), sitting('post-1', 'post', post, max, '2026-12-01T00:00:00Z')],
    });
    const many = ['a', 'b', 'c', 'd', 'e'].flatMap((p) => [mk(p, 'X.1', 1, 2, 2), mk(p, 'X.2', 0, 2, 4)]);
    const g = rollUp(many, { pairs, sittingLevel }).growth[0]!;
    if (g.suppressed) throw new Error('suppressed');
    expect(g.students).toBe(5);
    expect(g.meanGain).toBeCloseTo(0.5, 12);
    expect(g.movedUpShare).toBe(0); // no items: no level movement can be claimed
  });
});

describe('sitting levels from the mastery model', () => {
  it('gives a higher level for all-correct than all-wrong answers on the same items', () => {
    const level = modelSittingLevel();
    const at = new Date(T0);
    const right = level([{ c: 1, d: 0 }, { c: 1, d: 0.5 }, { c: 1, d: -0.5 }, { c: 1, d: 0 }], at, 'post');
    const wrong = level([{ c: 0, d: 0 }, { c: 0, d: 0.5 }, { c: 0, d: -0.5 }, { c: 0, d: 0 }], at, 'pre');
    expect(['proficient', 'mastered']).toContain(right);
    expect(wrong).toBe('beginning');
  });
});

describe('roll-up CSV', () => {
  it('writes one line per cell and says "fewer than 5" where numbers are suppressed', () => {
    const rows = [
      ...['a', 'b', 'c', 'd', 'e'].map((p) => est(p, '7.RP.A.1', 'proficient', 0.8)),
      est('a', '7.RP.A.2', 'beginning', 0.1),
    ];
    const data = rollUp(rows, { pairs: NO_PAIRS, byCourse: true });
    const { fileName, text } = rollupCsv({ data, describe: (c) => `About ${c}`, courseTitle: () => 'Math 7, period 2' }, 'district roll-up', new Date(T0));
    expect(fileName).toBe('growthline-district-roll-up-2026-09-01.csv');
    const parsed = parseCsv(text);
    expect(parsed[0]).toEqual(['scope', 'course', 'grade', 'standard', 'description', 'students', 'beginning', 'developing', 'proficient', 'mastered', 'proficient_or_above_share', 'mean_p_mastery']);
    expect(parsed[1]).toEqual(['district', '', '', '7.RP.A.1', 'About 7.RP.A.1', '5', '0', '0', '5', '0', '1', '0.8']);
    expect(parsed[2]).toEqual(['district', '', '', '7.RP.A.2', 'About 7.RP.A.2', 'fewer than 5', '', '', '', '', '', '']);
    expect(parsed[3]![1]).toBe('Math 7, period 2');
  });

  it('cellOf suppresses an empty tally even with a minimum of zero', () => {
    expect(cellOf({ students: 0, levels: { beginning: 0, developing: 0, proficient: 0, mastered: 0 }, pSum: 0 }, 0)).toEqual({ suppressed: true });
  });
});
