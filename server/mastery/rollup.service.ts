// The district roll-up for one tenant (a district's LMS install): one pass over its courses' mastery snapshots (one
// document per course, read by _id; snapshot.ts), folded by rollup.ts, then standard descriptions and grades, course
// titles and the titles of paired tests added. Answers are cached for a minute per tenant and view, and concurrent
// requests for the same view share one pass: the numbers are aggregates, a minute old at worst.
import mongoose from 'mongoose';
import { getAssessment, getStandards } from '../content/content.service.js';
import { getCourse } from '../courses/course.service.js';
import { NotFound } from '../http/problem.js';
import { log } from '../log.js';
// The tenant's course ids: course.service has no listing yet, so its model is read directly (ids only).
import { CourseModel } from '../courses/course.model.js';
import { cellsOf, readSnapshots, rebuildSnapshots } from './snapshot.js';
import { LEVELS, type Level } from './model.js';
import { createRollup, MIN_CELL, rollupCsv, type GradeRollup, type PairGrowth, type RollupCell, type RollupEstimate } from './rollup.js';

export interface RollupQuery { byCourse: boolean; byGrade: boolean }

export interface DistrictRollupView {
  generatedAt: string;
  /** Cells with fewer students than this show no numbers. */
  minCell: number;
  levels: readonly Level[];
  students: number | null;
  courses: number;
  standards: { code: string; framework: string; grade: string | null; description: string; cell: RollupCell }[];
  byCourse?: { courseId: string; title: string; students: number | null; standards: { code: string; cell: RollupCell }[] }[];
  byGrade?: GradeRollup[];
  growth: (PairGrowth & { preTitle: string; postTitle: string })[];
}

/** A roll-up is recomputed at most this often — or less often when a pass is slow (see refreshAfter). */
export const ROLLUP_CACHE_MS = 60_000;
/** A pass may take at most this share of the time: a 30 s pass is repeated at most every 5 minutes. */
const MAX_PASS_SHARE = 0.1;
const refreshAfter = (passMs: number) => Math.max(ROLLUP_CACHE_MS, passMs / MAX_PASS_SHARE);

interface CacheEntry { at: number; view: Promise<DistrictRollupView>; ready?: DistrictRollupView; passMs: number; refreshing: boolean }
// One entry per tenant holding every breakdown, so all views share one pass.
const cache = new Map<string, CacheEntry>();

/** Forgets cached roll-ups (tests, and after a tenant's data is removed). */
export function forgetRollups(tenantId?: string): void {
  if (tenantId) cache.delete(tenantId); else cache.clear();
}

function startPass(tenantId: string, previous?: CacheEntry): CacheEntry {
  const started = Date.now();
  const entry: CacheEntry = { at: started, view: computeRollup(tenantId), passMs: previous?.passMs ?? 0, refreshing: false };
  entry.view.then((v) => { entry.ready = v; entry.passMs = Date.now() - started; }, () => undefined);
  return entry;
}

/**
 * The district's roll-up. The first request waits for a pass; later ones get the last finished pass at once, and
 * once it is older than refreshAfter() the next request starts a new pass in the background (stale while
 * revalidating), so no administrator waits for a pass twice and the database sees at most one pass per interval.
 */
export async function getDistrictRollup(tenantId: string, q: RollupQuery): Promise<DistrictRollupView> {
  if (!mongoose.isValidObjectId(tenantId)) throw new NotFound('Unknown district.');
  let entry = cache.get(tenantId);
  if (!entry) {
    entry = startPass(tenantId);
    cache.set(tenantId, entry);
    entry.view.catch(() => { if (cache.get(tenantId) === entry) cache.delete(tenantId); }); // a failed pass is not remembered
  } else if (entry.ready && !entry.refreshing && Date.now() - entry.at > refreshAfter(entry.passMs)) {
    const stale = entry;
    stale.refreshing = true;
    const next = startPass(tenantId, stale);
    next.view.then(() => { if (cache.get(tenantId) === stale) cache.set(tenantId, next); }, (err) => {
      stale.refreshing = false;
      log.warn({ err, tenantId }, 'the district roll-up could not be refreshed; the previous one is still served');
    });
  }
  return viewFor(await entry.view, q);
}

/** One view of the full roll-up: the breakdowns asked for only. */
function viewFor(full: DistrictRollupView, q: RollupQuery): DistrictRollupView {
  const { byCourse, byGrade, ...base } = full;
  return { ...base, ...(q.byCourse && byCourse ? { byCourse } : {}), ...(q.byGrade && byGrade ? { byGrade } : {}) };
}

/**
 * The tenant's snapshots, one per course. Courses without one (estimates from before snapshots, or loaded by other
 * means) get theirs built first, all with one pass over the tenant's estimates.
 */
async function tenantSnapshots(tenantId: string) {
  const courseIds = (await CourseModel.find({ tenantId: new mongoose.Types.ObjectId(tenantId) }, { _id: 1 }).lean()).map((c) => String(c._id));
  const found = await readSnapshots(tenantId, courseIds);
  const missing = courseIds.filter((id) => !found.has(id));
  if (missing.length) {
    await rebuildSnapshots(tenantId, missing);
    for (const [id, doc] of await readSnapshots(tenantId, missing)) found.set(id, doc);
  }
  return found;
}

async function computeRollup(tenantId: string): Promise<DistrictRollupView> {
  const q: RollupQuery = { byCourse: true, byGrade: true };
  const started = Date.now();
  const pairs = new Map<string, string>();
  const postChecked = new Set<string>();
  // Pairs are learnt as post-tests turn up: one content lookup per distinct post-test, not per estimate.
  const learnPairs = async (e: RollupEstimate) => {
    for (const a of e.attempts) {
      if (a.kind !== 'post' || postChecked.has(a.assessmentId)) continue;
      postChecked.add(a.assessmentId);
      const post = await getAssessment(tenantId, a.assessmentId);
      if (post?.pairedWith) pairs.set(a.assessmentId, post.pairedWith);
    }
  };
  const grades = new Map<string, string>();
  const fold = createRollup({ pairs, byCourse: q.byCourse, byGrade: q.byGrade, gradeOf: (code) => grades.get(code) ?? null });
  const codes = new Set<string>();
  for (const [courseId, snapshot] of await tenantSnapshots(tenantId)) {
    for (const cell of cellsOf(snapshot)) {
      const row: RollupEstimate = { ...cell, courseId };
      if (row.attempts.some((a) => a.kind === 'post' && !postChecked.has(a.assessmentId))) await learnPairs(row);
      codes.add(row.code);
      fold.add(row);
    }
  }
  // Grades are read by finish(), so the standards are looked up (once, for every code seen) before it.
  const standards = codes.size ? await getStandards([...codes], undefined, tenantId).catch(() => []) : [];
  for (const s of standards) if (!grades.has(s.code)) grades.set(s.code, s.grade);
  const final = fold.finish();
  const described = new Map(standards.map((s) => [s.code, s.description]));

  const titles = new Map<string, string>();
  await Promise.all([...new Set(final.growth.flatMap((g) => [g.pre, g.post]))].map(async (id) => titles.set(id, (await getAssessment(tenantId, id))?.title ?? '')));
  const courseTitles = new Map<string, string>();
  if (final.courseBreakdown) {
    await Promise.all(final.courseBreakdown.map(async (c) => {
      const course = await getCourse(tenantId, c.courseId);
      courseTitles.set(c.courseId, course?.title || course?.label || '');
    }));
  }
  log.debug({ tenantId, estimates: final.estimates, ms: Date.now() - started }, 'district roll-up computed');
  return {
    generatedAt: new Date().toISOString(), minCell: final.minCell, levels: LEVELS, students: final.students, courses: final.courses,
    standards: final.standards.map((s) => ({ ...s, description: described.get(s.code) ?? '' })),
    ...(final.courseBreakdown ? {
      byCourse: final.courseBreakdown
        .map((c) => ({ courseId: c.courseId, title: courseTitles.get(c.courseId) ?? '', students: c.students, standards: c.standards }))
        .sort((a, b) => a.title.localeCompare(b.title, 'en', { numeric: true }) || a.courseId.localeCompare(b.courseId)),
    } : {}),
    ...(final.gradeBreakdown ? { byGrade: final.gradeBreakdown } : {}),
    growth: final.growth.map((g) => ({ ...g, preTitle: titles.get(g.pre) ?? '', postTitle: titles.get(g.post) ?? '' })),
  };
}

/** The roll-up as CSV (one line per standard, grade and course cell). */
export async function getDistrictRollupCsv(tenantId: string, q: RollupQuery): Promise<{ fileName: string; text: string }> {
  const view = await getDistrictRollup(tenantId, q);
  const described = new Map(view.standards.map((s) => [s.code, s.description]));
  const titles = new Map((view.byCourse ?? []).map((c) => [c.courseId, c.title]));
  return rollupCsv({
    data: {
      minCell: view.minCell, students: view.students, courses: view.courses, estimates: 0, standards: view.standards, growth: view.growth,
      ...(view.byCourse ? { courseBreakdown: view.byCourse } : {}), ...(view.byGrade ? { gradeBreakdown: view.byGrade } : {}),
    },
    describe: (code) => described.get(code) ?? '', courseTitle: (id) => titles.get(id) ?? '',
  }, 'district roll-up', new Date(view.generatedAt));
}

export { MIN_CELL };
