import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { describeResults, levelFor, nextStep, summarize, tallyByStandard, type MasteryLevel } from './results.js';

const RATES = 'Find unit rates when the quantities are fractions, including rates between lengths, areas and other units.';

describe('levels by cut points', () => {
  it('says not yet below half, almost below 80%, got it from 80%', () => {
    expect(levelFor(0, 4)).toBe('not-yet');
    expect(levelFor(1, 4)).toBe('not-yet');
    expect(levelFor(2, 4)).toBe('almost');
    expect(levelFor(3, 4)).toBe('almost');
    expect(levelFor(4, 5)).toBe('got-it');
    expect(levelFor(4, 4)).toBe('got-it');
  });
  it('puts a share exactly on a cut point in the higher level, despite float rounding', () => {
    expect(levelFor(0.1 + 0.2 + 0.5, 1, { almost: 0.3, gotIt: 0.8 })).toBe('got-it');
    expect(levelFor(1, 2)).toBe('almost');
  });
  it('uses the cut points it is given', () => {
    expect(levelFor(3, 5, { almost: 0.4, gotIt: 0.6 })).toBe('got-it');
    expect(levelFor(1, 5, { almost: 0.4, gotIt: 0.6 })).toBe('not-yet');
  });
  it('refuses cut points that are out of order', () => {
    expect(() => levelFor(1, 2, { almost: 0.9, gotIt: 0.5 })).toThrow(RangeError);
    expect(() => levelFor(1, 2, { almost: 0, gotIt: 0.5 })).toThrow(RangeError);
  });
  it('never rises when a student gets fewer right', () => {
    const rank: Record<MasteryLevel, number> = { 'not-yet': 0, almost: 1, 'got-it': 2 };
    fc.assert(fc.property(fc.integer({ min: 1, max: 30 }), fc.nat(), fc.nat(), (total, a, b) => {
      const lo = Math.min(a, b) % (total + 1);
      const hi = Math.max(a % (total + 1), lo);
      return rank[levelFor(lo, total)] <= rank[levelFor(hi, total)];
    }));
  });
});

describe('tallies per standard', () => {
  it('counts right answers out of items per standard, in form order, with partial credit', () => {
    const tallies = tallyByStandard([
      { standard: '7.RP.A.1', score: 1 }, { standard: '7.EE.A.1', score: 0 }, { standard: '7.RP.A.1', score: 1 },
      { standard: '7.EE.A.1', score: 0.5 }, { standard: '7.RP.A.1', score: 0 },
    ]);
    expect(tallies).toEqual([
      { code: '7.RP.A.1', correct: 2, total: 3, level: 'almost' },
      { code: '7.EE.A.1', correct: 0.5, total: 2, level: 'not-yet' },
    ]);
  });
  it('adds up to the attempt total', () => {
    fc.assert(fc.property(fc.array(fc.record({ standard: fc.constantFrom('a', 'b', 'c'), score: fc.constantFrom(0, 0.5, 1) }), { minLength: 1, maxLength: 40 }), (items) => {
      const tallies = tallyByStandard(items);
      const sum = summarize(items);
      return tallies.reduce((s, t) => s + t.total, 0) === sum.maxScore && Math.abs(tallies.reduce((s, t) => s + t.correct, 0) - sum.score) < 1e-6;
    }));
  });
  it('summarizes points and a whole-number percent', () => {
    expect(summarize([{ standard: 'a', score: 1 }, { standard: 'a', score: 0 }, { standard: 'b', score: 1 }])).toEqual({ score: 2, maxScore: 3, percent: 67 });
    expect(summarize([])).toEqual({ score: 0, maxScore: 0, percent: 0 });
  });
});

describe('next steps', () => {
  it('gives a different concrete step for each level, naming the skill', () => {
    const steps = (['not-yet', 'almost', 'got-it'] as const).map((l) => nextStep(l, { code: '7.RP.A.1', description: RATES }, 'en'));
    expect(new Set(steps).size).toBe(3);
    for (const s of steps) expect(s).toContain(RATES);
    expect(steps[0]).toMatch(/worked example/);
  });
  it('speaks Spanish to a Spanish session and English otherwise', () => {
    expect(nextStep('almost', { code: 'x', description: RATES }, 'es')).toMatch(/^Vuelve a mirar/);
    expect(nextStep('almost', { code: 'x', description: RATES }, 'es-MX')).toMatch(/La habilidad/);
    expect(nextStep('almost', { code: 'x', description: RATES }, 'fr')).toMatch(/^Look again/);
  });
  it('falls back to the code when a standard has no description, and ends with a full stop', () => {
    expect(nextStep('got-it', { code: '8.EE.A.1' }, 'en')).toMatch(/The skill: 8\.EE\.A\.1\.$/);
  });
  it('attaches descriptions and steps to tallies', () => {
    const [r] = describeResults([{ code: '7.RP.A.1', correct: 1, total: 4, level: 'not-yet' }], { '7.RP.A.1': RATES }, 'en');
    expect(r).toMatchObject({ code: '7.RP.A.1', description: RATES, correct: 1, total: 4, level: 'not-yet' });
    expect(r!.nextStep).toContain(RATES);
  });
});
