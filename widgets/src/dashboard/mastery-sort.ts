// Sorting the mastery map: by student name, or by one standard's level (lowest first, so the students who need
// help come to the top). Students with no evidence on that standard stay at the bottom either way. Pure.
import type { Level, MasteryRow } from './types.js';

export type SortKey = { by: 'student' } | { by: 'standard'; code: string };
export type SortDirection = 'ascending' | 'descending';
export interface SortState { key: SortKey; direction: SortDirection }

export const LEVEL_ORDER: readonly Level[] = ['beginning', 'developing', 'proficient', 'mastered'];

const byName = (a: MasteryRow, b: MasteryRow) => a.displayName.localeCompare(b.displayName, undefined, { sensitivity: 'base' });

export function sortRows(rows: readonly MasteryRow[], s: SortState): MasteryRow[] {
  const sign = s.direction === 'ascending' ? 1 : -1;
  if (s.key.by === 'student') return [...rows].sort((a, b) => sign * byName(a, b));
  const code = s.key.code;
  return [...rows].sort((a, b) => {
    const x = a.cells[code];
    const y = b.cells[code];
    if (!x || !y) return (x ? 0 : 1) - (y ? 0 : 1) || byName(a, b);
    const diff = LEVEL_ORDER.indexOf(x.level) - LEVEL_ORDER.indexOf(y.level) || (x.pMastery ?? 0) - (y.pMastery ?? 0);
    return sign * diff || byName(a, b);
  });
}

/** The next state when a column header is pressed: a new column starts ascending, the same one flips. */
export function nextSort(current: SortState, key: SortKey): SortState {
  const same = current.key.by === key.by && (key.by === 'student' || (current.key.by === 'standard' && current.key.code === key.code));
  return { key, direction: same && current.direction === 'ascending' ? 'descending' : 'ascending' };
}
