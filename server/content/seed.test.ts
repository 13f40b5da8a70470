import { describe, expect, it } from 'vitest';
import type { Item, Standard } from './item.schema.js';
import { checkBank, checkReadyMade, checkStarterContent, MIN_ITEMS_PER_STANDARD, READY_MADE } from './seed.js';

describe('the shipped starter bank', () => {
  it('passes the bank check: every key valid, every item has a standard, no duplicate stems, enough items for two parallel forms', () => {
    const report = checkStarterContent();
    expect(report.problems).toEqual([]);
    expect(report.summary.items).toBeGreaterThanOrEqual(200);
    expect(report.summary.fewestItems!.items).toBeGreaterThanOrEqual(MIN_ITEMS_PER_STANDARD);
    expect(Object.keys(report.summary.byGrade).sort()).toEqual(['6', '7', '8', 'A1']);
  });

  it('ships a ready-made pre/post pair for every grade, each assembling from the bank', () => {
    const grades = new Set(READY_MADE.filter((d) => d.kind === 'pre-post').map((d) => d.grade));
    expect([...grades].sort()).toEqual(['6', '7', '8', 'A1']);
    const g7 = READY_MADE.find((d) => d.title === 'Grade 7 Ratios & Proportional Relationships');
    expect(g7?.blueprint).toEqual([{ standard: '7.RP.A.1', items: 3 }, { standard: '7.RP.A.2', items: 3 }, { standard: '7.RP.A.3', items: 3 }]);
  });
});

const standards: Standard[] = [
  { framework: 'CCSS.Math', code: '6.RP.A.1', grade: '6', description: 'Ratios', kind: 'standard' },
  { framework: 'CCSS.Math', code: '6.RP.A.2', grade: '6', description: 'Unit rates', kind: 'standard' },
];
const item = (n: number, over: Partial<Item> = {}): Item => ({
  id: `t-${n}`, version: 1, framework: 'CCSS.Math', standards: ['6.RP.A.1'], difficulty: n / 10, stem: `Question number ${n}?`,
  interaction: { type: 'single', choices: [{ id: 'a', content: 'yes' }, { id: 'b', content: 'no' }], shuffle: false, key: { correct: 'a' } },
  feedback: { explanation: 'Because.', choices: {} },
  ...over,
});
const file = (name: string, items: unknown) => ({ file: name, text: JSON.stringify(items) });

describe('the bank check', () => {
  it('accepts a small bank with enough items per standard', () => {
    const report = checkBank([file('a.json', [1, 2, 3, 4, 5, 6].map((n) => item(n)))], standards);
    expect(report.problems).toEqual([]);
    expect(report.summary).toMatchObject({ items: 6, standards: 1, fewestItems: { standard: '6.RP.A.1', items: 6 } });
  });

  it('names each broken item by file and position, and standards without enough items', () => {
    const report = checkBank([
      file('a.json', [
        item(1), item(2),
        item(3, { interaction: { type: 'single', choices: [{ id: 'a', content: 'x' }, { id: 'b', content: 'y' }], shuffle: false, key: { correct: 'z' } } }),
        item(4, { standards: ['6.ZZ.A.1'] }),
        item(5, { id: 't-1' }),
        item(6, { stem: 'Question   NUMBER 1?' }),
        item(7, { interaction: { type: 'numeric', key: { value: 0.1, tolerance: -1, allowFractions: false } } }),
        item(8, { stem: 'See ![](x.png)' }),
      ]),
      file('b.json', { not: 'an array' }),
      { file: 'c.json', text: '{oops' },
    ], standards);
    const text = report.problems.join('\n');
    expect(text).toContain('a.json item 3 (t-3): interaction.key.correct: key "z" is not one of the choices');
    expect(text).toContain('a.json item 4 (t-4): standard 6.ZZ.A.1 is not a known CCSS.Math standard');
    expect(text).toContain('a.json item 5 (t-1): id t-1 is also used in a.json item 1 (t-1)');
    expect(text).toContain('a.json item 6 (t-6): same stem as a.json item 1 (t-1)');
    expect(text).toContain('a.json item 7 (t-7): interaction.key.tolerance');
    expect(text).toContain('a.json item 8 (t-8): stem: image x.png needs alt text');
    expect(text).toContain('b.json: must hold a JSON array of items');
    expect(text).toContain('c.json: not valid JSON');
    expect(text).toMatch(/standard 6\.ZZ\.A\.1: 1 item; at least 6 are needed/);
  });

  it('says which ready-made blueprint the bank cannot fill', () => {
    const items = [1, 2, 3, 4].map((n) => item(n));
    const problems = checkReadyMade([{ id: 'x', title: 'X', grade: '6', kind: 'pre-post', blueprint: [{ standard: '6.RP.A.1', items: 3 }] }], items, standards);
    expect(problems).toEqual([expect.stringMatching(/^ready-made x: 6\.RP\.A\.1 needs 6 items for 2 forms of 3; the bank has 4/)]);
  });
});
