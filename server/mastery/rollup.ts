// The district roll-up as arithmetic: a fold over a tenant's mastery estimates (one student × standard × course
// each) into per-standard counts, optional per-course and per-grade breakdowns, and a pre→post growth summary per
// paired assessment. Aggregates only — no person id leaves this module — and every cell with fewer than
// `minCell` students is suppressed. Pure: estimates in, plain data out. Definitions: docs/mastery.md, "District roll-up".
import { csvFileName, toCsv, type CsvValue } from './csv.js';
import { defaultModel, LEVELS, levelRank, type AttemptKind, type Level, type MasteryModel, type EvidenceState } from './model.js';

/** The smallest group a number is shown for (FERPA-minded small-cell suppression; docs/privacy.md). */
export const MIN_CELL = 5;

/** One attempt's evidence on the estimate's standard, as stored on the estimate. */
export interface RollupSitting {
  assessmentId: string;
  kind: AttemptKind;
  at: Date | string;
  points: number;
  maxPoints: number;
  /** Item credit and difficulty (items with a known difficulty only). */
  items?: { c: number; d: number }[];
}

/** The fields of one stored estimate the roll-up reads (a projection). */
export interface RollupEstimate {
  courseId: string;
  personId: string;
  framework: string;
  code: string;
  level: Level;
  pMastery: number;
  updatedAt: Date | string;
  attempts: RollupSitting[];
}

export type LevelCounts = Record<Level, number>;

/** A cell with enough students to show. Shares are of the cell's students (per grade: of its estimates). */
export interface ShownCell {
  suppressed: false;
  students: number;
  levels: LevelCounts;
  /** Share at Proficient or Mastered. */
  proficientShare: number;
  meanPMastery: number;
}
/** Fewer than the minimum: no number at all, so a small group cannot be recognised. */
export interface SuppressedCell { suppressed: true }
export type RollupCell = ShownCell | SuppressedCell;

export interface StandardRollup { code: string; framework: string; grade: string | null; cell: RollupCell }
export interface CourseRollup { courseId: string; students: number | null; standards: { code: string; cell: RollupCell }[] }
export interface GradeRollup {
  grade: string;
  standards: string[];
  /** Distinct students with evidence on any of the grade's standards; levels and shares count student × standard estimates. */
  students: number | null;
  estimates: number | null;
  cell: RollupCell;
}

export type PairGrowth = {
  pre: string;
  post: string;
} & ({
  suppressed: false;
  /** Students with both tests on at least one common standard. */
  students: number;
  meanPre: number;
  meanPost: number;
  /** Mean of (post share − pre share) over the standards both tests measured, per student. */
  meanGain: number;
  /** Share of those students who moved up at least one level on at least one standard. */
  movedUpShare: number;
} | { suppressed: true });

export interface RollupData {
  minCell: number;
  /** Distinct students with any evidence (null when suppressed). */
  students: number | null;
  courses: number;
  estimates: number;
  standards: StandardRollup[];
  courseBreakdown?: CourseRollup[];
  gradeBreakdown?: GradeRollup[];
  growth: PairGrowth[];
}

export interface RollupOptions {
  /** Post-test assessment id → its pre-test's id. */
  pairs: ReadonlyMap<string, string>;
  byCourse?: boolean;
  byGrade?: boolean;
  /** A standard's grade (from the standards catalogue); null when unknown. */
  gradeOf?: (code: string) => string | null;
  minCell?: number;
  /** The level one sitting's items alone give (default: the mastery model's, as on the teacher's growth view). */
  sittingLevel?: (items: readonly { c: number; d: number }[], at: Date, kind: AttemptKind) => Level;
}

const PROFICIENT = levelRank('proficient');
const zeroLevels = (): LevelCounts => ({ beginning: 0, developing: 0, proficient: 0, mastered: 0 });
const time = (t: Date | string) => (t instanceof Date ? t.getTime() : Date.parse(t));
const share = (points: number, max: number) => (max > 0 ? Math.min(1, Math.max(0, points / max)) : 0);
const naturalCode = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

interface Tally { students: number; levels: LevelCounts; pSum: number }
const newTally = (): Tally => ({ students: 0, levels: zeroLevels(), pSum: 0 });
function count(t: Tally, level: Level, p: number): void {
  t.students += 1;
  t.levels[level] += 1;
  t.pSum += Number.isFinite(p) ? p : 0;
}

/** A tally as a cell: the numbers when `people` (distinct students) reaches the minimum, else nothing. */
export function cellOf(t: Tally, minCell: number, people = t.students): RollupCell {
  if (people < minCell || t.students === 0) return { suppressed: true };
  const atLeastProficient = LEVELS.filter((l) => levelRank(l) >= PROFICIENT).reduce((s, l) => s + t.levels[l], 0);
  return { suppressed: false, students: t.students, levels: { ...t.levels }, proficientShare: atLeastProficient / t.students, meanPMastery: t.pSum / t.students };
}

/** The mastery model's level for one sitting's items on their own (memoised: the same items recur). */
export function modelSittingLevel<S extends EvidenceState>(model: MasteryModel<S> = defaultModel as unknown as MasteryModel<S>) {
  const memo = new Map<string, Level>();
  return (items: readonly { c: number; d: number }[], at: Date, kind: AttemptKind): Level => {
    const key = `${kind}|${items.map((i) => `${i.c},${i.d}`).join(';')}`;
    let level = memo.get(key);
    if (!level) {
      const state = model.update(model.initial(), items.map((i) => ({ correct: i.c, difficulty: i.d, at, attemptKind: kind })));
      level = model.estimate(state).level;
      if (memo.size < 100_000) memo.set(key, level);
    }
    return level;
  };
}

interface StudentGrowthTally { prePoints: number; preMax: number; postPoints: number; postMax: number; movedUp: boolean }

/**
 * A fold: `add` each estimate once (any order), then `finish`. Memory grows with students × standards for the
 * district's per-standard counts (a student in two classes that both measured a standard counts once, with the
 * most recently updated estimate), not with the evidence.
 */
export function createRollup(o: RollupOptions) {
  const minCell = o.minCell ?? MIN_CELL;
  const sittingLevel = o.sittingLevel ?? modelSittingLevel();
  // District per standard: one entry per student and standard (the newest estimate wins).
  const latest = new Map<string, { code: string; level: Level; p: number; at: number }>();
  const frameworks = new Map<string, string>();
  const people = new Set<string>();
  const courses = new Set<string>();
  const perCourse = new Map<string, { people: Set<string>; standards: Map<string, Tally> }>();
  const growth = new Map<string, Map<string, StudentGrowthTally>>(); // post id → course|person → tally
  let estimates = 0;

  function addGrowth(e: RollupEstimate): void {
    const pres = new Map<string, RollupSitting>(); // pre-test id → the first sitting (the baseline)
    const posts = new Map<string, RollupSitting>(); // post-test id → the latest sitting
    for (const a of e.attempts) {
      if (a.kind === 'pre') { const seen = pres.get(a.assessmentId); if (!seen || time(a.at) < time(seen.at)) pres.set(a.assessmentId, a); }
      if (a.kind === 'post') { const seen = posts.get(a.assessmentId); if (!seen || time(a.at) >= time(seen.at)) posts.set(a.assessmentId, a); }
    }
    for (const [postId, post] of posts) {
      const preId = o.pairs.get(postId);
      const pre = preId ? pres.get(preId) : undefined;
      if (!pre || pre.maxPoints <= 0 || post.maxPoints <= 0) continue;
      let students = growth.get(postId);
      if (!students) growth.set(postId, (students = new Map()));
      const key = `${e.courseId}|${e.personId}`;
      const t = students.get(key) ?? { prePoints: 0, preMax: 0, postPoints: 0, postMax: 0, movedUp: false };
      t.prePoints += pre.points; t.preMax += pre.maxPoints; t.postPoints += post.points; t.postMax += post.maxPoints;
      const preItems = pre.items ?? [];
      const postItems = post.items ?? [];
      if (!t.movedUp && preItems.length && postItems.length) {
        t.movedUp = levelRank(sittingLevel(postItems, new Date(time(post.at)), 'post')) > levelRank(sittingLevel(preItems, new Date(time(pre.at)), 'pre'));
      }
      students.set(key, t);
    }
  }

  return {
    add(e: RollupEstimate): void {
      estimates += 1;
      people.add(e.personId);
      courses.add(e.courseId);
      if (!frameworks.has(e.code)) frameworks.set(e.code, e.framework);
      const key = `${e.personId}|${e.code}`;
      const at = time(e.updatedAt);
      const seen = latest.get(key);
      if (!seen || at > seen.at) latest.set(key, { code: e.code, level: e.level, p: e.pMastery, at });
      if (o.byCourse) {
        let c = perCourse.get(e.courseId);
        if (!c) perCourse.set(e.courseId, (c = { people: new Set(), standards: new Map() }));
        c.people.add(e.personId);
        let t = c.standards.get(e.code);
        if (!t) c.standards.set(e.code, (t = newTally()));
        count(t, e.level, e.pMastery);
      }
      if (e.attempts.length > 1) addGrowth(e);
    },

    finish(): RollupData {
      const byStandard = new Map<string, Tally>();
      const byGrade = new Map<string, { people: Set<string>; standards: Set<string>; tally: Tally }>();
      for (const [key, v] of latest) {
        let t = byStandard.get(v.code);
        if (!t) byStandard.set(v.code, (t = newTally()));
        count(t, v.level, v.p);
        if (o.byGrade) {
          const grade = o.gradeOf?.(v.code) ?? null;
          if (grade === null) continue;
          let g = byGrade.get(grade);
          if (!g) byGrade.set(grade, (g = { people: new Set(), standards: new Set(), tally: newTally() }));
          g.people.add(key.slice(0, key.indexOf('|')));
          g.standards.add(v.code);
          count(g.tally, v.level, v.p);
        }
      }
      const codes = [...byStandard.keys()].sort(naturalCode);
      const out: RollupData = {
        minCell,
        students: people.size >= minCell ? people.size : null,
        courses: courses.size,
        estimates,
        standards: codes.map((code) => ({ code, framework: frameworks.get(code) ?? '', grade: o.gradeOf?.(code) ?? null, cell: cellOf(byStandard.get(code)!, minCell) })),
        growth: [...growth].map(([post, students]): PairGrowth => {
          const pre = o.pairs.get(post)!;
          const rows = [...students.values()];
          if (rows.length < minCell) return { pre, post, suppressed: true };
          const mean = (f: (t: StudentGrowthTally) => number) => rows.reduce((s, t) => s + f(t), 0) / rows.length;
          return {
            pre, post, suppressed: false, students: rows.length,
            meanPre: mean((t) => share(t.prePoints, t.preMax)),
            meanPost: mean((t) => share(t.postPoints, t.postMax)),
            meanGain: mean((t) => share(t.postPoints, t.postMax) - share(t.prePoints, t.preMax)),
            movedUpShare: rows.filter((t) => t.movedUp).length / rows.length,
          };
        }).sort((a, b) => naturalCode(a.post, b.post)),
      };
      if (o.byCourse) {
        out.courseBreakdown = [...perCourse].map(([courseId, c]) => ({
          courseId,
          students: c.people.size >= minCell ? c.people.size : null,
          standards: [...c.standards.keys()].sort(naturalCode).map((code) => ({ code, cell: cellOf(c.standards.get(code)!, minCell) })),
        })).sort((a, b) => a.courseId.localeCompare(b.courseId));
      }
      if (o.byGrade) {
        out.gradeBreakdown = [...byGrade].map(([grade, g]) => {
          const shown = g.people.size >= minCell;
          return {
            grade, standards: [...g.standards].sort(naturalCode), students: shown ? g.people.size : null, estimates: shown ? g.tally.students : null,
            cell: cellOf(g.tally, minCell, g.people.size),
          };
        }).sort((a, b) => naturalCode(a.grade, b.grade));
      }
      return out;
    },
  };
}

/** Folds a whole list at once (tests, small tenants). */
export function rollUp(estimates: Iterable<RollupEstimate>, o: RollupOptions): RollupData {
  const r = createRollup(o);
  for (const e of estimates) r.add(e);
  return r.finish();
}

// ---------------------------------------------------------------------------------------------------------------
// CSV: one line per cell, the suppressed ones saying so in words.

export const SUPPRESSED_TEXT = (minCell: number) => `fewer than ${minCell}`;

export const ROLLUP_CSV_HEADER = [
  'scope', 'course', 'grade', 'standard', 'description', 'students',
  'beginning', 'developing', 'proficient', 'mastered', 'proficient_or_above_share', 'mean_p_mastery',
] as const;

export interface RollupCsvInput {
  data: RollupData;
  describe: (code: string) => string;
  courseTitle: (courseId: string) => string;
}

const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;

function cellFields(cell: RollupCell, minCell: number): CsvValue[] {
  if (cell.suppressed) return [SUPPRESSED_TEXT(minCell), null, null, null, null, null, null];
  return [cell.students, ...LEVELS.map((l) => cell.levels[l]), round(cell.proficientShare), round(cell.meanPMastery)];
}

export function rollupCsv(i: RollupCsvInput, title: string, at: Date): { fileName: string; text: string } {
  const d = i.data;
  const rows: CsvValue[][] = [];
  for (const s of d.standards) rows.push(['district', null, s.grade, s.code, i.describe(s.code), ...cellFields(s.cell, d.minCell)]);
  for (const g of d.gradeBreakdown ?? []) rows.push(['grade', null, g.grade, null, `${g.standards.length} standards`, ...cellFields(g.cell, d.minCell)]);
  for (const c of d.courseBreakdown ?? []) {
    for (const s of c.standards) rows.push(['course', i.courseTitle(c.courseId), null, s.code, i.describe(s.code), ...cellFields(s.cell, d.minCell)]);
  }
  return { fileName: csvFileName(title, at), text: toCsv(ROLLUP_CSV_HEADER, rows) };
}
