// Adaptive (multistage) attempts: the student gets one part at a time — a whole stage of modules, sent without keys so
// it can be answered offline — and routing happens only when a part is submitted: the part is scored, the multistage
// core (mst.ts) picks the next part or ends the test, and the final results are on the one scale (scale-report.ts).
// Fixed-form delivery (server/delivery/attempt.service.ts) calls in here at its few adaptive branches.
import type mongoose from 'mongoose';
import type { LaunchContext } from '../auth/session.js';
import type { AssessmentDetail } from '../content/content.types.js';
import type { Item } from '../content/item.schema.js';
import { scoreResponse } from '../content/scoring.js';
import { AssemblyError } from '../content/forms.js';
import { AttemptModel, type AttemptDoc } from '../delivery/attempt.model.js';
import { announceAndRecord } from '../delivery/announce.js';
import { loadOwned, notYours } from '../delivery/attempt-access.js';
import { folded, readForFold } from '../delivery/answer-journal.js';
import { pinnedItemVersions, standardDescriptions } from '../delivery/content-cache.js';
import type { SubmittedAttempt } from '../delivery/events.js';
import { oneAtATime } from '../delivery/one-at-a-time.js';
import { tallyByStandard, type MasteryLevel } from '../delivery/results.js';
import { Conflict } from '../http/problem.js';
import { log } from '../log.js';
import { planDifficulties, planFor } from './adaptive-plan.js';
import { nextStep, RouteMismatch, type ModulePlan, type StageModule } from './mst.js';
import { scoreOnScale, type ScaleSummary } from './scale-report.js';

/** One scored question of a submitted part. */
interface ScoredPosition { position: number; itemId: string; version: number; standard: string; score: number; correct: boolean }

interface StoredPart {
  part: number;
  /** The core's stage id (module ids): server-side only, never sent to the browser. */
  stageId: string;
  positions: number[];
  submittedAt?: Date;
  scored?: ScoredPosition[];
}

/** `attempt.adaptive`: everything routing needs, pinned at the start so a later bank or calibration change cannot move it. */
export interface AdaptiveState {
  /** The module plan, its modules as a list: module ids contain dots, which no stored key may. */
  plan: StoredPlan;
  /** The route's seed (the attempt id): which parallel module of a level this student sits. */
  seed: string;
  /** The part open for answers (1-based); after the last one, the last part's number. */
  part: number;
  parts: StoredPart[];
  /** Positions that take answers now (the open part's); empty once submitted. */
  open: number[];
}

/** What the student's view says about the adaptive test: no module ids, levels or difficulties. */
export interface AdaptivePartView { part: number; maxParts: number }

/** What the stored result adds for an adaptive attempt (beside the fixed-form fields). */
export interface AdaptiveResultExtra { parts: number; items: number }

type StoredPlan = Omit<ModulePlan, 'modules'> & { modules: ModulePlan['modules'][string][] };
const storedPlan = (plan: ModulePlan): StoredPlan => ({ ...plan, modules: Object.values(plan.modules) });
const planOf = (s: AdaptiveState): ModulePlan => ({ ...s.plan, modules: Object.fromEntries(s.plan.modules.map((m) => [m.id, m])) });

type Attempt = AttemptDoc;
const stateOf = (a: Attempt) => (a.adaptive ?? null) as AdaptiveState | null;
export const isAdaptive = (a: Attempt) => stateOf(a) !== null;
const ref = (r: { id?: string; itemId?: string; version: number }) => `${r.id ?? r.itemId}@${r.version}`;

// ---------------------------------------------------------------------------------------------------------------
// Starting

/**
 * The fields of a new adaptive attempt: its pinned first part and state; the attempt id is the route seed. The plan is built from
 * the assessment's pinned pool with the difficulties of the moment (adaptive-plan.ts planDifficulties).
 */
export async function startAdaptive(tenantId: string, assessment: AssessmentDetail, attemptId: mongoose.Types.ObjectId | string): Promise<{ formId: string; items: Attempt['items']; adaptive: AdaptiveState }> {
  const pool = assessment.adaptivePool ?? [];
  if (pool.length === 0) throw new Conflict('This adaptive assessment has no questions to choose from. Ask your teacher to check it.');
  const versions = await pinnedItemVersions(tenantId, pool.map((p) => ({ id: p.id, version: p.version })));
  const byRef = new Map(versions.map((v) => [ref(v), v]));
  if (pool.some((p) => !byRef.has(ref(p)))) throw new Conflict('A question of this assessment is missing. Ask your teacher to check the assessment.');
  let plan: ModulePlan;
  try {
    plan = planFor(pool, assessment.blueprint, assessment.settings, await planDifficulties(tenantId, versions));
  } catch (err) {
    if (!(err instanceof AssemblyError)) throw err;
    log.error({ assessmentId: assessment.id, problems: err.problems.map((p) => p.reason) }, 'an adaptive assessment no longer builds a module plan');
    throw new Conflict('This adaptive assessment cannot be started: its questions no longer cover its blueprint. Ask your teacher to check it.');
  }
  const seed = String(attemptId);
  const step = nextStep(plan, [], seed);
  if (step.done) throw new Conflict('This adaptive assessment has no questions yet. Ask your teacher to check it.');
  const items = pinPart(step.module, byRef, 1);
  const positions = items.map((i) => i.position);
  return {
    formId: `${assessment.id}.adaptive`, items,
    adaptive: { plan: storedPlan(plan), seed, part: 1, parts: [{ part: 1, stageId: step.module.id, positions }], open: positions },
  };
}

function pinPart(module: StageModule, byRef: Map<string, Item>, firstPosition: number): Attempt['items'] {
  return module.items.map((it, n) => {
    const item = byRef.get(ref(it));
    if (!item) throw new Conflict('A question of this assessment is missing. Ask your teacher to check the assessment.');
    const inter = item.interaction;
    return {
      position: firstPosition + n, itemId: it.id, version: it.version, standard: it.standard, type: inter.type,
      choiceIds: 'choices' in inter ? inter.choices.map((c) => c.id) : undefined,
    };
  }) as Attempt['items'];
}

// ---------------------------------------------------------------------------------------------------------------
// What the student sees and may answer

/** The open part's positions and its view, or null for a fixed-form attempt. */
export function adaptivePart(a: Attempt): { positions: number[]; view: AdaptivePartView } | null {
  const s = stateOf(a);
  if (!s) return null;
  const current = s.parts.find((p) => p.part === s.part);
  return { positions: a.status === 'in-progress' ? [...s.open] : current?.positions ?? [], view: { part: s.part, maxParts: maxParts(planOf(s)) } };
}

/** The most parts this plan can give: the routing part, then one module per later part up to a standard's maximum. */
export function maxParts(plan: ModulePlan): number {
  let most = 1;
  for (const s of plan.standards) {
    const routing = plan.modules[s.routing[0]!]?.items.length ?? 1;
    const later = plan.modules[s.levels[0]?.modules[0] ?? '']?.items.length ?? 1;
    most = Math.max(most, 1 + Math.ceil(Math.max(0, s.maxItems - routing) / later));
  }
  return most;
}

/** Refuses an answer to a question of a part already submitted (its credit is settled and routed on). */
export function checkOpenPosition(a: Attempt, position: number): void {
  const s = stateOf(a);
  if (s && !s.open.includes(position)) {
    throw new Conflict(`Question ${position} belongs to a part you have already finished, so its answer can no longer change.`, { attemptId: String(a._id) });
  }
}

/** Extra filter for a save's conditional update: the position must still be open when the write applies. */
export function openPositionFilter(a: Attempt, position: number): Record<string, unknown> {
  return isAdaptive(a) ? { 'adaptive.open': position } : {};
}

// ---------------------------------------------------------------------------------------------------------------
// Submitting a part

/**
 * Submits part `part` of the student's adaptive attempt, idempotently: the first call scores it and routes; a retry
 * (e.g. after a lost response) finds the part already submitted and returns the attempt as it now is, so the student
 * gets the same next part and nothing is routed twice. Returns the attempt after the call.
 */
export async function submitPart(ctx: LaunchContext, attemptId: string, part: number, isLate: (a: Attempt) => boolean): Promise<Attempt> {
  const a = await loadOwned(ctx, attemptId);
  const s = stateOf(a);
  if (!s) throw new Conflict('This test is not adaptive: submit it as a whole.');
  if (part > s.part) throw new Conflict(`Part ${part} has not started yet; you are on part ${s.part}.`, { attemptId });
  if (a.status !== 'in-progress' || part < s.part) return a;
  return closePart(a, { part, finish: isLate(a), auto: isLate(a) });
}

/** Ends an adaptive attempt now (time is up): the open part counts with the answers it has. */
export async function finishAdaptive(a: Attempt, auto: boolean): Promise<Attempt> {
  const s = stateOf(a)!;
  return closePart(a, { part: s.part, finish: true, auto });
}

async function closePart(start: Attempt, o: { part: number; finish: boolean; auto: boolean }): Promise<Attempt> {
  const id = String(start._id);
  // One part closes once: the read, scoring, routing and write run in this attempt's queue (FerretDB applies a
  // conditional update non-atomically), and the write is conditional on the part still being open. On FerretDB the
  // answers come with the answer journal's and are written into the attempt with the part (answer-journal.ts).
  const { doc, event } = await oneAtATime(id, async () => {
    const read = await readForFold(start._id);
    const a = read?.attempt;
    if (!a || String(a.tenantId) !== String(start.tenantId)) throw notYours();
    const s = stateOf(a)!;
    if (a.status !== 'in-progress' || s.part !== o.part) return { doc: a, event: null };

    const versions = await pinnedItemVersions(String(a.tenantId), a.items.map((i) => ({ id: i.itemId, version: i.version })));
    const byRef = new Map(versions.map((v) => [ref(v), v]));
    const responses = (a.responses ?? {}) as Record<string, { value?: unknown } | undefined>;
    const scored: ScoredPosition[] = s.open.map((position) => {
      const p = a.items.find((i) => i.position === position)!;
      const item = byRef.get(ref(p));
      if (!item) log.error({ attemptId: id, item: ref(p) }, 'a pinned item version is missing; it scores 0');
      const r = item ? scoreResponse(item, responses[`p${position}`]?.value as Parameters<typeof scoreResponse>[1]) : { score: 0, correct: false };
      return { position, itemId: p.itemId, version: p.version, standard: p.standard, score: r.score, correct: r.correct };
    });
    const now = new Date();
    const parts = s.parts.map((p) => (p.part === s.part ? { ...p, submittedAt: now, scored } : p));
    const evidence = parts.map((p) => ({ moduleId: p.stageId, responses: (p.scored ?? []).map((x) => ({ itemId: x.itemId, version: x.version, credit: x.score })) }));
    let step: ReturnType<typeof nextStep>;
    try {
      step = nextStep(planOf(s), evidence, s.seed);
    } catch (err) {
      if (!(err instanceof RouteMismatch)) throw err;
      throw new Conflict('This test\'s parts no longer match its plan. Open the activity again from your course.', { attemptId: id });
    }
    const filter = { _id: a._id, tenantId: a.tenantId, status: 'in-progress', rev: a.rev, 'adaptive.part': s.part };
    let updated: Attempt | null;
    let event: SubmittedAttempt | null = null;
    if (step.done || o.finish) {
      const result = await adaptiveResult(String(a.tenantId), planOf(s), parts);
      const state: AdaptiveState = { ...s, parts, open: [] };
      updated = (await AttemptModel.findOneAndUpdate(filter, {
        $set: { status: 'submitted', submittedAt: now, autoSubmitted: o.auto, score: result.score, maxScore: result.maxScore, result, adaptive: state, responses: a.responses },
        $inc: { rev: 1 },
      }, { new: true }).lean()) as Attempt | null;
      if (updated && !updated.preview) event = adaptiveSubmittedEvent(updated, result);
    } else {
      const nextVersions = await pinnedItemVersions(String(a.tenantId), step.module.items.map((i) => ({ id: i.id, version: i.version })));
      const first = Math.max(0, ...a.items.map((i) => i.position)) + 1;
      const pinned = pinPart(step.module, new Map(nextVersions.map((v) => [ref(v), v])), first);
      const positions = pinned.map((i) => i.position);
      const state: AdaptiveState = { ...s, part: s.part + 1, parts: [...parts, { part: s.part + 1, stageId: step.module.id, positions }], open: positions };
      updated = (await AttemptModel.findOneAndUpdate(filter, { $set: { items: [...a.items, ...pinned], adaptive: state, flags: [], responses: a.responses }, $inc: { rev: 1 } }, { new: true }).lean()) as Attempt | null;
    }
    if (!updated) throw new Conflict('The attempt changed at the same moment (another tab or device?). Try again.', { attemptId: id });
    folded(id, read.live, updated);
    return { doc: updated, event };
  });
  if (event) await announceAndRecord(event);
  return doc;
}

// ---------------------------------------------------------------------------------------------------------------
// Results

/** The stored result of an adaptive attempt: the fixed-form result fields, with levels and score from the scale. */
export interface AdaptiveStoredResult {
  score: number;
  maxScore: number;
  percent: number;
  standards: { code: string; correct: number; total: number; level: MasteryLevel; description: string; pMastery: number }[];
  items: { position: number; score: number; correct: boolean }[];
  scale: ScaleSummary;
  adaptive: AdaptiveResultExtra;
}

/**
 * Levels follow the routing bounds: P(mastery) at or above the upper bound is "got it", at or below the lower bound
 * "not yet", in between "almost" (the test ran out of items before the call was confident). The gradebook score is
 * the number of standards mastered (P > 0.5) out of the standards tested: percent correct means little when each
 * student gets items chosen for them (a strong student gets harder items and gets fewer right).
 */
async function adaptiveResult(tenantId: string, plan: ModulePlan, parts: StoredPart[]): Promise<AdaptiveStoredResult> {
  const difficulty = new Map(Object.values(plan.modules).flatMap((m) => m.items.map((i) => [ref(i), i.difficulty] as const)));
  const scored = parts.flatMap((p) => p.scored ?? []);
  const codes = plan.standards.map((s) => s.standard);
  const scale = scoreOnScale(scored.map((x) => ({ standard: x.standard, difficulty: difficulty.get(ref(x)) ?? 0, credit: x.score })), codes, plan.scale);
  const tallies = new Map(tallyByStandard(scored.map((x) => ({ standard: x.standard, score: x.score }))).map((t) => [t.code, t]));
  const described = await standardDescriptions(tenantId, codes).catch((err: unknown) => {
    log.warn({ err }, 'standard descriptions unavailable; results show codes only');
    return new Map<string, string>();
  });
  const { upper, lower } = plan.rules;
  const standards = codes.map((code) => {
    const p = scale.standards.find((x) => x.code === code)?.pMastery ?? 0;
    const t = tallies.get(code);
    const level: MasteryLevel = p >= upper ? 'got-it' : p <= lower ? 'not-yet' : 'almost';
    return { code, correct: t?.correct ?? 0, total: t?.total ?? 0, level, description: described.get(code) ?? '', pMastery: p };
  });
  const mastered = standards.filter((s) => s.pMastery > 0.5).length;
  return {
    score: mastered, maxScore: codes.length, percent: codes.length ? Math.round((100 * mastered) / codes.length) : 0,
    standards, items: scored.map(({ position, score, correct }) => ({ position, score, correct })), scale,
    adaptive: { parts: parts.filter((p) => p.scored).length, items: scored.length },
  };
}

/** What the hooks hear about a submitted adaptive attempt (also rebuilt from the stored attempt by announce.ts). */
export function adaptiveSubmittedEvent(a: Attempt, r: AdaptiveStoredResult): SubmittedAttempt {
  const scored = new Map(r.items.map((i) => [i.position, i.score]));
  return {
    tenantId: String(a.tenantId), courseId: String(a.courseId), placementId: String(a.placementId), personId: String(a.personId),
    attemptId: String(a._id), attemptNumber: a.number, assessmentId: a.assessmentId, formId: a.formId,
    score: r.score, maxScore: r.maxScore, percent: r.percent, submittedAt: a.submittedAt!, autoSubmitted: !!a.autoSubmitted,
    standards: r.standards.map(({ code, correct, total, level }) => ({ code, correct, total, level })),
    // Only questions of submitted parts are evidence (every pinned question is, once the attempt is submitted).
    items: a.items.filter((p) => scored.has(p.position)).map((p) => ({ position: p.position, itemId: p.itemId, version: p.version, standard: p.standard, score: scored.get(p.position)! })),
    scale: r.scale,
  };
}
