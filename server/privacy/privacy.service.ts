// A district's privacy duties (FERPA access requests, a parent's deletion request, end-of-year
// clean-up): export one student's data, delete one student's data, delete one course's data. What
// counts as theirs is read from the schemas (record-kinds.ts), never listed by hand; everything is
// scoped to one tenant. docs/privacy.md explains what is stored and why.
import mongoose from 'mongoose';
import { forgetAllAttempts } from '../delivery/answer-journal.js';
import { getTenantRegistration } from '../tenants/tenant.service.js';
import { COURSE_MODEL, loadAllModels, PERSON_MODEL, recordKinds, type RecordKind } from './record-kinds.js';

export interface StudentRef { personId: string; sub?: string }
export interface CourseRef { courseId: string; contextId?: string }

export interface DeletionReport {
  tenantId: string;
  dryRun: boolean;
  /** Whole records deleted (or that would be), by collection. */
  deleted: Record<string, number>;
  /** Records kept because they belong to others, with this student's entries taken out, by collection. */
  scrubbed: Record<string, number>;
  /** People deleted along with a course because it held their last records (course deletion only). */
  peopleRemoved: number;
  notes: string[];
}

export interface StudentExport {
  format: 'growthline-student-export/1';
  exportedAt: string;
  tenantId: string;
  student: StudentRef;
  /** Every record of the student, by collection, as stored. */
  records: Record<string, unknown[]>;
  /** The student's entries in records that also list other people (their entries only). */
  entries: Record<string, unknown[]>;
  /** Titles of the courses and activities the records refer to, to make them readable. */
  context: { courses: { id: string; title: string; label: string }[]; activities: { id: string; title: string }[] };
  notes: string[];
}

const HEX24 = /^[0-9a-f]{24}$/i;
const oid = (s: string) => new mongoose.Types.ObjectId(s);
/** A stored id may be an ObjectId or its string (records written raw, string-typed paths): match both. */
const idForms = (ids: Iterable<unknown>) => [...new Set([...ids].map(String))].flatMap((s) => (HEX24.test(s) ? [s, oid(s)] : [s]));
const tenantFilter = (tenantId: string) => ({ tenantId: { $in: idForms([tenantId]) } });
const collectionOf = (model: string) => mongoose.model(model).collection;
const db = () => {
  const d = mongoose.connection.db;
  if (!d) throw new Error('the database is not connected');
  return d;
};

type Plan = Map<string, Map<string, unknown>>; // model → id (as string) → stored _id
const addTo = (plan: Plan, model: string, id: unknown) => {
  const ids = plan.get(model) ?? new Map<string, unknown>();
  plan.set(model, ids);
  if (ids.has(String(id))) return false;
  ids.set(String(id), id);
  return true;
};
const notShared = (k: RecordKind) => (k.shareable ? { shared: { $ne: true } } : {});

/** Adds every record that refers to a planned one (placementId → Placement …), to a fixpoint. */
async function expand(tenantId: string, plan: Plan, seeds: Plan, kinds: RecordKind[]): Promise<void> {
  const shareable = new Set(kinds.filter((k) => k.shareable).map((k) => k.model));
  let frontier = seeds;
  while (frontier.size) {
    const next: Plan = new Map();
    for (const k of kinds) {
      for (const r of k.refs) {
        const ids = frontier.get(r.model);
        if (!ids?.size || shareable.has(r.model)) continue;
        const found = await collectionOf(k.model).find({ ...tenantFilter(tenantId), [r.path]: { $in: idForms(ids.keys()) }, ...notShared(k) }, { projection: { _id: 1 } }).toArray();
        for (const d of found) if (addTo(plan, k.model, d._id)) addTo(next, k.model, d._id);
      }
    }
    frontier = next;
  }
}

/** The student's own records: top-level person or LMS user references, and what refers to those. */
async function planStudent(tenantId: string, s: StudentRef, kinds: RecordKind[], plan: Plan = new Map()): Promise<Plan> {
  const seeds: Plan = new Map();
  const person = await collectionOf(PERSON_MODEL).findOne({ ...tenantFilter(tenantId), _id: { $in: idForms([s.personId]) } as never }, { projection: { _id: 1 } });
  if (person && addTo(plan, PERSON_MODEL, person._id)) addTo(seeds, PERSON_MODEL, person._id);
  addTo(seeds, PERSON_MODEL, s.personId); // records may outlive a Person already deleted by an interrupted run
  for (const k of kinds) {
    for (const p of k.studentPaths.filter((x) => !x.inList)) {
      const values = p.holds === 'person' ? idForms([s.personId]) : s.sub ? [s.sub] : [];
      if (!values.length) continue;
      const found = await collectionOf(k.model).find({ ...tenantFilter(tenantId), [p.path]: { $in: values }, ...notShared(k) }, { projection: { _id: 1 } }).toArray();
      for (const d of found) if (addTo(plan, k.model, d._id)) addTo(seeds, k.model, d._id);
    }
  }
  await expand(tenantId, plan, seeds, kinds);
  return plan;
}

// ---------------------------------------------------------------------------------------------
// Entries in other people's records (a roster listing the student, a saved group naming them)

const GONE = Symbol('gone');
/** The value with the student's entries taken out: list entries whose leaf matches go, id lists lose the id. */
function scrub(node: unknown, segs: string[], match: (v: unknown) => boolean): unknown {
  if (Array.isArray(node)) return node.map((x) => scrub(x, segs, match)).filter((x) => x !== GONE);
  if (!segs.length) return match(node) ? GONE : node;
  if (!node || typeof node !== 'object') return node;
  const inner = scrub((node as Record<string, unknown>)[segs[0]!], segs.slice(1), match);
  return inner === GONE ? GONE : { ...(node as object), [segs[0]!]: inner };
}
const NONE = Symbol('none');
/** Only the student's entries of the value (the opposite of scrub), for an export. */
function pick(node: unknown, segs: string[], match: (v: unknown) => boolean): unknown {
  if (Array.isArray(node)) { const kept = node.map((x) => pick(x, segs, match)).filter((x) => x !== NONE); return kept.length ? kept : NONE; }
  if (!segs.length) return match(node) ? node : NONE;
  if (!node || typeof node !== 'object') return NONE;
  const inner = pick((node as Record<string, unknown>)[segs[0]!], segs.slice(1), match);
  return inner === NONE ? NONE : { ...(node as object), [segs[0]!]: inner };
}

interface ListEntry { model: string; collection: string; id: unknown; top: string; before: unknown; after: unknown; mine: unknown }

async function listEntries(tenantId: string, people: StudentRef[], kinds: RecordKind[], plan: Plan): Promise<ListEntry[]> {
  const personIds = new Set(people.map((p) => p.personId));
  const subs = new Set(people.flatMap((p) => (p.sub ? [p.sub] : [])));
  const out: ListEntry[] = [];
  for (const k of kinds) {
    const paths = k.studentPaths.filter((p) => p.inList);
    if (!paths.length) continue;
    // Read the tenant's few such records (one per course or activity) and match in code: dotted paths into
    // lists are where MongoDB and FerretDB differ most.
    const docs = await collectionOf(k.model).find(tenantFilter(tenantId)).toArray();
    for (const doc of docs) {
      if (plan.get(k.model)?.has(String(doc._id))) continue;
      for (const p of paths) {
        const [top, ...rest] = p.path.split('.') as [string, ...string[]];
        const match = (v: unknown) => (p.holds === 'person' ? personIds : subs).has(String(v));
        const before = (doc as Record<string, unknown>)[top];
        const mine = pick(before, rest, match);
        if (mine === NONE) continue;
        out.push({ model: k.model, collection: k.collection, id: doc._id, top, before, after: scrub(before, rest, match), mine });
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The LTI library's own records (ltijs keeps each launch's id_token claims for a day: name and email included)

const ltiCollection = (model: string) => (mongoose.modelNames().includes(model) ? mongoose.model(model).collection.collectionName : `${model}s`);
const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

async function ltiFilters(tenantId: string, subs: string[], courseContextId?: string): Promise<{ collection: string; filter: Record<string, unknown> }[]> {
  let reg;
  try { reg = await getTenantRegistration(tenantId); } catch { return []; }
  const { issuer, clientId } = reg.platform;
  // ltijs files context tokens under encodeURIComponent(iss + clientId + deploymentId + contextId + '_' + …).
  const prefix = encodeURIComponent(`${issuer}${clientId}${reg.deploymentId}${courseContextId !== undefined ? `${courseContextId}_` : ''}`);
  const out: { collection: string; filter: Record<string, unknown> }[] = [];
  if (subs.length) out.push({ collection: ltiCollection('idtoken'), filter: { iss: issuer, clientId, deploymentId: reg.deploymentId, user: { $in: subs } } });
  if (subs.length || courseContextId !== undefined) {
    out.push({ collection: ltiCollection('contexttoken'), filter: { contextId: { $regex: `^${escapeRegex(prefix)}` }, ...(courseContextId === undefined ? { user: { $in: subs } } : {}) } });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Finding who and what

/** A student by our person id or by the LMS's user id (`sub`). Null when the tenant has no trace of them. */
export async function findStudent(tenantId: string, idOrSub: string): Promise<StudentRef | null> {
  await loadAllModels();
  const people = collectionOf(PERSON_MODEL);
  const byId = HEX24.test(idOrSub) ? await people.findOne({ ...tenantFilter(tenantId), _id: { $in: idForms([idOrSub]) } as never }) : null;
  const doc = byId ?? await people.findOne({ ...tenantFilter(tenantId), sub: idOrSub });
  if (doc) return { personId: String(doc._id), sub: typeof doc.sub === 'string' ? doc.sub : undefined };
  if (!HEX24.test(idOrSub)) return null;
  // An interrupted deletion removes the person last, so their other records can still be found by id.
  for (const k of recordKinds()) {
    for (const p of k.studentPaths.filter((x) => !x.inList && x.holds === 'person')) {
      if (await collectionOf(k.model).countDocuments({ ...tenantFilter(tenantId), [p.path]: { $in: idForms([idOrSub]) } }, { limit: 1 })) return { personId: idOrSub };
    }
  }
  return null;
}

/** A course by our course id or by the LMS's context id. */
export async function findCourse(tenantId: string, idOrContextId: string): Promise<CourseRef | null> {
  await loadAllModels();
  const courses = collectionOf(COURSE_MODEL);
  const byId = HEX24.test(idOrContextId) ? await courses.findOne({ ...tenantFilter(tenantId), _id: { $in: idForms([idOrContextId]) } as never }) : null;
  const doc = byId ?? await courses.findOne({ ...tenantFilter(tenantId), contextId: idOrContextId });
  if (doc) return { courseId: String(doc._id), contextId: typeof doc.contextId === 'string' ? doc.contextId : undefined };
  if (!HEX24.test(idOrContextId)) return null;
  for (const k of recordKinds().filter((x) => x.byCourse)) {
    if (await collectionOf(k.model).countDocuments({ ...tenantFilter(tenantId), courseId: { $in: idForms([idOrContextId]) } }, { limit: 1 })) return { courseId: idOrContextId };
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Doing it

async function execute(tenantId: string, plan: Plan, entries: ListEntry[], lti: { collection: string; filter: Record<string, unknown> }[], dryRun: boolean, report: DeletionReport) {
  for (const e of entries) {
    report.scrubbed[e.collection] = (report.scrubbed[e.collection] ?? 0) + 1;
    if (!dryRun) await collectionOf(e.model).updateOne({ _id: e.id as never, ...tenantFilter(tenantId) }, { $set: { [e.top]: e.after } });
  }
  for (const { collection, filter } of lti) {
    const n = dryRun ? await db().collection(collection).countDocuments(filter) : (await db().collection(collection).deleteMany(filter)).deletedCount;
    if (n) report.deleted[collection] = (report.deleted[collection] ?? 0) + n;
  }
  // People and courses last: a run cut short can be run again and finds everything by the same ids.
  const order = [...plan.keys()].sort((a, b) => Number([PERSON_MODEL, COURSE_MODEL].includes(a)) - Number([PERSON_MODEL, COURSE_MODEL].includes(b)));
  for (const model of order) {
    const ids = [...plan.get(model)!.values()];
    if (!ids.length) continue;
    const collection = collectionOf(model).collectionName;
    const n = dryRun ? ids.length : (await collectionOf(model).deleteMany({ _id: { $in: ids } as never, ...tenantFilter(tenantId) })).deletedCount;
    if (n) report.deleted[collection] = (report.deleted[collection] ?? 0) + n;
  }
  if (!dryRun) forgetAllAttempts(); // attempts held in memory for their saves are read again (or found gone)
}

const emptyReport = (tenantId: string, dryRun: boolean): DeletionReport => ({ tenantId, dryRun, deleted: {}, scrubbed: {}, peopleRemoved: 0, notes: [] });

/** Deletes every record of one student in one tenant, and takes them out of records that list others too. */
export async function deleteStudentData(tenantId: string, student: StudentRef, o: { dryRun?: boolean } = {}): Promise<DeletionReport> {
  await loadAllModels();
  const kinds = recordKinds();
  const plan = await planStudent(tenantId, student, kinds);
  const entries = await listEntries(tenantId, [student], kinds, plan);
  const report = emptyReport(tenantId, !!o.dryRun);
  const lti = await ltiFilters(tenantId, student.sub ? [student.sub] : []);
  await execute(tenantId, plan, entries, lti, !!o.dryRun, report);
  report.notes.push('The LMS keeps its own copy of the student, their enrolment and their grades: delete those in the LMS.');
  report.notes.push('A student who opens a Growthline activity again is recorded afresh, as a new person with no history.');
  return report;
}

/**
 * Deletes one course: its activities, attempts, mastery, grades waiting for the LMS, rosters, groups
 * and the content its teachers wrote for it alone (content shared with the whole tenant stays), and the
 * people for whom it held their last records.
 */
export async function deleteCourseData(tenantId: string, course: CourseRef, o: { dryRun?: boolean } = {}): Promise<DeletionReport> {
  await loadAllModels();
  const kinds = recordKinds();
  const plan: Plan = new Map();
  const seeds: Plan = new Map();
  const doc = await collectionOf(COURSE_MODEL).findOne({ ...tenantFilter(tenantId), _id: { $in: idForms([course.courseId]) } as never }, { projection: { _id: 1 } });
  if (doc) addTo(plan, COURSE_MODEL, doc._id);
  addTo(seeds, COURSE_MODEL, course.courseId);
  await expand(tenantId, plan, seeds, kinds);

  // People the course's records name, who have nothing left anywhere else in the tenant.
  const personPaths = kinds.flatMap((k) => k.studentPaths.filter((p) => !p.inList && p.holds === 'person').map((p) => ({ k, path: p.path })));
  const named = new Set<string>();
  for (const { k, path } of personPaths) {
    const ids = plan.get(k.model);
    if (!ids?.size) continue;
    for (const d of await collectionOf(k.model).find({ _id: { $in: [...ids.values()] } as never }, { projection: { [path]: 1 } }).toArray()) {
      const v = (d as Record<string, unknown>)[path];
      if (v) named.add(String(v));
    }
  }
  const orphans: StudentRef[] = [];
  for (const personId of named) {
    let elsewhere = false;
    for (const { k, path } of personPaths) {
      const planned = [...(plan.get(k.model)?.values() ?? [])];
      if (await collectionOf(k.model).countDocuments({ ...tenantFilter(tenantId), [path]: { $in: idForms([personId]) }, _id: { $nin: planned } as never }, { limit: 1 })) { elsewhere = true; break; }
    }
    if (elsewhere) continue;
    const found = await findStudent(tenantId, personId);
    if (found) orphans.push(found);
  }
  for (const p of orphans) await planStudent(tenantId, p, kinds, plan);
  const entries = await listEntries(tenantId, orphans, kinds, plan);
  const lti = await ltiFilters(tenantId, orphans.flatMap((p) => (p.sub ? [p.sub] : [])));
  if (course.contextId !== undefined) lti.push(...(await ltiFilters(tenantId, [], course.contextId)));
  const report = emptyReport(tenantId, !!o.dryRun);
  report.peopleRemoved = plan.get(PERSON_MODEL)?.size ?? 0;
  await execute(tenantId, plan, entries, lti, !!o.dryRun, report);
  report.notes.push('The course itself, its enrolments and its gradebook live in the LMS: remove them there as the district\'s policy says.');
  return report;
}

/** Everything stored about one student, as JSON, for an access request. */
export async function exportStudentData(tenantId: string, student: StudentRef): Promise<StudentExport> {
  await loadAllModels();
  const kinds = recordKinds();
  const plan = await planStudent(tenantId, student, kinds);
  const records: Record<string, unknown[]> = {};
  const courseIds = new Set<string>();
  const placementIds = new Set<string>();
  for (const [model, ids] of plan) {
    const docs = await collectionOf(model).find({ _id: { $in: [...ids.values()] } as never, ...tenantFilter(tenantId) }).toArray();
    if (!docs.length) continue;
    records[collectionOf(model).collectionName] = docs;
    for (const d of docs as Record<string, unknown>[]) {
      if (d.courseId) courseIds.add(String(d.courseId));
      if (d.placementId) placementIds.add(String(d.placementId));
    }
  }
  for (const { collection, filter } of await ltiFilters(tenantId, student.sub ? [student.sub] : [])) {
    const docs = await db().collection(collection).find(filter).toArray();
    if (docs.length) records[collection] = docs;
  }
  const entries: Record<string, unknown[]> = {};
  for (const e of await listEntries(tenantId, [student], kinds, plan)) (entries[e.collection] ??= []).push({ _id: e.id, [e.top]: e.mine });
  const courses = courseIds.size ? await collectionOf(COURSE_MODEL).find({ ...tenantFilter(tenantId), _id: { $in: idForms(courseIds) } as never }).toArray() : [];
  const placements = placementIds.size && mongoose.modelNames().includes('Placement')
    ? await collectionOf('Placement').find({ ...tenantFilter(tenantId), _id: { $in: idForms(placementIds) } as never }).toArray() : [];
  return {
    format: 'growthline-student-export/1',
    exportedAt: new Date().toISOString(),
    tenantId,
    student,
    records,
    entries,
    context: {
      courses: courses.map((c) => ({ id: String(c._id), title: String(c.title ?? ''), label: String(c.label ?? '') })),
      activities: placements.map((p) => ({ id: String(p._id), title: String(p.title ?? '') })),
    },
    notes: [
      'Answers are in records.attempts[].responses (as saved) and records.attempts[].result (as scored).',
      'Names, enrolments and grades as the LMS holds them are in the LMS, which is the school\'s system of record.',
    ],
  };
}
