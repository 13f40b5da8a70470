// The grade outbox's rules. A submitted score is stored here before anything is sent, one record per
// student and activity: a newer attempt replaces an older score (never the reverse), a resend requeues,
// and the worker claims, settles and releases records with single-document conditional updates.
import mongoose from 'mongoose';
import type { LaunchContext } from '../auth/session.js';
import { getPerson } from '../courses/course.service.js';
import { databaseEngine } from '../db/engine.js';
import type { SubmittedAttempt } from '../delivery/events.js';
import { InvalidInput, NotFound } from '../http/problem.js';
import { getCoursePlacement } from '../placements/placement.service.js';
import { getTenantRegistration } from '../tenants/tenant.service.js';
import { GradeOutboxModel, LEGACY_OUTBOX_INDEX, NO_LEASE, outboxKey, type GradeOutboxDoc, type OutboxStatus } from './outbox.model.js';

export interface ScoreToQueue {
  tenantId: string;
  courseId: string;
  placementId: string;
  personId: string;
  attemptId: string;
  scoreGiven: number;
  scoreMaximum: number;
  /** The attempt's submission time; AGS and the outbox keep the newest. */
  timestamp: Date;
  comment?: string;
  activityProgress?: 'Started' | 'InProgress' | 'Submitted' | 'Completed';
  gradingProgress?: 'FullyGraded' | 'Pending' | 'PendingManual';
  /** A per-standard mastery score (its own record and gradebook column); absent for the activity's score. */
  standard?: string;
}

/** A progress report while the student works: no score, so the LMS shows the activity as under way. */
export interface ProgressToQueue {
  tenantId: string;
  courseId: string;
  placementId: string;
  personId: string;
  attemptId: string;
  activityProgress: 'Started' | 'InProgress';
  /** When the student started, or saved the answer that made it InProgress. */
  timestamp: Date;
}

export type QueueOutcome = 'queued' | 'kept-newer';

// ---------------------------------------------------------------------------------------------
// Queueing

const queuedListeners = new Set<() => void>();

/** The worker in this process listens, so a new score goes out at once instead of at the next poll. */
export function onScoreQueued(listener: () => void): () => void {
  queuedListeners.add(listener);
  return () => queuedListeners.delete(listener);
}

// A tenant's platform never changes; the cache saves a read per queued score.
const platformOfTenant = new Map<string, string>();
async function platformOf(tenantId: string): Promise<string> {
  const known = platformOfTenant.get(tenantId);
  if (known) return known;
  const { platform } = await getTenantRegistration(tenantId);
  const id = String(platform._id);
  if (platformOfTenant.size > 10_000) platformOfTenant.clear();
  platformOfTenant.set(tenantId, id);
  return id;
}

const isDuplicateKey = (err: unknown) => (err as { code?: number }).code === 11000;

// Outbox writes in this process go one at a time. MongoDB applies each conditional update atomically on
// its own; FerretDB 1.24 (development and tests) reads the match and writes the document in two steps,
// so two concurrent conditional updates of one record could both pass their condition. One queue costs
// MongoDB next to nothing at grade-passback rates, and spares FerretDB its write-lock retries.
let writeQueue: Promise<unknown> = Promise.resolve();
export function serialWrite<T>(fn: () => Promise<T>): Promise<T> {
  const run = writeQueue.then(fn, fn);
  writeQueue = run.catch(() => undefined);
  return run;
}

// FerretDB 1.24 answers a filter that is exactly { _id } from its primary key and any other filter by
// decoding every document of the collection, and it applies neither atomically (it reads, then writes).
// There a conditional write reads the record by _id, checks the condition here and writes by _id: as
// atomic as FerretDB's own (the queue above orders this process's writes) and O(1) instead of
// O(collection). MongoDB gets the condition in the filter, where it is atomic across processes.
type Conditions = Record<string, unknown>;

/** Applies `update` to the record with this _id only if it meets `conditions`; true when it changed. */
async function updateWhere(id: string, conditions: Conditions, update: Record<string, unknown>): Promise<boolean> {
  const c = GradeOutboxModel.collection;
  if ((await databaseEngine()) === 'mongodb') return (await c.updateOne({ _id: id as never, ...conditions }, update)).modifiedCount > 0;
  const doc = await c.findOne({ _id: id as never });
  if (!doc || !meets(doc as Record<string, unknown>, conditions)) return false;
  return (await c.updateOne({ _id: id as never }, update)).modifiedCount > 0;
}

/** The query operators updateWhere's callers use, with MongoDB's meaning. */
export function meets(doc: Record<string, unknown>, conditions: Conditions): boolean {
  const value = (v: unknown) => (v instanceof Date ? v.getTime() : v instanceof mongoose.Types.ObjectId ? v.toHexString() : v ?? null);
  const order = (a: unknown, b: unknown) => {
    const [x, y] = [value(a), value(b)];
    return x === null || y === null || typeof x !== typeof y ? Number.NaN : (x as number) < (y as number) ? -1 : x === y ? 0 : 1;
  };
  return Object.entries(conditions).every(([field, want]) => {
    const have = doc[field];
    if (want && typeof want === 'object' && !(want instanceof Date) && !(want instanceof mongoose.Types.ObjectId)) {
      return Object.entries(want).every(([op, arg]) => {
        switch (op) {
          case '$in': return (arg as unknown[]).some((x) => value(x) === value(have));
          case '$lt': return order(have, arg) < 0;
          case '$lte': return order(have, arg) <= 0;
          default: throw new Error(`meets: operator ${op} is not supported`);
        }
      });
    }
    return value(want) === value(have);
  });
}

/** A score (or progress report: no score) ready to store: ids resolved, the LMS user id known. */
interface OutboxEntry extends Omit<ScoreToQueue, 'scoreGiven' | 'scoreMaximum' | 'activityProgress' | 'gradingProgress'> {
  platformId: string;
  lmsUserId: string;
  scoreGiven: number | null;
  scoreMaximum: number | null;
  activityProgress?: ScoreToQueue['activityProgress'];
  gradingProgress?: ScoreToQueue['gradingProgress'] | 'NotReady';
}

const isProgress = (e: OutboxEntry) => e.activityProgress === 'Started' || e.activityProgress === 'InProgress';

function entryFields(e: OutboxEntry, now: Date) {
  return {
    platformId: e.platformId, courseId: oid(e.courseId), lmsUserId: e.lmsUserId, attemptId: e.attemptId,
    scoreGiven: e.scoreGiven, scoreMaximum: e.scoreMaximum, standard: e.standard ?? null, timestamp: e.timestamp,
    activityProgress: e.activityProgress ?? 'Completed', gradingProgress: e.gradingProgress ?? 'FullyGraded',
    comment: (e.comment ?? '').slice(0, 1000),
    status: 'pending', tries: 0, nextTryAt: now, lastError: null, lastStatus: null, sentAt: null, updatedAt: now,
  };
}

function checkScore(s: ScoreToQueue): void {
  if (!(s.scoreMaximum > 0) || !(s.scoreGiven >= 0) || !Number.isFinite(s.scoreGiven) || !Number.isFinite(s.scoreMaximum)) {
    throw new InvalidInput(`A score needs scoreGiven ≥ 0 and scoreMaximum > 0 (got ${s.scoreGiven}/${s.scoreMaximum}).`);
  }
}

/**
 * Replaces the stored score only when it is older, so a late or repeated older score never replaces a
 * newer one; creates the record when there is none. An insert that meets a record created meanwhile
 * tries the conditional replace once more: only then is "the stored one is newer" certain. A progress
 * report replaces only another progress report: after a Completed score, a retake's Started would blank
 * the gradebook until the retake is submitted, so the submitted score stays until a newer one replaces it.
 */
const store = (e: OutboxEntry) => serialWrite(() => storeNow(e));
async function storeNow(e: OutboxEntry): Promise<QueueOutcome> {
  const _id = outboxKey(e.tenantId, e.placementId, e.personId, e.standard);
  const older = { timestamp: { $lt: e.timestamp }, ...(isProgress(e) ? { activityProgress: { $in: ['Started', 'InProgress'] } } : {}) };
  // The lease is left alone: a send of the older score still in flight finishes first (see settle*).
  const replaceOlder = () => updateWhere(_id, older, { $set: entryFields(e, new Date()), $inc: { rev: 1 } });
  if (await replaceOlder()) return 'queued';
  const now = new Date();
  try {
    await GradeOutboxModel.collection.insertOne({
      _id: _id as never, tenantId: oid(e.tenantId), placementId: oid(e.placementId), personId: oid(e.personId),
      ...entryFields(e, now), rev: 1, leaseUntil: NO_LEASE, leaseOwner: null, createdAt: now,
    });
    return 'queued';
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
  }
  return (await replaceOlder()) ? 'queued' : 'kept-newer';
}

function announceQueued(): void {
  for (const listener of queuedListeners) listener();
}

async function storeFor(s: Pick<ScoreToQueue, 'tenantId' | 'personId'>, entry: (lms: { platformId: string; lmsUserId: string }) => OutboxEntry): Promise<QueueOutcome> {
  const [person, platformId] = await Promise.all([getPerson(s.tenantId, s.personId), platformOf(s.tenantId)]);
  if (!person) throw new NotFound('No such student in this tenant.');
  const outcome = await store(entry({ platformId, lmsUserId: person.sub }));
  if (outcome === 'queued') announceQueued();
  return outcome;
}

/** Stores a submitted score to send (see store for the ordering rule). */
export async function queueScore(s: ScoreToQueue): Promise<QueueOutcome> {
  checkScore(s);
  return storeFor(s, (lms) => ({ ...s, ...lms }));
}

/** Stores a progress report (Started/InProgress, gradingProgress NotReady, no score) to send. */
export async function queueProgress(p: ProgressToQueue): Promise<QueueOutcome> {
  return storeFor(p, (lms) => ({
    ...p, ...lms, scoreGiven: null, scoreMaximum: null, gradingProgress: 'NotReady', comment: '',
  }));
}

/**
 * Many scores at once (imports, load tests, the benchmark), with the LMS user ids given. New records are
 * written in one batch; any that already exist take the one-by-one path with its ordering rule.
 */
export async function queueScoresInBulk(scores: Array<ScoreToQueue & { lmsUserId: string }>): Promise<number> {
  if (!scores.length) return 0;
  scores.forEach(checkScore);
  const platforms = new Map<string, string>();
  for (const s of scores) if (!platforms.has(s.tenantId)) platforms.set(s.tenantId, await platformOf(s.tenantId));
  const entries = scores.map((s) => ({ ...s, platformId: platforms.get(s.tenantId)! }));
  const now = new Date();
  let queued = 0;
  const retry: OutboxEntry[] = [];
  try {
    const r = await serialWrite(() => GradeOutboxModel.collection.insertMany(entries.map((e) => ({
      _id: outboxKey(e.tenantId, e.placementId, e.personId) as never, tenantId: oid(e.tenantId), placementId: oid(e.placementId),
      personId: oid(e.personId), ...entryFields(e, now), rev: 1, leaseUntil: NO_LEASE, leaseOwner: null, createdAt: now,
    })), { ordered: false }));
    queued = r.insertedCount;
  } catch (err) {
    const failed = (err as { writeErrors?: Array<{ index: number; code?: number }> | { index: number; code?: number } }).writeErrors;
    const list = Array.isArray(failed) ? failed : failed ? [failed] : [];
    if (!list.length || list.some((w) => w.code !== 11000)) throw err;
    queued = entries.length - list.length;
    for (const w of list) retry.push(entries[w.index]!);
  }
  for (const e of retry) if ((await store(e)) === 'queued') queued++;
  if (queued) announceQueued();
  return queued;
}

const LEVEL_WORDS = { 'got-it': 'got it', almost: 'almost', 'not-yet': 'not yet' } as const;

/** The gradebook comment: per-standard levels by code. Codes and levels only; nothing about the student. */
export function levelSummary(standards: SubmittedAttempt['standards']): string {
  const parts = (['got-it', 'almost', 'not-yet'] as const)
    .map((level) => [level, standards.filter((s) => s.level === level).map((s) => s.code)] as const)
    .filter(([, codes]) => codes.length)
    .map(([level, codes]) => `${LEVEL_WORDS[level]}: ${codes.join(', ')}`);
  if (!parts.length) return '';
  const text = `Growthline mastery by standard — ${parts.join('; ')}`;
  return text.length > 1000 ? `${text.slice(0, 999)}…` : text;
}

/** The delivery hook: every submitted (non-preview) attempt's score goes to the outbox. */
export async function queueSubmittedScore(e: SubmittedAttempt): Promise<void> {
  await queueScore({
    tenantId: e.tenantId, courseId: e.courseId, placementId: e.placementId, personId: e.personId, attemptId: e.attemptId,
    scoreGiven: e.score, scoreMaximum: e.maxScore, timestamp: e.submittedAt, comment: levelSummary(e.standards),
  });
}

/**
 * Databases made before per-standard records have a unique index on (tenant, placement, person) that
 * would refuse a student's second record. ensureIndexes adds the new index but drops nothing: this does.
 */
export async function dropLegacyOutboxIndex(): Promise<void> {
  const indexes = await GradeOutboxModel.collection.indexes().catch(() => []);
  if (indexes.some((i) => i.name === LEGACY_OUTBOX_INDEX)) await GradeOutboxModel.collection.dropIndex(LEGACY_OUTBOX_INDEX);
}

// ---------------------------------------------------------------------------------------------
// The worker's side: claim, settle, release. Claims span tenants (one queue for the whole tool);
// every later update names the record's tenant.

/**
 * Due records, oldest first: not sent yet, due (nextTryAt ≤ now) and not leased by a live worker (a
 * crashed worker's lease has expired). A read only: claimScore takes each one.
 */
export async function findDueScores(now: Date, limit: number, skipPlatforms: string[] = []): Promise<GradeOutboxDoc[]> {
  return (await GradeOutboxModel.find({
    status: { $in: ['pending', 'sending'] }, nextTryAt: { $lte: now }, leaseUntil: { $lt: now },
    ...(skipPlatforms.length ? { platformId: { $nin: skipPlatforms } } : {}),
  }).sort({ nextTryAt: 1 }).limit(limit).lean()) as GradeOutboxDoc[];
}

/**
 * Takes a record found by findDueScores, in one atomic step that succeeds only if it is still the
 * same revision, still due and still unleased; two workers can never both hold it. Returns the
 * record as claimed, or null when someone else took it or it changed.
 */
export async function claimScore(found: GradeOutboxDoc, owner: string, now: Date, leaseMs: number): Promise<GradeOutboxDoc | null> {
  const leaseUntil = new Date(now.getTime() + leaseMs);
  const taken = await serialWrite(() => updateWhere(
    found._id,
    { tenantId: found.tenantId, rev: found.rev, status: { $in: ['pending', 'sending'] }, nextTryAt: { $lte: now }, leaseUntil: { $lt: now } },
    { $set: { status: 'sending', leaseUntil, leaseOwner: owner, updatedAt: now } },
  ));
  return taken ? { ...found, status: 'sending', leaseUntil, leaseOwner: owner } : null;
}

/** The record as claimed: only the revision that was sent may be settled. */
const claimed = (job: GradeOutboxDoc, owner: string) => ({ tenantId: job.tenantId, rev: job.rev, leaseOwner: owner });
const unleased = { leaseUntil: NO_LEASE, leaseOwner: null };

/** The LMS accepted the score. False when a newer score replaced it meanwhile (the lease is then released). */
export function settleSent(job: GradeOutboxDoc, owner: string, now: Date): Promise<boolean> {
  return serialWrite(async () => {
    const done = await updateWhere(job._id, claimed(job, owner), {
      $set: { status: 'sent', sentAt: now, lastError: null, lastStatus: null, updatedAt: now, ...unleased }, $inc: { tries: 1 },
    });
    if (!done) await releaseNow(job, owner);
    return done;
  });
}

/** A try failed: wait and try again, or give up for a teacher to see (and resend). */
export function settleFailedTry(
  job: GradeOutboxDoc, owner: string, now: Date, reason: string, httpStatus: number | null, retryAt: Date | null,
): Promise<boolean> {
  return serialWrite(async () => {
    const done = await updateWhere(job._id, claimed(job, owner), {
      $set: {
        status: retryAt ? 'pending' : 'failed', ...(retryAt ? { nextTryAt: retryAt } : {}),
        lastError: reason.slice(0, 500), lastStatus: httpStatus, updatedAt: now, ...unleased,
      },
      $inc: { tries: 1 },
    });
    if (!done) await releaseNow(job, owner);
    return done;
  });
}

/** Gives a claimed record back without counting a try (stopping, or the gradebook column is being created). */
export function releaseScore(job: GradeOutboxDoc, owner: string, nextTryAt?: Date): Promise<void> {
  return serialWrite(() => releaseNow(job, owner, nextTryAt));
}

async function releaseNow(job: GradeOutboxDoc, owner: string, nextTryAt?: Date): Promise<void> {
  await updateWhere(job._id, { tenantId: job.tenantId, leaseOwner: owner, status: 'sending' }, { $set: { status: 'pending' } });
  await updateWhere(job._id, { tenantId: job.tenantId, leaseOwner: owner }, { $set: { ...unleased, ...(nextTryAt ? { nextTryAt } : {}) } });
}

/** Everything a stopping worker still holds goes back to the queue, claimable at once. */
export function releaseAllLeases(owner: string): Promise<void> {
  return serialWrite(async () => {
    await GradeOutboxModel.updateMany({ leaseOwner: owner, status: 'sending' }, { $set: { status: 'pending' } });
    await GradeOutboxModel.updateMany({ leaseOwner: owner }, { $set: unleased });
  });
}

// ---------------------------------------------------------------------------------------------
// The teacher's side

export interface GradeView {
  student: { id: string; displayName: string };
  attemptId: string;
  scoreGiven: number;
  scoreMaximum: number;
  submittedAt: string;
  status: OutboxStatus;
  tries: number;
  /** Why the last try failed, in plain words; null after a success. */
  lastError: string | null;
  sentAt: string | null;
  /** When the next try is due (pending only). */
  nextTryAt: string | null;
}

function viewOf(d: GradeOutboxDoc, displayName: string, now: Date): GradeView {
  // A record still marked "sending" by a worker that died is, for the teacher, simply waiting.
  const status = d.status === 'sending' && d.leaseUntil.getTime() < now.getTime() ? 'pending' : (d.status as OutboxStatus);
  return {
    student: { id: String(d.personId), displayName },
    attemptId: d.attemptId, scoreGiven: d.scoreGiven ?? 0, scoreMaximum: d.scoreMaximum ?? 0, submittedAt: d.timestamp.toISOString(),
    status, tries: d.tries, lastError: d.lastError ?? null, sentAt: d.sentAt ? d.sentAt.toISOString() : null,
    nextTryAt: status === 'pending' ? d.nextTryAt.toISOString() : null,
  };
}

async function displayNames(tenantId: string, personIds: string[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (let i = 0; i < personIds.length; i += 50) {
    const batch = personIds.slice(i, i + 50);
    const people = await Promise.all(batch.map((id) => getPerson(tenantId, id)));
    people.forEach((p, j) => names.set(batch[j]!, p?.name ?? p?.label ?? ''));
  }
  return names;
}

async function requireCoursePlacement(ctx: LaunchContext, placementId: string): Promise<void> {
  const placement = mongoose.isValidObjectId(placementId) ? await getCoursePlacement(ctx.tenantId, ctx.courseId, placementId) : null;
  if (!placement) throw new NotFound('No such activity in this course.');
}

/** Grade passback for every student who submitted this activity, by name. Staff of the course only (checked by the route). */
export async function listPlacementGrades(ctx: LaunchContext, placementId: string): Promise<GradeView[]> {
  await requireCoursePlacement(ctx, placementId);
  // The activity's own submitted scores: progress reports and per-standard columns are not a student's grade.
  const docs = (await GradeOutboxModel.find({ tenantId: ctx.tenantId, placementId, standard: null, activityProgress: 'Completed' }).lean()) as GradeOutboxDoc[];
  const names = await displayNames(ctx.tenantId, docs.map((d) => String(d.personId)));
  const now = new Date();
  return docs
    .map((d) => viewOf(d, names.get(String(d.personId)) ?? '', now))
    .sort((a, b) => a.student.displayName.localeCompare(b.student.displayName) || a.student.id.localeCompare(b.student.id));
}

/**
 * Sends a student's score again: a failed or already-sent score goes back to the queue with its
 * tries reset. A score already waiting or being sent is left as it is.
 */
export async function resendGrade(ctx: LaunchContext, placementId: string, personId: string): Promise<GradeView> {
  await requireCoursePlacement(ctx, placementId);
  if (!mongoose.isValidObjectId(personId)) throw new NotFound('No score for this student in this activity yet.');
  const now = new Date();
  const id = outboxKey(ctx.tenantId, placementId.toLowerCase(), personId.toLowerCase());
  const requeued = await serialWrite(() => updateWhere(
    id, { tenantId: oid(ctx.tenantId), activityProgress: 'Completed', status: { $in: ['failed', 'sent'] } },
    { $set: { status: 'pending', tries: 0, nextTryAt: now, lastError: null, lastStatus: null, updatedAt: now }, $inc: { rev: 1 } },
  ));
  // By _id alone (FerretDB scans the collection for any other filter); the tenant is compared here.
  const doc = (await GradeOutboxModel.findOne({ _id: id }).lean()) as GradeOutboxDoc | null;
  if (!doc || String(doc.tenantId) !== ctx.tenantId || doc.activityProgress !== 'Completed') throw new NotFound('No score for this student in this activity yet.');
  if (requeued) announceQueued();
  const names = await displayNames(ctx.tenantId, [personId]);
  return viewOf(doc, names.get(personId) ?? '', now);
}

function oid(id: string): mongoose.Types.ObjectId {
  if (!mongoose.isValidObjectId(id)) throw new InvalidInput(`Not a valid id: ${id}`);
  return new mongoose.Types.ObjectId(id);
}
