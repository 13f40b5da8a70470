import { describe, expect, it } from 'vitest';
import { seededRandom } from '../shared/seeded-random.js';
import { calibrate, type CalibrationItem, type CalibrationResponse } from './calibration.js';


/** `persons` students θ ~ N(0, 1) answer every item under the Rasch model with the given true difficulties. */
function simulate(trueDifficulties: number[], persons: number, seed: number, prefix = 'i'): CalibrationResponse[] {
  const rng = seededRandom(seed);
  const out: CalibrationResponse[] = [];
  for (let p = 0; p < persons; p++) {
    const theta = Math.sqrt(-2 * Math.log(Math.max(rng(), 1e-12))) * Math.cos(2 * Math.PI * rng());
    trueDifficulties.forEach((b, i) => out.push({ personId: `p${p}`, itemId: `${prefix}${i}`, version: 1, credit: rng() < 1 / (1 + Math.exp(b - theta)) ? 1 : 0 }));
  }
  return out;
}

const itemsFor = (difficulties: number[], framework = 'F', prefix = 'i'): CalibrationItem[] => difficulties.map((d, i) => ({ id: `${prefix}${i}`, version: 1, framework, difficulty: d }));
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('item calibration', () => {
  const truth = [-1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2];

  it('moves an item its author misjudged toward what students show, on the author scale', () => {
    const authored = [...truth];
    authored[3] = 1.5; // the author thought item 3 hard; students find it medium
    const c = calibrate(simulate(truth, 400, 1), itemsFor(authored));
    expect(c.converged).toBe(true);
    expect(c.items[3]!.difficulty).toBeLessThan(0.8);
    expect(c.items[3]!.flags.map((f) => f.code)).toContain('difficulty-differs');
    expect(mean(c.items.map((i) => i.difficulty))).toBeCloseTo(mean(authored), 6);
    expect(c.frameworks[0]!.anchorMean).toBeCloseTo(mean(authored), 10);
    for (const it of c.items) expect(it.se).toBeGreaterThan(0.05);
  });

  it('keeps an item with few responses near its author value, and one with none exactly there', () => {
    const rs = simulate(truth, 300, 2).filter((r) => r.itemId !== 'i7' || Number(r.personId.slice(1)) < 4);
    const items = [...itemsFor(truth), { id: 'unused', version: 1, framework: 'F', difficulty: 0.3 }];
    const c = calibrate(rs, items);
    const few = c.items.find((i) => i.id === 'i7')!;
    expect(few.n).toBe(4);
    expect(few.fitJudged).toBe(false);
    expect(Math.abs(few.difficulty - 2)).toBeLessThan(1);
    const none = c.items.find((i) => i.id === 'unused')!;
    expect(none).toMatchObject({ difficulty: 0.3, n: 0, infit: null, outfit: null, flags: [] });
    expect(none.se).toBeCloseTo(1, 10);
  });

  it('calibrates each framework on its own scale', () => {
    const rs = [...simulate(truth, 200, 3, 'm'), ...simulate(truth, 200, 4, 'e')].map((r) => ({ ...r, personId: `${r.itemId[0]}-${r.personId}` }));
    const items = [...itemsFor(truth, 'Math', 'm'), ...itemsFor(truth.map((d) => d + 3), 'ELA', 'e')];
    const c = calibrate(rs, items);
    expect(c.frameworks.map((f) => f.framework)).toEqual(['ELA', 'Math']);
    expect(mean(c.items.filter((i) => i.framework === 'ELA').map((i) => i.difficulty))).toBeCloseTo(mean(truth) + 3, 6);
    expect(mean(c.items.filter((i) => i.framework === 'Math').map((i) => i.difficulty))).toBeCloseTo(mean(truth), 6);
    expect(c.persons.filter((p) => p.framework === 'ELA')).toHaveLength(200);
  });

  it('treats partial credit as a fractional success', () => {
    const rs = simulate(truth, 300, 5);
    const halves = rs.map((r) => (r.itemId === 'i4' ? { ...r, credit: 0.5 } : r));
    const c = calibrate(halves, itemsFor(truth));
    // Everyone earning half credit looks like an item half the class gets right: near the class's mean ability.
    expect(Math.abs(c.items[4]!.difficulty - c.frameworks[0]!.population.mean)).toBeLessThan(0.3);
  });

  /** Item 2 keyed backwards, and item 5 with a second defensible answer ("c") that only strong students see. */
  function misbehaving() {
    const rs = simulate(truth, 500, 6).map((r) => {
      // Item 2 keyed backwards: the students who know the topic get it wrong.
      if (r.itemId === 'i2') return { ...r, credit: 1 - r.credit };
      return r;
    });
    const abilities = new Map<string, number>();
    for (const r of rs) if (r.itemId !== 'i2') abilities.set(r.personId, (abilities.get(r.personId) ?? 0) + r.credit);
    const keyed = rs.map((r) => {
      if (r.itemId !== 'i5') return r;
      // "c" is a second defensible answer only strong students see: they pick it when they miss; others pick b or d.
      const strong = abilities.get(r.personId)! >= 5;
      return { ...r, choiceIds: [r.credit === 1 ? 'a' : strong ? 'c' : ['b', 'd'][Number(r.personId.slice(1)) % 2]!] };
    });
    const items = itemsFor(truth).map((it) => (it.id === 'i5' ? { ...it, correctChoiceIds: ['a'] } : it));
    return { keyed, items };
  }

  it('flags an item whose answers do not follow ability, and a distractor the strongest students pick', () => {
    const { keyed, items } = misbehaving();
    const c = calibrate(keyed, items);
    const codes = (id: string) => c.items.find((i) => i.id === id)!.flags.map((f) => f.code);
    expect(codes('i2').some((f) => f === 'infit-high' || f === 'outfit-high')).toBe(true);
    const five = c.items.find((i) => i.id === 'i5')!;
    expect(five.flags.find((f) => f.code === 'distractor-attracts-strong')?.choiceId).toBe('c');
    expect(five.distractors!.map((d) => d.choiceId)).toEqual(['a', 'b', 'c', 'd']);
    for (const id of ['i0', 'i1', 'i3', 'i6']) expect(codes(id).filter((f) => f !== 'difficulty-differs')).toEqual([]);
  });

  it('reports the same distractors and flags whatever order the students\' responses are read in', () => {
    const { keyed, items } = misbehaving();
    // Students with the same raw score get the same ability, so some of them sit at the edge of the strongest or
    // weakest third; reading the sittings in another order (as a database may) must not move who counts there.
    const byPerson = new Map<string, CalibrationResponse[]>();
    for (const r of keyed) byPerson.set(r.personId, [...(byPerson.get(r.personId) ?? []), r]);
    const rng = seededRandom(11);
    const shuffled = [...byPerson.values()].map((rs) => ({ rs, k: rng() })).sort((a, b) => a.k - b.k).flatMap((x) => x.rs);
    const view = (c: ReturnType<typeof calibrate>) => c.items.map((i) => ({
      id: i.id, flags: i.flags.map((f) => f.code),
      distractors: i.distractors?.map((d) => [d.choiceId, d.strongShare.toFixed(9), d.weakShare.toFixed(9)]),
    }));
    expect(view(calibrate(shuffled, items))).toEqual(view(calibrate(keyed, items)));
    expect(view(calibrate([...keyed].reverse(), items))).toEqual(view(calibrate(keyed, items)));
  });

  it('does not change its inputs (scored attempts keep their difficulties)', () => {
    const rs = simulate(truth, 50, 7);
    const items = itemsFor(truth);
    const before = JSON.stringify({ rs, items });
    calibrate(rs, items);
    expect(JSON.stringify({ rs, items })).toBe(before);
  });

  it('refuses responses to unknown items and items listed twice', () => {
    expect(() => calibrate([{ personId: 'p', itemId: 'x', version: 1, credit: 1 }], itemsFor(truth))).toThrow(/not in the item list/);
    expect(() => calibrate([], [...itemsFor(truth), ...itemsFor(truth)])).toThrow(/twice/);
    expect(calibrate([], itemsFor(truth)).items.map((i) => i.difficulty)).toEqual(truth);
  });
});
