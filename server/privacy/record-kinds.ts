// Which stored records belong to a student or a course, read from the mongoose schemas themselves so
// the answer never goes stale: a model with a tenantId and a personId/studentId/courseId path is
// covered the day it is written. docs/privacy.md shows the table coverageTable() prints.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import mongoose, { type Schema } from 'mongoose';

/** Names of paths that hold a student: our person id, or the LMS's user id (the launch's `sub`). */
export const PERSON_REF_NAMES = ['personId', 'studentId', 'personIds', 'studentIds'];
export const LMS_USER_REF_NAMES = ['sub', 'lmsUserId'];
const STUDENT_REF_NAMES = [...PERSON_REF_NAMES, ...LMS_USER_REF_NAMES];
/** A `<name>Id` path names the model `<Name>`; `studentId` names a Person too. */
const REF_ALIASES: Record<string, string> = { student: 'Person' };

export interface StudentRefPath {
  /** Dotted path, e.g. `personId`, `members.sub`, `groups.studentIds`. */
  path: string;
  /** What the path holds: our person id, or the LMS's user id. */
  holds: 'person' | 'lms-user';
  /** The path runs through an array (a list inside someone else's record): only the student's entries go. */
  inList: boolean;
}

export interface RecordKind {
  model: string;
  collection: string;
  /** Top-level `<x>Id` paths naming another model, and that model. */
  refs: { path: string; model: string }[];
  studentPaths: StudentRefPath[];
  /** Has a top-level courseId. */
  byCourse: boolean;
  /** Has a `shared` flag: shared records belong to the whole tenant and are never deleted with a course or person. */
  shareable: boolean;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const SERVER_DIR = path.resolve(here, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return name === 'node_modules' || name === 'static' ? [] : sourceFiles(p);
    return /\.(ts|js)$/.test(name) && !/\.(test|d)\.(ts|js)$/.test(name) ? [p] : [];
  });
}

let loaded: Promise<void> | undefined;
/**
 * Imports every server module that defines a mongoose model, found by reading the source (or the
 * build) — so a command line that does not start the app still sees every model, new ones included.
 */
export function loadAllModels(): Promise<void> {
  return (loaded ??= (async () => {
    for (const file of sourceFiles(SERVER_DIR)) {
      if (/mongoose\.model\(\s*['"`]/.test(readFileSync(file, 'utf8'))) await import(pathToFileURL(file).href);
    }
  })());
}

function walkPaths(schema: Schema, prefix = '', inList = false, out: { path: string; leaf: string; inList: boolean }[] = []) {
  schema.eachPath((p, type) => {
    const t = type as unknown as { schema?: Schema; instance?: string; $isMongooseDocumentArray?: boolean };
    const full = `${prefix}${p}`;
    if (t.schema) walkPaths(t.schema, `${full}.`, inList || !!t.$isMongooseDocumentArray, out);
    else out.push({ path: full, leaf: p.split('.').pop()!, inList: inList || t.instance === 'Array' });
  });
  return out;
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** Every registered model that carries a tenantId, classified. Models without one are not per-tenant data. */
export function recordKinds(): RecordKind[] {
  const names = mongoose.modelNames();
  return names.map((name) => mongoose.model(name)).filter((m) => !!m.schema.path('tenantId')).map((m) => {
    const paths = walkPaths(m.schema);
    const refs = paths.filter((p) => !p.path.includes('.') && /^[a-z]\w*Id$/.test(p.path) && p.path !== 'tenantId').flatMap((p) => {
      const stem = p.path.slice(0, -2);
      const target = REF_ALIASES[stem] ?? capitalise(stem);
      return names.includes(target) && target !== m.modelName ? [{ path: p.path, model: target }] : [];
    });
    return {
      model: m.modelName,
      collection: m.collection.collectionName,
      refs,
      studentPaths: paths.filter((p) => STUDENT_REF_NAMES.includes(p.leaf))
        .map((p) => ({ path: p.path, holds: PERSON_REF_NAMES.includes(p.leaf) ? 'person' as const : 'lms-user' as const, inList: p.inList })),
      byCourse: !!m.schema.path('courseId'),
      shareable: !!m.schema.path('shared'),
    };
  }).sort((a, b) => a.collection.localeCompare(b.collection));
}

/** The models a person id and a course id name: by convention `personId` → Person, `courseId` → Course. */
export const PERSON_MODEL = 'Person';
export const COURSE_MODEL = 'Course';

/**
 * Which kinds go when one record of `root` goes: the root, every kind referring to a kind that goes
 * (`placementId` → Placement …), to a fixpoint. References to shareable kinds (content such as items
 * and assessments) are not followed: a record that uses content is not owned by it.
 */
export function cascadeFrom(root: string, kinds = recordKinds()): Map<string, string[]> {
  const reached = new Map<string, string[]>([[root, []]]);
  const shareable = new Set(kinds.filter((k) => k.shareable).map((k) => k.model));
  for (let grew = true; grew;) {
    grew = false;
    for (const k of kinds) {
      if (reached.has(k.model)) continue;
      const via = k.refs.filter((r) => reached.has(r.model) && !shareable.has(r.model)).map((r) => r.path);
      if (via.length) { reached.set(k.model, via); grew = true; }
    }
  }
  return reached;
}

/**
 * The coverage table of docs/privacy.md: every per-tenant collection, and what a student deletion,
 * a course deletion and a student export do to it.
 */
export function coverageTable(kinds = recordKinds()): string {
  const byPerson = cascadeFrom(PERSON_MODEL, kinds);
  const byCourse = cascadeFrom(COURSE_MODEL, kinds);
  const rows = kinds.map((k) => {
    const lists = k.studentPaths.filter((p) => p.inList).map((p) => `\`${p.path}\``);
    const own = k.studentPaths.filter((p) => !p.inList).map((p) => `\`${p.path}\``);
    const student = k.model === PERSON_MODEL ? 'the record itself'
      : byPerson.has(k.model) ? `deleted (${[...new Set([...byPerson.get(k.model)!.map((p) => `\`${p}\``), ...own])].join(', ')})`
        : own.length ? `deleted (${own.join(', ')})`
          : lists.length ? `their entries removed (${lists.join(', ')})` : '—';
    const course = k.model === COURSE_MODEL ? 'the record itself'
      : k.model === PERSON_MODEL ? 'deleted for people left with no other record (the course was their last)'
      : byCourse.has(k.model) ? `deleted (${byCourse.get(k.model)!.map((p) => `\`${p}\``).join(', ')})${k.shareable ? ', unless shared with the tenant' : ''}` : '—';
    const exported = student === '—' ? 'no' : 'yes';
    return `| \`${k.collection}\` | ${k.model} | ${student} | ${course} | ${exported} |`;
  });
  return ['| Collection | Model | Student deletion | Course deletion | In a student export |', '|---|---|---|---|---|', ...rows].join('\n');
}
