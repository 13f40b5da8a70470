import { describe, expect, it } from 'vitest';
import { computeGrowth, normalizedGain, sittingFromItems, type Sitting, type StandardScore } from './growth.js';
import type { Level } from './model.js';

const st = (code: string, points: number, maxPoints: number, level: Level = 'developing'): StandardScore => ({ code, points, maxPoints, level });
const sit = (personId: string, ...standards: StandardScore[]): Sitting => ({ personId, standards });

/** Walks any value and collects every number that is NaN or infinite: a teacher must never see one. */
function badNumbers(value: unknown, path = '$'): string[] {
  if (typeof value === 'number') return Number.isFinite(value) ? [] : [`${path} = ${value}`];
  if (Array.isArray(value)) return value.flatMap((v, i) => badNumbers(v, `${path}[${i}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => badNumbers(v, `${path}.${k}`));
  return [];
}

describe('class growth from a pre-test to its post-test', () => {
  // Hand-worked, one standard out of 5 points:
  //   pre  1, 2, 3, 2.5 → 0.2, 0.4, 0.6, 0.5   post 3, 3, 4, 2.5 → 0.6, 0.6, 0.8, 0.5
  //   gains 0.4, 0.2, 0.2, 0 → mean 0.2, SD √(0.08/3) = 0.163299, t(0.975, 3) = 3.182446
  //   CI of the mean gain 0.2 ± 3.182446·0.163299/2 = [−0.05984, 0.45984]: includes 0
  //   ⟨g⟩ = (0.625 − 0.425)/(1 − 0.425) = 0.347826;  d_z = 0.2/0.163299 = 1.224745
  //   SE(d_z) = √(1/4 + 1.5/8) = 0.661438 → d CI 1.224745 ± 3.182446·0.661438 = [−0.88023, 3.32972]
  const pre = [sit('a', st('6.RP.A.1', 1, 5, 'beginning')), sit('b', st('6.RP.A.1', 2, 5)), sit('c', st('6.RP.A.1', 3, 5)), sit('d', st('6.RP.A.1', 2.5, 5))];
  const post = [sit('a', st('6.RP.A.1', 3, 5)), sit('b', st('6.RP.A.1', 3, 5)), sit('c', st('6.RP.A.1', 4, 5, 'proficient')), sit('d', st('6.RP.A.1', 2.5, 5))];
  const g = computeGrowth({ pre, post });

  it('reports mean gain, its 95% interval, Hake gain and paired d on a hand-worked class', () => {
    const s = g.standards[0]!;
    expect(s.students).toBe(4);
    expect(s.meanPre).toBeCloseTo(0.425, 12);
    expect(s.meanPost).toBeCloseTo(0.625, 12);
    expect(s.meanGain).toBeCloseTo(0.2, 12);
    expect(s.gainInterval.value![0]).toBeCloseTo(-0.05984, 4);
    expect(s.gainInterval.value![1]).toBeCloseTo(0.45984, 4);
    expect(s.normalizedGain.value).toBeCloseTo(0.347826, 5);
    expect(s.effectSize.d).toBeCloseTo(1.224745, 5);
    expect(s.effectSize.interval![0]).toBeCloseTo(-0.88023, 4);
    expect(s.effectSize.interval![1]).toBeCloseTo(3.32972, 4);
    // The overall numbers equal the standard's when the test has one standard.
    expect(g.overall.meanGain).toBeCloseTo(0.2, 12);
    expect(g.overall.effectSize.d).toBeCloseTo(1.224745, 5);
  });

  it('shows each student\'s level before and after and the change', () => {
    const a = g.students.find((x) => x.personId === 'a')!;
    expect(a.standards[0]).toMatchObject({ code: '6.RP.A.1', pre: { level: 'beginning' }, post: { level: 'developing' }, levelChange: 1 });
    expect(a.standards[0]!.change).toBeCloseTo(0.4, 12);
    expect(a.normalizedGain.value).toBeCloseTo(0.5, 12); // (0.6 − 0.2)/(1 − 0.2)
  });

  it('counts who moved up at least one level, and the level mix before and after', () => {
    expect(g.standards[0]!.movedUpShare).toBeCloseTo(0.5, 12); // a and c
    expect(g.overall.movedUpShare).toBeCloseTo(0.5, 12);
    expect(g.standards[0]!.levelsBefore).toEqual({ beginning: 1, developing: 3, proficient: 0, mastered: 0 });
    expect(g.standards[0]!.levelsAfter).toEqual({ beginning: 0, developing: 3, proficient: 1, mastered: 0 });
  });

  it('lists a standard whose gain could be chance among those that did not grow, with the reason', () => {
    expect(g.notGrowing).toEqual([{ code: '6.RP.A.1', reason: 'interval-includes-zero', message: expect.stringMatching(/could be chance/) }]);
  });

  it('does not list a standard where every student clearly grew', () => {
    // Gains 0.2, 0.3, 0.4, 0.2, 0.4: mean 0.3, SD 0.1, CI 0.3 ± 2.776445·0.1/√5 = [0.17583, 0.42417]; d = 3.
    const p = [0.2, 0.1, 0.0, 0.4, 0.2];
    const q = [0.4, 0.4, 0.4, 0.6, 0.6];
    const r = computeGrowth({ pre: p.map((x, i) => sit(`s${i}`, st('7.EE.A.1', x * 10, 10))), post: q.map((x, i) => sit(`s${i}`, st('7.EE.A.1', x * 10, 10))) });
    const s = r.standards[0]!;
    expect(s.gainInterval.value![0]).toBeCloseTo(0.17583, 4);
    expect(s.effectSize.d).toBeCloseTo(3, 10);
    expect(s.effectSize.interval![0]).toBeCloseTo(3 - 2.776445 * Math.sqrt(1.1), 4);
    expect(r.notGrowing).toEqual([]);
  });

  it('lists a standard whose mean went down', () => {
    const r = computeGrowth({ pre: [sit('a', st('X', 3, 4)), sit('b', st('X', 4, 4))], post: [sit('a', st('X', 2, 4)), sit('b', st('X', 3, 4))] });
    expect(r.notGrowing.map((n) => n.reason)).toEqual(['mean-change-not-positive']);
  });

  it('no spread in the gains: the effect size is left empty with a reason, never Infinity or NaN', () => {
    const r = computeGrowth({ pre: [sit('a', st('X', 1, 4)), sit('b', st('X', 2, 4))], post: [sit('a', st('X', 2, 4)), sit('b', st('X', 3, 4))] });
    const s = r.standards[0]!;
    expect(s.meanGain).toBeCloseTo(0.25, 12);
    expect(s.effectSize.d).toBeNull();
    expect(s.effectSize.interval).toBeNull();
    expect(s.effectSize.reason).toMatch(/same amount/);
    expect(s.gainInterval.value).toEqual([0.25, 0.25]);
    expect(r.notGrowing).toEqual([]);
    expect(badNumbers(r)).toEqual([]);
  });

  it('one student: gains are reported but no interval or effect size, with a reason', () => {
    const r = computeGrowth({ pre: [sit('a', st('X', 1, 4))], post: [sit('a', st('X', 3, 4))] });
    expect(r.overall.students).toBe(1);
    expect(r.overall.meanGain).toBeCloseTo(0.5, 12);
    expect(r.overall.normalizedGain.value).toBeCloseTo(2 / 3, 12);
    expect(r.overall.gainInterval.value).toBeNull();
    expect(r.overall.gainInterval.reason).toMatch(/at least two/);
    expect(r.overall.effectSize).toEqual({ d: null, interval: null, reason: expect.stringMatching(/at least two/) });
    expect(r.notGrowing.map((n) => n.reason)).toEqual(['too-few-students']);
    expect(badNumbers(r)).toEqual([]);
  });

  it('students with only a pre-test or only a post-test are listed, not silently dropped', () => {
    const r = computeGrowth({
      pre: [sit('a', st('X', 1, 4)), sit('b', st('X', 2, 4)), sit('late', st('X', 0, 4))],
      post: [sit('a', st('X', 3, 4)), sit('b', st('X', 3, 4)), sit('new', st('X', 4, 4))],
    });
    expect(r.onlyPre).toEqual(['late']);
    expect(r.onlyPost).toEqual(['new']);
    expect(r.students.map((s) => s.personId)).toEqual(['a', 'b']);
    expect(r.standards[0]!.onlyPre).toEqual(['late']);
    expect(r.standards[0]!.onlyPost).toEqual(['new']);
    expect(r.overall.students).toBe(2);
  });

  it('a standard on only one of the two tests is listed per student and per standard', () => {
    const r = computeGrowth({ pre: [sit('a', st('X', 1, 2), st('Y', 1, 2))], post: [sit('a', st('X', 2, 2), st('Z', 1, 2))] });
    expect(r.students[0]!.onlyPreStandards).toEqual(['Y']);
    expect(r.students[0]!.onlyPostStandards).toEqual(['Z']);
    expect(r.standards.map((s) => [s.code, s.students, s.onlyPre, s.onlyPost])).toEqual([['X', 1, [], []], ['Y', 0, ['a'], []], ['Z', 0, [], ['a']]]);
    expect(r.notGrowing.find((n) => n.code === 'Y')!.reason).toBe('no-paired-students');
    expect(badNumbers(r)).toEqual([]);
  });

  it('everyone at the maximum on the pre-test: no normalized gain, with the reason', () => {
    const r = computeGrowth({ pre: [sit('a', st('X', 4, 4)), sit('b', st('X', 4, 4))], post: [sit('a', st('X', 4, 4)), sit('b', st('X', 3, 4))] });
    expect(r.overall.normalizedGain).toEqual({ value: null, reason: expect.stringMatching(/maximum on the pre-test/) });
    expect(r.students[0]!.normalizedGain.value).toBeNull();
    expect(r.overall.meanGain).toBeCloseTo(-0.125, 12);
    expect(r.overall.effectSize.d).toBeCloseTo(-0.125 / Math.sqrt(0.03125), 10);
    expect(r.notGrowing[0]!.reason).toBe('mean-change-not-positive');
    expect(badNumbers(r)).toEqual([]);
  });

  it('Hake gain for one student handles the edges', () => {
    expect(normalizedGain(0.5, 1).value).toBe(1);
    expect(normalizedGain(0.5, 0.25).value).toBe(-0.5);
    expect(normalizedGain(1, 1).value).toBeNull();
  });

  it('an empty class gives empty results, not errors', () => {
    const r = computeGrowth({ pre: [], post: [] });
    expect(r.overall.students).toBe(0);
    expect(r.standards).toEqual([]);
    expect(badNumbers(r)).toEqual([]);
  });

  it('refuses two sittings for one student: which attempt counts is the caller\'s decision', () => {
    expect(() => computeGrowth({ pre: [sit('a', st('X', 1, 4)), sit('a', st('X', 2, 4))], post: [] })).toThrow(/one sitting per student/);
    expect(() => computeGrowth({ pre: [sit('a', st('X', 5, 4))], post: [] })).toThrow(/points/);
    expect(() => computeGrowth({ pre: [], post: [], confidence: 1 })).toThrow(/confidence/);
  });

  it('a 90% interval is narrower than the 95% one', () => {
    const wide = computeGrowth({ pre, post }).standards[0]!.gainInterval.value!;
    const narrow = computeGrowth({ pre, post, confidence: 0.9 }).standards[0]!.gainInterval.value!;
    expect(narrow[1] - narrow[0]).toBeLessThan(wide[1] - wide[0]);
  });
});

describe('sittings built from scored items', () => {
  it('totals points per standard and levels each sitting on its own evidence', () => {
    const at = new Date('2024-09-02T09:00:00Z');
    const s = sittingFromItems('a', [
      { standard: 'X', score: 1, difficulty: -1 }, { standard: 'X', score: 1, difficulty: 0.2 }, { standard: 'X', score: 1, difficulty: 1 },
      { standard: 'Y', score: 0, difficulty: -1 }, { standard: 'Y', score: 0.5, difficulty: 0 },
    ], at, 'pre');
    expect(s.standards).toEqual([
      { code: 'X', points: 3, maxPoints: 3, level: 'mastered' },
      { code: 'Y', points: 0.5, maxPoints: 2, level: 'beginning' },
    ]);
  });
});

describe('growth on the one ability scale', () => {
  // Scale scores 450→500, 480→520, 500→560: changes 50, 40, 60 → mean 50, SD 10, t(0.975, 2) = 4.302653
  //   CI 50 ± 4.302653·10/√3 = [25.1585, 74.8415].
  const scaled = (personId: string, score: number): Sitting => ({ ...sit(personId, st('7.RP.A.1', 1, 2)), scale: { score, theta: (score - 500) / 50, thetaSd: 0.5 } });
  it('reads the mean change in scale points for students with a scale score on both tests, and leaves out the rest', () => {
    const g = computeGrowth({
      pre: [scaled('a', 450), scaled('b', 480), scaled('c', 500), sit('d', st('7.RP.A.1', 1, 2))],
      post: [scaled('a', 500), scaled('b', 520), scaled('c', 560), scaled('d', 530)],
    });
    expect(g.scale).toMatchObject({ students: 3, meanPre: 1430 / 3, meanPost: 1580 / 3, meanChange: 50 });
    expect(g.scale.changeInterval.value![0]).toBeCloseTo(25.1585, 3);
    expect(g.scale.changeInterval.value![1]).toBeCloseTo(74.8415, 3);
    expect(g.students.find((s) => s.personId === 'a')!.scale).toEqual({ pre: 450, post: 500, change: 50 });
    expect(g.students.find((s) => s.personId === 'd')!.scale).toBeUndefined();
  });

  it('says why there is no scale growth when no pair has scale scores', () => {
    const g = computeGrowth({ pre: [sit('a', st('7.RP.A.1', 1, 2))], post: [sit('a', st('7.RP.A.1', 2, 2))] });
    expect(g.scale).toEqual({ students: 0, meanPre: null, meanPost: null, meanChange: null, changeInterval: { value: null, reason: 'no student has a scale score on both tests' } });
  });
});
