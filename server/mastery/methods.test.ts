import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { calculate, checkScoreScale, DEFAULT_METHODS, levelForScore, type AttemptScore, type CalculationMethod } from './methods.js';

const day = (n: number) => new Date(Date.UTC(2024, 8, 1 + n));
const series = (...scores: number[]): AttemptScore[] => scores.map((score, i) => ({ score, at: day(i) }));
const score = (m: CalculationMethod, a: AttemptScore[]) => calculate(m, a).score;

describe('LMS calculation methods on per-attempt standard scores', () => {
  // Hand-worked: 50%, then 90%, then 70%.
  const a = series(0.5, 0.9, 0.7);

  it('most recent takes the last attempt by time', () => {
    expect(score(DEFAULT_METHODS['most-recent'], a)).toBeCloseTo(0.7, 12);
  });

  it('highest takes the best attempt', () => {
    expect(calculate(DEFAULT_METHODS.highest, a)).toEqual({ score: 0.9, level: 'mastered', attempts: 3 });
  });

  it('average weighs all attempts equally', () => {
    expect(score(DEFAULT_METHODS.average, a)).toBeCloseTo(0.7, 12);
  });

  it('decaying average gives the newest 65% and the running value 35%', () => {
    // 0.5 → 0.65·0.9 + 0.35·0.5 = 0.76 → 0.65·0.7 + 0.35·0.76 = 0.721
    expect(score(DEFAULT_METHODS['decaying-average'], a)).toBeCloseTo(0.721, 12);
    expect(score({ kind: 'decaying-average', weight: 0.5 }, a)).toBeCloseTo(0.5 * 0.7 + 0.5 * (0.5 * 0.9 + 0.5 * 0.5), 12);
  });

  it('weighted average (Canvas\'s older "decaying average") gives the newest 65% and the mean of the rest 35%', () => {
    expect(score(DEFAULT_METHODS['weighted-average'], a)).toBeCloseTo(0.65 * 0.7 + 0.35 * 0.7, 12);
    expect(score(DEFAULT_METHODS['weighted-average'], series(1, 0.6, 0.2))).toBeCloseTo(0.65 * 0.2 + 0.35 * 0.8, 12);
  });

  it('a single attempt is its own score under every averaging method', () => {
    for (const m of [DEFAULT_METHODS['decaying-average'], DEFAULT_METHODS['weighted-average'], DEFAULT_METHODS.average]) {
      expect(score(m, series(0.6))).toBeCloseTo(0.6, 12);
    }
  });

  it('n times: mastery needs n attempts at or above the threshold, and only those make the score', () => {
    expect(calculate(DEFAULT_METHODS['n-times'], series(0.8, 0.6, 0.85))).toEqual({ score: expect.closeTo(0.825, 12), level: 'proficient', attempts: 2 });
    expect(calculate({ kind: 'n-times', n: 2, threshold: 0.9 }, series(0.95, 1, 0.4))).toEqual({ score: expect.closeTo(0.975, 12), level: 'mastered', attempts: 2 });
  });

  it('n times: one perfect attempt is not yet mastery when two are needed', () => {
    const r = calculate(DEFAULT_METHODS['n-times'], series(1));
    expect(r.score).toBe(1);
    expect(r.level).toBe('developing');
    const twoNeededThreeClose = calculate(DEFAULT_METHODS['n-times'], series(0.95, 0.79, 0.79));
    expect(twoNeededThreeClose.level).toBe('developing');
  });

  it('attempts handed over out of order are put in time order first', () => {
    const shuffled = [a[2]!, a[0]!, a[1]!];
    expect(score(DEFAULT_METHODS['most-recent'], shuffled)).toBeCloseTo(0.7, 12);
    expect(score(DEFAULT_METHODS['decaying-average'], shuffled)).toBeCloseTo(0.721, 12);
  });

  it('no attempts: no score and the lowest level', () => {
    expect(calculate(DEFAULT_METHODS.average, [])).toEqual({ score: null, level: 'beginning', attempts: 0 });
  });

  it('4 of 5 is exactly the 80% line and counts as Proficient', () => {
    expect(levelForScore(4 / 5)).toBe('proficient');
    expect(levelForScore(0.1 + 0.7)).toBe('proficient'); // 0.7999999999999999
    expect(levelForScore(0.79)).toBe('developing');
  });

  it('every method keeps its score within the attempts\' range', () => {
    const methods = Object.values(DEFAULT_METHODS).filter((m) => m.kind !== 'n-times');
    fc.assert(fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 10 }), (xs) => {
      for (const m of methods) {
        const s = score(m, series(...xs))!;
        expect(s).toBeGreaterThanOrEqual(Math.min(...xs) - 1e-12);
        expect(s).toBeLessThanOrEqual(Math.max(...xs) + 1e-12);
      }
    }));
  });

  it('scores outside 0–1 from a bad caller are clamped, not propagated', () => {
    expect(score(DEFAULT_METHODS.highest, series(1.7, Number.NaN))).toBe(1);
  });

  it('rejects settings a teacher could not have meant', () => {
    expect(() => calculate({ kind: 'decaying-average', weight: 1 }, a)).toThrow(/strictly between 0 and 1/);
    expect(() => calculate({ kind: 'n-times', n: 0, threshold: 0.8 }, a)).toThrow(/at least 1/);
    expect(() => calculate({ kind: 'n-times', n: 2, threshold: 0 }, a)).toThrow(/threshold/);
    expect(() => checkScoreScale([{ level: 'mastered', minScore: 0.8 }, { level: 'beginning', minScore: 0.2 }])).toThrow(/start at a score of 0/);
    expect(() => checkScoreScale([{ level: 'proficient', minScore: 0.8 }, { level: 'mastered', minScore: 0.5 }, { level: 'beginning', minScore: 0 }])).toThrow(/higher score|highest first/);
  });

  it('a custom score scale changes the levels, not the scores', () => {
    const scale = [{ level: 'mastered' as const, minScore: 0.7 }, { level: 'beginning' as const, minScore: 0 }];
    expect(calculate(DEFAULT_METHODS.average, a, scale)).toEqual({ score: expect.closeTo(0.7, 12), level: 'mastered', attempts: 3 });
  });
});
