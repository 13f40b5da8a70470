// Calibration against a known truth: 500 simulated students (θ ~ N(0, 1), seeded) answer 40 items of known
// difficulty, the authors' difficulties being rough guesses of them. The calibration must recover the true
// difficulties and flag the items planted to misbehave. Pure computation: no server, no database.
import { seededRandom } from '../../server/shared/seeded-random.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { calibrate, type Calibration, type CalibrationItem, type CalibrationResponse } from '../../server/adaptive/calibration.js';


function correlation(x: number[], y: number[]): number {
  const mx = x.reduce((a, b) => a + b, 0) / x.length;
  const my = y.reduce((a, b) => a + b, 0) / y.length;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  x.forEach((xi, i) => {
    sxy += (xi - mx) * (y[i]! - my);
    sxx += (xi - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  });
  return sxy / Math.sqrt(sxx * syy);
}

const STUDENTS = 500;
const ITEMS = 40;
const RANDOM_ITEM = 12; // answered at random: right half the time, whatever the student knows
const REVERSED_ITEM = 27; // keyed backwards: the students who know it are marked wrong
const MISKEYED_CHOICE_ITEM = 33; // choice "c" is also right, and only strong students see it

describe('calibrating a 40-item bank from 500 simulated students', () => {
  const rng = seededRandom(2024);
  const normal = () => Math.sqrt(-2 * Math.log(Math.max(rng(), 1e-12))) * Math.cos(2 * Math.PI * rng());
  const truth = Array.from({ length: ITEMS }, () => Math.max(-2.5, Math.min(2.5, 1.1 * normal())));
  const items: CalibrationItem[] = truth.map((b, i) => ({
    id: `item-${i}`,
    version: 1,
    framework: 'CCSS.Math',
    // Authors guess: right on average, off by half a logit on a typical item.
    difficulty: Math.round((b + 0.5 * normal()) * 10) / 10,
    correctChoiceIds: ['a'],
  }));
  const responses: CalibrationResponse[] = [];
  let result: Calibration;

  beforeAll(() => {
    for (let p = 0; p < STUDENTS; p++) {
      const theta = normal();
      truth.forEach((b, i) => {
        const pRight = 1 / (1 + Math.exp(b - theta));
        let right = rng() < pRight;
        if (i === RANDOM_ITEM) right = rng() < 0.5;
        if (i === REVERSED_ITEM) right = !right;
        let choice = right ? 'a' : ['b', 'c', 'd'][Math.floor(rng() * 3)]!;
        if (i === MISKEYED_CHOICE_ITEM && theta > 0.4 && rng() < 0.5) choice = 'c';
        const credit = choice === 'a' ? 1 : 0;
        responses.push({ personId: `student-${p}`, itemId: `item-${i}`, version: 1, credit, choiceIds: [choice] });
      });
    }
    result = calibrate(responses, items);
  });

  it('converges and recovers the true difficulties (r ≥ 0.95)', () => {
    expect(result.converged).toBe(true);
    const good = result.items.filter((_, i) => i !== RANDOM_ITEM && i !== REVERSED_ITEM && i !== MISKEYED_CHOICE_ITEM);
    const r = correlation(good.map((it) => it.difficulty), good.map((it) => truth[Number(it.id.split('-')[1])]!));
    expect(r).toBeGreaterThanOrEqual(0.95);
    // Recovery is better than the authors' guesses it started from.
    const rAuthor = correlation(good.map((it) => it.authorDifficulty), good.map((it) => truth[Number(it.id.split('-')[1])]!));
    expect(r).toBeGreaterThan(rAuthor);
  });

  it('keeps the scale the authors used: the calibrated mean equals the authors\' mean', () => {
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(result.items.map((it) => it.difficulty))).toBeCloseTo(mean(items.map((it) => it.difficulty)), 6);
  });

  it('flags the item answered at random and the item keyed backwards', () => {
    const misfit = (i: number) => result.items[i]!.flags.map((f) => f.code).filter((c) => c.startsWith('infit') || c.startsWith('outfit'));
    expect(misfit(RANDOM_ITEM).length).toBeGreaterThan(0);
    expect(misfit(REVERSED_ITEM)).toEqual(expect.arrayContaining(['infit-high', 'outfit-high']));
  });

  it('flags the choice strong students pick, and no well-behaved item', () => {
    const flagged = result.items[MISKEYED_CHOICE_ITEM]!.flags.filter((f) => f.code === 'distractor-attracts-strong');
    expect(flagged.map((f) => f.choiceId)).toEqual(['c']);
    const wrongly = result.items.filter((it, i) => i !== RANDOM_ITEM && i !== REVERSED_ITEM && i !== MISKEYED_CHOICE_ITEM && it.flags.some((f) => f.code !== 'difficulty-differs'));
    expect(wrongly.map((it) => `${it.id}: ${it.flags.map((f) => f.code).join(', ')} (infit ${it.infit?.toFixed(2)}, outfit ${it.outfit?.toFixed(2)})`)).toEqual([]);
  });

  it('calibrates the same bank when each student sat only one of two overlapping forms', () => {
    // Form A: items 0–24, form B: items 15–39 (10 anchor items in common), half the students each.
    const sparse = responses.filter((r) => {
      const i = Number(r.itemId.split('-')[1]);
      return Number(r.personId.split('-')[1]) % 2 === 0 ? i < 25 : i >= 15;
    });
    const c = calibrate(sparse, items);
    const good = c.items.filter((_, i) => i !== RANDOM_ITEM && i !== REVERSED_ITEM && i !== MISKEYED_CHOICE_ITEM);
    expect(correlation(good.map((it) => it.difficulty), good.map((it) => truth[Number(it.id.split('-')[1])]!))).toBeGreaterThanOrEqual(0.95);
    expect(c.items.every((it) => it.n === (Number(it.id.split('-')[1]) >= 15 && Number(it.id.split('-')[1]) < 25 ? STUDENTS : STUDENTS / 2))).toBe(true);
  });
});
