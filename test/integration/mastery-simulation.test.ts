// Runs the mastery simulation (scripts/simulate-mastery.ts) on a small, fixed seed and checks the claim
// docs/mastery.md makes: the default model classifies mastery more accurately than plain percent correct.
// No server: the simulation is pure apart from reading the starter bank.
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_METHOD_NAME, PERCENT_CORRECT_NAME, simulateMastery, type ScenarioResult, type SimulationResult } from '../../scripts/simulate-mastery.js';

const row = (sc: ScenarioResult, name: string) => {
  const r = sc.rows.find((x) => x.method === name);
  if (!r) throw new Error(`no row "${name}" in ${sc.id}`);
  return r;
};

describe('mastery simulation', () => {
  let result: SimulationResult;
  beforeAll(() => {
    result = simulateMastery({ students: 200, seed: 7 });
  });

  it('prints the comparison table', () => {
    console.log(`\n${result.markdown}`);
    expect(result.markdown).toContain(DEFAULT_METHOD_NAME);
    expect(result.scenarios.length).toBe(8);
  });

  it('the default model classifies mastery more accurately than percent correct ≥ 80%, on every pre-test length', () => {
    for (const sc of result.scenarios.filter((s) => s.id === 'one-pretest')) {
      for (const k of result.options.lengths) {
        const ours = row(sc, DEFAULT_METHOD_NAME).byLength[k]!.accuracy;
        const theirs = row(sc, PERCENT_CORRECT_NAME).byLength[k]!.accuracy;
        expect(ours, `${sc.title} (${sc.population}), ${k} items: ${ours} vs ${theirs}`).toBeGreaterThan(theirs);
      }
    }
  });

  it('the default model is more accurate than percent correct ≥ 80% in every scenario, on average over form lengths', () => {
    for (const sc of result.scenarios) {
      const avg = (name: string) => result.options.lengths.reduce((s, k) => s + row(sc, name).byLength[k]!.accuracy, 0) / result.options.lengths.length;
      expect(avg(DEFAULT_METHOD_NAME), `${sc.title} (${sc.population})`).toBeGreaterThan(avg(PERCENT_CORRECT_NAME));
    }
  });

  it('keeps false mastery of the default below 30% on every cell', () => {
    for (const sc of result.scenarios) {
      for (const k of result.options.lengths) expect(row(sc, DEFAULT_METHOD_NAME).byLength[k]!.falseMastery).toBeLessThan(0.3);
    }
  });

  it('is deterministic for a seed', () => {
    const a = simulateMastery({ students: 30, seed: 3, scenarios: ['one-pretest'], populations: ['class'] });
    const b = simulateMastery({ students: 30, seed: 3, scenarios: ['one-pretest'], populations: ['class'] });
    expect(a.markdown).toBe(b.markdown);
  });
});
