// The assessment builder's form as plain data: validation tied to field ids, the POST body, and the
// forms' difficulty report combined across a pre/post pair so it reads as one table.
import { BALANCED_GAP } from '../difficulty.js';
import type { AuthoringKey } from '../strings.js';
import type { AssessmentDetail, AssessmentKind, NewAssessment } from '../types.js';

export const MAX_ITEMS_PER_STANDARD = 20;

export interface BlueprintRow { key: number; standard: string; items: string }

export interface BuilderForm {
  title: string;
  grade: string;
  kind: 'pre-post' | 'diagnostic';
  rows: BlueprintRow[];
  attempts: string;
  timeLimit: string;
  showCorrect: boolean;
  /** Multistage adaptive delivery (docs/adaptive.md) instead of fixed forms. */
  adaptive?: boolean;
}

export interface FormProblem { field: string; key: AuthoringKey; vars?: Record<string, string | number> }

let rowKey = 0;
export function newRow(standard = ''): BlueprintRow { rowKey += 1; return { key: rowKey, standard, items: '2' }; }

export function emptyBuilderForm(grade = ''): BuilderForm {
  return { title: '', grade, kind: 'pre-post', rows: [newRow()], attempts: '1', timeLimit: '', showCorrect: false };
}

const wholeIn = (text: string, min: number, max: number) => /^\d+$/.test(text.trim()) && Number(text) >= min && Number(text) <= max;

export function validateBuilder(f: BuilderForm): FormProblem[] {
  const out: FormProblem[] = [];
  if (!f.title.trim()) out.push({ field: 'a-title', key: 'errTitleEmpty' });
  else if (f.title.length > 200) out.push({ field: 'a-title', key: 'errTooLong', vars: { max: 200 } });
  if (!f.grade) out.push({ field: 'a-grade', key: 'errGradeEmpty' });
  if (f.rows.length === 0) out.push({ field: 'blueprint', key: 'errNoRows' });
  const seen = new Set<string>();
  for (const r of f.rows) {
    if (!r.standard) out.push({ field: `row-std-${r.key}`, key: 'errRowStandard' });
    else if (seen.has(r.standard)) out.push({ field: `row-std-${r.key}`, key: 'errRowDuplicate', vars: { code: r.standard } });
    seen.add(r.standard);
    if (!wholeIn(r.items, 1, MAX_ITEMS_PER_STANDARD)) out.push({ field: `row-items-${r.key}`, key: 'errRowItems', vars: { max: MAX_ITEMS_PER_STANDARD } });
  }
  if (!wholeIn(f.attempts, 1, 20)) out.push({ field: 'a-attempts', key: 'errAttempts' });
  if (f.timeLimit.trim() && !wholeIn(f.timeLimit, 1, 600)) out.push({ field: 'a-time', key: 'errTimeLimit' });
  return out;
}

export function toNewAssessment(f: BuilderForm): NewAssessment {
  return {
    title: f.title.trim(),
    grade: f.grade,
    kind: f.kind,
    blueprint: f.rows.map((r) => ({ standard: r.standard, items: Number(r.items) })),
    settings: {
      attemptsAllowed: Number(f.attempts),
      timeLimitMinutes: f.timeLimit.trim() ? Number(f.timeLimit) : null,
      showCorrectAnswers: f.showCorrect,
      ...(f.adaptive ? { mode: 'adaptive' as const } : {}),
    },
  };
}

/** The builder field a server problem path (e.g. "blueprint.1.items") belongs to; '' when none. */
export function fieldForAssessmentPath(path: string, f: BuilderForm): string {
  const [a, b, c] = path.split(/[./]/).filter(Boolean);
  if (a === 'title') return 'a-title';
  if (a === 'grade') return 'a-grade';
  if (a === 'kind') return 'a-kind';
  if (a === 'settings') return b === 'attemptsAllowed' ? 'a-attempts' : b === 'timeLimitMinutes' ? 'a-time' : '';
  if (a === 'blueprint' && b !== undefined && /^\d+$/.test(b)) {
    const row = f.rows[Number(b)];
    if (row) return c === 'items' ? `row-items-${row.key}` : `row-std-${row.key}`;
  }
  if (a === 'blueprint') return 'blueprint';
  return '';
}

export interface ReportColumn { kind: AssessmentKind; form: number }
export interface ReportRow { standard: string; means: (number | null)[]; gap: number; balanced: boolean }
export interface DifficultyReport { columns: ReportColumn[]; rows: ReportRow[] }

/**
 * One table for what was built: columns are forms (pre, post, or a diagnostic's forms), rows are standards.
 * A pair whose details each report one form is stitched together, and the gap computed across the pair.
 */
export function combineDifficulty(details: AssessmentDetail[]): DifficultyReport {
  const first = details[0];
  if (!first) return { columns: [], rows: [] };
  const multiForm = first.difficulty.some((d) => d.meanByForm.length > 1);
  if (details.length === 1 || multiForm) {
    const width = Math.max(1, ...first.difficulty.map((d) => d.meanByForm.length));
    const kinds: AssessmentKind[] = details.length === width ? details.map((d) => d.kind) : Array.from({ length: width }, () => first.kind);
    return {
      columns: kinds.map((kind, form) => ({ kind, form: form + 1 })),
      rows: first.difficulty.map((d) => ({ standard: d.standard, means: d.meanByForm, gap: d.maxGap, balanced: d.maxGap <= BALANCED_GAP })),
    };
  }
  const standards = [...new Set(details.flatMap((d) => d.difficulty.map((x) => x.standard)))];
  return {
    columns: details.map((d, n) => ({ kind: d.kind, form: n + 1 })),
    rows: standards.map((standard) => {
      const means = details.map((d) => d.difficulty.find((x) => x.standard === standard)?.meanByForm[0] ?? null);
      const present = means.filter((m): m is number => m !== null);
      const gap = present.length < 2 ? 0 : Math.max(...present) - Math.min(...present);
      return { standard, means, gap, balanced: gap <= BALANCED_GAP };
    }),
  };
}
