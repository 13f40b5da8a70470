// Attempts: start or resume, save answers, flag questions, submit and score, read results; and the
// teacher's side of a placement (who has attempted, change its assessment, accommodations).
// Every write is one conditional atomic update (queued per attempt in-process, see one-at-a-time.ts), so
// retries, reordered requests and two tabs cannot lose an acknowledged answer; a unique index keeps
// concurrent starts to one open attempt.
import type { LaunchContext } from '../auth/session.js';
import { getAssessment, toStudentItem } from '../content/content.service.js';
import type { StudentItem } from '../content/content.types.js';
import type { Item, ResponseValue } from '../content/item.schema.js';
import { renderRichText } from '../content/rich-text.js';
import { scoreResponse } from '../content/scoring.js';
import { getPerson } from '../courses/course.service.js';
import { Conflict, InvalidInput, NotAllowed, NotFound } from '../http/problem.js';
import { databaseEngine, keyedObjectId } from '../db/engine.js';
import { log } from '../log.js';
import { isLearner, isStaff } from '../lti/roles.js';
import { assignAssessment, getCoursePlacement, markStudentStarted } from '../placements/placement.service.js';
import { AccommodationModel, AttemptModel, type AttemptDoc } from './attempt.model.js';
import { pinnedItemVersions, standardDescriptions } from './content-cache.js';
import { announceAndRecord } from './announce.js';
import type { SubmittedAttempt } from './events.js';
import { pickFormIndex } from './form-choice.js';
import { oneAtATime } from './one-at-a-time.js';
import { isCourseStaff, isObjectId, isOwner, loadAttempt, loadOwned, notYours, ownedBy } from './attempt-access.js';
import { appendAnswer, attemptStarted, folded, forgetAttempt, liveAnswers, liveInQueue, readForFold, responseKey, type StoredResponse } from './answer-journal.js';
import { adaptivePart, checkOpenPosition, finishAdaptive, isAdaptive, openPositionFilter, startAdaptive, type AdaptivePartView } from '../adaptive/adaptive-delivery.js';
import { planDifficulties } from '../adaptive/adaptive-plan.js';
import { scoreOnScale, type ScaleSummary } from '../adaptive/scale-report.js';
import { DEFAULT_CUT_POINTS, describeResults, summarize, tallyByStandard, type CutPoints, type StandardTally } from './results.js';
import { deadlineFor, DEFAULT_GRACE_SECONDS, isClosed } from './timing.js';

/** Tunables; tests and a future per-district setting may override them. */
export const deliverySettings: { graceSeconds: number; cutPoints: CutPoints } = {
  graceSeconds: DEFAULT_GRACE_SECONDS,
  cutPoints: DEFAULT_CUT_POINTS,
};

// ---------------------------------------------------------------------------------------------
// Views sent to browsers

export interface AttemptView {
  id: string;
  status: 'in-progress' | 'submitted';
  preview: boolean;
  assessment: { id: string; title: string };
  items: StudentItem[];
  responses: Record<number, { value: ResponseValue; seq: number }>;
  flags: number[];
  startedAt: string;
  deadline: string | null;
  serverTime: string;
  readAloud: boolean;
  /** Adaptive tests only: which part this is; `items` are that part's questions. */
  adaptive?: AdaptivePartView;
}

export interface ItemOutcome {
  position: number;
  correct: boolean;
  response: ResponseValue | null;
  correctAnswer: ResponseValue;
  explanation: string; // HTML
}

export interface ResultView {
  attemptId: string;
  score: number;
  maxScore: number;
  percent: number;
  submittedAt: string;
  standards: { code: string; description: string; correct: number; total: number; level: StandardTally['level']; nextStep: string }[];
  items?: ItemOutcome[];
  /** The sitting on the one ability scale (fixed and adaptive); standards here carry P(mastery). */
  scale?: ScaleSummary;
  /** Adaptive tests: the score counts standards mastered, not questions; parts and questions given. */
  adaptive?: { parts: number; items: number };
}

export interface SaveResult { position: number; seq: number; savedAt: string; stale: boolean }

export interface PlacementAttemptRow {
  id: string;
  student: { id: string; displayName: string };
  status: 'in-progress' | 'submitted';
  score?: number;
  startedAt: string;
  submittedAt?: string;
}

export interface AccommodationView { placementId: string; personId: string; timeMultiplier: number | null; readAloud: boolean; updatedAt: string }

/** What is stored on the attempt at submit; next steps are worded at read time in the reader's language. */
interface StoredResult {
  score: number;
  maxScore: number;
  percent: number;
  standards: (StandardTally & { description: string })[];
  items: { position: number; score: number; correct: boolean }[];
  answers?: ItemOutcome[];
  scale?: ScaleSummary;
  adaptive?: { parts: number; items: number };
}

type Attempt = AttemptDoc;

const responsesOf = (a: Attempt) => (a.responses ?? {}) as Record<string, StoredResponse | undefined>;
const ref = (r: { id?: string; itemId?: string; version: number }) => `${r.id ?? r.itemId}@${r.version}`;

// ---------------------------------------------------------------------------------------------
// Time

async function accommodationFor(tenantId: string, placementId: string, personId: string) {
  return AccommodationModel.findOne({ tenantId, placementId, personId }).lean();
}

/** An attempt still open whose time (and grace) has run out. */
export const closedNow = (a: Attempt, now = new Date()) => a.status === 'in-progress' && isClosed(a.deadline ?? null, now, deliverySettings.graceSeconds);

/** Submits an attempt whose time (and grace) ran out, with the answers it has. Returns the current state. */
async function settleIfLate(a: Attempt): Promise<Attempt> {
  return closedNow(a) ? finalize(a, true) : a;
}

// ---------------------------------------------------------------------------------------------
// Start or resume

type Owner = { tenantId: string; placementId: string; personId: string; preview: boolean };

/**
 * The _id of a person's n-th attempt at a placement (staff previews counted apart): derived, so that
 * resuming and counting are lookups by _id, which FerretDB evaluates inside SQLite where a query by owner
 * decodes the whole collection, and a start is an insert that only one of two concurrent starts wins.
 */
const attemptIdFor = (o: Owner, n: number) =>
  keyedObjectId('attempt', o.tenantId, o.placementId, o.personId, o.preview ? 'preview' : 'student', String(n));

/**
 * The owner's attempts, oldest first: attempt 1, 2, … by derived id, up to the first missing one or the
 * open one (a new attempt is only started when none is open, so an open attempt is the newest).
 * Attempts stored before ids were derived are not at those ids; `byOwner` reads them by owner instead.
 */
async function attemptsOf(o: Owner, byOwner: boolean): Promise<Attempt[]> {
  if (byOwner) return (await AttemptModel.find(o).sort({ number: 1 }).lean()) as Attempt[];
  const found: Attempt[] = [];
  for (let n = 1; ; n++) {
    const a = (await AttemptModel.findOne({ _id: attemptIdFor(o, n) }).lean()) as Attempt | null;
    if (!a) return found;
    found.push(a);
    if (a.status === 'in-progress') return found;
  }
}

export async function startOrResume(ctx: LaunchContext): Promise<{ view: AttemptView; created: boolean }> {
  if (!ctx.placementId || !isObjectId(ctx.placementId)) throw new NotFound('This launch is not for an activity. Open the assessment from your course.');
  const preview = isStaff(ctx.roles);
  if (!preview && !isLearner(ctx.roles)) throw new NotAllowed('Only students of this course can take this assessment.');
  const placement = await getCoursePlacement(ctx.tenantId, ctx.courseId, ctx.placementId);
  if (!placement) throw new NotFound('This activity no longer exists. Open the assessment again from your course.');
  const owner = { tenantId: ctx.tenantId, placementId: ctx.placementId, personId: ctx.userId, preview };
  let byOwner = false; // set once attempts are found that are not at their derived ids (see attemptsOf)

  // A few rounds at most: a late attempt is settled, or a concurrent start wins the unique index.
  for (let round = 0; round < 5; round++) {
    const mine = await attemptsOf(owner, byOwner);
    const open = mine.find((a) => a.status === 'in-progress');
    if (open) {
      const current = await settleIfLate(open);
      if (current.status === 'in-progress') return { view: await attemptView(ctx, current), created: false };
      continue;
    }
    // Staff previews never lock the placement; a student's first start does, atomically with reading it.
    const locked = preview ? placement : await markStudentStarted(ctx.tenantId, ctx.placementId);
    const assessmentId = locked?.assessmentId;
    if (!assessmentId) throw new NotFound('This activity has no assessment yet. Ask your teacher to choose one.');
    const assessment = await getAssessment(ctx.tenantId, assessmentId);
    if (!assessment) throw new NotFound('The assessment for this activity is no longer available. Ask your teacher to choose another one.');

    const taken = mine.length;
    const allowed = assessment.settings.attemptsAllowed;
    if (!preview && typeof allowed === 'number' && allowed > 0 && taken >= allowed) {
      const last = mine[mine.length - 1];
      throw new Conflict(
        allowed === 1 ? 'You have already submitted this assessment, and it can be taken only once.'
          : `You have used all ${allowed} attempts for this assessment.`,
        last ? { attemptId: String(last._id) } : {},
      );
    }

    const form = assessment.forms[pickFormIndex(assessment.forms.length, owner)];
    if (!form || form.items.length === 0) throw new Conflict('This assessment has no questions yet. Ask your teacher to check it.');
    const versions = await pinnedItemVersions(ctx.tenantId, form.items.map((i) => ({ id: i.id, version: i.version })));
    const byRef = new Map(versions.map((v) => [ref(v), v]));
    const items = form.items.map((fi, n) => {
      const item = byRef.get(ref(fi));
      if (!item) throw new Conflict('A question of this assessment is missing. Ask your teacher to check the assessment.');
      const inter = item.interaction;
      return {
        position: n + 1, itemId: fi.id, version: fi.version, standard: fi.standard, type: inter.type,
        choiceIds: 'choices' in inter ? inter.choices.map((c) => c.id) : undefined,
      };
    });
    const accommodation = preview ? null : await accommodationFor(ctx.tenantId, ctx.placementId, ctx.userId);
    const startedAt = new Date();
    const settings = {
      attemptsAllowed: assessment.settings.attemptsAllowed ?? null,
      timeLimitMinutes: assessment.settings.timeLimitMinutes ?? null,
      showCorrectAnswers: !!assessment.settings.showCorrectAnswers,
    };
    const id = attemptIdFor(owner, taken + 1);
    // An adaptive test pins its first part and module plan instead of a form (server/adaptive/adaptive-delivery.ts).
    const adaptive = assessment.settings.mode === 'adaptive' ? await startAdaptive(ctx.tenantId, assessment, id) : null;
    try {
      const created = await AttemptModel.create({
        _id: id, ...owner, courseId: ctx.courseId, number: taken + 1, assessmentId, assessmentTitle: assessment.title ?? '', formId: form.id,
        items, settings, status: 'in-progress', startedAt, rev: 0, flags: [], responses: {}, ...(adaptive ?? {}),
        deadline: deadlineFor(startedAt, settings.timeLimitMinutes, accommodation ? accommodation.timeMultiplier : 1),
      });
      const doc = created.toObject() as Attempt;
      await attemptStarted(doc);
      return { view: await attemptView(ctx, doc, accommodation), created: true };
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
      // Another request started this attempt a moment ago: the next round resumes it. Unless the number
      // is held by an attempt stored under another id: then the next rounds read this owner's attempts by owner.
      if (!byOwner && !(await AttemptModel.exists({ _id: id }))) byOwner = true;
    }
  }
  throw new Conflict('The attempt could not be started because of simultaneous requests. Try again.');
}

// ---------------------------------------------------------------------------------------------
// Reading

/** `accommodation`: when the caller has just read it (a start), so it is not read again. */
async function attemptView(ctx: LaunchContext, stored: Attempt, accommodation?: Awaited<ReturnType<typeof accommodationFor>>): Promise<AttemptView> {
  const a = await liveAnswers(stored);
  const versions = await pinnedItemVersions(String(a.tenantId), a.items.map((i) => ({ id: i.itemId, version: i.version })));
  const byRef = new Map(versions.map((v) => [ref(v), v]));
  const items = a.items.map((p) => {
    const item = byRef.get(ref(p));
    if (!item) throw new Error(`pinned item ${p.itemId}@${p.version} of attempt ${String(a._id)} is missing`);
    return toStudentItem(item, p.position);
  });
  const responses: AttemptView['responses'] = {};
  for (const [k, r] of Object.entries(responsesOf(a))) {
    if (r && /^p\d+$/.test(k)) responses[Number(k.slice(1))] = { value: r.value, seq: r.seq };
  }
  accommodation = a.preview ? null : accommodation !== undefined ? accommodation : await accommodationFor(ctx.tenantId, String(a.placementId), String(a.personId));
  // An adaptive attempt shows only its open part: earlier parts are submitted and cannot change.
  const part = adaptivePart(a);
  const shown = part ? new Set(part.positions) : null;
  if (shown) for (const k of Object.keys(responses)) if (!shown.has(Number(k))) delete responses[Number(k)];
  return {
    id: String(a._id),
    status: a.status as AttemptView['status'],
    preview: a.preview,
    assessment: { id: a.assessmentId, title: a.assessmentTitle ?? '' },
    items: shown ? items.filter((i) => shown.has(i.position)) : items,
    responses,
    flags: [...(a.flags ?? [])].sort((x, y) => x - y),
    startedAt: a.startedAt.toISOString(),
    deadline: a.deadline ? a.deadline.toISOString() : null,
    serverTime: new Date().toISOString(),
    readAloud: !!accommodation?.readAloud,
    ...(part ? { adaptive: part.view } : {}),
  };
}

export async function getAttempt(ctx: LaunchContext, attemptId: string): Promise<AttemptView> {
  const a = await settleIfLate(await loadOwned(ctx, attemptId));
  return attemptView(ctx, a);
}

// ---------------------------------------------------------------------------------------------
// Saving answers

function checkAnswerShape(pinned: Attempt['items'][number], value: ResponseValue): void {
  const where = `Question ${pinned.position}`;
  if (value.type !== pinned.type) {
    throw new InvalidInput(`${where} takes a "${pinned.type}" answer, not "${value.type}".`, [{ field: 'value.type', message: `must be "${pinned.type}"` }]);
  }
  const ids = new Set(pinned.choiceIds ?? []);
  const picked = value.type === 'single' ? (value.choice === null ? [] : [value.choice])
    : value.type === 'multiple' ? value.choices : value.type === 'order' ? value.order : [];
  const unknown = picked.filter((c) => !ids.has(c));
  if (unknown.length) {
    throw new InvalidInput(`${where} has no choice "${unknown[0]}".`, [{ field: 'value', message: `unknown choice ${unknown.map((u) => `"${u}"`).join(', ')}` }]);
  }
  if (new Set(picked).size !== picked.length) {
    throw new InvalidInput(`${where}: a choice is listed twice.`, [{ field: 'value', message: 'each choice may appear once' }]);
  }
}

function closedProblem(a: Attempt): Conflict {
  return a.autoSubmitted
    ? new Conflict('Time is up for this attempt. It was submitted with the answers saved before the time ran out.', { attemptId: String(a._id) })
    : new Conflict('This attempt has been submitted, so its answers can no longer change.', { attemptId: String(a._id) });
}

export async function saveResponse(ctx: LaunchContext, attemptId: string, position: number, value: ResponseValue, seq: number): Promise<SaveResult> {
  if ((await databaseEngine()) === 'ferretdb') return saveInQueue(ctx, attemptId, position, value, seq);
  let a = await settleIfLate(await loadOwned(ctx, attemptId));
  if (a.status !== 'in-progress') throw closedProblem(a);
  const pinned = a.items.find((i) => i.position === position);
  if (!pinned) throw new NotFound(`This attempt has no question ${position}.`);
  checkAnswerShape(pinned, value);
  checkOpenPosition(a, position);

  const now = new Date();
  const key = `responses.${responseKey(position)}`;
  // One update decides everything: still open, still in time, and no newer or equal seq stored.
  const applied = await oneAtATime(String(a._id), () => AttemptModel.updateOne(
    {
      _id: a._id, tenantId: ctx.tenantId, personId: ctx.userId, status: 'in-progress', ...openPositionFilter(a, position),
      $and: [
        { $or: [{ deadline: null }, { deadline: { $gte: new Date(now.getTime() - deliverySettings.graceSeconds * 1000) } }] },
        { $or: [{ [`${key}.seq`]: { $exists: false } }, { [`${key}.seq`]: { $lt: seq } }] },
      ],
    },
    { $set: { [key]: { value, seq, savedAt: now } }, $inc: { rev: 1 } },
  ));
  if (applied.matchedCount === 1) return { position, seq, savedAt: now.toISOString(), stale: false };

  // Not applied: find out why, from the stored state.
  a = await settleIfLate(await loadOwned(ctx, attemptId));
  if (a.status !== 'in-progress') throw closedProblem(a);
  checkOpenPosition(a, position);
  const stored = responsesOf(a)[responseKey(position)];
  if (stored && stored.seq >= seq) return { position, seq: stored.seq, savedAt: new Date(stored.savedAt).toISOString(), stale: true };
  throw new Conflict('The answer could not be saved because the attempt changed at the same moment. Try again.');
}

/**
 * The same decisions as the conditional update above, for FerretDB: there any read or update of an attempt scans
 * the collection and a conditional update is not atomic (see one-at-a-time.ts). Inside this attempt's queue, the
 * checks run on the attempt as held in memory and the answer is one insert into the journal (answer-journal.ts):
 * nothing else in this process changes the attempt in between, and on FerretDB this process is the only one
 * (development, tests, CI). The insert is acknowledged before the save is.
 */
async function saveInQueue(ctx: LaunchContext, attemptId: string, position: number, value: ResponseValue, seq: number): Promise<SaveResult> {
  if (!isObjectId(attemptId)) throw notYours();
  const id = attemptId.toLowerCase(); // the queue's key, as String(_id) spells it elsewhere
  const outcome = await oneAtATime(id, async (): Promise<SaveResult | 'late'> => {
    const l = await liveInQueue(id);
    const a = ownedBy(ctx, (l?.facts ?? null) as Attempt | null);
    if (closedNow(a)) return 'late'; // submitted outside the queue: finalize queues its own write
    if (a.status !== 'in-progress') throw closedProblem(a);
    const pinned = a.items.find((i) => i.position === position);
    if (!pinned) throw new NotFound(`This attempt has no question ${position}.`);
    checkAnswerShape(pinned, value);
    checkOpenPosition(a, position);
    const stored = l!.responses.get(position);
    if (stored && stored.seq >= seq) return { position, seq: stored.seq, savedAt: new Date(stored.savedAt).toISOString(), stale: true };
    const now = new Date();
    await appendAnswer(l!, position, value, seq, now);
    return { position, seq, savedAt: now.toISOString(), stale: false };
  });
  if (outcome !== 'late') return outcome;
  throw closedProblem(await settleIfLate(await loadOwned(ctx, id)));
}

export async function setFlags(ctx: LaunchContext, attemptId: string, flags: number[]): Promise<{ flags: number[] }> {
  const a = await settleIfLate(await loadOwned(ctx, attemptId));
  if (a.status !== 'in-progress') throw closedProblem(a);
  const unique = [...new Set(flags)].sort((x, y) => x - y);
  const bad = unique.filter((p) => !a.items.some((i) => i.position === p));
  if (bad.length) throw new InvalidInput(`This attempt has no question ${bad[0]}.`, [{ field: 'flags', message: `unknown positions: ${bad.join(', ')}` }]);
  const applied = await oneAtATime(String(a._id), () => AttemptModel.updateOne(
    { _id: a._id, tenantId: ctx.tenantId, personId: ctx.userId, status: 'in-progress' },
    { $set: { flags: unique }, $inc: { rev: 1 } },
  ));
  if (applied.matchedCount !== 1) throw closedProblem((await loadOwned(ctx, attemptId)));
  return { flags: unique };
}

// ---------------------------------------------------------------------------------------------
// Submitting and scoring

function correctAnswerOf(item: Item): ResponseValue {
  const i = item.interaction;
  switch (i.type) {
    case 'single': return { type: 'single', choice: i.key.correct };
    case 'multiple': return { type: 'multiple', choices: [...i.key.correct] };
    case 'numeric': return { type: 'numeric', text: String(i.key.value) };
    case 'text': return { type: 'text', text: i.key.accepted[0]! };
    case 'order': return { type: 'order', order: [...i.key.correctOrder] };
  }
}

async function scoreAttempt(a: Attempt): Promise<StoredResult> {
  const versions = await pinnedItemVersions(String(a.tenantId), a.items.map((i) => ({ id: i.itemId, version: i.version })));
  const byRef = new Map(versions.map((v) => [ref(v), v]));
  const responses = responsesOf(a);
  const scored = a.items.map((p) => {
    const item = byRef.get(ref(p));
    const response = responses[responseKey(p.position)]?.value;
    if (!item) log.error({ attemptId: String(a._id), item: ref(p) }, 'a pinned item version is missing; it scores 0');
    const s = item ? scoreResponse(item, response) : { score: 0, correct: false };
    return { pinned: p, item, response, score: s.score, correct: s.correct };
  });
  const tallies = tallyByStandard(scored.map((s) => ({ standard: s.pinned.standard, score: s.score })), deliverySettings.cutPoints);
  const described = await standardDescriptions(String(a.tenantId), tallies.map((t) => t.code)).catch((err: unknown) => {
    log.warn({ err }, 'standard descriptions unavailable; results show codes only');
    return new Map<string, string>();
  });
  const result: StoredResult = {
    ...summarize(scored.map((s) => ({ standard: s.pinned.standard, score: s.score }))),
    standards: tallies.map((t) => ({ ...t, description: described.get(t.code) ?? '' })),
    items: scored.map((s) => ({ position: s.pinned.position, score: s.score, correct: s.correct })),
    scale: await fixedFormScale(a, scored),
  };
  if (a.settings?.showCorrectAnswers) {
    result.answers = scored.flatMap((s) => (s.item ? [{
      position: s.pinned.position, correct: s.correct, response: s.response ?? null,
      correctAnswer: correctAnswerOf(s.item), explanation: renderRichText(s.item.feedback.explanation),
    }] : []));
  }
  return result;
}

/** A fixed form on the one ability scale, with the difficulties an adaptive plan would route with. */
async function fixedFormScale(a: Attempt, scored: { pinned: Attempt['items'][number]; item: Item | undefined; score: number }[]): Promise<ScaleSummary> {
  const difficulty = await planDifficulties(String(a.tenantId), scored.flatMap((s) => (s.item ? [s.item] : [])));
  const codes = [...new Set(scored.map((s) => s.pinned.standard))];
  return scoreOnScale(scored.map((s) => ({ standard: s.pinned.standard, difficulty: difficulty.get(ref(s.pinned)) ?? 0, credit: s.score })), codes);
}

/**
 * Scores and submits, idempotently. The update only applies to the revision that was scored, so an
 * answer saved while scoring makes it score again instead of being left out.
 */
async function finalize(start: Attempt, auto: boolean): Promise<Attempt> {
  if (isAdaptive(start)) return finishAdaptive(start, auto);
  if ((await databaseEngine()) === 'ferretdb') return finalizeInQueue(start, auto);
  let a = start;
  for (let round = 0; round < 8 && a.status === 'in-progress'; round++) {
    const result = await scoreAttempt(a);
    const submittedAt = new Date();
    const done = await submitIfUnchanged(a, { status: 'submitted', submittedAt, autoSubmitted: auto, score: result.score, maxScore: result.maxScore, result });
    if (done) {
      if (!done.preview) await announceAndRecord(submittedEvent(done, result));
      return done;
    }
    const fresh = (await AttemptModel.findOne({ _id: a._id }).lean()) as Attempt | null;
    if (!fresh || String(fresh.tenantId) !== String(a.tenantId)) throw notYours();
    a = fresh;
  }
  if (a.status !== 'submitted') throw new Conflict('The attempt is being changed by another request. Try submitting again.');
  return a;
}

/** Applies the submission only to the revision that was scored (MongoDB); null when the attempt changed meanwhile. */
async function submitIfUnchanged(a: Attempt, set: Record<string, unknown>): Promise<Attempt | null> {
  return oneAtATime(String(a._id), async () => (await AttemptModel.findOneAndUpdate(
    { _id: a._id, tenantId: a.tenantId, status: 'in-progress', rev: a.rev }, { $set: set }, { new: true },
  ).lean()) as Attempt | null);
}

/**
 * FerretDB: read, score and write in the attempt's queue, so no save comes between; the answers in the answer journal
 * are scored and written into the attempt with the submission (answer-journal.ts).
 */
async function finalizeInQueue(start: Attempt, auto: boolean): Promise<Attempt> {
  const id = String(start._id);
  const { done, result } = await oneAtATime(id, async () => {
    const read = await readForFold(id);
    if (!read || String(read.attempt.tenantId) !== String(start.tenantId)) throw notYours();
    const a = read.attempt;
    if (a.status !== 'in-progress') return { done: a, result: null };
    const r = await scoreAttempt(a);
    const set = { status: 'submitted', submittedAt: new Date(), autoSubmitted: auto, score: r.score, maxScore: r.maxScore, result: r, responses: a.responses };
    if ((await AttemptModel.updateOne({ _id: a._id }, { $set: set })).matchedCount !== 1) throw notYours();
    folded(id, read.live);
    return { done: { ...a, ...set } as Attempt, result: r };
  });
  if (result && !done.preview) await announceAndRecord(submittedEvent(done, result));
  return done;
}

/** What the hooks hear about a submitted fixed-form attempt (also rebuilt from the stored attempt by announce.ts). */
export function submittedEvent(a: Attempt, r: StoredResult): SubmittedAttempt {
  return {
    tenantId: String(a.tenantId), courseId: String(a.courseId), placementId: String(a.placementId), personId: String(a.personId),
    attemptId: String(a._id), attemptNumber: a.number, assessmentId: a.assessmentId, formId: a.formId,
    score: r.score, maxScore: r.maxScore, percent: r.percent, submittedAt: a.submittedAt!, autoSubmitted: !!a.autoSubmitted,
    standards: r.standards.map(({ code, correct, total, level }) => ({ code, correct, total, level })),
    items: a.items.map((p) => ({ position: p.position, itemId: p.itemId, version: p.version, standard: p.standard, score: r.items.find((i) => i.position === p.position)?.score ?? 0 })),
    ...(r.scale ? { scale: r.scale } : {}),
  };
}

function resultView(a: Attempt, locale: string): ResultView {
  const r = a.result as StoredResult;
  const standards = describeResults(r.standards, Object.fromEntries(r.standards.map((s) => [s.code, s.description])), locale);
  return {
    attemptId: String(a._id), score: r.score, maxScore: r.maxScore, percent: r.percent, submittedAt: a.submittedAt!.toISOString(),
    standards: standards.map(({ code, description, correct, total, level, nextStep }) => ({ code, description, correct, total, level, nextStep })),
    ...(r.answers ? { items: r.answers } : {}),
    ...(r.scale ? { scale: r.scale } : {}),
    ...(r.adaptive ? { adaptive: r.adaptive } : {}),
  };
}

export async function submitAttempt(ctx: LaunchContext, attemptId: string): Promise<ResultView> {
  const a = await loadOwned(ctx, attemptId);
  if (isAdaptive(a) && a.status === 'in-progress' && !closedNow(a)) {
    throw new Conflict('This test is submitted one part at a time: finish the current part.', { attemptId: String(a._id) });
  }
  const done = a.status === 'submitted' ? a : await finalize(a, closedNow(a));
  return resultView(done, ctx.locale);
}

export async function getResults(ctx: LaunchContext, attemptId: string): Promise<ResultView> {
  let a = await loadAttempt(ctx, attemptId);
  if (!isOwner(ctx, a) && !isCourseStaff(ctx, a)) throw notYours();
  a = await settleIfLate(a);
  if (a.status !== 'submitted') throw new Conflict('Results are ready once the attempt is submitted.');
  return resultView(a, ctx.locale);
}

// ---------------------------------------------------------------------------------------------
// The teacher's side of a placement

async function coursePlacement(ctx: LaunchContext, placementId: string) {
  const p = isObjectId(placementId) ? await getCoursePlacement(ctx.tenantId, ctx.courseId, placementId) : null;
  if (!p) throw new NotFound('No activity with this id exists in this course.');
  return p;
}

export async function listPlacementAttempts(ctx: LaunchContext, placementId: string): Promise<{ attempts: PlacementAttemptRow[] }> {
  const { attempts } = await placementAttemptRows(ctx, placementId);
  return { attempts };
}

/**
 * The placement's attempts as staff list them, after settling any whose time ran out (`settled` counts those: they
 * changed in the database). `courseAttempts`, when given, are the course's non-preview attempts already read in
 * full (the dashboard reads them once per request; on FerretDB every such query scans the collection).
 */
export async function placementAttemptRows(ctx: LaunchContext, placementId: string, courseAttempts?: readonly Attempt[]): Promise<{ attempts: PlacementAttemptRow[]; settled: number }> {
  await coursePlacement(ctx, placementId);
  const found = courseAttempts
    ? courseAttempts.filter((a) => String(a.placementId) === placementId && !a.preview && String(a.tenantId) === ctx.tenantId)
      .sort((x, y) => x.startedAt.getTime() - y.startedAt.getTime() || x.number - y.number)
    : (await AttemptModel.find({ tenantId: ctx.tenantId, placementId, preview: false }, { responses: 0, result: 0 })
      .sort({ startedAt: 1, number: 1 }).lean()) as Attempt[];
  let settled = 0;
  const attempts = await Promise.all(found.map(async (a) => {
    if (!closedNow(a)) return a;
    settled++;
    return finalize(await reloadFull(a), true);
  }));
  const people = new Map<string, string>();
  await Promise.all([...new Set(attempts.map((a) => String(a.personId)))].map(async (id) => {
    const p = await getPerson(ctx.tenantId, id);
    people.set(id, p?.name ?? p?.label ?? '');
  }));
  return {
    settled,
    attempts: attempts.map((a) => ({
      id: String(a._id),
      student: { id: String(a.personId), displayName: people.get(String(a.personId)) ?? '' },
      status: a.status as PlacementAttemptRow['status'],
      ...(a.status === 'submitted' && typeof a.score === 'number' ? { score: a.score } : {}),
      startedAt: a.startedAt.toISOString(),
      ...(a.submittedAt ? { submittedAt: a.submittedAt.toISOString() } : {}),
    })),
  };
}

async function reloadFull(a: Attempt): Promise<Attempt> {
  return ((await AttemptModel.findOne({ _id: a._id, tenantId: a.tenantId }).lean()) as Attempt | null) ?? a;
}

export async function changePlacementAssessment(ctx: LaunchContext, placementId: string, assessmentId: string) {
  await coursePlacement(ctx, placementId);
  const assessment = await getAssessment(ctx.tenantId, assessmentId);
  if (!assessment) throw new InvalidInput('No assessment with this id is available to this course.', [{ field: 'assessmentId', message: 'unknown assessment' }]);
  const started = () => new Conflict('A student has already started this activity, so its assessment can no longer change. Add a new activity to use a different assessment.');
  if (await AttemptModel.exists({ tenantId: ctx.tenantId, placementId, preview: false })) throw started();
  const r = await assignAssessment(ctx.tenantId, ctx.courseId, placementId, assessmentId);
  if (!r.ok) throw r.reason === 'started' ? started() : new NotFound('No activity with this id exists in this course.');
  return r.placement;
}

export async function setAccommodation(
  ctx: LaunchContext, placementId: string, personId: string, input: { timeMultiplier: number | null; readAloud: boolean },
): Promise<AccommodationView> {
  await coursePlacement(ctx, placementId);
  const person = isObjectId(personId) ? await getPerson(ctx.tenantId, personId) : null;
  if (!person) throw new NotFound('No student with this id is known here.');
  const updatedAt = new Date();
  const doc = await AccommodationModel.findOneAndUpdate(
    { tenantId: ctx.tenantId, placementId, personId },
    { $set: { timeMultiplier: input.timeMultiplier, readAloud: input.readAloud, updatedAt }, $setOnInsert: { tenantId: ctx.tenantId, placementId, personId } },
    { upsert: true, new: true },
  ).lean();
  // A running attempt gets the new time at once: its deadline is recomputed from its own start.
  const open = (await AttemptModel.find({ tenantId: ctx.tenantId, placementId, personId, preview: false, status: 'in-progress' },
    { startedAt: 1, settings: 1 }).lean()) as Attempt[];
  await Promise.all(open.map((a) => oneAtATime(String(a._id), async () => {
    await AttemptModel.updateOne(
      { _id: a._id, tenantId: ctx.tenantId, status: 'in-progress' },
      { $set: { deadline: deadlineFor(a.startedAt, a.settings?.timeLimitMinutes ?? null, input.timeMultiplier) } },
    );
    forgetAttempt(a._id);
  })));
  return { placementId, personId, timeMultiplier: doc!.timeMultiplier ?? null, readAloud: !!doc!.readAloud, updatedAt: updatedAt.toISOString() };
}
