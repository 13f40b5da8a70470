// Keeps each student's mastery estimates current: after a submitted attempt, every standard it tested gets the
// attempt's evidence and a fresh estimate, exactly once per attempt (a repeat or a concurrent second delivery of
// the same attempt changes nothing). Teachers read the course's students × standards map from here.
import mongoose from 'mongoose';
import { getAssessment } from '../content/content.service.js';
import { databaseEngine } from '../db/engine.js';
import { onAttemptSubmitted, type SubmittedAttempt } from '../delivery/events.js';
import { pinnedItemVersions } from '../delivery/content-cache.js';
import { oneAtATime } from '../delivery/one-at-a-time.js';
import { Conflict, NotFound } from '../http/problem.js';
import { log as defaultLog, type Logger } from '../log.js';
import { calculate, DEFAULT_SCORE_SCALE, type CalculationMethod, type MethodKind, type ScoreRule } from './methods.js';
import { defaultModel, type AttemptKind, type EvidenceState, type Level, type MasteryModel, type Observation } from './model.js';
import { MasteryEstimateModel, masteryKey, type MasteryEstimateDoc } from './mastery.model.js';
import { MasterySnapshotModel } from './snapshot.model.js';
import { cellsOf, courseSnapshot, refreshSnapshotCells, type SnapshotCell, type SnapshotSitting } from './snapshot.js';

/** What recording needs from a submitted attempt (SubmittedAttempt has all of it). */
export type AttemptEvidenceInput = Pick<SubmittedAttempt, 'tenantId' | 'courseId' | 'personId' | 'placementId' | 'attemptId' | 'assessmentId' | 'submittedAt' | 'items'>;

export interface RecordOutcome {
  /** Standards whose estimate now includes the attempt. */
  applied: string[];
  /** Standards that had already counted it (a repeat delivery). */
  alreadyCounted: string[];
}

/** One sitting's evidence as an estimate stores it: what a snapshot keeps, plus which attempt and placement. */
interface StoredAttemptEvidence extends SnapshotSitting {
  attemptId: string;
  placementId: string;
}

type StoredEstimate = Omit<MasteryEstimateDoc, 'attempts' | 'state'> & { attempts: StoredAttemptEvidence[]; state: EvidenceState };

const oid = (id: string, what: string) => {
  if (!mongoose.isValidObjectId(id)) throw new NotFound(`Unknown ${what}.`);
  return new mongoose.Types.ObjectId(id);
};
const credit = (s: number) => (Number.isFinite(s) ? Math.min(1, Math.max(0, s)) : 0);
const isDuplicateKey = (err: unknown) => (err as { code?: number }).code === 11000;
// Retries of the optimistic update: each one means another writer changed the same estimate meanwhile.
const MAX_ROUNDS = 12;

/** Every stored attempt's items as observations, oldest first: the model sees the whole history in time order. */
function replay<S extends EvidenceState>(model: MasteryModel<S>, attempts: StoredAttemptEvidence[]) {
  const observations: Observation[] = [...attempts]
    .sort((a, b) => new Date(a.at).getTime() - new Date(b.at).getTime())
    .flatMap((a) => a.items.map((it) => ({ correct: it.c, difficulty: it.d, at: new Date(a.at), attemptKind: a.kind })));
  const state = model.update(model.initial(), observations);
  return { state, estimate: model.estimate(state) };
}

/**
 * Adds one submitted attempt's evidence to the estimates of every standard it tested. Idempotent per attempt id;
 * safe to run concurrently with itself and with other attempts of the same student. Each standard is one atomic
 * single-document update, so a crash half-way leaves some standards updated and a re-run finishes the rest.
 */
export async function recordAttemptEvidence<S extends EvidenceState>(
  e: AttemptEvidenceInput,
  opts: { model?: MasteryModel<S>; log?: Logger } = {},
): Promise<RecordOutcome> {
  const model = (opts.model ?? defaultModel) as MasteryModel<S>;
  const log = opts.log ?? defaultLog;
  const tenantId = oid(e.tenantId, 'tenant');
  const [items, assessment] = await Promise.all([
    pinnedItemVersions(e.tenantId, e.items.map((i) => ({ id: i.itemId, version: i.version }))),
    getAssessment(e.tenantId, e.assessmentId),
  ]);
  const known = new Map(items.map((it) => [`${it.id}@${it.version}`, it]));
  // An assessment that has since disappeared still gave evidence; without its kind it counts as a diagnostic.
  const kind: AttemptKind = assessment?.kind ?? 'diagnostic';

  const byStandard = new Map<string, { framework: string | null; points: number; maxPoints: number; items: { c: number; d: number }[] }>();
  let unknownItems = 0;
  for (const it of e.items) {
    const s = byStandard.get(it.standard) ?? { framework: null, points: 0, maxPoints: 0, items: [] };
    s.points += credit(it.score);
    s.maxPoints += 1;
    const item = known.get(`${it.itemId}@${it.version}`);
    if (item && Number.isFinite(item.difficulty)) {
      s.items.push({ c: credit(it.score), d: item.difficulty });
      s.framework ??= item.framework;
    } else unknownItems += 1;
    byStandard.set(it.standard, s);
  }
  if (unknownItems) log.warn({ attemptId: e.attemptId, tenantId: e.tenantId, unknownItems }, 'items without a known difficulty: they count in points but not in the mastery model');

  const outcome: RecordOutcome = { applied: [], alreadyCounted: [] };
  const keys: string[] = [];
  for (const [code, s] of byStandard) {
    const framework = s.framework ?? '';
    const evidence: StoredAttemptEvidence = {
      attemptId: e.attemptId, placementId: e.placementId, assessmentId: e.assessmentId, kind, at: e.submittedAt,
      points: Math.round(s.points * 1e6) / 1e6, maxPoints: s.maxPoints, items: s.items,
    };
    const key = masteryKey(e.tenantId, e.courseId, e.personId, framework, code);
    keys.push(key);
    const result = await applyEvidence(model, {
      key,
      ids: { tenantId, courseId: oid(e.courseId, 'course'), personId: oid(e.personId, 'person') },
      framework, code, evidence,
    });
    outcome[result === 'applied' ? 'applied' : 'alreadyCounted'].push(code);
  }
  // Also after a repeat delivery: it is how a snapshot missed by a crash between the two writes catches up.
  if (keys.length) await refreshSnapshotCells(e.tenantId, e.courseId, e.personId, keys);
  return outcome;
}

async function applyEvidence<S extends EvidenceState>(
  model: MasteryModel<S>,
  w: { key: string; ids: { tenantId: mongoose.Types.ObjectId; courseId: mongoose.Types.ObjectId; personId: mongoose.Types.ObjectId }; framework: string; code: string; evidence: StoredAttemptEvidence },
): Promise<'applied' | 'already-counted'> {
  const attemptId = w.evidence.attemptId;
  const ferret = (await databaseEngine()) === 'ferretdb';
  for (let round = 0; round < MAX_ROUNDS; round++) {
    // By _id alone (FerretDB scans the collection for { _id, tenantId }); the key holds the tenant, and it is checked too.
    const doc = (await MasteryEstimateModel.findOne({ _id: w.key }).lean()) as StoredEstimate | null;
    if (doc && String(doc.tenantId) !== String(w.ids.tenantId)) throw new Error(`mastery estimate ${w.key} is stored under another tenant`);
    if (doc?.appliedAttemptIds.includes(attemptId)) return 'already-counted';
    const { state, estimate } = replay(model, [...(doc?.attempts ?? []), w.evidence]);
    const fields = {
      model: model.name, state, pMastery: estimate.pMastery, level: estimate.level, evidence: estimate.evidence,
      abilityMean: estimate.ability?.mean ?? null, abilitySd: estimate.ability?.sd ?? null, updatedAt: new Date(),
    };
    if (!doc) {
      try {
        await MasteryEstimateModel.create({
          _id: w.key, ...w.ids, framework: w.framework, code: w.code, ...fields,
          attempts: [w.evidence], appliedAttemptIds: [attemptId], rev: 1,
        });
        return 'applied';
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        continue; // another writer created it first: read theirs and add to it
      }
    }
    // Lands only on the revision the estimate was computed from, and never for an attempt already in it.
    const update = { $set: fields, $push: { attempts: w.evidence, appliedAttemptIds: attemptId }, $inc: { rev: 1 } };
    const landed = ferret
      // FerretDB: its conditional update scans the collection and is not atomic anyway; in this record's
      // queue a re-read of the revision by _id and a write by _id decide the same, for this process.
      ? await oneAtATime(`mastery:${w.key}`, async () => {
        const now = await MasteryEstimateModel.findOne({ _id: w.key }, { rev: 1 }).lean();
        if (!now || now.rev !== doc.rev) return false;
        return (await MasteryEstimateModel.updateOne({ _id: w.key }, update)).modifiedCount === 1;
      })
      : (await MasteryEstimateModel.updateOne({ _id: w.key, tenantId: w.ids.tenantId, rev: doc.rev, appliedAttemptIds: { $ne: attemptId } }, update)).modifiedCount === 1;
    if (landed) return 'applied';
  }
  throw new Conflict('The mastery estimate kept changing while this attempt was being counted; it will be counted on the next try.');
}

// ---------------------------------------------------------------------------------------------------------------
// Reading

export interface MasteryCell {
  personId: string;
  framework: string;
  code: string;
  level: Level;
  /** The model's probability of mastery; null when a calculation method was asked for instead. */
  pMastery: number | null;
  /** The calculation method's score in [0, 1]; with the model, the share of points over all attempts. */
  score: number | null;
  /** Effective number of items behind the model's estimate. */
  evidence: number;
  attempts: number;
  updatedAt: string;
}

export interface MasteryMap {
  /** "model" = the mastery model's estimate (the default); otherwise the teacher's chosen LMS method. */
  method: 'model' | MethodKind;
  students: string[];
  standards: { framework: string; code: string }[];
  cells: MasteryCell[];
}

export interface MapOptions {
  /** A teacher's chosen calculation method; without it, the mastery model's estimate. */
  method?: CalculationMethod;
  scale?: readonly ScoreRule[];
}

function cellOf(d: SnapshotCell, o: MapOptions): MasteryCell {
  const points = d.attempts.reduce((s, a) => s + a.points, 0);
  const max = d.attempts.reduce((s, a) => s + a.maxPoints, 0);
  const base = { personId: String(d.personId), framework: d.framework, code: d.code, evidence: d.evidence, attempts: d.attempts.length, updatedAt: new Date(d.updatedAt).toISOString() };
  if (!o.method) return { ...base, level: d.level as Level, pMastery: d.pMastery, score: max > 0 ? points / max : null };
  const r = calculate(o.method, d.attempts.filter((a) => a.maxPoints > 0).map((a) => ({ score: a.points / a.maxPoints, at: new Date(a.at) })), o.scale ?? DEFAULT_SCORE_SCALE);
  return { ...base, level: r.level, pMastery: null, score: r.score };
}

const byStandard = (a: { framework: string; code: string }, b: { framework: string; code: string }) =>
  a.framework.localeCompare(b.framework) || a.code.localeCompare(b.code, 'en', { numeric: true });

function mapOf(docs: SnapshotCell[], o: MapOptions): MasteryMap {
  const cells = docs.map((d) => cellOf(d, o)).sort((a, b) => a.personId.localeCompare(b.personId) || byStandard(a, b));
  const standards = new Map<string, { framework: string; code: string }>();
  for (const c of cells) standards.set(`${c.framework}\u0000${c.code}`, { framework: c.framework, code: c.code });
  return {
    method: o.method?.kind ?? 'model',
    students: [...new Set(cells.map((c) => c.personId))],
    standards: [...standards.values()].sort(byStandard),
    cells,
  };
}

/**
 * The course's students × standards map: one cell per student and standard with any evidence. Read from the course's
 * snapshot (one document by _id), not by filtering the estimates; see snapshot.ts.
 */
export async function getMasteryMap(tenantId: string, courseId: string, o: MapOptions = {}): Promise<MasteryMap> {
  oid(tenantId, 'tenant'); oid(courseId, 'course');
  return mapOf(cellsOf(await courseSnapshot(tenantId, courseId)), o);
}

/** One student's cells in one course (what a student sees when they revisit). */
export async function getStudentMastery(tenantId: string, courseId: string, personId: string, o: MapOptions = {}): Promise<MasteryMap> {
  oid(tenantId, 'tenant'); oid(courseId, 'course'); oid(personId, 'person');
  return mapOf(cellsOf(await courseSnapshot(tenantId, courseId), personId), o);
}

// ---------------------------------------------------------------------------------------------------------------
// The hook delivery calls after each submission.

export async function recordSubmittedAttempt(e: SubmittedAttempt): Promise<void> {
  await recordAttemptEvidence(e);
}

/**
 * Registers the hook, and builds this domain's indexes: main.ts runs ensureIndexes() before it loads this module,
 * so without this the estimates collection would have no indexes until something else imported the model.
 */
export async function registerMasteryHooks(): Promise<void> {
  if (!onAttemptSubmitted.includes(recordSubmittedAttempt)) onAttemptSubmitted.push(recordSubmittedAttempt);
  for (const model of [MasteryEstimateModel, MasterySnapshotModel]) {
    await model.createCollection().catch(() => undefined); // exists already: fine
    for (const [fields, options] of model.schema.indexes()) await model.collection.createIndex(fields as Record<string, 1 | -1>, options);
  }
}
