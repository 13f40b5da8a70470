// The content domain: standards, versioned items and assessments, each visible to a tenant (starter
// content to everyone, read-only). Other domains and the CLI call these functions, never the models.
// Edits never overwrite: each one adds an item version, so versions pinned by attempts stay readable.
import { seededRandom } from '../shared/seeded-random.js';
import { createHash, randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { z } from 'zod';
import { Conflict, InvalidInput, NotAllowed, NotFound, type FieldProblem } from '../http/problem.js';
import { AssessmentModel, ItemModel, StandardModel } from './content.model.js';
import type {
  AssessmentDetail, AssessmentForm, AssessmentKind, AssessmentSettings, AssessmentSummary, ContentOwner, ContentScope, ItemView, StudentItem,
} from './content.types.js';
import { AssemblyError, assembleParallelForms, formDifficultyReport, type BlueprintEntry, type Form, type FormItem, type ItemSummary, type StandardBalance } from './forms.js';
import { ItemSchema, type Item, type Standard } from './item.schema.js';
import { adaptiveBlueprintRow, adaptiveRules } from '../adaptive/adaptive-plan.js';
import { buildModules } from '../adaptive/mst.js';
import { planNotes, type PlanNote } from '../adaptive/plan-notes.js';
import { renderRichText, richTextProblems } from './rich-text.js';

// ---------------------------------------------------------------------------------------------
// Inputs (validated at the edge by the routes and the CLI; types derived from the schemas)
// ---------------------------------------------------------------------------------------------

const ItemFields = ItemSchema.innerType();
export const ItemIdSchema = ItemFields.shape.id;

export const StandardQuerySchema = z.object({
  framework: z.string().max(80).optional(),
  grade: z.string().max(20).optional(),
  q: z.string().max(200).optional(),
});
export type StandardQuery = z.infer<typeof StandardQuerySchema>;

export const ItemQuerySchema = z.object({
  grade: z.string().max(20).optional(),
  standard: z.string().max(40).optional(),
  type: z.enum(['single', 'multiple', 'numeric', 'text', 'order']).optional(),
  q: z.string().max(200).optional(),
  owner: z.enum(['starter', 'mine', 'all']).default('all'),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type ItemQuery = z.infer<typeof ItemQuerySchema>;

/** An item as an author sends it: an Item without id and version (id optional on create), plus sharing. */
export const ItemDraftSchema = ItemFields.omit({ id: true, version: true })
  .extend({ id: ItemIdSchema.optional(), shared: z.boolean().optional() })
  .superRefine((draft, ctx) => {
    // The item rules (keys among the choices, …) live in ItemSchema's refinement: run them on the draft.
    const r = ItemSchema.safeParse({ ...draft, id: 'draft', version: 1 });
    if (!r.success) for (const issue of r.error.issues) if (issue.code === 'custom') ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  });
export type ItemDraft = z.infer<typeof ItemDraftSchema>;

export const AssessmentQuerySchema = z.object({
  grade: z.string().max(20).optional(),
  standard: z.string().max(40).optional(),
});
export type AssessmentQuery = z.infer<typeof AssessmentQuerySchema>;

export const SettingsSchema = z.object({
  attemptsAllowed: z.number().int().min(1).max(20).default(1),
  timeLimitMinutes: z.number().int().min(1).max(600).nullable().default(null),
  showCorrectAnswers: z.boolean().default(false),
  // 'adaptive': multistage adaptive delivery from the blueprint standards' items (docs/adaptive.md); bounds are P(mastery).
  mode: z.enum(['fixed', 'adaptive']).default('fixed'),
  adaptive: z.object({
    upper: z.number().gt(0.5).max(1).default(2 / 3),
    lower: z.number().min(0).lt(0.5).default(1 / 3),
    maxItemsPerStandard: z.number().int().min(1).max(20).nullable().default(null),
    minItemsPerStandard: z.number().int().min(1).max(20).nullable().default(null),
  }).optional(),
});

export const BlueprintRequestSchema = z.object({
  title: z.string().trim().min(1, 'a title is needed').max(200),
  grade: z.string().trim().min(1).max(20),
  kind: z.enum(['diagnostic', 'pre-post']),
  blueprint: z
    .array(z.object({ standard: z.string().trim().min(1).max(40), items: z.number().int().min(1, 'at least 1 item per standard').max(20, 'at most 20 items per standard') }))
    .min(1, 'the blueprint needs at least one standard')
    .max(30, 'the blueprint may list at most 30 standards'),
  settings: SettingsSchema.default({}),
});
export type BlueprintRequest = z.input<typeof BlueprintRequestSchema>;

// ---------------------------------------------------------------------------------------------
// Stored shapes and small helpers
// ---------------------------------------------------------------------------------------------

type Oid = mongoose.Types.ObjectId;

interface StoredStandard extends Standard { tenantId: Oid | null }

interface StoredItem {
  tenantId: Oid | null;
  courseId: Oid | null;
  shared: boolean;
  itemId: string;
  version: number;
  latest: boolean;
  framework: string;
  standards: string[];
  grades: string[];
  type: string;
  difficulty: number;
  stem: string;
  interaction: Item['interaction'];
  feedback: Item['feedback'];
  contentHash: string;
}

interface StoredAssessment {
  _id: string;
  tenantId: Oid | null;
  courseId: Oid | null;
  shared: boolean;
  title: string;
  grade: string;
  kind: AssessmentKind;
  pairedWith?: string | null;
  blueprint: BlueprintEntry[];
  standards: string[];
  settings: AssessmentSettings;
  forms: AssessmentForm[];
  adaptivePool?: FormItem[];
  difficulty: StandardBalance[];
  itemCount: number;
  source: 'ready-made' | 'blueprint' | 'import';
  contentHash?: string;
}

const DUPLICATE_KEY = 11000;
function isDuplicateKey(e: unknown): boolean {
  const err = e as { code?: number; writeErrors?: { code?: number; err?: { code?: number } }[] } | null;
  if (err?.code === DUPLICATE_KEY) return true;
  return !!err?.writeErrors?.length && err.writeErrors.every((w) => (w.code ?? w.err?.code) === DUPLICATE_KEY);
}

function oid(id: string, what: string): Oid {
  if (!mongoose.isValidObjectId(id) || !/^[0-9a-f]{24}$/i.test(id)) throw new InvalidInput(`The ${what} id "${id}" is not valid.`);
  return new mongoose.Types.ObjectId(id);
}
const tenantOid = (tenantId: string | null) => (tenantId === null ? null : oid(tenantId, 'tenant'));

/** Tenant filter for tenant-level reads: the starter content plus the tenant's own. */
const tenantVisible = (tenantId: string | null) => (tenantId === null ? { tenantId: null } : { tenantId: { $in: [null, tenantOid(tenantId)] } });

/** What staff of one course may see: starter content, tenant-wide content, and their course's own. */
function courseVisible(scope: ContentScope) {
  const t = tenantOid(scope.tenantId);
  const c = oid(scope.courseId, 'course');
  return { $or: [{ tenantId: null }, { tenantId: t, shared: true }, { tenantId: t, courseId: null }, { tenantId: t, courseId: c }] };
}

function visibleToCourse(scope: ContentScope, doc: { tenantId: Oid | null; courseId: Oid | null; shared: boolean }): boolean {
  if (doc.tenantId === null) return true;
  if (String(doc.tenantId) !== scope.tenantId) return false;
  return doc.shared || doc.courseId === null || String(doc.courseId) === scope.courseId;
}

function ownerOf(doc: { tenantId: Oid | null; courseId: Oid | null; shared: boolean }): ContentOwner {
  if (doc.tenantId === null) return 'starter';
  return doc.shared || doc.courseId === null ? 'tenant' : 'course';
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const naturalCompare = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true, sensitivity: 'base' });
const standardKey = (framework: string, code: string) => `${framework}\u0000${code}`;

/** JSON with sorted keys, so the same content always hashes the same. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
export const contentHash = (value: unknown) => createHash('sha256').update(stableJson(value)).digest('hex');

/** The hash of what an item says (everything but its id and version), to tell a real edit from a repeat. */
const itemContentHash = (item: Item) => contentHash({ ...item, id: undefined, version: undefined });

function itemFromDoc(d: StoredItem): Item {
  return { id: d.itemId, version: d.version, framework: d.framework, standards: [...d.standards], difficulty: d.difficulty, stem: d.stem, interaction: d.interaction, feedback: d.feedback };
}

// ---------------------------------------------------------------------------------------------
// Standards
// ---------------------------------------------------------------------------------------------

function standardFromDoc(d: StoredStandard): Standard {
  return {
    framework: d.framework, code: d.code, grade: d.grade, description: d.description, kind: d.kind,
    ...(d.caseId ? { caseId: d.caseId } : {}), ...(d.parent ? { parent: d.parent } : {}),
  };
}

/** Every standard a tenant can use (starter frameworks and its own imports); a tenant's own wins a tie. */
async function visibleStandards(tenantId: string | null): Promise<Standard[]> {
  const docs = (await StandardModel.find(tenantVisible(tenantId)).lean()) as unknown as StoredStandard[];
  const byKey = new Map<string, StoredStandard>();
  for (const d of docs) {
    const key = standardKey(d.framework, d.code);
    if (!byKey.has(key) || d.tenantId !== null) byKey.set(key, d);
  }
  return [...byKey.values()].map(standardFromDoc);
}

/** The code and every code below it (a domain's clusters and standards, a standard's sub-standards). */
function withDescendants(all: Standard[], code: string): string[] {
  const out = new Set([code]);
  let frontier = [code];
  while (frontier.length) {
    const next = all.filter((s) => s.parent && frontier.includes(s.parent) && !out.has(s.code)).map((s) => s.code);
    next.forEach((c) => out.add(c));
    frontier = next;
  }
  return [...out];
}

const sortStandards = (xs: Standard[]) => xs.sort((a, b) => naturalCompare(a.framework, b.framework) || naturalCompare(a.code, b.code));

/** GET /api/standards: the matching standards plus the clusters and domains above them. */
export async function listStandards(tenantId: string, query: StandardQuery): Promise<Standard[]> {
  const all = await visibleStandards(tenantId);
  const q = query.q?.trim().toLowerCase();
  const hits = all.filter((s) =>
    s.kind === 'standard' &&
    (!query.framework || s.framework === query.framework) &&
    (!query.grade || s.grade === query.grade) &&
    (!q || s.code.toLowerCase().includes(q) || s.description.toLowerCase().includes(q)));
  const byKey = new Map(all.map((s) => [standardKey(s.framework, s.code), s] as const));
  const out = new Map(hits.map((s) => [standardKey(s.framework, s.code), s] as const));
  for (const s of hits) {
    let parent = s.parent ? byKey.get(standardKey(s.framework, s.parent)) : undefined;
    for (let depth = 0; parent && depth < 10; depth++) {
      out.set(standardKey(parent.framework, parent.code), parent);
      parent = parent.parent ? byKey.get(standardKey(parent.framework, parent.parent)) : undefined;
    }
  }
  return sortStandards([...out.values()]);
}

/** Standards by code, for result pages and exports. With a tenant, its own imported standards count too. */
export async function getStandards(codes: string[], framework?: string, tenantId?: string): Promise<Standard[]> {
  if (codes.length === 0) return [];
  const all = await visibleStandards(tenantId ?? null);
  const wanted = new Set(codes);
  return sortStandards(all.filter((s) => wanted.has(s.code) && (!framework || s.framework === framework)));
}

/** Codes (of `standards`' parents) found neither in the list nor among the stored standards of that scope. */
export async function missingParents(tenantId: string | null, standards: Standard[]): Promise<{ code: string; parent: string }[]> {
  const known = new Set([...(await visibleStandards(tenantId)), ...standards].map((s) => standardKey(s.framework, s.code)));
  return standards.filter((s) => s.parent && !known.has(standardKey(s.framework, s.parent))).map((s) => ({ code: s.code, parent: s.parent! }));
}

/** Stores standards for a tenant (or globally with null), replacing same framework + code. Idempotent. */
export async function importStandards(tenantId: string | null, standards: Standard[]): Promise<{ created: number; updated: number; unchanged: number }> {
  const t = tenantOid(tenantId);
  const existing = (await StandardModel.find({ tenantId: t }).lean()) as unknown as StoredStandard[];
  const byKey = new Map(existing.map((d) => [standardKey(d.framework, d.code), standardFromDoc(d)] as const));
  let unchanged = 0;
  const fresh: Standard[] = [];
  const ops = [];
  for (const s of standards) {
    const before = byKey.get(standardKey(s.framework, s.code));
    if (before && stableJson(before) === stableJson(s)) { unchanged++; continue; }
    if (!before) { fresh.push(s); continue; }
    const unset = { ...(s.caseId ? {} : { caseId: '' }), ...(s.parent ? {} : { parent: '' }) };
    ops.push({
      updateOne: {
        filter: { tenantId: t, framework: s.framework, code: s.code },
        update: { $set: { ...s, tenantId: t, updatedAt: new Date() }, ...(Object.keys(unset).length ? { $unset: unset } : {}) },
        upsert: true,
      },
    });
  }
  // New standards go in with one command (a first start loads a few hundred); changed ones one by one.
  if (fresh.length) {
    try {
      await StandardModel.insertMany(fresh.map((s) => ({ ...s, tenantId: t })), { ordered: false });
    } catch (e) {
      if (!isDuplicateKey(e)) throw e; // another process stored the same standards at the same moment
    }
  }
  for (let i = 0; i < ops.length; i += 500) await StandardModel.bulkWrite(ops.slice(i, i + 500) as never[], { ordered: true });
  return { created: fresh.length, updated: ops.length, unchanged };
}

// ---------------------------------------------------------------------------------------------
// Items
// ---------------------------------------------------------------------------------------------

/** Unwraps a single paragraph, so choice text can sit inside a label. */
function inlineHtml(src: string): string {
  const html = renderRichText(src);
  return html.startsWith('<p>') && html.endsWith('</p>') && html.indexOf('<p>', 1) === -1 ? html.slice(3, -4) : html;
}


/** An ordering item is shown as authored, unless that is the answer: then in a fixed scrambled order. */
function orderingPresentation<T extends { id: string }>(choices: T[], correctOrder: string[], seed: string): T[] {
  if (choices.map((c) => c.id).join('\u0000') !== correctOrder.join('\u0000')) return choices;
  const out = [...choices];
  const rng = seededRandom(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  if (out.map((c) => c.id).join('\u0000') === correctOrder.join('\u0000')) [out[0], out[1]] = [out[1]!, out[0]!];
  return out;
}

/**
 * What a student's browser may receive: rendered text and choices, never the key, a rationale or
 * correctness. Built field by field (not by deleting from the item) so nothing new can slip through.
 */
export function toStudentItem(item: Item, position: number): StudentItem {
  const i = item.interaction;
  const base: StudentItem = { position, itemId: item.id, version: item.version, type: i.type, stemHtml: renderRichText(item.stem) };
  switch (i.type) {
    case 'single':
    case 'multiple':
      return { ...base, choices: i.choices.map((c) => ({ id: c.id, html: inlineHtml(c.content) })) };
    case 'order':
      return { ...base, choices: orderingPresentation(i.choices, i.key.correctOrder, `${item.id}@${item.version}`).map((c) => ({ id: c.id, html: inlineHtml(c.content) })) };
    case 'numeric':
      return { ...base, ...(i.unit ? { unit: i.unit } : {}) };
    case 'text':
      return { ...base, expectedLength: i.expectedLength };
  }
}

function toItemView(d: StoredItem): ItemView {
  const item = itemFromDoc(d);
  const i = item.interaction;
  const choices = 'choices' in i ? Object.fromEntries(i.choices.map((c) => [c.id, inlineHtml(c.content)])) : undefined;
  const owner = ownerOf(d);
  return { ...item, owner, editable: owner !== 'starter', html: { stem: renderRichText(item.stem), ...(choices ? { choices } : {}) } };
}

/** Rich text that will not render as intended, and standards nobody can find: field by field. */
function itemContentProblems(item: Item, known: Set<string>): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const text = (field: string, src: string) => richTextProblems(src).forEach((message) => problems.push({ field, message }));
  text('stem', item.stem);
  if ('choices' in item.interaction) item.interaction.choices.forEach((c, n) => text(`interaction.choices.${n}.content`, c.content));
  text('feedback.explanation', item.feedback.explanation);
  for (const [id, src] of Object.entries(item.feedback.choices)) text(`feedback.choices.${id}`, src);
  item.standards.forEach((code, n) => {
    if (!known.has(standardKey(item.framework, code))) problems.push({ field: `standards.${n}`, message: `"${code}" is not a ${item.framework} standard we know; pick one from the standards list` });
  });
  if (new Set(item.standards).size !== item.standards.length) problems.push({ field: 'standards', message: 'a standard is listed twice' });
  return problems;
}

function gradesOf(item: Item, standards: Standard[]): string[] {
  const byKey = new Map(standards.map((s) => [standardKey(s.framework, s.code), s.grade] as const));
  return [...new Set(item.standards.map((c) => byKey.get(standardKey(item.framework, c))).filter((g): g is string => !!g))];
}

function draftToItem(draft: ItemDraft, id: string, version: number): Item {
  const { shared: _shared, id: _id, ...fields } = draft;
  void _shared; void _id;
  return { ...fields, id, version };
}

/** The newest stored version of an item, whoever owns it (callers check visibility). */
async function findLatestVersion(itemId: string): Promise<StoredItem | null> {
  return (await ItemModel.findOne({ itemId }).sort({ version: -1 }).lean()) as unknown as StoredItem | null;
}

async function visibleLatest(scope: ContentScope, itemId: string): Promise<StoredItem> {
  const latest = await findLatestVersion(itemId);
  if (!latest || !visibleToCourse(scope, latest)) throw new NotFound(`There is no item "${itemId}" in this course's bank.`);
  return latest;
}

/** Writes a version and then clears `latest` on older ones; the unique (itemId, version) index settles races. */
async function writeVersion(doc: Omit<StoredItem, 'latest'> & { createdBy: Oid | null }, conflictMessage: string): Promise<StoredItem> {
  try {
    await ItemModel.create({ ...doc, latest: true });
  } catch (e) {
    if (isDuplicateKey(e)) throw new Conflict(conflictMessage);
    throw e;
  }
  await ItemModel.updateMany({ itemId: doc.itemId, version: { $lt: doc.version }, latest: true }, { $set: { latest: false } });
  return { ...doc, latest: true };
}

function newItemId(item: Item): string {
  const prefix = (item.standards[0] ?? 'item').toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+/, '').slice(0, 40) || 'item';
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

/** GET /api/items: latest versions the course can see, filtered, one page at a time. */
export async function listItems(scope: ContentScope, query: ItemQuery): Promise<{ items: ItemView[]; total: number }> {
  const and: Record<string, unknown>[] = [{ latest: true }];
  const t = tenantOid(scope.tenantId);
  if (query.owner === 'starter') and.push({ tenantId: null });
  else if (query.owner === 'mine') and.push({ tenantId: t }, courseVisible(scope));
  else and.push(courseVisible(scope));
  if (query.grade) and.push({ grades: query.grade });
  if (query.standard) and.push({ standards: { $in: withDescendants(await visibleStandards(scope.tenantId), query.standard) } });
  if (query.type) and.push({ type: query.type });
  const q = query.q?.trim();
  if (q) {
    const re = { $regex: escapeRegex(q), $options: 'i' };
    and.push({ $or: [{ stem: re }, { itemId: re }] });
  }
  const filter = { $and: and };
  const [docs, total] = await Promise.all([
    ItemModel.find(filter).sort({ itemId: 1 }).skip((query.page - 1) * query.limit).limit(query.limit).lean(),
    ItemModel.countDocuments(filter),
  ]);
  return { items: (docs as unknown as StoredItem[]).map(toItemView), total };
}

/** GET /api/items/:id: the latest version, or the one asked for (old versions stay readable). */
export async function getItemForCourse(scope: ContentScope, itemId: string, version?: number): Promise<ItemView> {
  const latest = await visibleLatest(scope, itemId);
  if (version === undefined || version === latest.version) return toItemView(latest);
  const doc = (await ItemModel.findOne({ itemId, version }).lean()) as unknown as StoredItem | null;
  if (!doc) throw new NotFound(`Item "${itemId}" has no version ${version}; its latest is version ${latest.version}.`);
  return toItemView(doc);
}

/** Checks a draft as it would be saved, without saving: the student's view and what to fix. */
export async function previewItem(scope: ContentScope, draft: ItemDraft): Promise<{ item: StudentItem; problems: string[] }> {
  const item = draftToItem(draft, draft.id ?? 'preview', 1);
  const known = new Set((await visibleStandards(scope.tenantId)).map((s) => standardKey(s.framework, s.code)));
  return { item: toStudentItem(item, 1), problems: itemContentProblems(item, known).map((p) => `${p.field}: ${p.message}`) };
}

async function checkedForSaving(scope: ContentScope, item: Item): Promise<{ grades: string[] }> {
  const standards = await visibleStandards(scope.tenantId);
  const problems = itemContentProblems(item, new Set(standards.map((s) => standardKey(s.framework, s.code))));
  if (problems.length) throw new InvalidInput(`The item cannot be saved: ${problems[0]!.field}: ${problems[0]!.message}.`, problems);
  return { grades: gradesOf(item, standards) };
}

/** POST /api/items: version 1 of a new item, owned by the course (or the whole tenant when shared). */
export async function createItem(scope: ContentScope, draft: ItemDraft): Promise<ItemView> {
  const provisional = draftToItem(draft, 'new', 1);
  const item = { ...provisional, id: draft.id ?? newItemId(provisional) };
  const { grades } = await checkedForSaving(scope, item);
  const saved = await writeVersion({
    tenantId: tenantOid(scope.tenantId), courseId: oid(scope.courseId, 'course'), shared: draft.shared ?? false,
    itemId: item.id, version: 1, framework: item.framework, standards: item.standards, grades, type: item.interaction.type,
    difficulty: item.difficulty, stem: item.stem, interaction: item.interaction, feedback: item.feedback, contentHash: itemContentHash(item),
    createdBy: scope.userId ? oid(scope.userId, 'user') : null,
  }, `The item id "${item.id}" is already taken. Choose another id, or leave it out and one will be made for you.`);
  return toItemView(saved);
}

/** PUT /api/items/:id: a new version of an item the course may edit; starter items are read-only. */
export async function updateItem(scope: ContentScope, itemId: string, draft: ItemDraft): Promise<ItemView> {
  const current = await visibleLatest(scope, itemId);
  if (current.tenantId === null) {
    throw new NotAllowed('Starter items cannot be changed. To adapt one, create a new item (POST /api/items) from its content.');
  }
  let shared = draft.shared ?? current.shared;
  let courseId = current.courseId;
  if (!shared && current.courseId === null) courseId = oid(scope.courseId, 'course'); // a tenant-wide item becomes this course's
  else if (!shared && current.shared && String(current.courseId) !== scope.courseId) {
    throw new NotAllowed('Only the course that wrote this item can stop sharing it.');
  }
  if (!shared && courseId === null) shared = true;
  const item = draftToItem(draft, itemId, current.version + 1);
  const hash = itemContentHash(item);
  if (hash === current.contentHash && shared === current.shared && String(courseId) === String(current.courseId)) return toItemView(current);
  const { grades } = await checkedForSaving(scope, item);
  const saved = await writeVersion({
    tenantId: current.tenantId, courseId, shared, itemId, version: item.version, framework: item.framework, standards: item.standards, grades,
    type: item.interaction.type, difficulty: item.difficulty, stem: item.stem, interaction: item.interaction, feedback: item.feedback, contentHash: hash,
    createdBy: scope.userId ? oid(scope.userId, 'user') : null,
  }, 'Someone else saved this item a moment ago. Reload it to see their change, then make yours again.');
  return toItemView(saved);
}

/** Exact item versions (as pinned by a form or an attempt) the tenant can use, in the order asked. */
export async function getItemVersions(tenantId: string, refs: { id: string; version: number }[]): Promise<Item[]> {
  return getItemVersionsIn(tenantId, refs);
}

/** As getItemVersions; with tenantId null only starter items (for the command line). */
export async function getItemVersionsIn(tenantId: string | null, refs: { id: string; version: number }[]): Promise<Item[]> {
  if (refs.length === 0) return [];
  const docs = (await ItemModel.find({ ...tenantVisible(tenantId), itemId: { $in: [...new Set(refs.map((r) => r.id))] } }).lean()) as unknown as StoredItem[];
  const byRef = new Map<string, StoredItem>(docs.map((d) => [`${d.itemId}@${d.version}`, d]));
  const seen = new Set<string>();
  const out: Item[] = [];
  for (const r of refs) {
    const key = `${r.id}@${r.version}`;
    const d = byRef.get(key);
    if (d && !seen.has(key)) { seen.add(key); out.push(itemFromDoc(d)); }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Assessments
// ---------------------------------------------------------------------------------------------

function summaryOf(a: StoredAssessment): AssessmentSummary {
  return {
    id: a._id, title: a.title, grade: a.grade, kind: a.kind, ...(a.pairedWith ? { pairedWith: a.pairedWith } : {}),
    standards: [...a.standards], itemCount: a.itemCount, owner: ownerOf(a),
  };
}

function detailOf(a: StoredAssessment): AssessmentDetail {
  return {
    ...summaryOf(a),
    blueprint: a.blueprint.map((e) => ({ standard: e.standard, items: e.items })),
    settings: {
      attemptsAllowed: a.settings.attemptsAllowed, timeLimitMinutes: a.settings.timeLimitMinutes ?? null, showCorrectAnswers: a.settings.showCorrectAnswers,
      ...(a.settings.mode === 'adaptive' ? { mode: 'adaptive' as const, ...(a.settings.adaptive ? { adaptive: { ...a.settings.adaptive } } : {}) } : {}),
    },
    forms: a.forms.map((f) => ({ id: f.id, items: f.items.map((i) => ({ id: i.id, version: i.version, standard: i.standard })) })),
    ...(a.adaptivePool?.length ? { adaptivePool: a.adaptivePool.map((i) => ({ id: i.id, version: i.version, standard: i.standard })) } : {}),
    difficulty: a.difficulty.map((d) => ({ standard: d.standard, meanByForm: [...d.meanByForm], maxGap: d.maxGap })),
  };
}

const KIND_ORDER: Record<AssessmentKind, number> = { pre: 0, post: 1, diagnostic: 2 };
const GRADE_ORDER = (g: string) => (/^\d+$/.test(g) ? Number(g) : g === 'K' ? 0 : 100);

/** GET /api/assessments: what the course can place, by grade, then title, pre before post. */
export async function listAssessments(scope: ContentScope, query: AssessmentQuery): Promise<AssessmentSummary[]> {
  const and: Record<string, unknown>[] = [courseVisible(scope)];
  if (query.grade) and.push({ grade: query.grade });
  if (query.standard) and.push({ standards: { $in: withDescendants(await visibleStandards(scope.tenantId), query.standard) } });
  const docs = (await AssessmentModel.find({ $and: and }).limit(1000).lean()) as unknown as StoredAssessment[];
  const base = (t: string) => t.replace(/\s+[—–-]\s+(Pre|Post)-test$/, '');
  return docs
    .sort((a, b) => GRADE_ORDER(a.grade) - GRADE_ORDER(b.grade) || naturalCompare(a.grade, b.grade) || naturalCompare(base(a.title), base(b.title)) || KIND_ORDER[a.kind] - KIND_ORDER[b.kind])
    .map(summaryOf);
}

/** GET /api/assessments/:id for staff of a course. */
export async function getAssessmentForCourse(scope: ContentScope, assessmentId: string): Promise<AssessmentDetail> {
  const a = (await AssessmentModel.findOne({ $and: [{ _id: assessmentId }, courseVisible(scope)] }).lean()) as unknown as StoredAssessment | null;
  if (!a) throw new NotFound(`There is no assessment "${assessmentId}" in this course.`);
  return detailOf(a);
}

/** An assessment the tenant can use (starter or its own), for delivery and deep linking; null when none. */
export async function getAssessment(tenantId: string, assessmentId: string): Promise<AssessmentDetail | null> {
  return findAssessment(tenantId, assessmentId);
}

/** As getAssessment; with tenantId null only the starter assessments (for the command line). */
export async function findAssessment(tenantId: string | null, assessmentId: string): Promise<AssessmentDetail | null> {
  if (typeof assessmentId !== 'string' || assessmentId.length > 200) return null;
  const a = (await AssessmentModel.findOne({ _id: assessmentId, ...tenantVisible(tenantId) }).lean()) as unknown as StoredAssessment | null;
  return a ? detailOf(a) : null;
}

/** Stable seed from text, so the same request assembles the same forms. */
const seedOf = (text: string) => createHash('sha256').update(text).digest().readUInt32LE(0);
const formId = (assessmentId: string, items: FormItem[]) => `${assessmentId}.${contentHash(items).slice(0, 8)}`;

interface AssembledAssessment {
  docs: StoredAssessment[];
  /** Adaptive only: what the module plan says the author should know (plan-notes.ts). */
  planNotes?: PlanNote[];
}

/**
 * Assembles `count` parallel forms from a pool and turns them into assessments: one diagnostic, or a
 * pre-test and a post-test that share no item. Throws InvalidInput naming the standards that cannot be filled.
 */
function assembleAssessments(o: {
  ids: string[]; title: string; grade: string; kind: 'diagnostic' | 'pre-post'; blueprint: BlueprintEntry[]; settings: AssessmentSettings;
  pool: ItemSummary[]; owner: { tenantId: Oid | null; courseId: Oid | null; shared: boolean }; source: StoredAssessment['source']; seed: number;
}): AssembledAssessment {
  const count = o.kind === 'pre-post' ? 2 : 1;
  let forms: Form[];
  try {
    forms = assembleParallelForms(o.pool, o.blueprint, count, { seed: o.seed }).forms;
  } catch (e) {
    if (!(e instanceof AssemblyError)) throw e;
    const problems = e.problems.map((p) => {
      const n = o.blueprint.findIndex((b) => b.standard === p.standard);
      return { field: n >= 0 ? `blueprint.${n}` : 'blueprint', message: p.reason };
    });
    throw new InvalidInput(`The item bank cannot fill this blueprint: ${e.problems.map((p) => p.reason).join('; ')}.`, problems);
  }
  const difficulty = formDifficultyReport(forms);
  const adaptive = o.settings.mode === 'adaptive' ? adaptivePoolFor(o.pool, o.blueprint, o.settings) : undefined;
  const adaptivePool = adaptive?.pool;
  const kinds: AssessmentKind[] = o.kind === 'pre-post' ? ['pre', 'post'] : ['diagnostic'];
  const titles = o.kind === 'pre-post' ? [`${o.title} — Pre-test`, `${o.title} — Post-test`] : [o.title];
  const docs = forms.map((form, n): StoredAssessment => {
    const id = o.ids[n]!;
    const other = o.kind === 'pre-post' ? o.ids[1 - n] : undefined;
    return {
      _id: id, ...o.owner, title: titles[n]!, grade: o.grade, kind: kinds[n]!, ...(other ? { pairedWith: other } : {}),
      blueprint: o.blueprint, standards: o.blueprint.map((b) => b.standard), settings: o.settings,
      forms: [{ id: formId(id, form.items), items: form.items }], ...(adaptivePool ? { adaptivePool } : {}), difficulty, itemCount: form.items.length, source: o.source,
    };
  });
  return { docs, ...(adaptive ? { planNotes: adaptive.notes } : {}) };
}

/**
 * An adaptive assessment keeps every item its module plan can use (pinned versions, each counted for one blueprint
 * standard); delivery builds the plan from them with the tenant's difficulties at each start. Building it here
 * checks the bank can fill the blueprint adaptively, with the problems in the author's words.
 */
function adaptivePoolFor(pool: ItemSummary[], blueprint: BlueprintEntry[], settings: AssessmentSettings): { pool: FormItem[]; notes: PlanNote[] } {
  try {
    const plan = buildModules(pool, blueprint.map((b) => adaptiveBlueprintRow(b, settings)), { rules: adaptiveRules(settings) });
    return { pool: Object.values(plan.modules).flatMap((m) => m.items.map((i) => ({ id: i.id, version: i.version, standard: i.standard }))), notes: planNotes(plan.notes) };
  } catch (e) {
    if (!(e instanceof AssemblyError)) throw e;
    throw new InvalidInput(`The item bank cannot fill this adaptive blueprint: ${e.problems.map((p) => p.reason).join('; ')}.`,
      e.problems.map((p) => ({ field: 'blueprint', message: p.reason })));
  }
}

async function poolFor(filter: Record<string, unknown>, codes: string[]): Promise<ItemSummary[]> {
  const docs = (await ItemModel.find({ $and: [{ latest: true }, filter, { standards: { $in: codes } }] }, { itemId: 1, version: 1, standards: 1, difficulty: 1 }).lean()) as unknown as StoredItem[];
  return docs.map((d) => ({ id: d.itemId, version: d.version, standards: [...d.standards], difficulty: d.difficulty }));
}

/** POST /api/assessments: a diagnostic, or a pre-test and a post-test with no item in common, for the course; an adaptive one with its plan's notes. */
export async function createAssessmentFromBlueprint(ctx: ContentScope, input: BlueprintRequest): Promise<{ assessments: AssessmentSummary[]; planNotes?: PlanNote[] }> {
  const req = BlueprintRequestSchema.parse(input);
  const standards = await visibleStandards(ctx.tenantId);
  const known = new Set(standards.map((s) => s.code));
  const unknown = req.blueprint.flatMap((b, n) => (known.has(b.standard) ? [] : [{ field: `blueprint.${n}.standard`, message: `"${b.standard}" is not a standard we know; pick one from the standards list` }]));
  if (unknown.length) throw new InvalidInput(`The blueprint names a standard we do not know: ${unknown[0]!.message}.`, unknown);
  const pool = await poolFor(courseVisible(ctx), req.blueprint.map((b) => b.standard));
  const ids = req.kind === 'pre-post' ? [newAssessmentId(), newAssessmentId()] : [newAssessmentId()];
  const { docs, planNotes: notes } = assembleAssessments({
    ids, title: req.title, grade: req.grade, kind: req.kind, blueprint: req.blueprint, settings: req.settings, pool,
    owner: { tenantId: tenantOid(ctx.tenantId), courseId: oid(ctx.courseId, 'course'), shared: false },
    source: 'blueprint', seed: seedOf(`${ctx.courseId}\u0000${req.title}`),
  });
  const createdBy = ctx.userId ? oid(ctx.userId, 'user') : null;
  await AssessmentModel.insertMany(docs.map((d) => ({ ...d, createdBy })), { ordered: true });
  return { assessments: docs.map(summaryOf), ...(notes ? { planNotes: notes } : {}) };
}

const newAssessmentId = () => new mongoose.Types.ObjectId().toHexString();

// ---------------------------------------------------------------------------------------------
// Bulk loading: the starter bank (seed.ts) and item packages (the command line)
// ---------------------------------------------------------------------------------------------

export interface ReadyMadeDefinition {
  id: string;
  title: string;
  grade: string;
  kind: 'diagnostic' | 'pre-post';
  blueprint: BlueprintEntry[];
  settings?: Partial<AssessmentSettings>;
}

/** The ids a ready-made definition produces: `<id>-pre` and `<id>-post` for a pair, else `<id>`. */
export const readyMadeIds = (d: Pick<ReadyMadeDefinition, 'id' | 'kind'>) => (d.kind === 'pre-post' ? [`${d.id}-pre`, `${d.id}-post`] : [d.id]);

/** (Re)assembles the global ready-made assessments from the latest starter items; unchanged ones are left alone. */
export async function saveReadyMadeAssessments(defs: ReadyMadeDefinition[]): Promise<{ written: number; unchanged: number }> {
  const pool = await poolFor({ tenantId: null }, [...new Set(defs.flatMap((d) => d.blueprint.map((b) => b.standard)))]);
  const docs = defs.flatMap((def) => assembleAssessments({
    ids: readyMadeIds(def), title: def.title, grade: def.grade, kind: def.kind, blueprint: def.blueprint, settings: SettingsSchema.parse(def.settings ?? {}), pool,
    owner: { tenantId: null, courseId: null, shared: false }, source: 'ready-made', seed: seedOf(def.id),
  }).docs).map((doc) => ({ ...doc, contentHash: contentHash(doc) }));
  const stored = (await AssessmentModel.find({ _id: { $in: docs.map((d) => d._id) } }, { tenantId: 1, contentHash: 1 }).lean()) as unknown as { _id: string; tenantId: Oid | null; contentHash?: string }[];
  const storedById = new Map(stored.map((d) => [d._id, d] as const));
  const fresh = docs.filter((d) => !storedById.has(d._id));
  const changed = docs.filter((d) => storedById.has(d._id) && storedById.get(d._id)!.contentHash !== d.contentHash);
  for (const d of changed) if (storedById.get(d._id)!.tenantId !== null) throw new Error(`The ready-made assessment id "${d._id}" is used by a tenant's assessment.`);
  if (fresh.length) {
    try {
      await AssessmentModel.insertMany(fresh.map((d) => ({ ...d, createdAt: new Date() })), { ordered: false });
    } catch (e) {
      if (!isDuplicateKey(e)) throw e; // another process starting at the same moment wrote the same
    }
  }
  for (const d of changed) await AssessmentModel.replaceOne({ _id: d._id }, { ...d, createdAt: new Date() });
  return { written: fresh.length + changed.length, unchanged: docs.length - fresh.length - changed.length };
}

/** Marks starter items that are no longer shipped as retired (not listed); their versions stay readable. */
export async function retireStarterItemsExcept(itemIds: string[]): Promise<number> {
  const res = await ItemModel.updateMany({ tenantId: null, latest: true, itemId: { $nin: itemIds } }, { $set: { latest: false } });
  return res.modifiedCount;
}

export interface BankImportTest { id: string; title: string; itemIds: string[] }
export interface BankImportResult {
  problems: { item?: string; test?: string; reason: string }[];
  items: { created: number; versioned: number; unchanged: number; reused: number };
  assessments: string[];
}

/**
 * Adds items (and tests, as diagnostics) to the global bank (tenantId null) or to a tenant's shared bank.
 * Everything is checked first; when anything is wrong, nothing is written and `problems` says what.
 * An item whose id exists in the same scope gets a new version when its content changed; an identical
 * starter item is reused by a tenant rather than copied; any other clash of ids is a problem.
 */
export async function importBank(tenantId: string | null, items: Item[], tests: BankImportTest[] = []): Promise<BankImportResult> {
  const t = tenantOid(tenantId);
  const result: BankImportResult = { problems: [], items: { created: 0, versioned: 0, unchanged: 0, reused: 0 }, assessments: [] };
  const standards = await visibleStandards(tenantId);
  const known = new Set(standards.map((s) => standardKey(s.framework, s.code)));

  const seen = new Set<string>();
  for (const item of items) {
    if (seen.has(item.id)) result.problems.push({ item: item.id, reason: 'the package holds two items with this id' });
    seen.add(item.id);
    for (const p of itemContentProblems(item, known)) result.problems.push({ item: item.id, reason: `${p.field}: ${p.message}` });
  }
  const latestDocs = (await ItemModel.find({ itemId: { $in: [...seen] } }).sort({ version: -1 }).lean()) as unknown as StoredItem[];
  const latestById = new Map<string, StoredItem>();
  for (const d of latestDocs) if (!latestById.has(d.itemId)) latestById.set(d.itemId, d);

  type Plan = { item: Item; action: 'create' | 'version' | 'unchanged' | 'reuse'; version: number; hash: string };
  const plans: Plan[] = [];
  for (const item of items) {
    const hash = itemContentHash(item);
    const current = latestById.get(item.id);
    if (!current) { plans.push({ item, action: 'create', version: item.version, hash }); continue; }
    const sameScope = String(current.tenantId) === String(t);
    if (sameScope) {
      if (current.contentHash === hash && current.latest) plans.push({ item, action: 'unchanged', version: current.version, hash });
      else plans.push({ item, action: 'version', version: Math.max(item.version, current.version + 1), hash });
    } else if (current.tenantId === null && current.contentHash === hash) {
      plans.push({ item, action: 'reuse', version: current.version, hash });
    } else {
      result.problems.push({ item: item.id, reason: current.tenantId === null
        ? 'a starter item has this id but different content; give the imported item another id'
        : 'this item id is already taken; give the imported item another id' });
    }
  }

  const itemIds = new Set(items.map((i) => i.id));
  for (const test of tests) {
    if (test.itemIds.length === 0) result.problems.push({ test: test.id, reason: 'the test has no items' });
    for (const id of test.itemIds) if (!itemIds.has(id)) result.problems.push({ test: test.id, reason: `the test refers to item "${id}", which is not in the package` });
    if (new Set(test.itemIds).size !== test.itemIds.length) result.problems.push({ test: test.id, reason: 'the test lists an item twice' });
  }
  const testIds = tests.map((test) => importedAssessmentId(tenantId, test.id));
  if (testIds.length) {
    const clashes = (await AssessmentModel.find({ _id: { $in: testIds } }, { tenantId: 1 }).lean()) as unknown as { _id: string; tenantId: Oid | null }[];
    for (const c of clashes) if (String(c.tenantId) !== String(t)) result.problems.push({ test: c._id, reason: 'an assessment with this id belongs to someone else; give the test another identifier' });
  }
  if (result.problems.length) return result;

  const pinned = new Map<string, { version: number; standards: string[]; difficulty: number }>();
  const docOf = (plan: Plan) => ({
    tenantId: t, courseId: null, shared: t !== null, itemId: plan.item.id, version: plan.version, framework: plan.item.framework,
    standards: plan.item.standards, grades: gradesOf(plan.item, standards), type: plan.item.interaction.type, difficulty: plan.item.difficulty,
    stem: plan.item.stem, interaction: plan.item.interaction, feedback: plan.item.feedback, contentHash: plan.hash, createdBy: null,
  });
  for (const plan of plans) pinned.set(plan.item.id, { version: plan.version, standards: plan.item.standards, difficulty: plan.item.difficulty });
  result.items.unchanged = plans.filter((p) => p.action === 'unchanged').length;
  result.items.reused = plans.filter((p) => p.action === 'reuse').length;
  // New items have no older version to retire, so they go in with one command.
  const creates = plans.filter((p) => p.action === 'create');
  if (creates.length) {
    try {
      await ItemModel.insertMany(creates.map((p) => ({ ...docOf(p), latest: true })), { ordered: false });
      result.items.created += creates.length;
    } catch (e) {
      // Another process loaded the same starter bank at the same moment: what it wrote is the same.
      if (!(tenantId === null && isDuplicateKey(e))) throw e;
      const inserted = (e as { insertedDocs?: unknown[] }).insertedDocs?.length ?? 0;
      result.items.created += inserted;
      result.items.unchanged += creates.length - inserted;
    }
  }
  for (const plan of plans.filter((p) => p.action === 'version')) {
    try {
      await writeVersion(docOf(plan), `item "${plan.item.id}" version ${plan.version} already exists`);
      result.items.versioned++;
    } catch (e) {
      if (tenantId === null && e instanceof Conflict) { result.items.unchanged++; continue; }
      throw e;
    }
  }

  const gradeOf = new Map(standards.map((s) => [s.code, s.grade] as const));
  for (const [n, test] of tests.entries()) {
    const id = testIds[n]!;
    const formItems: FormItem[] = test.itemIds.map((itemId) => ({ id: itemId, version: pinned.get(itemId)!.version, standard: pinned.get(itemId)!.standards[0]! }));
    const blueprint: BlueprintEntry[] = [];
    for (const fi of formItems) {
      const entry = blueprint.find((b) => b.standard === fi.standard);
      if (entry) entry.items++; else blueprint.push({ standard: fi.standard, items: 1 });
    }
    const form: Form = {
      items: formItems,
      meanDifficulty: Object.fromEntries(blueprint.map((b) => {
        const ds = formItems.filter((fi) => fi.standard === b.standard).map((fi) => pinned.get(fi.id)!.difficulty);
        return [b.standard, ds.reduce((s, d) => s + d, 0) / ds.length];
      })),
    };
    const grades = blueprint.map((b) => gradeOf.get(b.standard)).filter((g): g is string => !!g);
    const grade = grades.sort((a, b) => grades.filter((g) => g === b).length - grades.filter((g) => g === a).length)[0] ?? '';
    const doc: StoredAssessment = {
      _id: id, tenantId: t, courseId: null, shared: t !== null, title: test.title || test.id, grade: grade || 'unknown', kind: 'diagnostic',
      blueprint, standards: blueprint.map((b) => b.standard), settings: SettingsSchema.parse({}),
      forms: [{ id: formId(id, formItems), items: formItems }], difficulty: formDifficultyReport([form]), itemCount: formItems.length, source: 'import',
    };
    await AssessmentModel.replaceOne({ _id: id }, { ...doc, contentHash: contentHash(doc), createdAt: new Date() }, { upsert: true });
    result.assessments.push(id);
  }
  return result;
}

/** Imported tests keep their identifier globally; in a tenant it is suffixed so tenants never clash. */
function importedAssessmentId(tenantId: string | null, testId: string): string {
  const clean = testId.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'test';
  return tenantId === null ? clean : `${clean}.${tenantId}`;
}
