import { describe, expect, it } from 'vitest';
import { defaultScale, scaleGrowth, scaleModel, type ScoredResponse } from './scale.js';

const item = (standard: string, difficulty: number, credit: number): ScoredResponse => ({ standard, difficulty, credit });
const find = (r: ReturnType<typeof defaultScale.score>, s: string) => r.standards.find((x) => x.standard === s)!;

describe('one ability scale', () => {
  it('before any answer a student sits at 500 with an even chance of mastery on every standard', () => {
    const r = defaultScale.score([], ['A', 'B']);
    expect(r.scaleScore).toBe(500);
    expect(r.standards.map((s) => s.pMastery)).toEqual([expect.closeTo(0.5, 2), expect.closeTo(0.5, 2)]);
    expect(r.standards.every((s) => s.items === 0 && s.level === 'beginning')).toBe(true);
  });

  it('more right answers never lower the scale score or the chance of mastery', () => {
    const difficulties = [-1, -0.5, 0, 0.5, 1];
    let lastScore = -Infinity;
    let lastP = -Infinity;
    for (let right = 0; right <= difficulties.length; right++) {
      const r = defaultScale.score(difficulties.map((d, i) => item('A', d, i < right ? 1 : 0)));
      expect(r.scaleScore).toBeGreaterThanOrEqual(lastScore);
      expect(find(r, 'A').pMastery).toBeGreaterThan(lastP);
      lastScore = r.scaleScore;
      lastP = find(r, 'A').pMastery;
    }
  });

  it('gives the same result whatever order the items were answered in (fixed or adaptive alike)', () => {
    const rs = [item('A', -1, 1), item('B', 0.5, 0), item('A', 0.3, 1), item('B', -0.4, 1), item('A', 1.2, 0)];
    const a = defaultScale.score(rs);
    const b = defaultScale.score([...rs].reverse());
    expect(b.theta.mean).toBeCloseTo(a.theta.mean, 10);
    expect(find(b, 'A').pMastery).toBeCloseTo(find(a, 'A').pMastery, 10);
  });

  it('lets strong work on other standards raise a standard with no answers yet, but less than its own evidence would', () => {
    const others = ['B', 'C', 'D'].flatMap((s) => [item(s, 0, 1), item(s, 0.5, 1), item(s, 1, 1)]);
    const r = defaultScale.score(others, ['A']);
    const own = defaultScale.score([item('A', 0, 1), item('A', 0.5, 1), item('A', 1, 1)]);
    expect(find(r, 'A').pMastery).toBeGreaterThan(0.6);
    expect(find(r, 'A').pMastery).toBeLessThan(find(r, 'B').pMastery);
    expect(find(own, 'A').pMastery).toBeGreaterThan(0.6);
  });

  it('counts partial credit between a wrong and a right answer', () => {
    const p = (c: number) => find(defaultScale.score([item('A', 0, c), item('A', 0.5, c)]), 'A').pMastery;
    expect(p(0.5)).toBeGreaterThan(p(0));
    expect(p(0.5)).toBeLessThan(p(1));
  });

  it('keeps scores within 200–800 and says when a student got everything right or everything wrong', () => {
    const m = scaleModel();
    const top = m.score(Array.from({ length: 60 }, () => item('A', 5.5, 1)));
    expect(top.scaleScore).toBeLessThanOrEqual(800);
    expect(top.extreme).toBe('ceiling');
    expect(m.score([item('A', 0, 0), item('B', 1, 0)]).extreme).toBe('floor');
    expect(m.score([item('A', 0, 1), item('B', 1, 0)]).extreme).toBeNull();
    expect(m.scoreRange).toEqual([200, 800]);
    expect(m.toScaleScore(99)).toBe(800);
    expect(m.toScaleScore(-99)).toBe(200);
    expect(m.toScaleScore(1)).toBe(550);
  });

  it('reports the change between two sittings with its standard error', () => {
    const pre = defaultScale.score([item('A', 0, 0), item('A', 0.5, 0), item('A', -0.5, 1)]);
    const post = defaultScale.score([item('A', 0, 1), item('A', 0.5, 1), item('A', -0.5, 1)]);
    const g = scaleGrowth(pre, post);
    expect(g.change).toBe(post.scaleScore - pre.scaleScore);
    expect(g.change).toBeGreaterThan(0);
    expect(g.se).toBeCloseTo(50 * Math.hypot(pre.theta.sd, post.theta.sd), 10);
  });

  it('refuses a response without a usable difficulty or credit', () => {
    expect(() => defaultScale.score([item('A', Number.NaN, 1)])).toThrow(/difficulty/);
    expect(() => defaultScale.score([item('A', 0, Number.NaN)])).toThrow(/credit/);
    expect(() => scaleModel({ standardSpread: 0 })).toThrow(/standardSpread/);
  });
});
