import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { betaModel, checkLevelScale, defaultModel, levelFor, LEVELS, raschModel, type EvidenceState, type MasteryModel, type Observation } from './model.js';

const t0 = new Date('2024-09-02T09:00:00Z');
const days = (n: number) => new Date(t0.getTime() + n * 86_400_000);
const obs = (correct: number, difficulty: number, at = t0, attemptKind?: Observation['attemptKind']): Observation => ({ correct, difficulty, at, ...(attemptKind ? { attemptKind } : {}) });
const run = <S extends EvidenceState>(m: MasteryModel<S>, list: Observation[]) => m.estimate(m.update(m.initial(), list));
const typicalForm = [-1, 0.2, 1];

describe('default mastery model (Rasch ability posterior)', () => {
  it('before any evidence a student is Beginning with a 50% chance of mastery and no evidence', () => {
    const e = defaultModel.estimate(defaultModel.initial());
    expect(e.pMastery).toBeCloseTo(0.5, 3);
    expect(e.level).toBe('beginning');
    expect(e.evidence).toBe(0);
    expect(e.ability!.sd).toBeCloseTo(1.5, 2);
  });

  it('one lucky correct answer, however hard the item, is never Mastered', () => {
    fc.assert(fc.property(fc.double({ min: -4, max: 4, noNaN: true }), (d) => {
      const e = run(defaultModel, [obs(1, d)]);
      expect(e.level).not.toBe('mastered');
      expect(e.level).not.toBe('proficient');
    }));
  });

  it('two correct answers are not enough for Mastered either', () => {
    fc.assert(fc.property(fc.double({ min: -4, max: 4, noNaN: true }), fc.double({ min: -4, max: 4, noNaN: true }), (a, b) => {
      expect(run(defaultModel, [obs(1, a), obs(1, b)]).level).not.toBe('mastered');
    }));
  });

  it('all right on a typical three-item standard reads Mastered; all wrong reads Beginning', () => {
    expect(run(defaultModel, typicalForm.map((d) => obs(1, d))).level).toBe('mastered');
    expect(run(defaultModel, typicalForm.map((d) => obs(0, d))).level).toBe('beginning');
    const twoOfThree = run(defaultModel, typicalForm.map((d, i) => obs(i < 2 ? 1 : 0, d)));
    expect(twoOfThree.level).toBe('proficient');
    expect(twoOfThree.evidence).toBe(3);
  });

  it('more right answers never lower the chance of mastery', () => {
    fc.assert(fc.property(fc.array(fc.record({ c: fc.double({ min: 0, max: 1, noNaN: true }), d: fc.double({ min: -3, max: 3, noNaN: true }) }), { minLength: 1, maxLength: 8 }), fc.nat(), (items, pick) => {
      const i = pick % items.length;
      const base = items.map((it) => obs(it.c, it.d));
      const better = base.map((o, k) => (k === i ? { ...o, correct: 1 } : o));
      expect(run(defaultModel, better).pMastery).toBeGreaterThanOrEqual(run(defaultModel, base).pMastery - 1e-12);
    }));
  });

  it('getting a hard item right says more than getting an easy one right', () => {
    const hard = run(defaultModel, [obs(1, 1.5), obs(0, 0)]);
    const easy = run(defaultModel, [obs(1, -1.5), obs(0, 0)]);
    expect(hard.pMastery).toBeGreaterThan(easy.pMastery);
  });

  it('missing an easy item says more against mastery than missing a hard one', () => {
    expect(run(defaultModel, [obs(0, -1.5), obs(1, 0)]).pMastery).toBeLessThan(run(defaultModel, [obs(0, 1.5), obs(1, 0)]).pMastery);
  });

  it('partial credit lands between a wrong and a right answer', () => {
    const wrong = run(defaultModel, [obs(0, 0)]).pMastery;
    const half = run(defaultModel, [obs(0.5, 0)]).pMastery;
    const right = run(defaultModel, [obs(1, 0)]).pMastery;
    expect(half).toBeGreaterThan(wrong);
    expect(half).toBeLessThan(right);
    expect(half).toBeCloseTo(0.5, 2); // half credit on an item at the cut is no news
  });

  it('answers given in the same sitting count the same in any order, in one update or several', () => {
    const list = [obs(1, -1), obs(0, 0.5), obs(1, 0.2), obs(0.5, 1.2)];
    const batch = run(defaultModel, list);
    const reversed = run(defaultModel, [...list].reverse());
    let state = defaultModel.initial();
    for (const o of list) state = defaultModel.update(state, [o]);
    const stepwise = defaultModel.estimate(state);
    expect(reversed.pMastery).toBeCloseTo(batch.pMastery, 10);
    expect(stepwise.pMastery).toBeCloseTo(batch.pMastery, 10);
    expect(stepwise.evidence).toBe(4);
  });

  it('recent evidence outweighs old evidence: failing in September and succeeding in January reads higher than the reverse', () => {
    const sept = (c: number) => typicalForm.map((d) => obs(c, d, days(0)));
    const jan = (c: number) => typicalForm.map((d) => obs(c, d, days(130)));
    const improved = run(defaultModel, [...sept(0), ...jan(1)]);
    const declined = run(defaultModel, [...sept(1), ...jan(0)]);
    expect(improved.pMastery).toBeGreaterThan(0.5);
    expect(declined.pMastery).toBeLessThan(0.5);
    // Forgetting shrinks the weight of the September items, so the effective count is below six.
    expect(improved.evidence).toBeLessThan(6);
    expect(improved.evidence).toBeGreaterThan(3);
  });

  it('a post-test after teaching weighs more than the pre-test it follows', () => {
    const pre = typicalForm.map((d) => obs(0, d, days(0), 'pre'));
    const post = typicalForm.map((d) => obs(1, d, days(1), 'post'));
    const withTeaching = run(defaultModel, [...pre, ...post]);
    const sameSitting = run(defaultModel, [...pre, ...post.map((o) => ({ ...o, attemptKind: 'pre' as const }))]);
    expect(withTeaching.pMastery).toBeGreaterThan(sameSitting.pMastery);
  });

  it('evidence that arrives late (older than what is stored) still counts, without forgetting anything', () => {
    const m = raschModel();
    const now = m.update(m.initial(), [obs(1, 0, days(10))]);
    const late = m.update(now, [obs(1, 0.5, days(2))]);
    expect(late.lastAt).toBe(days(10).toISOString());
    expect(m.estimate(late).evidence).toBe(2);
  });

  it('the stored state survives a JSON round trip (what the database does) with the same estimate', () => {
    const m = raschModel();
    const state = m.update(m.initial(), [...typicalForm.map((d) => obs(1, d, days(0), 'pre')), obs(0, 3, days(400), 'post'), obs(1, -6, days(400), 'post')]);
    const json = JSON.stringify(state);
    expect(json).not.toMatch(/null,|NaN|Infinity/);
    const back = JSON.parse(json) as typeof state;
    expect(m.estimate(back)).toEqual(m.estimate(state));
  });

  it('extreme evidence keeps every number finite', () => {
    const many = Array.from({ length: 300 }, (_, i) => obs(1, -3 + (i % 7), days(i)));
    const e = run(defaultModel, many);
    expect(Number.isFinite(e.pMastery) && Number.isFinite(e.ability!.mean) && Number.isFinite(e.ability!.sd)).toBe(true);
    expect(e.level).toBe('mastered');
  });

  it('a higher mastery cut makes the same answers less convincing', () => {
    const list = typicalForm.map((d, i) => obs(i < 2 ? 1 : 0, d));
    expect(run(raschModel({ cut: 1 }), list).pMastery).toBeLessThan(run(raschModel({ cut: 0 }), list).pMastery);
  });

  it('rejects evidence it cannot use, loudly', () => {
    expect(() => defaultModel.update(defaultModel.initial(), [obs(1, Number.NaN)])).toThrow(RangeError);
    expect(() => defaultModel.update(defaultModel.initial(), [obs(Number.NaN, 0)])).toThrow(RangeError);
    expect(() => defaultModel.update(defaultModel.initial(), [{ correct: 1, difficulty: 0, at: new Date('nope') }])).toThrow(RangeError);
    expect(() => raschModel({ priorSd: 0 })).toThrow(RangeError);
  });
});

describe('level scales', () => {
  it('levels need both a probability and enough evidence', () => {
    expect(levelFor(0.95, 5, 0.5)).toBe('mastered');
    expect(levelFor(0.95, 2, 0.5)).toBe('proficient');
    expect(levelFor(0.95, 5, 1.4)).toBe('proficient'); // posterior too wide to trust
    expect(levelFor(0.95, 1, 1.4)).toBe('developing');
    expect(levelFor(0.1, 10, 0.3)).toBe('beginning');
  });

  it('a district can use three levels with its own cut points', () => {
    const scale = checkLevelScale([
      { level: 'mastered', minP: 0.8, minEvidence: 4 },
      { level: 'developing', minP: 0.4 },
      { level: 'beginning', minP: 0 },
    ]);
    const m = raschModel({ levels: scale });
    const e = run(m, [-1.5, -0.5, 0.5, 1.5].map((d) => obs(1, d)));
    expect(e.level).toBe('mastered');
    expect(LEVELS).toContain(e.level);
  });

  it('rejects scales that could leave a student without a level or contradict themselves', () => {
    expect(() => checkLevelScale([])).toThrow(/at least one/);
    expect(() => checkLevelScale([{ level: 'mastered', minP: 0.9 }, { level: 'beginning', minP: 0.1 }])).toThrow(/lowest level/);
    expect(() => checkLevelScale([{ level: 'proficient', minP: 0.5 }, { level: 'mastered', minP: 0.9 }, { level: 'beginning', minP: 0 }])).toThrow(/smaller pMastery|highest first/);
    expect(() => checkLevelScale([{ level: 'mastered', minP: 1.2 }, { level: 'beginning', minP: 0 }])).toThrow(/between 0 and 1/);
  });
});

describe('swapping the model', () => {
  it('the Beta model answers through the same interface and also refuses Mastered on one item', () => {
    const m: MasteryModel = betaModel() as unknown as MasteryModel;
    const one = m.estimate(m.update(m.initial(), [obs(1, 0)]));
    expect(one.level).not.toBe('mastered');
    const five = run(betaModel(), [0, 0, 0, 0, 0].map((d) => obs(1, d)));
    expect(five.pMastery).toBeCloseTo(1 - 0.5 ** 6, 10); // Beta(6,1): P(p > ½) = 1 − ½⁶
    expect(five.level).toBe('mastered');
  });

  it('the Beta model ignores item difficulty, which is exactly what the default model does not', () => {
    const hard = run(betaModel(), [obs(1, 2)]).pMastery;
    const easy = run(betaModel(), [obs(1, -2)]).pMastery;
    expect(hard).toBe(easy);
  });
});
