// Answer saves on FerretDB (development, tests, CI) are one insert each. FerretDB 1.24 on SQLite uses no index, not
// even the _id index (docs/performance.md): reading or updating an attempt scans the whole collection, and an update
// rewrites the document, so a save that did both managed about 70 a second. An insert scans nothing. So here a save
// appends an entry to the answer journal and acknowledges once the database has it, and what a save checks (owner,
// status, deadline, questions, the newest seq per question) is read once per attempt and held in memory.
//
// The journal is folded into the attempt when the attempt is submitted (or, when adaptive, a part of it is): the
// attempt's `responses` are then written with everything the journal held, and the folded entries are deleted.
// Reading an open attempt's answers (resume, scoring) goes through liveAnswers, which adds the journal. The process
// reads the whole journal once, at start (openJournal), and keeps it current, so it never queries it by attempt.
//
// This relies on one process owning the attempts, as one-at-a-time.ts does on FerretDB. Anything else in the process
// that changes an attempt's deadline, questions or status calls forgetAttempt (or writes through fold), so the next
// save reads them again; facts are also read again after FACTS_MAX_AGE_MS, which bounds how long a change made
// outside the process (a command line, an edit by hand) goes unseen. On MongoDB a save stays one atomic conditional
// update of the attempt (attempt.service.ts) and the journal stays empty.
import mongoose from 'mongoose';
import type { ResponseValue } from '../content/item.schema.js';
import { databaseEngine } from '../db/engine.js';
import { log } from '../log.js';
import { AnswerEntryModel, AttemptModel, type AttemptDoc } from './attempt.model.js';
import { oneAtATime } from './one-at-a-time.js';

type Attempt = AttemptDoc;
type ObjectId = mongoose.Types.ObjectId;

export interface StoredResponse { value: ResponseValue; seq: number; savedAt: Date }

/** What a save checks of an attempt. */
export type SaveFacts = Pick<Attempt, '_id' | 'tenantId' | 'courseId' | 'placementId' | 'personId' | 'preview' | 'status' | 'autoSubmitted' | 'deadline' | 'items' | 'adaptive'>;
const FACT_FIELDS = { tenantId: 1, courseId: 1, placementId: 1, personId: 1, preview: 1, status: 1, autoSubmitted: 1, deadline: 1, items: 1, 'adaptive.open': 1, responses: 1 };

/** An open attempt as this process holds it. */
interface Held {
  /** Newest answer per position: the journal's entries and, once the attempt has been read, its stored responses. */
  responses: Map<number, StoredResponse>;
  /** Journal entries not yet folded into the attempt. */
  entries: ObjectId[];
  /** What a save checks; read again when missing or older than FACTS_MAX_AGE_MS. */
  facts?: SaveFacts;
  readAt: number;
}

export type LiveAttempt = Held & { facts: SaveFacts };

/**
 * Open attempts held. Every journal entry of an open attempt is here (loaded once per process, then kept current by
 * appendAnswer), so an attempt that is not held has none and is read without looking at the journal: on FerretDB a
 * query by attemptId scans the whole journal. Past MAX_HELD, the least recently used attempts without entries are
 * dropped and the others keep their answers but not their facts.
 */
const MAX_HELD = 10_000;
const FACTS_MAX_AGE_MS = 5 * 60_000;
const held = new Map<string, Held>();
let loaded: Promise<void> | undefined;

const keyOf = (id: string | ObjectId) => String(id).toLowerCase();
/** Where an attempt stores the answer to a question: `responses.p<position>`. */
export const responseKey = (position: number) => `p${position}`;

function remember(id: string, h: Held): void {
  held.delete(id);
  held.set(id, h);
  if (held.size <= MAX_HELD) return;
  let looked = 0;
  for (const [k, old] of held) {
    if (held.size <= MAX_HELD || ++looked > 100 || old === h) break;
    if (old.entries.length) old.facts = undefined;
    else held.delete(k);
  }
}

/** Keeps the newer of two answers to one question (the journal's and the attempt's own agree on every seq both hold). */
function keepNewer(into: Map<number, StoredResponse>, position: number, r: StoredResponse): void {
  const had = into.get(position);
  if (!had || had.seq < r.seq) into.set(position, r);
}

/** Adds an attempt's stored answers, the newest seq winning. */
function mergeInto(into: Map<number, StoredResponse>, responses: Pick<Attempt, 'responses'>['responses']): Map<number, StoredResponse> {
  for (const [k, r] of Object.entries((responses ?? {}) as Record<string, StoredResponse | undefined>)) {
    if (r && /^p\d+$/.test(k)) keepNewer(into, Number(k.slice(1)), r);
  }
  return into;
}

/** The attempt with the journal's answers added to its own. */
const withJournal = (a: Attempt, l: LiveAttempt): Attempt => ({ ...a, responses: responsesObject(mergeInto(new Map(l.responses), a.responses)) });

/** What a save checks, taken from an attempt read in full (no answers, no results, no adaptive plan). */
function factsOf(a: SaveFacts): SaveFacts {
  const { _id, tenantId, courseId, placementId, personId, preview, status, autoSubmitted, deadline, items } = a;
  const open = (a.adaptive as { open?: number[] } | undefined)?.open;
  return { _id, tenantId, courseId, placementId, personId, preview, status, autoSubmitted, deadline, items, ...(open ? { adaptive: { open } } : {}) };
}

/** Reads the whole journal into memory, once per process (it holds only open attempts' answers: pruneJournal). */
async function loadJournal(): Promise<void> {
  const entries = await AnswerEntryModel.find({}, { attemptId: 1, position: 1, value: 1, seq: 1, savedAt: 1 }).lean();
  for (const e of entries) {
    const id = keyOf(e.attemptId);
    const h: Held = held.get(id) ?? { responses: new Map(), entries: [], readAt: 0 };
    h.entries.push(e._id);
    keepNewer(h.responses, e.position, { value: e.value as ResponseValue, seq: e.seq, savedAt: e.savedAt });
    held.set(id, h);
  }
}

const journalReady = () => (loaded ??= loadJournal().catch((err: unknown) => { loaded = undefined; throw err; }));

/**
 * At start, on FerretDB: removes the entries no open attempt needs, then reads the rest into memory afresh (also what
 * a test does to act out a restart).
 */
export async function openJournal(): Promise<void> {
  await pruneJournal();
  held.clear();
  loaded = undefined;
  await journalReady();
}

/**
 * The attempt as a save sees it, with its journal's answers; null when there is no such attempt. Call only inside
 * the attempt's queue (oneAtATime with its id), so no save or fold of the same attempt runs meanwhile.
 */
export async function liveInQueue(attemptId: string | ObjectId): Promise<LiveAttempt | null> {
  await journalReady();
  const id = keyOf(attemptId);
  const h = held.get(id);
  if (h?.facts && Date.now() - h.readAt < FACTS_MAX_AGE_MS) {
    remember(id, h);
    return h as LiveAttempt;
  }
  const doc = (await AttemptModel.findOne({ _id: id }, FACT_FIELDS).lean()) as (SaveFacts & Pick<Attempt, 'responses'>) | null;
  if (!doc) {
    held.delete(id); // any entries left are for an attempt that is gone; pruneJournal deletes them at the next start
    return null;
  }
  const l: LiveAttempt = { responses: mergeInto(h?.responses ?? new Map(), doc.responses), entries: h?.entries ?? [], facts: factsOf(doc), readAt: Date.now() };
  if (doc.status === 'in-progress') remember(id, l);
  else held.delete(id);
  return l;
}

/** A new attempt, just stored: held for its saves without reading it back (FerretDB only). */
export async function attemptStarted(a: Attempt): Promise<void> {
  if ((await databaseEngine()) !== 'ferretdb') return;
  const id = keyOf(a._id);
  const h = held.get(id);
  remember(id, { responses: mergeInto(h?.responses ?? new Map(), a.responses), entries: h?.entries ?? [], facts: factsOf(a), readAt: Date.now() });
}

/** The answers as the attempt stores them: `p<position>` → { value, seq, savedAt }. */
const responsesObject = (m: Map<number, StoredResponse>) => Object.fromEntries([...m].map(([p, r]) => [responseKey(p), r]));

/** Appends one answer to the journal; the save is acknowledged after this resolves. Inside the attempt's queue. */
export async function appendAnswer(l: LiveAttempt, position: number, value: ResponseValue, seq: number, savedAt: Date): Promise<void> {
  const _id = new mongoose.Types.ObjectId();
  const f = l.facts;
  await AnswerEntryModel.collection.insertOne({ _id, tenantId: f.tenantId, courseId: f.courseId, personId: f.personId, attemptId: f._id, position, value, seq, savedAt });
  l.entries.push(_id);
  l.responses.set(position, { value, seq, savedAt });
}

/** On FerretDB, an open attempt with its journal's answers in `responses`; anything else as it is. Outside the queue. */
export async function liveAnswers(a: Attempt): Promise<Attempt> {
  if (a.status !== 'in-progress' || (await databaseEngine()) !== 'ferretdb') return a;
  const l = await oneAtATime(keyOf(a._id), () => liveInQueue(a._id));
  return l ? withJournal(a, l) : a;
}

/**
 * Reads an attempt in full, with its journal's answers in `responses`, to be scored and written back with them
 * (then call `folded`). Inside the attempt's queue. null when there is no such attempt.
 */
export async function readForFold(attemptId: string | ObjectId): Promise<{ attempt: Attempt; live: LiveAttempt | null } | null> {
  const attempt = (await AttemptModel.findOne({ _id: attemptId }).lean()) as Attempt | null;
  if (!attempt) return null;
  if (attempt.status !== 'in-progress' || (await databaseEngine()) !== 'ferretdb') return { attempt, live: null };
  const l = await liveInQueue(attemptId);
  return { attempt: l ? withJournal(attempt, l) : attempt, live: l };
}

/**
 * After the attempt read by readForFold was written back with its answers: the folded journal entries are deleted.
 * `now`: the attempt as written, when it is still open (an adaptive attempt's next part), for the next save.
 */
export function folded(attemptId: string | ObjectId, l: LiveAttempt | null, now?: Attempt): void {
  const id = keyOf(attemptId);
  held.delete(id);
  if (l?.entries.length) prune(l.entries.splice(0));
  if (l && now?.status === 'in-progress') remember(id, { facts: factsOf(now), responses: mergeInto(new Map(), now.responses), entries: [], readAt: Date.now() });
}

/** The attempt changed other than by a save (its deadline, say): the next save reads it again. */
export function forgetAttempt(attemptId: string | ObjectId): void {
  const h = held.get(keyOf(attemptId));
  if (h) h.facts = undefined;
}

/** Attempts were deleted (a student's, a course's or a platform's data): every attempt is read again by its next save. */
export function forgetAllAttempts(): void {
  for (const h of held.values()) h.facts = undefined;
}

// ---------------------------------------------------------------------------------------------
// Pruning

const toPrune: ObjectId[] = [];
let pruning: Promise<void> | undefined;
let hurry: (() => void) | undefined;
/**
 * Folded entries wait this long, so that the submissions of half a minute share one delete: on FerretDB a delete
 * reads the whole journal (about 1.4 s for 30,000 entries on the bench machine, docs/performance.md).
 */
const PRUNE_DELAY_MS = 30_000;

/** Deletes folded entries in the background, a batch at a time: on FerretDB each delete scans the journal. */
function prune(ids: ObjectId[]): void {
  toPrune.push(...ids);
  pruning ??= (async () => {
    while (toPrune.length) {
      await new Promise<void>((resolve) => {
        hurry = resolve;
        setTimeout(resolve, PRUNE_DELAY_MS).unref();
      });
      const batch = toPrune.splice(0, 5000);
      await AnswerEntryModel.deleteMany({ _id: { $in: batch } }).catch((err: unknown) => {
        // Left behind, they are only copies of answers the attempt now stores; pruneJournal removes them at the next start.
        log.warn({ err: (err as Error).message, entries: batch.length }, 'folded answer-journal entries could not be deleted yet');
      });
    }
  })().finally(() => { pruning = undefined; hurry = undefined; });
}

/** Deletes the folded entries still waiting, now, and resolves when none are left (shutdown, tests). */
export async function journalPruned(): Promise<void> {
  while (pruning) {
    const running = pruning;
    hurry?.();
    await Promise.race([running, new Promise((r) => setTimeout(r, 10))]);
  }
}

/**
 * At start, before requests: deletes journal entries that no open attempt needs: those of attempts submitted (their
 * answers are folded into them) or deleted. Only entries of open attempts survive a restart.
 */
export async function pruneJournal(): Promise<number> {
  const attemptIds = (await AnswerEntryModel.distinct('attemptId')) as ObjectId[];
  if (!attemptIds.length) return 0;
  const open = await AttemptModel.find({ _id: { $in: attemptIds }, status: 'in-progress' }, { _id: 1 }).lean();
  const keep = open.map((a) => a._id);
  const r = await AnswerEntryModel.deleteMany({ attemptId: { $nin: keep } });
  if (r.deletedCount) log.info({ entries: r.deletedCount }, 'answer journal: removed entries of submitted or deleted attempts');
  return r.deletedCount;
}

/** How many open attempts are held (tests). */
export const liveAttempts = () => held.size;
