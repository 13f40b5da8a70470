// Standards for pickers and filters: loaded once per API client and shared by every authoring
// component on the page (the list is small and does not change during a session).
import type { Api } from '../shared/api.js';
import type { AuthoringTranslate } from './strings.js';
import type { StandardView } from './types.js';

const cache = new WeakMap<Api, Promise<StandardView[]>>();

export function loadStandards(api: Api): Promise<StandardView[]> {
  let p = cache.get(api);
  if (!p) {
    p = api.get<{ standards: StandardView[] }>('/standards').then((r) => r.standards);
    p.catch(() => cache.delete(api));
    cache.set(api, p);
  }
  return p;
}

const GRADE_ORDER = (g: string) => (/^\d+$/.test(g) ? Number(g) : 100);

/** Grades present in the list, numeric grades first, then course codes (e.g. "A1"). */
export function gradesOf(standards: StandardView[]): string[] {
  return [...new Set(standards.map((s) => s.grade))].sort((a, b) => GRADE_ORDER(a) - GRADE_ORDER(b) || a.localeCompare(b));
}

/** Only assessable standards (not domains or clusters), optionally of one grade. */
export function assessable(standards: StandardView[], grade?: string): StandardView[] {
  return standards.filter((s) => s.kind === 'standard' && (!grade || s.grade === grade));
}

/** "Grade 7", "Algebra I": how a grade code reads in a menu. */
export function gradeLabel(t: AuthoringTranslate, grade: string): string {
  if (/^\d+$/.test(grade)) return t('gradeN', { grade });
  if (grade === 'A1') return t('algebra1');
  return grade;
}
