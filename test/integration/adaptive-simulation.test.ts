// Runs the adaptive-test simulation (scripts/simulate-adaptive.ts) on a small, fixed seed and checks the claims
// docs/adaptive.md makes from the large run: at the ready-made length the default adaptive test needs at most 60% of
// the fixed form's items for the same accuracy, longer blueprints get there with the documented settings, and growth
// from a fixed pre-test to an adaptive post-test reads like growth between two fixed forms. No server: pure apart from
// reading the starter bank. A small sample is noisy, so "within one point" allows two standard errors of the paired
// difference on top (the documented run has 2000 students per design).
import { beforeAll, describe, expect, it } from 'vitest';
import { pairedDifference, simulateAdaptive, type AdaptiveSimulationResult } from '../../scripts/simulate-adaptive.js';

describe('adaptive tests against fixed forms, simulated', () => {
  let result: AdaptiveSimulationResult;
  beforeAll(() => {
    result = simulateAdaptive({ students: 800, seed: 7, designs: 'documented' });
  }, 600_000);

  const comparison = (bank: string, perStandard: number) => {
    const c = result.comparisons.find((x) => x.bank.startsWith(bank) && x.fixed.itemsPerStandard === perStandard);
    if (!c) throw new Error(`no comparison for ${bank}, ${perStandard} per standard`);
    return c;
  };

  it('prints the comparison table', () => {
    console.log(`\n${result.markdown}`);
    expect(result.comparisons).toHaveLength(4);
  });

  it('at 3 items per standard, the default adaptive test uses at most 60% of the fixed form\'s items', () => {
    for (const bank of ['Starter', 'Synthetic']) expect(comparison(bank, 3).defaultRatio, bank).toBeLessThanOrEqual(0.6);
  });

  it('at 3 items per standard, the default adaptive test classifies mastery within one point of the fixed form', () => {
    for (const bank of ['Starter', 'Synthetic']) {
      const { diff, se } = comparison(bank, 3).defaultDiff;
      expect(diff, `${bank}: ${(diff * 100).toFixed(2)} ± ${(200 * se).toFixed(2)} points`).toBeGreaterThanOrEqual(-0.01 - 2 * se);
    }
  });

  it('at 6 items per standard, the documented longer-form design is within one point with at most 60% of the items', () => {
    for (const bank of ['Starter', 'Synthetic']) {
      const c = comparison(bank, 6);
      const long = result.rows.find((r) => r.bank === c.bank && r.kind === 'adaptive' && r.design.startsWith('adaptive, settle'));
      expect(long, `${bank}: no longer-form design was run`).toBeDefined();
      expect(long!.items / c.fixed.items, bank).toBeLessThanOrEqual(0.6);
      const { diff, se } = pairedDifference(c.fixed, long!);
      expect(diff, `${bank}: ${(diff * 100).toFixed(2)} ± ${(200 * se).toFixed(2)} points`).toBeGreaterThanOrEqual(-0.01 - 2 * se);
    }
  });

  it('measures the same growth from a fixed pre-test whether the post-test is fixed or adaptive', () => {
    for (const bank of ['Starter', 'Synthetic']) {
      const rows = result.growth.filter((g) => g.bank.startsWith(bank));
      const [fixedPost, adaptivePost] = [rows.find((g) => g.design.includes('parallel fixed'))!, rows.find((g) => g.design.includes('adaptive'))!];
      expect(Math.abs(adaptivePost.estimatedChange - fixedPost.estimatedChange), bank).toBeLessThan(3);
      // Both read most of the true growth (the posterior mean shrinks a little toward the prior).
      for (const g of rows) expect(g.estimatedChange / g.trueChange, `${bank}: ${g.design}`).toBeGreaterThan(0.7);
    }
  });

  it('is deterministic for a seed', () => {
    const a = simulateAdaptive({ students: 40, seed: 3, designs: 'documented', banks: ['starter'] });
    const b = simulateAdaptive({ students: 40, seed: 3, designs: 'documented', banks: ['starter'] });
    expect(a.markdown).toBe(b.markdown);
  });
});
