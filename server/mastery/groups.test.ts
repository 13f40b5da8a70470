import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { needsReteach, pickPracticeItems, practicePerStandard, suggestGroups, type CandidateItem, type StudentNeeds } from './groups.js';

const S = ['A', 'B', 'C'];
const st = (personId: string, needs: string[], notMastered: string[] = needs): StudentNeeds => ({ personId, needs, notMastered });

describe('suggested groups', () => {
  it('puts students who need the same standards together and labels the group with them', () => {
    const groups = suggestGroups([st('p1', ['A']), st('p2', ['B']), st('p3', ['A']), st('p4', ['B']), st('p5', ['A'])], S, { groupCount: 2 });
    expect(groups).toEqual([
      { students: ['p1', 'p3', 'p5'], reteach: [{ code: 'A', students: 3 }], extend: [] },
      { students: ['p2', 'p4'], reteach: [{ code: 'B', students: 2 }], extend: [] },
    ]);
  });

  it('makes groups of at most the size asked for, moving the student who fits best', () => {
    const groups = suggestGroups([st('p1', ['A', 'B']), st('p2', ['A', 'B']), st('p3', ['A', 'B']), st('p4', ['A']), st('p5', ['C']), st('p6', ['C'])], S, { groupSize: 3 });
    expect(groups.map((g) => g.students.length).sort()).toEqual([3, 3]);
    const ab = groups.find((g) => g.students.includes('p1'))!;
    expect(ab.students).toEqual(['p1', 'p2', 'p3']);
    expect(ab.reteach.map((r) => r.code)).toEqual(['A', 'B']);
    const rest = groups.find((g) => g.students.includes('p5'))!;
    expect(rest.students).toEqual(['p4', 'p5', 'p6']);
    // Two of three need C; A is needed by one only and is not the group's label.
    expect(rest.reteach).toEqual([{ code: 'C', students: 2 }]);
  });

  it('splits students with identical needs when more groups are asked for than there are kinds of need', () => {
    const groups = suggestGroups(['p1', 'p2', 'p3', 'p4', 'p5'].map((p) => st(p, ['A'])), S, { groupCount: 2 });
    expect(groups.map((g) => g.students)).toEqual([['p1', 'p2', 'p3'], ['p4', 'p5']]);
    expect(groups.every((g) => g.reteach[0]?.code === 'A')).toBe(true);
  });

  it('gives students with nothing to reteach an extension group on what they have not yet mastered, listed last', () => {
    const groups = suggestGroups([st('p1', [], ['B']), st('p2', ['A']), st('p3', [], ['B', 'C']), st('p4', ['A'])], S, { groupSize: 2 });
    expect(groups).toEqual([
      { students: ['p2', 'p4'], reteach: [{ code: 'A', students: 2 }], extend: [] },
      { students: ['p1', 'p3'], reteach: [], extend: [{ code: 'B', students: 2 }, { code: 'C', students: 1 }] },
    ]);
  });

  it('never makes more groups than students, and returns none for an empty class', () => {
    expect(suggestGroups([st('p1', ['A'])], S, { groupCount: 5 })).toHaveLength(1);
    expect(suggestGroups([], S, { groupSize: 4 })).toEqual([]);
    expect(() => suggestGroups([st('p1', ['A'])], S, { groupSize: 0 })).toThrow(/groupSize/);
    expect(() => suggestGroups([st('p1', ['A']), st('p1', ['B'])], S, { groupSize: 2 })).toThrow(/twice/);
  });

  it('places every student in exactly one group, within the size limit, for any class', () => {
    const needs = fc.subarray(S);
    fc.assert(fc.property(fc.array(needs, { minLength: 1, maxLength: 40 }), fc.oneof(
      fc.integer({ min: 1, max: 8 }).map((groupSize) => ({ groupSize })),
      fc.integer({ min: 1, max: 10 }).map((groupCount) => ({ groupCount })),
    ), (list, target) => {
      const students = list.map((n, i) => st(`p${i}`, n));
      const groups = suggestGroups(students, S, target);
      const placed = groups.flatMap((g) => g.students);
      expect([...placed].sort()).toEqual(students.map((s) => s.personId).sort());
      const n = students.length;
      const k = 'groupSize' in target ? Math.ceil(n / target.groupSize) : Math.min(target.groupCount, n);
      const cap = 'groupSize' in target ? target.groupSize : Math.ceil(n / k);
      expect(groups.length).toBe(k);
      for (const g of groups) expect(g.students.length).toBeLessThanOrEqual(cap);
      expect(suggestGroups(students, S, target)).toEqual(groups);
    }), { numRuns: 200 });
  });

  it('counts Beginning and Developing as needing reteaching, Proficient and Mastered as not', () => {
    expect(['beginning', 'developing', 'proficient', 'mastered'].map((l) => needsReteach(l as never))).toEqual([true, true, false, false]);
  });
});

describe('practice items', () => {
  const bank: CandidateItem[] = [
    { id: 'hard', version: 1, title: 'Hard', standards: ['A'], difficulty: 2 },
    { id: 'easy', version: 2, title: 'Easy', standards: ['A'], difficulty: -2 },
    { id: 'mid', version: 1, title: 'Mid', standards: ['A'], difficulty: 0 },
    { id: 'seen', version: 1, title: 'Seen', standards: ['A'], difficulty: -3 },
    { id: 'other', version: 1, title: 'Other', standards: ['B'], difficulty: -3 },
  ];

  it('picks items the students have not just seen, easiest first for reteaching and hardest first to stretch', () => {
    expect(pickPracticeItems(bank, 'A', { count: 3, exclude: new Set(['seen']), mode: 'reteach' }).map((i) => i.id)).toEqual(['easy', 'mid', 'hard']);
    expect(pickPracticeItems(bank, 'A', { count: 2, exclude: new Set(['seen']), mode: 'extend' }).map((i) => i.id)).toEqual(['hard', 'mid']);
    expect(pickPracticeItems(bank, 'A', { count: 1, mode: 'reteach' })[0]).toEqual({ id: 'seen', version: 1, title: 'Seen', standard: 'A' });
  });

  it('falls back to items already seen when the bank has too few others', () => {
    expect(pickPracticeItems(bank, 'B', { count: 3, exclude: new Set(['other']), mode: 'reteach' }).map((i) => i.id)).toEqual(['other']);
  });

  it('gives three items for a single standard and two each for several', () => {
    expect([1, 2, 3].map(practicePerStandard)).toEqual([3, 2, 2]);
  });
});
