import { describe, expect, it } from 'vitest';
import { decimal, effectWord, percent, points } from './format.js';
import { groupOf, moveStudent, saveBody, type GroupsDraft } from './groups-edit.js';
import { nextSort, sortRows } from './mastery-sort.js';
import type { MasteryRow } from './types.js';

const row = (displayName: string, level: MasteryRow['cells'][string]): MasteryRow => ({ personId: displayName, displayName, cells: { A: level } });
const cell = (level: 'beginning' | 'developing' | 'proficient' | 'mastered', pMastery: number) => ({ level, pMastery, evidence: 3, attempts: 1 });

describe('sorting the mastery map', () => {
  const rows = [row('Cy', cell('proficient', 0.7)), row('ana', cell('beginning', 0.1)), row('Ben', null), row('Dee', cell('beginning', 0.05))];

  it('sorts by name regardless of case, either way', () => {
    expect(sortRows(rows, { key: { by: 'student' }, direction: 'ascending' }).map((r) => r.displayName)).toEqual(['ana', 'Ben', 'Cy', 'Dee']);
    expect(sortRows(rows, { key: { by: 'student' }, direction: 'descending' }).map((r) => r.displayName)).toEqual(['Dee', 'Cy', 'Ben', 'ana']);
  });

  it('puts the students who need a standard most at the top, and those with no evidence at the bottom either way', () => {
    expect(sortRows(rows, { key: { by: 'standard', code: 'A' }, direction: 'ascending' }).map((r) => r.displayName)).toEqual(['Dee', 'ana', 'Cy', 'Ben']);
    expect(sortRows(rows, { key: { by: 'standard', code: 'A' }, direction: 'descending' }).map((r) => r.displayName)).toEqual(['Cy', 'ana', 'Dee', 'Ben']);
  });

  it('flips the direction when the same column is chosen again and starts a new column ascending', () => {
    const s = nextSort({ key: { by: 'student' }, direction: 'ascending' }, { by: 'student' });
    expect(s.direction).toBe('descending');
    expect(nextSort(s, { by: 'standard', code: 'A' })).toEqual({ key: { by: 'standard', code: 'A' }, direction: 'ascending' });
    expect(nextSort({ key: { by: 'standard', code: 'A' }, direction: 'ascending' }, { by: 'standard', code: 'B' }).direction).toBe('ascending');
  });
});

describe('editing groups', () => {
  const draft: GroupsDraft = {
    groups: [
      { number: 1, name: null, students: [{ personId: 'a', displayName: 'Ana', needs: ['A'] }, { personId: 'b', displayName: 'Ben', needs: ['A'] }], reteach: [{ code: 'A', description: '', students: 2 }], extend: [], practiceItems: [{ id: 'i1', version: 1, title: 'T', standard: 'A' }] },
      { number: 2, name: 'Table 2', students: [{ personId: 'c', displayName: 'Cy', needs: [] }], reteach: [], extend: [{ code: 'B', description: '', students: 1 }], practiceItems: [] },
    ],
    ungrouped: [{ personId: 'e', displayName: 'Eve' }],
  };

  it('moves a student to another group and keeps everyone else where they were', () => {
    const d = moveStudent(draft, 'a', 2);
    expect(d.groups.map((g) => g.students.map((s) => s.personId))).toEqual([['b'], ['c', 'a']]);
    expect(groupOf(d, 'a')).toBe(2);
    expect(draft.groups[0]!.students).toHaveLength(2); // the original is untouched
  });

  it('takes a student out of every group, and puts an ungrouped student into one', () => {
    const out = moveStudent(draft, 'c', 0);
    expect(out.groups[1]!.students).toEqual([]);
    expect(out.ungrouped.map((s) => s.personId)).toEqual(['e', 'c']);
    const placed = moveStudent(draft, 'e', 1);
    expect(placed.groups[0]!.students.map((s) => s.personId)).toEqual(['a', 'b', 'e']);
    expect(placed.ungrouped).toEqual([]);
    expect(groupOf(placed, 'e')).toBe(1);
  });

  it('changes nothing for an unknown student or group', () => {
    expect(moveStudent(draft, 'zz', 1)).toBe(draft);
    expect(moveStudent(draft, 'a', 9)).toBe(draft);
  });

  it('sends the groups as ids, standards and practice item ids', () => {
    expect(saveBody(draft, 3)).toEqual({
      rev: 3,
      groups: [
        { name: null, studentIds: ['a', 'b'], reteach: ['A'], extend: [], practiceItemIds: ['i1'] },
        { name: 'Table 2', studentIds: ['c'], reteach: [], extend: ['B'], practiceItemIds: [] },
      ],
    });
  });
});

describe('numbers in words', () => {
  it('writes shares as percents and changes as signed points in the reader\'s locale', () => {
    expect(percent(0.667, 'en')).toBe('67%');
    expect(percent(null, 'en')).toBe('—');
    expect(points(0.5, 'en')).toBe('+50');
    expect(points(-0.125, 'en')).toBe('−13');
    expect(points(0, 'es')).toBe('0');
    expect(decimal(2.309, 'es')).toBe('2,31');
    expect(['en', 'es'].map((l) => percent(0.5, l).replace(/\s/g, ' '))).toEqual(['50%', '50 %']);
  });

  it('names effect sizes the conventional way', () => {
    expect([0.1, -0.3, 0.6, 2.3].map(effectWord)).toEqual(['negligible', 'small', 'medium', 'large']);
  });
});
