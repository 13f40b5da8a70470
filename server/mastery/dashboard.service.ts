// The teacher's view of one placement — who has taken it (roster from the LMS, else the students who launched),
// the students × standards mastery map, pre→post growth, item analysis, one student's answers, suggested and saved
// small groups, the CSV of all of it — and a student's own progress across the course. Reads other domains through
// their services; the numbers come from growth.ts, groups.ts and item-analysis.ts, rounded once here so the API
// and the CSV export always agree.
import mongoose, { Schema } from 'mongoose';
import type { LaunchContext } from '../auth/session.js';
import { getAssessment, getItemForCourse, getItemVersions, getStandards, listItems } from '../content/content.service.js';
import type { AssessmentDetail, AssessmentKind } from '../content/content.types.js';
import type { Item, ResponseValue } from '../content/item.schema.js';
import { getCourse, getPerson } from '../courses/course.service.js';
// Delivery's service has no read of submitted attempts with their responses yet (listPlacementAttempts has no
// answers): `readSubmittedAttempts` below reads its model directly and should move to delivery as a service call.
import { AttemptModel, type AttemptDoc } from '../delivery/attempt.model.js';
import { placementAttemptRows, type PlacementAttemptRow } from '../delivery/attempt.service.js';
import { nextStep, type MasteryLevel } from '../delivery/results.js';
import { Conflict, InvalidInput, NotFound } from '../http/problem.js';
import { log } from '../log.js';
import { isStaff } from '../lti/roles.js';
import { getCoursePlacement } from '../placements/placement.service.js';
import { rosterView } from '../roster/roster.service.js';
import { csvFileName, toCsv, type CsvValue } from './csv.js';
import { computeGrowth, sittingFromItems, type ClassGrowth, type Sitting } from './growth.js';
import {
  checkTarget, DEFAULT_GROUP_SIZE, needsReteach, pickPracticeItems, practicePerStandard, RETEACH_LEVELS, suggestGroups,
  type CandidateItem, type GroupingTarget, type PracticeItem,
} from './groups.js';
import { adaptiveAnalysisItems, analyseItems, correctAnswerText, itemTitle, misconceptionsOf, responseText, type AnalysisItem, type ItemStat } from './item-analysis.js';
import { getMasteryMap, getStudentMastery, type MasteryCell } from './mastery.service.js';
import { LEVELS, type Level } from './model.js';

// ---------------------------------------------------------------------------------------------------------------
// Saved groups (the teacher's edited version of a suggestion), one document per placement.
// Kept here rather than in a model file of its own because this brief owns only this file for it.

const savedGroupSchema = new Schema({
  name: { type: String, default: null },
  studentIds: { type: [String], default: [] },
  reteach: { type: [String], default: [] },
  extend: { type: [String], default: [] },
  practiceItems: { type: [{ _id: false, id: String, version: Number, title: String, standard: String }], default: [] },
}, { _id: false });

const savedGroupsSchema = new Schema({
  tenantId: { type: Schema.Types.ObjectId, required: true },
  courseId: { type: Schema.Types.ObjectId, required: true },
  placementId: { type: Schema.Types.ObjectId, required: true },
  groups: { type: [savedGroupSchema], default: [] },
  // Bumped by every save: a save that names the revision it edited cannot overwrite someone else's newer one.
  rev: { type: Number, required: true, default: 0 },
  savedBy: { type: Schema.Types.ObjectId, required: true },
  savedAt: { type: Date, required: true },
});
savedGroupsSchema.index({ tenantId: 1, placementId: 1 }, { unique: true });

export const SavedGroupsModel = mongoose.model('SavedGroups', savedGroupsSchema, 'saved_groups');

// ---------------------------------------------------------------------------------------------------------------
// Views (docs/api.md, "Mastery & dashboard")

export type CompletionStatus = 'not-started' | 'in-progress' | 'submitted';

export interface StudentRef { personId: string | null; displayName: string }

export interface CompletionRow extends StudentRef {
  status: CompletionStatus;
  /** False for someone who has attempts here but is not (or no longer) on the LMS roster. */
  onRoster: boolean;
  attempts: number;
  score?: number;
  maxScore?: number;
  percent?: number;
  startedAt?: string;
  submittedAt?: string;
}

export interface MasteryCellView { level: Level; pMastery: number | null; evidence: number; attempts: number }
export interface MasteryRow extends StudentRef { cells: Record<string, MasteryCellView | null> }
export interface StandardRef { code: string; description: string }

export interface GrowthView {
  pre: { id: string; title: string };
  post: { id: string; title: string };
  confidence: number;
  overall: ClassGrowth['overall'];
  scale: ClassGrowth['scale'];
  standards: ClassGrowth['standards'];
  notGrowing: ClassGrowth['notGrowing'];
  students: (StudentRef & Omit<ClassGrowth['students'][number], 'personId'> & { personId: string })[];
  onlyPre: StudentRef[];
  onlyPost: StudentRef[];
}

export interface GroupView {
  number: number;
  name: string | null;
  students: (StudentRef & { personId: string; needs: string[] })[];
  reteach: (StandardRef & { students: number })[];
  extend: (StandardRef & { students: number })[];
  practiceItems: PracticeItem[];
}

export interface GroupsView {
  saved: boolean;
  rev: number;
  savedAt: string | null;
  /** Levels that count as needing reteaching. */
  reteachLevels: readonly Level[];
  groups: GroupView[];
  /** Students with no mastery evidence on these standards yet. */
  ungrouped: StudentRef[];
}

export interface DashboardView {
  placement: { id: string; title: string; assessmentId: string | null };
  assessment: { id: string; title: string; kind: AssessmentKind; pairedWith: string | null } | null;
  standards: StandardRef[];
  roster: { source: 'lms' | 'launches'; reason?: string };
  completion: { counts: Record<CompletionStatus, number> & { total: number }; students: CompletionRow[] };
  mastery: { levels: readonly Level[]; students: MasteryRow[] };
  growth: GrowthView | null;
  /**
   * `design` 'adaptive': each student was given different items, so each item's `students` is how many were given
   * it, and `position` is the item's place in this list (by standard, easiest first), not on anyone's test.
   */
  itemAnalysis: { students: number; design: 'fixed' | 'adaptive'; items: ItemStat[] };
  groups: GroupsView | null;
}

/** A submitted attempt's scale score, as the drill-down shows it (server/adaptive/scale-report.ts). */
export interface DrilldownScale { score: number; se: number; extreme: 'ceiling' | 'floor' | null; range: [number, number] }

export interface DrilldownView {
  student: StudentRef & { personId: string };
  status: CompletionStatus;
  attempts: PlacementAttemptRow[];
  /** The attempt the dashboard counts for this student (see countedAttempt). */
  attempt: null | {
    id: string; number: number; submittedAt: string; score: number; maxScore: number; percent: number;
    /** `pMastery`: an adaptive attempt's chance of mastery per standard on the scale (its score counts standards mastered). */
    standards: { code: string; description: string; correct: number; total: number; pMastery?: number }[];
    /** Adaptive attempts: the parts the student took, in order; each item names its part. */
    design: 'fixed' | 'adaptive';
    parts?: { part: number; positions: number[] }[];
    scale?: DrilldownScale;
    items: {
      position: number; itemId: string; version: number; standard: string; title: string; type: string;
      response: string; answered: boolean; correct: boolean; score: number; correctAnswer: string; misconceptions: string[];
      part?: number;
    }[];
  };
  mastery: Record<string, MasteryCellView | null>;
  growth: GrowthView['students'][number] | null;
}

export interface MyMasteryView {
  student: { id: string; displayName: string };
  course: { id: string; title: string };
  standards: (StandardRef & { level: Level; pMastery: number | null; evidence: number; nextStep: string })[];
  assessments: { id: string; title: string; kind: AssessmentKind | null; submittedAt: string; score: number; maxScore: number; percent: number }[];
  growth: {
    pre: { id: string; title: string }; post: { id: string; title: string };
    standards: { code: string; before: number; after: number; change: number; levelBefore: Level; levelAfter: Level }[];
  }[];
}

// ---------------------------------------------------------------------------------------------------------------
// Small helpers

const isObjectId = (id: string) => /^[a-f0-9]{24}$/i.test(id);
const byName = (a: StudentRef, b: StudentRef) => a.displayName.localeCompare(b.displayName, undefined, { sensitivity: 'base' }) || String(a.personId).localeCompare(String(b.personId));
const naturalCode = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

/** Every non-integer number rounded to `digits` decimals: one rounding, shared by the API and the CSV. */
export function roundNumbers<T>(value: T, digits = 3): T {
  const f = 10 ** digits;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'number') return Number.isInteger(v) || !Number.isFinite(v) ? v : Math.round(v * f) / f;
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object' && !(v instanceof Date)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}

const toMasteryLevel = (level: Level): MasteryLevel => (level === 'beginning' ? 'not-yet' : level === 'developing' ? 'almost' : 'got-it');

function cellView(c: MasteryCell): MasteryCellView {
  return roundNumbers({ level: c.level, pMastery: c.pMastery, evidence: c.evidence, attempts: c.attempts });
}

// ---------------------------------------------------------------------------------------------------------------
// Submitted attempts, as the dashboard reads them

interface StoredResult {
  score: number; maxScore: number; percent: number;
  standards: { code: string; correct: number; total: number; description?: string; pMastery?: number }[];
  items: { position: number; score: number; correct: boolean }[];
  scale?: { score: number; theta: number; thetaSd: number; se?: number; extreme?: 'ceiling' | 'floor' | null; range?: [number, number] };
}

export interface SubmittedSitting {
  attemptId: string;
  personId: string;
  placementId: string;
  assessmentId: string;
  assessmentTitle: string;
  number: number;
  submittedAt: Date;
  score: number;
  maxScore: number;
  percent: number;
  standards: StoredResult['standards'];
  /** On the one ability scale; attempts submitted before scale scores were stored have none. */
  scale?: StoredResult['scale'];
  /** Adaptive attempts only: the parts given, in order, with their positions (adaptive-delivery.ts). */
  parts?: { part: number; positions: number[] }[];
  items: { position: number; itemId: string; version: number; standard: string; value: ResponseValue | null; score: number; correct: boolean }[];
}

async function readSubmittedAttempts(tenantId: string, courseId: string, filter: { placementId?: string; assessmentId?: string; personId?: string }): Promise<SubmittedSitting[]> {
  return sittingsOf(await AttemptModel.find({ tenantId, courseId, preview: false, status: 'submitted', ...filter }, { flags: 0 }).sort({ submittedAt: 1, number: 1 }).lean());
}

/** The course's non-preview attempts, read once per dashboard request (every filter but `_id` scans on FerretDB). */
async function courseAttemptDocs(ctx: LaunchContext): Promise<AttemptDoc[]> {
  return (await AttemptModel.find({ tenantId: ctx.tenantId, courseId: ctx.courseId, preview: false }, { flags: 0 }).sort({ submittedAt: 1, number: 1 }).lean()) as AttemptDoc[];
}

const submittedWhere = (docs: readonly AttemptDoc[], keep: (a: AttemptDoc) => boolean) => sittingsOf(docs.filter((a) => a.status === 'submitted' && keep(a)));

function sittingsOf(docs: readonly AttemptDoc[]): SubmittedSitting[] {
  return docs.flatMap((a) => {
    const r = a.result as StoredResult | undefined;
    if (!r || !a.submittedAt) return [];
    const responses = (a.responses ?? {}) as Record<string, { value?: ResponseValue } | undefined>;
    const scored = new Map(r.items.map((i) => [i.position, i]));
    return [{
      attemptId: String(a._id), personId: String(a.personId), placementId: String(a.placementId), assessmentId: a.assessmentId,
      assessmentTitle: a.assessmentTitle ?? '', number: a.number, submittedAt: a.submittedAt, score: r.score, maxScore: r.maxScore, percent: r.percent,
      standards: r.standards,
      ...(r.scale ? { scale: { score: r.scale.score, theta: r.scale.theta, thetaSd: r.scale.thetaSd, se: r.scale.se, extreme: r.scale.extreme ?? null, range: r.scale.range } } : {}),
      ...(a.adaptive ? { parts: partsOf(a.adaptive) } : {}),
      items: a.items.map((p) => ({
        position: p.position, itemId: p.itemId, version: p.version, standard: p.standard, value: responses[`p${p.position}`]?.value ?? null,
        score: scored.get(p.position)?.score ?? 0, correct: scored.get(p.position)?.correct ?? false,
      })),
    }];
  });
}

/** The parts of a submitted adaptive attempt (its stored `adaptive` state), without the plan or module ids. */
function partsOf(state: unknown): { part: number; positions: number[] }[] {
  const parts = (state as { parts?: { part: number; positions: number[]; scored?: unknown[] }[] } | null)?.parts ?? [];
  // Every part of a submitted attempt was scored (time running out scores the open part), so all of them count.
  return parts.map((p) => ({ part: p.part, positions: [...p.positions] }));
}

/**
 * The attempt that counts for a student when they have several: the first one on a pre-test (the baseline before
 * teaching), the latest one otherwise. Sittings come in submission order.
 */
export function countedAttempts(sittings: readonly SubmittedSitting[], kind: AssessmentKind | null): Map<string, SubmittedSitting> {
  const out = new Map<string, SubmittedSitting>();
  for (const s of sittings) if (kind !== 'pre' || !out.has(s.personId)) out.set(s.personId, s);
  return out;
}

async function itemsFor(tenantId: string, refs: { id: string; version: number }[]): Promise<Map<string, Item>> {
  const unique = [...new Map(refs.map((r) => [`${r.id}@${r.version}`, r])).values()];
  const items = await getItemVersions(tenantId, unique);
  return new Map(items.map((i) => [`${i.id}@${i.version}`, i]));
}

// ---------------------------------------------------------------------------------------------------------------
// The class behind a placement

interface ClassData {
  ctx: LaunchContext;
  placement: { id: string; title: string; assessmentId: string | null };
  assessment: AssessmentDetail | null;
  standards: StandardRef[];
  roster: DashboardView['roster'];
  students: (StudentRef & { onRoster: boolean })[];
  attemptRows: PlacementAttemptRow[];
  sittings: SubmittedSitting[];
  counted: Map<string, SubmittedSitting>;
  items: Map<string, Item>;
  masteryCells: MasteryCell[];
  /** The course's non-preview attempts, read once for this request. */
  courseAttempts: AttemptDoc[];
}

async function coursePlacement(ctx: LaunchContext, placementId: string) {
  const p = isObjectId(placementId) ? await getCoursePlacement(ctx.tenantId, ctx.courseId, placementId) : null;
  if (!p) throw new NotFound('No activity with this id exists in this course.');
  return p;
}

async function standardRefs(tenantId: string, codes: string[]): Promise<StandardRef[]> {
  const found = codes.length ? await getStandards(codes, undefined, tenantId).catch(() => []) : [];
  const described = new Map(found.map((s) => [s.code, s.description]));
  return codes.map((code) => ({ code, description: described.get(code) ?? '' }));
}

/** The course's students: the LMS roster's learners when the LMS shares it, plus anyone who has taken a test here. */
async function courseStudents(ctx: LaunchContext, courseAttempts: readonly AttemptDoc[]): Promise<{ roster: DashboardView['roster']; students: (StudentRef & { onRoster: boolean })[] }> {
  let roster: DashboardView['roster'];
  const listed = new Map<string, StudentRef & { onRoster: boolean }>();
  const unlaunched: (StudentRef & { onRoster: boolean })[] = [];
  try {
    const view = await rosterView(ctx.tenantId, ctx.courseId);
    if (view.available) {
      roster = { source: 'lms' };
      for (const m of view.members) {
        if (!m.roles.includes('learner') || isStaff(m.roles) || m.status !== 'active') continue;
        const row = { personId: m.personId, displayName: m.displayName, onRoster: true };
        if (m.personId) listed.set(m.personId, row); else unlaunched.push(row);
      }
    } else roster = { source: 'launches', reason: view.reason };
  } catch (err) {
    log.warn({ err, tenantId: ctx.tenantId }, 'the course roster could not be read; listing students who launched');
    roster = { source: 'launches', reason: 'The course roster could not be read from the LMS just now, so only students who have opened an assessment are listed.' };
  }
  // Students who launched: every non-preview attempt in the course is a student's launch.
  const missing = [...new Set(courseAttempts.map((a) => String(a.personId)))].filter((id) => !listed.has(id));
  await Promise.all(missing.map(async (id) => {
    const p = await getPerson(ctx.tenantId, id);
    listed.set(id, { personId: id, displayName: p?.name ?? p?.label ?? '', onRoster: roster.source !== 'lms' });
  }));
  return { roster, students: [...listed.values(), ...unlaunched].sort(byName) };
}

async function loadClass(ctx: LaunchContext, placementId: string): Promise<ClassData> {
  const p = await coursePlacement(ctx, placementId);
  const assessment = p.assessmentId ? await getAssessment(ctx.tenantId, p.assessmentId) : null;
  // Delivery settles attempts whose time ran out before listing them; when it did, they are read again so the
  // counts below are current.
  let courseAttempts = await courseAttemptDocs(ctx);
  const { attempts: attemptRows, settled } = await placementAttemptRows(ctx, placementId, courseAttempts);
  if (settled) courseAttempts = await courseAttemptDocs(ctx);
  const { roster, students } = await courseStudents(ctx, courseAttempts);
  const sittings = submittedWhere(courseAttempts, (a) => String(a.placementId) === placementId);
  const counted = countedAttempts(sittings, assessment?.kind ?? null);
  const formItems = assessment?.forms.flatMap((f) => f.items) ?? [];
  const items = await itemsFor(ctx.tenantId, [...formItems, ...sittings.flatMap((s) => s.items.map((i) => ({ id: i.itemId, version: i.version })))]);
  const map = await getMasteryMap(ctx.tenantId, ctx.courseId);
  const codes = assessment ? assessment.standards : map.standards.map((s) => s.code);
  return {
    ctx, placement: { id: String(p._id), title: p.title ?? '', assessmentId: p.assessmentId ?? null }, assessment,
    standards: await standardRefs(ctx.tenantId, [...new Set(codes)]), roster, students, attemptRows, sittings, counted, items, masteryCells: map.cells,
    courseAttempts,
  };
}

function completion(d: ClassData): DashboardView['completion'] {
  const rows = d.students.map((s): CompletionRow => {
    const mine = s.personId ? d.attemptRows.filter((a) => a.student.id === s.personId) : [];
    const counted = s.personId ? d.counted.get(s.personId) : undefined;
    const status: CompletionStatus = mine.some((a) => a.status === 'submitted') ? 'submitted' : mine.length ? 'in-progress' : 'not-started';
    const first = mine[0];
    return {
      personId: s.personId, displayName: s.displayName, status, onRoster: s.onRoster, attempts: mine.length,
      ...(counted ? { score: counted.score, maxScore: counted.maxScore, percent: counted.percent, submittedAt: counted.submittedAt.toISOString() } : {}),
      ...(first ? { startedAt: first.startedAt } : {}),
    };
  });
  const count = (st: CompletionStatus) => rows.filter((r) => r.status === st).length;
  return { counts: { 'not-started': count('not-started'), 'in-progress': count('in-progress'), submitted: count('submitted'), total: rows.length }, students: rows };
}

function masteryRows(d: ClassData): MasteryRow[] {
  const codes = d.standards.map((s) => s.code);
  // The first cell per student and code, as a search of the list would find it (cells come sorted).
  const cells = new Map<string, MasteryCell>();
  for (const c of d.masteryCells) if (!cells.has(`${c.personId}\u0000${c.code}`)) cells.set(`${c.personId}\u0000${c.code}`, c);
  return d.students.map((s) => ({
    personId: s.personId, displayName: s.displayName,
    cells: Object.fromEntries(codes.map((code) => {
      const c = s.personId ? cells.get(`${s.personId}\u0000${code}`) : undefined;
      return [code, c ? cellView(c) : null];
    })),
  }));
}

async function growthOf(d: ClassData): Promise<GrowthView | null> {
  const a = d.assessment;
  if (!a || a.kind !== 'post' || !a.pairedWith) return null;
  const pre = await getAssessment(d.ctx.tenantId, a.pairedWith);
  const preSittings = countedAttempts(submittedWhere(d.courseAttempts, (x) => x.assessmentId === a.pairedWith), 'pre');
  const items = new Map(d.items);
  for (const [k, v] of await itemsFor(d.ctx.tenantId, [...preSittings.values()].flatMap((s) => s.items.map((i) => ({ id: i.itemId, version: i.version }))))) items.set(k, v);
  const sitting = (s: SubmittedSitting, kind: 'pre' | 'post'): Sitting => ({
    ...sittingFromItems(s.personId, s.items.map((i) => ({ standard: i.standard, score: i.score, difficulty: items.get(`${i.itemId}@${i.version}`)?.difficulty ?? 0 })), s.submittedAt, kind),
    ...(s.scale ? { scale: s.scale } : {}),
  });
  const g = computeGrowth({ pre: [...preSittings.values()].map((s) => sitting(s, 'pre')), post: [...d.counted.values()].map((s) => sitting(s, 'post')) });
  const names = new Map(d.students.filter((s) => s.personId).map((s) => [s.personId!, s.displayName]));
  const ref = (id: string) => ({ personId: id, displayName: names.get(id) ?? '' });
  return roundNumbers({
    pre: { id: a.pairedWith, title: pre?.title ?? '' }, post: { id: a.id, title: a.title }, confidence: g.confidence,
    overall: g.overall, scale: g.scale, standards: g.standards, notGrowing: g.notGrowing,
    students: g.students.map((s) => ({ ...s, displayName: names.get(s.personId) ?? '' })).sort(byName),
    onlyPre: g.onlyPre.map(ref).sort(byName), onlyPost: g.onlyPost.map(ref).sort(byName),
  });
}

const isAdaptiveAssessment = (a: AssessmentDetail | null) => a?.settings.mode === 'adaptive';

function itemAnalysisOf(d: ClassData): DashboardView['itemAnalysis'] {
  const sittings = [...d.counted.values()].map((s) => s.items.map((i) => ({ itemId: i.itemId, version: i.version, value: i.value, score: i.score, correct: i.correct })));
  if (isAdaptiveAssessment(d.assessment) || [...d.counted.values()].some((s) => s.parts)) {
    // Not the assessment's fixed form (an adaptive student may never see it): the items students were given.
    const given = [...d.counted.values()].flatMap((s) => s.items.flatMap((i) => {
      const item = d.items.get(`${i.itemId}@${i.version}`);
      return item ? [{ item, standard: i.standard }] : [];
    }));
    return { students: d.counted.size, design: 'adaptive', items: analyseItems(adaptiveAnalysisItems(given, d.standards.map((s) => s.code)), sittings) };
  }
  // Items in form order (the first form's positions), then any item only an older attempt had.
  const analysed: AnalysisItem[] = [];
  const seen = new Set<string>();
  const add = (id: string, version: number, position: number, standard: string) => {
    const item = d.items.get(`${id}@${version}`);
    if (!item || seen.has(`${id}@${version}`)) return;
    seen.add(`${id}@${version}`);
    analysed.push({ item, position, standard });
  };
  d.assessment?.forms.forEach((f) => f.items.forEach((fi, n) => add(fi.id, fi.version, n + 1, fi.standard)));
  for (const s of d.counted.values()) for (const i of s.items) add(i.itemId, i.version, i.position, i.standard);
  return { students: d.counted.size, design: 'fixed', items: analyseItems(analysed, sittings) };
}

// ---------------------------------------------------------------------------------------------------------------
// Dashboard

export async function getDashboard(ctx: LaunchContext, placementId: string): Promise<DashboardView> {
  const d = await loadClass(ctx, placementId);
  const [growth, groups] = await Promise.all([growthOf(d), savedGroupsView(d)]);
  return dashboardView(d, growth, groups);
}

function dashboardView(d: ClassData, growth: GrowthView | null, groups: GroupsView | null): DashboardView {
  const a = d.assessment;
  return {
    placement: d.placement,
    assessment: a ? { id: a.id, title: a.title, kind: a.kind, pairedWith: a.pairedWith ?? null } : null,
    standards: d.standards,
    roster: d.roster,
    completion: completion(d),
    mastery: { levels: LEVELS, students: masteryRows(d) },
    growth,
    itemAnalysis: itemAnalysisOf(d),
    groups,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// One student

export async function getStudentDrilldown(ctx: LaunchContext, placementId: string, personId: string): Promise<DrilldownView> {
  const d = await loadClass(ctx, placementId);
  const student = isObjectId(personId) ? d.students.find((s) => s.personId === personId) : undefined;
  if (!student) throw new NotFound('No student with this id is in this course.');
  const counted = d.counted.get(personId);
  const attempts = d.attemptRows.filter((a) => a.student.id === personId);
  const row = masteryRows({ ...d, students: [student] })[0]!;
  const growth = await growthOf(d);
  const described = new Map(d.standards.map((s) => [s.code, s.description]));
  let attempt: DrilldownView['attempt'] = null;
  if (counted) {
    const more = await standardRefs(ctx.tenantId, counted.standards.map((s) => s.code).filter((c) => !described.has(c)));
    for (const s of more) described.set(s.code, s.description);
    const partOf = new Map((counted.parts ?? []).flatMap((p) => p.positions.map((pos) => [pos, p.part] as const)));
    attempt = {
      id: counted.attemptId, number: counted.number, submittedAt: counted.submittedAt.toISOString(), score: counted.score, maxScore: counted.maxScore, percent: counted.percent,
      standards: counted.standards.map((s) => ({
        code: s.code, description: described.get(s.code) ?? s.description ?? '', correct: s.correct, total: s.total,
        ...(counted.parts && s.pMastery !== undefined ? { pMastery: s.pMastery } : {}),
      })),
      design: counted.parts ? 'adaptive' : 'fixed',
      ...(counted.parts ? { parts: counted.parts } : {}),
      ...(counted.scale?.se !== undefined ? { scale: { score: counted.scale.score, se: counted.scale.se, extreme: counted.scale.extreme ?? null, range: counted.scale.range ?? [200, 800] } } : {}),
      items: counted.items.map((i) => {
        const item = d.items.get(`${i.itemId}@${i.version}`);
        const response = item ? responseText(item, i.value) : '';
        return {
          position: i.position, itemId: i.itemId, version: i.version, standard: i.standard, title: item ? itemTitle(item) : i.itemId, type: item?.interaction.type ?? '',
          response, answered: response !== '', correct: i.correct, score: roundNumbers(i.score),
          correctAnswer: item ? correctAnswerText(item) : '', misconceptions: item ? misconceptionsOf(item, i.value) : [],
          ...(partOf.has(i.position) ? { part: partOf.get(i.position)! } : {}),
        };
      }),
    };
  }
  return {
    student: { personId, displayName: student.displayName },
    status: attempts.some((a) => a.status === 'submitted') ? 'submitted' : attempts.length ? 'in-progress' : 'not-started',
    attempts, attempt, mastery: row.cells,
    growth: growth?.students.find((s) => s.personId === personId) ?? null,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Groups

async function practiceCandidates(ctx: LaunchContext, codes: string[]): Promise<CandidateItem[]> {
  const lists = await Promise.all(codes.map((standard) => listItems(
    { tenantId: ctx.tenantId, courseId: ctx.courseId, userId: ctx.userId }, { standard, owner: 'all', page: 1, limit: 200 },
  )));
  return lists.flatMap((l) => l.items.map((i) => ({ id: i.id, version: i.version, title: itemTitle(i), standards: i.standards, difficulty: i.difficulty })));
}

/** Items on this placement's test and its pair: practice should be new to the students. */
async function testedItemIds(d: ClassData): Promise<Set<string>> {
  const ids = new Set<string>(d.assessment?.forms.flatMap((f) => f.items.map((i) => i.id)) ?? []);
  const pair = d.assessment?.pairedWith ? await getAssessment(d.ctx.tenantId, d.assessment.pairedWith) : null;
  for (const f of pair?.forms ?? []) for (const i of f.items) ids.add(i.id);
  return ids;
}

/** Each graded student's standards below Proficient (needs) and below Mastered, from the mastery map. */
function studentNeeds(d: ClassData) {
  const codes = d.standards.map((s) => s.code);
  const rows = masteryRows(d);
  const graded: { personId: string; displayName: string; needs: string[]; notMastered: string[] }[] = [];
  const ungrouped: StudentRef[] = [];
  for (const r of rows) {
    const cells = codes.flatMap((c) => (r.cells[c] ? [{ code: c, cell: r.cells[c]! }] : []));
    if (!r.personId || cells.length === 0) { ungrouped.push({ personId: r.personId, displayName: r.displayName }); continue; }
    graded.push({
      personId: r.personId, displayName: r.displayName,
      needs: cells.filter((x) => needsReteach(x.cell.level)).map((x) => x.code),
      notMastered: cells.filter((x) => x.cell.level !== 'mastered').map((x) => x.code),
    });
  }
  return { graded, ungrouped };
}

/** Suggested groups (not saved); without a target, groups of DEFAULT_GROUP_SIZE. */
export async function suggestPlacementGroups(ctx: LaunchContext, placementId: string, target: GroupingTarget | null): Promise<GroupsView> {
  const t = checkTarget(target ?? { groupSize: DEFAULT_GROUP_SIZE });
  const d = await loadClass(ctx, placementId);
  const { graded, ungrouped } = studentNeeds(d);
  const suggested = suggestGroups(graded, d.standards.map((s) => s.code), t);
  const focus = (g: (typeof suggested)[number]) => (g.reteach.length ? g.reteach : g.extend).map((x) => x.code);
  const codes = [...new Set(suggested.flatMap(focus))];
  const [candidates, tested] = await Promise.all([practiceCandidates(ctx, codes), testedItemIds(d)]);
  const described = new Map(d.standards.map((s) => [s.code, s.description]));
  const needsOf = new Map(graded.map((g) => [g.personId, g]));
  return {
    saved: false, rev: 0, savedAt: null, reteachLevels: RETEACH_LEVELS, ungrouped,
    groups: suggested.map((g, n) => {
      const codesHere = focus(g);
      const mode = g.reteach.length ? 'reteach' : 'extend';
      return {
        number: n + 1, name: null,
        students: g.students.map((id) => ({ personId: id, displayName: needsOf.get(id)!.displayName, needs: needsOf.get(id)!.needs })),
        reteach: g.reteach.map((r) => ({ code: r.code, description: described.get(r.code) ?? '', students: r.students })),
        extend: g.extend.map((r) => ({ code: r.code, description: described.get(r.code) ?? '', students: r.students })),
        practiceItems: codesHere.flatMap((code) => pickPracticeItems(candidates, code, { count: practicePerStandard(codesHere.length), exclude: tested, mode })),
      };
    }),
  };
}

export interface GroupsInput {
  rev?: number | undefined;
  groups: { name?: string | null | undefined; studentIds: string[]; reteach: string[]; extend?: string[] | undefined; practiceItemIds: string[] }[];
}

export async function saveGroups(ctx: LaunchContext, placementId: string, input: GroupsInput): Promise<GroupsView> {
  const d = await loadClass(ctx, placementId);
  const known = new Set(d.students.flatMap((s) => (s.personId ? [s.personId] : [])));
  const codes = new Set(d.standards.map((s) => s.code));
  const problems: { field: string; message: string }[] = [];
  const placed = new Set<string>();
  input.groups.forEach((g, i) => {
    g.studentIds.forEach((id, j) => {
      if (!known.has(id)) problems.push({ field: `groups.${i}.studentIds.${j}`, message: 'not a student of this course' });
      else if (placed.has(id)) problems.push({ field: `groups.${i}.studentIds.${j}`, message: 'this student is already in another group' });
      placed.add(id);
    });
    [...g.reteach, ...(g.extend ?? [])].forEach((code) => { if (!codes.has(code)) problems.push({ field: `groups.${i}.reteach`, message: `"${code}" is not a standard of this activity` }); });
  });
  // Practice items are checked against the bank the course can see, and their titles taken from it.
  const itemIds = [...new Set(input.groups.flatMap((g) => g.practiceItemIds))];
  const found = new Map<string, Omit<PracticeItem, 'standard'> & { standards: string[] }>();
  await Promise.all(itemIds.map(async (id) => {
    try {
      const item = await getItemForCourse({ tenantId: ctx.tenantId, courseId: ctx.courseId }, id);
      found.set(id, { id, version: item.version, title: itemTitle(item), standards: item.standards });
    } catch (err) {
      if (!(err instanceof NotFound || err instanceof InvalidInput)) throw err;
    }
  }));
  input.groups.forEach((g, i) => g.practiceItemIds.forEach((id, j) => {
    if (!found.has(id)) problems.push({ field: `groups.${i}.practiceItemIds.${j}`, message: `no item "${id}" in this course's bank` });
  }));
  if (problems.length) throw new InvalidInput(`The groups cannot be saved: ${problems[0]!.field}: ${problems[0]!.message}.`, problems);

  const groups = input.groups.map((g) => {
    const focus = new Set([...g.reteach, ...(g.extend ?? [])]);
    return {
      name: g.name?.trim() || null, studentIds: g.studentIds, reteach: g.reteach, extend: g.extend ?? [],
      practiceItems: g.practiceItemIds.map((id) => {
        const { standards, ...it } = found.get(id)!;
        // Name the group's standard the item practises, when it measures one of them.
        return { ...it, standard: standards.find((c) => focus.has(c)) ?? standards[0] ?? '' };
      }),
    };
  });
  const set = { groups, savedBy: ctx.userId, savedAt: new Date() };
  const where = { tenantId: ctx.tenantId, placementId };
  const stale = () => new Conflict('Someone else saved these groups a moment ago. Reload the dashboard to see their version, then make your change again.');
  if (input.rev === undefined) {
    await SavedGroupsModel.updateOne(where, { $set: set, $inc: { rev: 1 }, $setOnInsert: { courseId: ctx.courseId } }, { upsert: true })
      .catch((err: unknown) => { if ((err as { code?: number }).code === 11000) throw stale(); throw err; });
  } else if (input.rev === 0) {
    try {
      await SavedGroupsModel.create({ ...where, courseId: ctx.courseId, ...set, rev: 1 });
    } catch (err) {
      if ((err as { code?: number }).code === 11000) throw stale();
      throw err;
    }
  } else {
    const r = await SavedGroupsModel.updateOne({ ...where, rev: input.rev }, { $set: set, $inc: { rev: 1 } });
    if (r.matchedCount !== 1) throw stale();
  }
  return (await savedGroupsView(d))!;
}

async function savedGroupsView(d: ClassData): Promise<GroupsView | null> {
  const doc = await SavedGroupsModel.findOne({ tenantId: d.ctx.tenantId, placementId: d.placement.id }).lean();
  if (!doc) return null;
  const { graded, ungrouped } = studentNeeds(d);
  const needsOf = new Map(graded.map((g) => [g.personId, g.needs]));
  const notMasteredOf = new Map(graded.map((g) => [g.personId, g.notMastered]));
  const names = new Map(d.students.filter((s) => s.personId).map((s) => [s.personId!, s.displayName]));
  const described = new Map(d.standards.map((s) => [s.code, s.description]));
  const inGroups = new Set(doc.groups.flatMap((g) => g.studentIds));
  const count = (ids: string[], code: string, of: Map<string, string[]>) => ids.filter((id) => of.get(id)?.includes(code)).length;
  return {
    saved: true, rev: doc.rev, savedAt: doc.savedAt.toISOString(), reteachLevels: RETEACH_LEVELS,
    // Students graded since the save are not in any group yet: list them so the teacher can place them.
    ungrouped: [...ungrouped, ...graded.filter((g) => !inGroups.has(g.personId)).map((g) => ({ personId: g.personId, displayName: g.displayName }))].sort(byName),
    groups: doc.groups.map((g, n) => ({
      number: n + 1, name: g.name ?? null,
      students: g.studentIds.map((id) => ({ personId: id, displayName: names.get(id) ?? '', needs: needsOf.get(id) ?? [] })),
      reteach: g.reteach.map((code) => ({ code, description: described.get(code) ?? '', students: count(g.studentIds, code, needsOf) })),
      extend: g.extend.map((code) => ({ code, description: described.get(code) ?? '', students: count(g.studentIds, code, notMasteredOf) })),
      practiceItems: g.practiceItems.map((p) => ({ id: p.id ?? '', version: p.version ?? 1, title: p.title ?? '', standard: p.standard ?? '' })),
    })),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// CSV export: everything the dashboard shows, one row per number, same numbers as the API.

export const CSV_HEADER = ['section', 'student_id', 'student', 'standard', 'item_id', 'choice', 'measure', 'value'] as const;

export function dashboardCsvRows(v: DashboardView): CsvValue[][] {
  const rows: CsvValue[][] = [];
  const add = (section: string, s: StudentRef | null, standard: string, item: string, choice: string, measure: string, value: CsvValue) =>
    rows.push([section, s?.personId ?? '', s?.displayName ?? '', standard, item, choice, measure, value]);

  for (const s of v.completion.students) {
    add('completion', s, '', '', '', 'status', s.status);
    add('completion', s, '', '', '', 'attempts', s.attempts);
    if (s.score !== undefined) {
      add('completion', s, '', '', '', 'score', s.score);
      add('completion', s, '', '', '', 'max_score', s.maxScore);
      add('completion', s, '', '', '', 'percent', s.percent);
    }
  }
  for (const s of v.mastery.students) {
    for (const std of v.standards) {
      const c = s.cells[std.code];
      if (!c) { add('mastery', s, std.code, '', '', 'level', 'no-evidence'); continue; }
      add('mastery', s, std.code, '', '', 'level', c.level);
      add('mastery', s, std.code, '', '', 'p_mastery', c.pMastery);
      add('mastery', s, std.code, '', '', 'evidence', c.evidence);
    }
  }
  if (v.growth) {
    const g = v.growth;
    for (const s of g.students) {
      add('growth', s, '(all)', '', '', 'before', s.pre.score);
      add('growth', s, '(all)', '', '', 'after', s.post.score);
      add('growth', s, '(all)', '', '', 'change', s.change);
      for (const x of s.standards) {
        add('growth', s, x.code, '', '', 'before', x.pre.score);
        add('growth', s, x.code, '', '', 'after', x.post.score);
        add('growth', s, x.code, '', '', 'change', x.change);
        add('growth', s, x.code, '', '', 'level_before', x.pre.level);
        add('growth', s, x.code, '', '', 'level_after', x.post.level);
      }
    }
    for (const s of g.onlyPre) add('growth_only_pre', s, '', '', '', 'took', 'pre-test only');
    for (const s of g.onlyPost) add('growth_only_post', s, '', '', '', 'took', 'post-test only');
    const summary = (code: string, x: ClassGrowth['overall']) => {
      add('growth_class', null, code, '', '', 'students', x.students);
      add('growth_class', null, code, '', '', 'mean_before', x.meanPre);
      add('growth_class', null, code, '', '', 'mean_after', x.meanPost);
      add('growth_class', null, code, '', '', 'mean_change', x.meanGain);
      add('growth_class', null, code, '', '', 'change_ci_low', x.gainInterval.value?.[0] ?? null);
      add('growth_class', null, code, '', '', 'change_ci_high', x.gainInterval.value?.[1] ?? null);
      add('growth_class', null, code, '', '', 'normalized_gain', x.normalizedGain.value);
      add('growth_class', null, code, '', '', 'effect_size', x.effectSize.d);
      add('growth_class', null, code, '', '', 'effect_size_ci_low', x.effectSize.interval?.[0] ?? null);
      add('growth_class', null, code, '', '', 'effect_size_ci_high', x.effectSize.interval?.[1] ?? null);
      add('growth_class', null, code, '', '', 'moved_up_share', x.movedUpShare);
    };
    summary('(all)', g.overall);
    for (const s of g.standards) summary(s.code, s);
    // The one ability scale (scale points): the fair pre→post comparison when the two tests differ in design.
    for (const s of g.students) {
      if (!s.scale) continue;
      add('growth_scale', s, '', '', '', 'before', s.scale.pre);
      add('growth_scale', s, '', '', '', 'after', s.scale.post);
      add('growth_scale', s, '', '', '', 'change', s.scale.change);
    }
    add('growth_scale_class', null, '', '', '', 'students', g.scale.students);
    add('growth_scale_class', null, '', '', '', 'mean_before', g.scale.meanPre);
    add('growth_scale_class', null, '', '', '', 'mean_after', g.scale.meanPost);
    add('growth_scale_class', null, '', '', '', 'mean_change', g.scale.meanChange);
    add('growth_scale_class', null, '', '', '', 'change_ci_low', g.scale.changeInterval.value?.[0] ?? null);
    add('growth_scale_class', null, '', '', '', 'change_ci_high', g.scale.changeInterval.value?.[1] ?? null);
    for (const n of g.notGrowing) add('growth_not_growing', null, n.code, '', '', n.reason, n.message);
  }
  for (const it of v.itemAnalysis.items) {
    add('items', null, it.standard, it.itemId, '', 'position', it.position);
    add('items', null, it.standard, it.itemId, '', 'title', it.title);
    add('items', null, it.standard, it.itemId, '', 'students', it.students);
    add('items', null, it.standard, it.itemId, '', 'correct', it.correct);
    add('items', null, it.standard, it.itemId, '', 'omitted', it.omitted);
    add('items', null, it.standard, it.itemId, '', 'percent_correct', it.percentCorrect);
    for (const c of it.choices ?? []) {
      add('items', null, it.standard, it.itemId, c.id, c.isKey ? 'chosen_key' : 'chosen_distractor', c.chosen);
      add('items', null, it.standard, it.itemId, c.id, 'percent_chosen', c.percent);
      if (c.misconception) add('items', null, it.standard, it.itemId, c.id, 'misconception', c.misconception);
    }
    for (const w of it.commonWrongAnswers ?? []) add('items', null, it.standard, it.itemId, '', `wrong_answer: ${w.answer}`, w.count);
  }
  for (const g of v.groups?.groups ?? []) {
    const label = g.name ?? `Group ${g.number}`;
    for (const s of g.students) add('groups', s, '', '', '', 'group', label);
    for (const r of g.reteach) add('groups', null, r.code, '', '', 'reteach', label);
    for (const r of g.extend) add('groups', null, r.code, '', '', 'extend', label);
    for (const p of g.practiceItems) add('groups', null, p.standard, p.id, '', 'practice_item', label);
  }
  return rows;
}

export async function getDashboardCsv(ctx: LaunchContext, placementId: string): Promise<{ fileName: string; text: string }> {
  const v = await getDashboard(ctx, placementId);
  return { fileName: csvFileName(v.placement.title || v.assessment?.title || 'activity', new Date()), text: toCsv(CSV_HEADER, dashboardCsvRows(v)) };
}

// ---------------------------------------------------------------------------------------------------------------
// A student's own progress

export async function getMyMastery(ctx: LaunchContext): Promise<MyMasteryView> {
  const [map, person, course, sittings] = await Promise.all([
    getStudentMastery(ctx.tenantId, ctx.courseId, ctx.userId),
    getPerson(ctx.tenantId, ctx.userId),
    getCourse(ctx.tenantId, ctx.courseId),
    readSubmittedAttempts(ctx.tenantId, ctx.courseId, { personId: ctx.userId }),
  ]);
  // Only this student's cells: getStudentMastery filters by the session's own person id.
  const cells = map.cells.filter((c) => c.personId === ctx.userId).sort((a, b) => naturalCode(a.code, b.code));
  const refs = await standardRefs(ctx.tenantId, [...new Set(cells.map((c) => c.code))]);
  const described = new Map(refs.map((r) => [r.code, r.description]));

  const assessmentIds = [...new Set(sittings.map((s) => s.assessmentId))];
  const assessments = new Map((await Promise.all(assessmentIds.map((id) => getAssessment(ctx.tenantId, id)))).flatMap((a) => (a ? [[a.id, a] as const] : [])));
  // Per assessment rather than per student: the student's first and latest sitting of each test.
  const perTest = sittings.map((s) => ({ ...s, personId: s.assessmentId }));
  const latest = countedAttempts(perTest, null);
  const first = countedAttempts(perTest, 'pre');

  const growth: MyMasteryView['growth'] = [];
  const items = await itemsFor(ctx.tenantId, sittings.flatMap((s) => s.items.map((i) => ({ id: i.itemId, version: i.version }))));
  for (const a of assessments.values()) {
    if (a.kind !== 'post' || !a.pairedWith) continue;
    const before = first.get(a.pairedWith);
    const after = latest.get(a.id);
    if (!before || !after) continue;
    const sit = (s: SubmittedSitting, kind: 'pre' | 'post') => sittingFromItems(ctx.userId, s.items.map((i) => ({
      standard: i.standard, score: i.score, difficulty: items.get(`${i.itemId}@${i.version}`)?.difficulty ?? 0,
    })), s.submittedAt, kind);
    const g = computeGrowth({ pre: [sit(before, 'pre')], post: [sit(after, 'post')] }).students[0];
    if (!g) continue;
    growth.push(roundNumbers({
      pre: { id: a.pairedWith, title: assessments.get(a.pairedWith)?.title ?? before.assessmentTitle },
      post: { id: a.id, title: a.title },
      standards: g.standards.map((s) => ({ code: s.code, before: s.pre.score, after: s.post.score, change: s.change, levelBefore: s.pre.level, levelAfter: s.post.level })),
    }));
  }
  return {
    student: { id: ctx.userId, displayName: person?.name ?? person?.label ?? '' },
    course: { id: ctx.courseId, title: course?.title ?? '' },
    standards: cells.map((c) => {
      const description = described.get(c.code) ?? '';
      return roundNumbers({
        code: c.code, description, level: c.level, pMastery: c.pMastery, evidence: c.evidence,
        nextStep: nextStep(toMasteryLevel(c.level), { code: c.code, description }, ctx.locale),
      });
    }),
    assessments: [...latest.values()].sort((a, b) => b.submittedAt.getTime() - a.submittedAt.getTime()).map((s) => ({
      id: s.assessmentId, title: assessments.get(s.assessmentId)?.title ?? s.assessmentTitle, kind: assessments.get(s.assessmentId)?.kind ?? null,
      submittedAt: s.submittedAt.toISOString(), score: s.score, maxScore: s.maxScore, percent: s.percent,
    })),
    growth,
  };
}
