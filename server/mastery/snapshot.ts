// Per-course mastery snapshots (snapshot.model.ts): what the teacher's map, a student's own cells and the district
// roll-up read, one document per course found by _id. The estimates stay the record; a snapshot is rebuilt from them
// whenever it is missing or in an older format, and the mastery hook refreshes the cells it wrote after every
// submission (a repeat delivery of the same attempt refreshes them again), so a snapshot never needs to be trusted
// further than the estimates it was built from. docs/mastery.md, "Course snapshots".
import mongoose from 'mongoose';
import { databaseEngine } from '../db/engine.js';
import { oneAtATime } from '../delivery/one-at-a-time.js';
import { Conflict } from '../http/problem.js';
import type { AttemptKind, Level } from './model.js';
import { MasteryEstimateModel } from './mastery.model.js';
import { MasterySnapshotModel, snapshotKey, type MasterySnapshotDoc } from './snapshot.model.js';

/** Bump when the encoding below changes: snapshots in another format are rebuilt when next read. */
export const SNAPSHOT_FORMAT = 1;

export interface SnapshotSitting {
  assessmentId: string;
  kind: AttemptKind;
  at: Date;
  points: number;
  maxPoints: number;
  items: { c: number; d: number }[];
}

/** One student × standard of a course, as the map and the roll-up read it (an estimate without its model state). */
export interface SnapshotCell {
  personId: string;
  framework: string;
  code: string;
  /** The estimate's revision: of two copies of a cell, the higher one is newer. */
  rev: number;
  level: Level;
  pMastery: number;
  evidence: number;
  updatedAt: Date;
  attempts: SnapshotSitting[];
}

/** What an estimate document must hold to become a cell (a projection without state and applied ids is enough). */
export interface EstimateFields {
  personId: unknown;
  framework: string;
  code: string;
  rev?: number | null;
  level: string;
  pMastery: number;
  evidence: number;
  updatedAt: Date | string;
  attempts?: { assessmentId: string; kind: string; at: Date | string; points: number; maxPoints: number; items?: { c?: number | null; d?: number | null }[] | null }[] | null;
}

// ---------------------------------------------------------------------------------------------------------------
// Encoding: a row is JSON of { "<framework>\u0000<code>": [rev, level, pMastery, evidence, updatedAt ms, sittings] },
// a sitting [assessmentId, kind, at ms, points, maxPoints, [c, d, c, d, …]]. Numbers survive JSON exactly.

type EncodedSitting = [string, string, number, number, number, number[]];
type EncodedCell = [number, string, number, number, number, EncodedSitting[]];
type EncodedRow = Record<string, EncodedCell>;

const cellKey = (framework: string, code: string) => `${framework}\u0000${code}`;
const ms = (t: Date | string) => (t instanceof Date ? t.getTime() : Date.parse(t));

export function cellOfEstimate(e: EstimateFields): SnapshotCell {
  return {
    personId: String(e.personId), framework: e.framework, code: e.code, rev: e.rev ?? 0, level: e.level as Level,
    pMastery: e.pMastery, evidence: e.evidence, updatedAt: new Date(ms(e.updatedAt)),
    attempts: (e.attempts ?? []).map((a) => ({
      assessmentId: a.assessmentId, kind: a.kind as AttemptKind, at: new Date(ms(a.at)), points: a.points, maxPoints: a.maxPoints,
      items: (a.items ?? []).map((i) => ({ c: i.c ?? 0, d: i.d ?? 0 })),
    })),
  };
}

const encodeCell = (c: SnapshotCell): EncodedCell => [
  c.rev, c.level, c.pMastery, c.evidence, c.updatedAt.getTime(),
  c.attempts.map((a): EncodedSitting => [a.assessmentId, a.kind, a.at.getTime(), a.points, a.maxPoints, a.items.flatMap((i) => [i.c, i.d])]),
];

function decodeRow(personId: string, text: string): SnapshotCell[] {
  const row = JSON.parse(text) as EncodedRow;
  return Object.entries(row).map(([key, [rev, level, pMastery, evidence, updated, sittings]]) => {
    const cut = key.indexOf('\u0000');
    return {
      personId, framework: key.slice(0, cut), code: key.slice(cut + 1), rev, level: level as Level, pMastery, evidence, updatedAt: new Date(updated),
      attempts: sittings.map(([assessmentId, kind, at, points, maxPoints, flat]) => {
        const items: { c: number; d: number }[] = [];
        for (let i = 0; i + 1 < flat.length; i += 2) items.push({ c: flat[i]!, d: flat[i + 1]! });
        return { assessmentId, kind: kind as AttemptKind, at: new Date(at), points, maxPoints, items };
      }),
    };
  });
}

interface StoredRow { personId: mongoose.Types.ObjectId; cells: string }
type StoredSnapshot = Omit<MasterySnapshotDoc, 'students'> & { students: StoredRow[] };

/** Cells grouped into stored rows (one per student, in a stable order). */
function rowsOf(cells: Iterable<SnapshotCell>): StoredRow[] {
  const byPerson = new Map<string, EncodedRow>();
  for (const c of cells) {
    let row = byPerson.get(c.personId);
    if (!row) byPerson.set(c.personId, (row = {}));
    row[cellKey(c.framework, c.code)] = encodeCell(c);
  }
  return [...byPerson].sort(([a], [b]) => a.localeCompare(b)).map(([personId, row]) => ({ personId: new mongoose.Types.ObjectId(personId), cells: JSON.stringify(row) }));
}

/** Every cell of a stored snapshot (only `personId`'s when given). */
export function cellsOf(doc: Pick<StoredSnapshot, 'students'>, personId?: string): SnapshotCell[] {
  return doc.students.filter((r) => personId === undefined || String(r.personId) === personId).flatMap((r) => decodeRow(String(r.personId), r.cells));
}

/**
 * The document a course's estimates make, as the app stores it: for a bulk load (the bench) or a rebuild. The
 * estimates must all belong to this tenant and course.
 */
export function snapshotDocument(tenantId: string, courseId: string, estimates: Iterable<EstimateFields>, at = new Date()) {
  return {
    _id: snapshotKey(tenantId, courseId), tenantId: new mongoose.Types.ObjectId(tenantId), courseId: new mongoose.Types.ObjectId(courseId),
    format: SNAPSHOT_FORMAT, students: rowsOf([...estimates].map(cellOfEstimate)), rev: 1, builtAt: at, updatedAt: at,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Reading and writing

const MAX_ROUNDS = 12;
const isDuplicateKey = (err: unknown) => (err as { code?: number }).code === 11000;
const ESTIMATE_FIELDS = { state: 0, appliedAttemptIds: 0, 'attempts.attemptId': 0, 'attempts.placementId': 0 } as const;

async function readSnapshot(tenantId: string, courseId: string): Promise<StoredSnapshot | null> {
  // By _id alone (the one filter FerretDB hands to SQLite instead of decoding every document); the key holds the tenant, and it is checked too.
  const doc = (await MasterySnapshotModel.findOne({ _id: snapshotKey(tenantId, courseId) }).lean()) as StoredSnapshot | null;
  if (doc && String(doc.tenantId) !== tenantId) throw new Error(`mastery snapshot ${doc._id} is stored under another tenant`);
  return doc;
}

const usable = (doc: StoredSnapshot | null): doc is StoredSnapshot => !!doc && doc.format === SNAPSHOT_FORMAT;

/**
 * Writes a course's snapshot as `next` computes it from the stored one (null: none yet). On MongoDB the write lands
 * only on the revision read (an atomic conditional update by _id); on FerretDB, whose conditional updates are
 * neither atomic nor indexed, the read and the write by _id run in the snapshot's in-process queue.
 */
async function commit(tenantId: string, courseId: string, next: (current: StoredSnapshot | null) => StoredRow[] | 'rebuild'): Promise<StoredSnapshot | 'rebuild'> {
  const id = snapshotKey(tenantId, courseId);
  const ferret = (await databaseEngine()) === 'ferretdb';
  const round = async (): Promise<StoredSnapshot | 'rebuild' | null> => {
    const current = await readSnapshot(tenantId, courseId);
    const students = next(current);
    if (students === 'rebuild') return students;
    const now = new Date();
    if (!current) {
      const doc = { ...snapshotDocument(tenantId, courseId, [], now), students };
      try {
        await MasterySnapshotModel.collection.insertOne(doc as never);
        return doc as unknown as StoredSnapshot;
      } catch (err) {
        if (isDuplicateKey(err)) return null; // another writer made it first: merge with theirs
        throw err;
      }
    }
    const set = { students, format: SNAPSHOT_FORMAT, updatedAt: now };
    const filter = ferret ? { _id: id } : { _id: id, rev: current.rev };
    const r = await MasterySnapshotModel.collection.updateOne(filter as never, { $set: set, $inc: { rev: 1 } });
    return r.modifiedCount === 1 ? { ...current, ...set, rev: current.rev + 1 } : null;
  };
  for (let i = 0; i < MAX_ROUNDS; i++) {
    const done = ferret ? await oneAtATime(`snapshot:${id}`, round) : await round();
    if (done) return done;
  }
  throw new Conflict('The course\'s mastery snapshot kept changing while it was being written; it will be written on the next try.');
}

/** Of two copies of each cell, the newer (higher estimate revision; the incoming one on a tie). */
function merge(base: Iterable<SnapshotCell>, incoming: Iterable<SnapshotCell>, keep: (old: SnapshotCell) => boolean = () => true): SnapshotCell[] {
  const out = new Map<string, SnapshotCell>();
  for (const c of base) if (keep(c)) out.set(`${c.personId}\u0000${cellKey(c.framework, c.code)}`, c);
  for (const c of incoming) {
    const k = `${c.personId}\u0000${cellKey(c.framework, c.code)}`;
    const old = out.get(k);
    if (!old || c.rev >= old.rev) out.set(k, c);
  }
  return [...out.values()];
}

/** A rebuilt snapshot's rows, merged with whatever a concurrent writer stored meanwhile. */
function rebuiltRows(scanned: SnapshotCell[], scanStarted: number) {
  return (current: StoredSnapshot | null) => {
    if (!usable(current)) return rowsOf(scanned);
    // Cells the scan did not see stay only when written after it began (a submission meanwhile); older ones were
    // deleted from the estimates (a student's data removed) and go.
    return rowsOf(merge(cellsOf(current), scanned, (old) => old.updatedAt.getTime() >= scanStarted));
  };
}

/** Rebuilds one course's snapshot from its estimates (one query over the estimates; a scan on FerretDB). */
export async function rebuildSnapshot(tenantId: string, courseId: string): Promise<StoredSnapshot> {
  const started = Date.now();
  const docs = (await MasteryEstimateModel.find({ tenantId: new mongoose.Types.ObjectId(tenantId), courseId: new mongoose.Types.ObjectId(courseId) }, ESTIMATE_FIELDS).lean()) as unknown as EstimateFields[];
  return commit(tenantId, courseId, rebuiltRows(docs.map(cellOfEstimate), started - 1)) as Promise<StoredSnapshot>;
}

/**
 * Rebuilds several courses' snapshots with one pass over the tenant's estimates (a district's first roll-up after
 * an upgrade, or estimates loaded by other means), rather than one scan per course.
 */
export async function rebuildSnapshots(tenantId: string, courseIds: readonly string[]): Promise<void> {
  if (!courseIds.length) return;
  if (courseIds.length === 1) { await rebuildSnapshot(tenantId, courseIds[0]!); return; }
  const started = Date.now();
  const wanted = new Map(courseIds.map((id) => [id, [] as SnapshotCell[]]));
  const cursor = MasteryEstimateModel.find({ tenantId: new mongoose.Types.ObjectId(tenantId) }, ESTIMATE_FIELDS).lean().cursor({ batchSize: 2000 });
  for await (const doc of cursor) {
    const d = doc as unknown as EstimateFields & { courseId: unknown };
    wanted.get(String(d.courseId))?.push(cellOfEstimate(d));
  }
  for (const [courseId, cells] of wanted) await commit(tenantId, courseId, rebuiltRows(cells, started - 1));
}

/** A course's snapshot, rebuilt first when it is missing or in an older format. */
export async function courseSnapshot(tenantId: string, courseId: string): Promise<StoredSnapshot> {
  const doc = await readSnapshot(tenantId, courseId);
  return usable(doc) ? doc : rebuildSnapshot(tenantId, courseId);
}

/** Stored snapshots of these courses by _id (missing or outdated ones left out), `parallel` reads at a time. */
export async function readSnapshots(tenantId: string, courseIds: readonly string[], parallel = 8): Promise<Map<string, StoredSnapshot>> {
  const out = new Map<string, StoredSnapshot>();
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(parallel, courseIds.length) }, async () => {
    while (next < courseIds.length) {
      const id = courseIds[next++]!;
      const doc = await readSnapshot(tenantId, id);
      if (usable(doc)) out.set(id, doc);
    }
  }));
  return out;
}

/**
 * After the mastery hook wrote a student's estimates: copies those estimates (read again by _id, so a repeat
 * delivery or a concurrent writer's newer revision is what lands) into the course's snapshot. A course without a
 * snapshot gets one built from all its estimates, which already include these.
 */
export async function refreshSnapshotCells(tenantId: string, courseId: string, personId: string, estimateIds: readonly string[]): Promise<void> {
  const fresh = (await Promise.all(estimateIds.map((id) => MasteryEstimateModel.findOne({ _id: id }, ESTIMATE_FIELDS).lean())))
    .flatMap((d) => (d && String(d.tenantId) === tenantId ? [cellOfEstimate(d as unknown as EstimateFields)] : []));
  if (!fresh.length) return;
  // The snapshot is read once, inside commit(): a submission's hot path should not read the course's document twice.
  const done = await commit(tenantId, courseId, (now) => {
    if (!usable(now)) return 'rebuild'; // missing, outdated or deleted meanwhile: only a rebuild knows the other students' cells
    const others = now.students.filter((r) => String(r.personId) !== personId);
    const mine = rowsOf(merge(cellsOf(now, personId), fresh));
    return [...others, ...mine].sort((a, b) => String(a.personId).localeCompare(String(b.personId)));
  });
  if (done === 'rebuild') await rebuildSnapshot(tenantId, courseId);
}
