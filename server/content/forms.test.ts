import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AssemblyError, assembleParallelForms, formDifficultyReport, type BlueprintEntry, type Form, type ItemSummary } from './forms.js';

const item = (id: string, standards: string[], difficulty: number, version = 1): ItemSummary => ({ id, version, standards, difficulty });
const bank = (standard: string, difficulties: number[], prefix = standard) =>
  difficulties.map((d, n) => item(`${prefix}-${n}`.toLowerCase(), [standard], d));

/** Every promise the assembler makes, checked from the outside. */
function expectValidForms(pool: ItemSummary[], blueprint: BlueprintEntry[], count: number, tolerance: number, forms: Form[]) {
  expect(forms).toHaveLength(count);
  const newest = new Map<string, ItemSummary>();
  for (const it of pool) if ((newest.get(it.id)?.version ?? 0) < it.version) newest.set(it.id, it);
  const used = new Set<string>();
  for (const form of forms) {
    for (const placed of form.items) {
      expect(used.has(placed.id), `${placed.id} appears twice`).toBe(false);
      used.add(placed.id);
      const source = newest.get(placed.id);
      expect(source, `${placed.id} is not in the bank`).toBeDefined();
      expect(placed.version).toBe(source!.version);
      expect(source!.standards).toContain(placed.standard);
    }
    for (const { standard, items } of blueprint) {
      const mine = form.items.filter((i) => i.standard === standard);
      expect(mine).toHaveLength(items);
      const avg = mine.reduce((s, i) => s + newest.get(i.id)!.difficulty, 0) / items;
      expect(form.meanDifficulty[standard]).toBeCloseTo(avg, 9);
    }
    expect(form.items).toHaveLength(blueprint.reduce((s, e) => s + e.items, 0));
  }
  for (const { standard } of blueprint) {
    const means = forms.map((f) => f.meanDifficulty[standard]!);
    expect(Math.max(...means) - Math.min(...means)).toBeLessThanOrEqual(tolerance + 1e-9);
  }
}

function problemsOf(run: () => unknown): { standard: string; reason: string }[] {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(AssemblyError);
    return (e as AssemblyError).problems;
  }
  throw new Error('expected an AssemblyError');
}

/** What a hurried implementation would do: each form takes the next unused aligned items in bank order. */
function firstFit(pool: ItemSummary[], blueprint: BlueprintEntry[], count: number): number {
  const used = new Set<string>();
  let worst = 0;
  for (const { standard, items } of blueprint) {
    const means = Array.from({ length: count }, () => {
      const picked = pool.filter((i) => i.standards.includes(standard) && !used.has(i.id)).slice(0, items);
      picked.forEach((i) => used.add(i.id));
      return picked.reduce((s, i) => s + i.difficulty, 0) / items;
    });
    worst = Math.max(worst, Math.max(...means) - Math.min(...means));
  }
  return worst;
}

const ratios = bank('6.RP.A.1', [-2, -1.5, -1, -0.5, 0, 0.3, 0.5, 1, 1.5, 2]);
const expressions = bank('6.EE.A.2', [-1.2, -0.8, -0.1, 0, 0.4, 0.9, 1.1, 1.8]);
const blueprint: BlueprintEntry[] = [
  { standard: '6.RP.A.1', items: 4 },
  { standard: '6.EE.A.2', items: 3 },
];

describe('assembling a pre-test and a post-test', () => {
  it('covers every standard with the asked number of items, shares no item and balances difficulty', () => {
    const pool = [...ratios, ...expressions];
    const { forms } = assembleParallelForms(pool, blueprint, 2);
    expectValidForms(pool, blueprint, 2, 0.5, forms);
  });

  it('keeps each standard within a tighter tolerance when asked', () => {
    const pool = [...ratios, ...expressions];
    const { forms } = assembleParallelForms(pool, blueprint, 2, { tolerance: 0.05 });
    expectValidForms(pool, blueprint, 2, 0.05, forms);
  });

  it('builds three parallel forms when a mid-year check is wanted too', () => {
    const pool = bank('7.NS.A.1', [-2.5, -2, -1.6, -1.1, -0.7, -0.2, 0, 0.1, 0.6, 0.9, 1.3, 1.7, 2.2, 2.8]);
    const bp = [{ standard: '7.NS.A.1', items: 4 }];
    const { forms } = assembleParallelForms(pool, bp, 3, { tolerance: 0.2 });
    expectValidForms(pool, bp, 3, 0.2, forms);
  });

  it('balances a bank sorted easiest-first, where taking items in bank order would give the post-test all the hard ones', () => {
    const pool = bank('8.EE.A.1', [-2.4, -2, -1.7, -1.1, -0.6, -0.2, 0.3, 0.8, 1.2, 1.9, 2.5, 2.9]);
    const bp = [{ standard: '8.EE.A.1', items: 6 }];
    expect(firstFit(pool, bp, 2)).toBeGreaterThan(0.5);
    const { forms } = assembleParallelForms(pool, bp, 2, { tolerance: 0.1 });
    expectValidForms(pool, bp, 2, 0.1, forms);
  });

  it('balances a lopsided bank where one very hard item must be offset by choosing the right spare items', () => {
    // Outliers at both ends; dealing a spread of items alone leaves about 0.3 logits between the forms,
    // so reaching 0.1 takes swapping items between forms and trading in spares.
    const pool = bank('8.G.B.7', [-1, -0.9, -0.5, -0.4, 0, 0.1, 0.2, 3, -2.8, 1.4]);
    const bp = [{ standard: '8.G.B.7', items: 3 }];
    expect(firstFit(pool, bp, 2)).toBeGreaterThan(0.5);
    const { forms } = assembleParallelForms(pool, bp, 2, { tolerance: 0.1 });
    expectValidForms(pool, bp, 2, 0.1, forms);
  });

  it('never puts an item aligned to two standards on two forms or twice on one form', () => {
    const shared = [item('both-1', ['A.1', 'B.1'], 0), item('both-2', ['A.1', 'B.1'], 0.1), item('both-3', ['A.1', 'B.1'], -0.1)];
    const pool = [...shared, item('a-only', ['A.1'], 0.2), item('b-only', ['B.1'], -0.2)];
    const bp = [
      { standard: 'A.1', items: 1 },
      { standard: 'B.1', items: 1 },
    ];
    const { forms } = assembleParallelForms(pool, bp, 2);
    expectValidForms(pool, bp, 2, 0.5, forms);
  });

  it('gives shared items to the standard that has no other choice', () => {
    // B.1 can only be filled with the two shared items, so A.1 must use its own.
    const pool = [item('a-1', ['A.1'], 0), item('a-2', ['A.1'], 0), item('ab-1', ['A.1', 'B.1'], 0), item('ab-2', ['A.1', 'B.1'], 0)];
    const bp = [
      { standard: 'A.1', items: 1 },
      { standard: 'B.1', items: 1 },
    ];
    const { forms } = assembleParallelForms(pool, bp, 2);
    expectValidForms(pool, bp, 2, 0.5, forms);
    expect(forms.flatMap((f) => f.items.filter((i) => i.standard === 'B.1').map((i) => i.id)).sort()).toEqual(['ab-1', 'ab-2']);
  });

  it('uses only the newest version of an item and never two versions of the same item', () => {
    const pool = [item('q-1', ['S.1'], 0, 1), item('q-1', ['S.1'], 0.1, 2), item('q-2', ['S.1'], 0)];
    const { forms } = assembleParallelForms(pool, [{ standard: 'S.1', items: 1 }], 2);
    expect(forms.flatMap((f) => f.items).find((i) => i.id === 'q-1')?.version).toBe(2);
    expect(problemsOf(() => assembleParallelForms(pool.slice(0, 2), [{ standard: 'S.1', items: 1 }], 2))[0]!.reason).toBe(
      'S.1 needs 2 items for 2 forms of 1; the bank has 1',
    );
  });

  it('gives the same forms for the same seed and different balanced forms for other seeds', () => {
    const pool = [...ratios, ...expressions];
    const a = assembleParallelForms(pool, blueprint, 2, { seed: 7 });
    expect(assembleParallelForms(pool, blueprint, 2, { seed: 7 })).toEqual(a);
    const others = [1, 2, 3, 4, 5].map((seed) => assembleParallelForms(pool, blueprint, 2, { seed }));
    others.forEach(({ forms }) => expectValidForms(pool, blueprint, 2, 0.5, forms));
    expect(others.some((o) => JSON.stringify(o) !== JSON.stringify(a))).toBe(true);
  });
});

describe('when the bank cannot fill the blueprint', () => {
  it('says which standard is short, how many it needs and how many the bank has', () => {
    const pool = [...bank('6.RP.A.1', [0, 0.1, 0.2, 0.3, 0.4]), ...bank('6.EE.A.2', [0])];
    const problems = problemsOf(() =>
      assembleParallelForms(pool, [{ standard: '6.RP.A.1', items: 3 }, { standard: '6.EE.A.2', items: 1 }, { standard: '6.NS.B.3', items: 2 }], 2),
    );
    expect(problems).toEqual([
      { standard: '6.RP.A.1', reason: '6.RP.A.1 needs 6 items for 2 forms of 3; the bank has 5' },
      { standard: '6.EE.A.2', reason: '6.EE.A.2 needs 2 items for 2 forms of 1; the bank has 1' },
      { standard: '6.NS.B.3', reason: '6.NS.B.3 needs 4 items for 2 forms of 2; the bank has 0' },
    ]);
  });

  it('explains when standards have enough items each but not once shared items are counted once', () => {
    const pool = [item('ab-1', ['A.1', 'B.1'], 0), item('ab-2', ['A.1', 'B.1'], 0), item('a-1', ['A.1'], 0), item('c-1', ['C.1'], 0), item('c-2', ['C.1'], 0)];
    const bp = [
      { standard: 'A.1', items: 1 },
      { standard: 'B.1', items: 1 },
      { standard: 'C.1', items: 1 },
    ];
    let error: AssemblyError | undefined;
    try {
      assembleParallelForms(pool, bp, 2);
    } catch (e) {
      error = e as AssemblyError;
    }
    expect(error).toBeInstanceOf(AssemblyError);
    expect(error!.problems.map((p) => p.standard).sort()).toEqual(['A.1', 'B.1']);
    for (const p of error!.problems) expect(p.reason).toMatch(/together they need 4 items for 2 forms, and the bank has 3 aligned to any of them/);
    expect(error!.message).toContain('A.1 shares its items with B.1');
  });

  it('says when the difficulties cannot be balanced within the tolerance', () => {
    const pool = bank('7.RP.A.2', [-2, 2]);
    const problems = problemsOf(() => assembleParallelForms(pool, [{ standard: '7.RP.A.2', items: 1 }], 2));
    expect(problems).toHaveLength(1);
    expect(problems[0]!.standard).toBe('7.RP.A.2');
    expect(problems[0]!.reason).toMatch(/differs by 4\.00 logits.*allowed: 0\.5/);
  });

  it('rejects a blueprint that lists a standard twice or asks for no items', () => {
    const pool = bank('S.1', [0, 0, 0, 0]);
    const problems = problemsOf(() =>
      assembleParallelForms(pool, [{ standard: 'S.1', items: 1 }, { standard: 'S.1', items: 1 }, { standard: 'S.2', items: 0 }], 2),
    );
    expect(problems.map((p) => p.standard)).toEqual(['S.1', 'S.2']);
  });

  it('rejects a nonsensical form count or tolerance as a programming error', () => {
    expect(() => assembleParallelForms([], [], 0)).toThrow(RangeError);
    expect(() => assembleParallelForms([], [], 2, { tolerance: -1 })).toThrow(RangeError);
  });
});

describe('difficulty report for authors', () => {
  it('lists each standard with every form’s mean difficulty and the largest gap', () => {
    const forms: Form[] = [
      { items: [], meanDifficulty: { 'A.1': 0.2, 'B.1': -1 } },
      { items: [], meanDifficulty: { 'A.1': -0.1, 'B.1': -1 } },
      { items: [], meanDifficulty: { 'A.1': 0.4 } },
    ];
    const report = formDifficultyReport(forms);
    expect(report).toHaveLength(2);
    expect(report[0]).toMatchObject({ standard: 'A.1', meanByForm: [0.2, -0.1, 0.4] });
    expect(report[0]!.maxGap).toBeCloseTo(0.5, 12);
    expect(report[1]).toEqual({ standard: 'B.1', meanByForm: [-1, -1, null], maxGap: 0 });
  });

  it('agrees with the means of assembled forms', () => {
    const pool = [...ratios, ...expressions];
    const { forms } = assembleParallelForms(pool, blueprint, 2);
    for (const row of formDifficultyReport(forms)) expect(row.maxGap).toBeLessThanOrEqual(0.5);
  });
});

describe('any bank and blueprint', () => {
  const standards = ['S.1', 'S.2', 'S.3', 'S.4'];
  const poolArb = fc
    .array(
      fc.record({
        standards: fc.subarray(standards, { minLength: 1, maxLength: 2 }),
        difficulty: fc.integer({ min: -30, max: 30 }).map((d) => d / 10),
        version: fc.integer({ min: 1, max: 2 }),
        id: fc.integer({ min: 0, max: 200 }).map((n) => `item-${n}`), // some ids repeat, as new versions do
      }),
      { minLength: 10, maxLength: 90 },
    );
  // Sized so that roughly half the cases can be filled and half exercise the errors.
  const blueprintArb = fc.uniqueArray(
    fc.record({ standard: fc.constantFrom(...standards), items: fc.integer({ min: 1, max: 3 }) }),
    { selector: (e) => e.standard, minLength: 1, maxLength: 4 },
  );

  it('whenever it returns forms, they share no item, fill the blueprint and are balanced', () => {
    fc.assert(
      fc.property(poolArb, blueprintArb, fc.integer({ min: 1, max: 3 }), fc.constantFrom(0.1, 0.5, 1), fc.integer(), (pool, bp, count, tolerance, seed) => {
        let forms: Form[];
        try {
          forms = assembleParallelForms(pool, bp, count, { tolerance, seed }).forms;
        } catch (e) {
          expect(e).toBeInstanceOf(AssemblyError);
          const problems = (e as AssemblyError).problems;
          expect(problems.length).toBeGreaterThan(0);
          for (const p of problems) expect(bp.map((b) => b.standard)).toContain(p.standard);
          return;
        }
        expectValidForms(pool, bp, count, tolerance, forms);
      }),
      { numRuns: 500 },
    );
  });

  it('never calls a bank short when every standard has enough items of its own', () => {
    fc.assert(
      fc.property(blueprintArb, fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 5 }), fc.integer(), (bp, count, spare, seed) => {
        const pool = bp.flatMap(({ standard, items }) =>
          Array.from({ length: items * count + spare }, (_, n) => item(`${standard}-${n}`.toLowerCase(), [standard], ((n * 7919) % 61) / 10 - 3)),
        );
        try {
          assembleParallelForms(pool, bp, count, { tolerance: 5, seed });
        } catch (e) {
          throw new Error(`unexpected: ${(e as Error).message}`);
        }
      }),
    );
  });

  it('finds balanced forms in a bank with a few spares per standard', () => {
    // A realistic bank: twice as many items as the blueprint needs, difficulties spread over ±2.5 logits.
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -25, max: 25 }).map((d) => d / 10), { minLength: 16, maxLength: 16 }),
        fc.integer(),
        (difficulties, seed) => {
          const pool = bank('S.1', difficulties);
          const bp = [{ standard: 'S.1', items: 4 }];
          expectValidForms(pool, bp, 2, 0.5, assembleParallelForms(pool, bp, 2, { seed }).forms);
        },
      ),
    );
  });
});
