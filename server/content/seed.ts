// Loads the shipped content — standards (standards/*.json), the starter item bank (bank/starter/**.json)
// and the ready-made diagnostics (ready-made.json) — into the database at start, idempotently. A start
// with unchanged files costs one read: the files' hash is compared with the one stored at the last load.
// Also home of the bank check (`growthline bank validate`), which the shipped bank must always pass.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../log.js';
import { ContentSeedModel } from './content.model.js';
import { importBank, importStandards, readyMadeIds, retireStarterItemsExcept, saveReadyMadeAssessments, type ReadyMadeDefinition } from './content.service.js';
import { AssemblyError, assembleParallelForms } from './forms.js';
import { ItemSchema, StandardSchema, type Item, type ResponseValue, type Standard } from './item.schema.js';
import readyMadeFile from './ready-made.json' with { type: 'json' };
import { richTextProblems } from './rich-text.js';
import { scoreResponse } from './scoring.js';

const here = path.dirname(fileURLToPath(import.meta.url));
// From source (server/content) or from the build (dist/server/content): the data stays in server/content.
const CONTENT_DIR = [here, path.resolve(here, '../../../server/content')].find((d) => existsSync(path.join(d, 'standards'))) ?? here;
export const STANDARDS_DIR = path.join(CONTENT_DIR, 'standards');
export const STARTER_BANK_DIR = path.join(CONTENT_DIR, 'bank', 'starter');

/** Enough for two parallel forms (pre and post) of three items each. */
export const MIN_ITEMS_PER_STANDARD = 6;
// Bump when the way content is loaded changes, so every database reloads once.
const SEED_FORMAT = 1;

export const READY_MADE: ReadyMadeDefinition[] = (readyMadeFile as { diagnostics: ReadyMadeDefinition[] }).diagnostics;

export interface ContentFile { file: string; text: string }

/** Every .json file under a folder (sorted, paths relative to it), for hashing and checking. */
export function readJsonFiles(dir: string): ContentFile[] {
  const out: ContentFile[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const full = path.join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.json')) out.push({ file: path.relative(dir, full).split(path.sep).join('/'), text: readFileSync(full, 'utf8') });
    }
  };
  walk(dir);
  return out;
}

/** The shipped standards; a broken file is a bug in the release, so this throws. */
export function loadShippedStandards(dir = STANDARDS_DIR): Standard[] {
  return readJsonFiles(dir).flatMap(({ file, text }) => {
    const parsed = StandardSchema.array().safeParse(JSON.parse(text));
    if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    return parsed.data;
  });
}

export interface BankSummary {
  files: number;
  items: number;
  standards: number;
  byType: Record<string, number>;
  byGrade: Record<string, number>;
  fewestItems: { standard: string; items: number } | null;
}
export interface BankReport { problems: string[]; items: Item[]; summary: BankSummary }

/** A response that must earn full credit if the key is right. */
function keyedResponse(item: Item): ResponseValue {
  const i = item.interaction;
  switch (i.type) {
    case 'single': return { type: 'single', choice: i.key.correct };
    case 'multiple': return { type: 'multiple', choices: i.key.correct };
    case 'numeric': return { type: 'numeric', text: String(i.key.value) };
    case 'text': return { type: 'text', text: i.key.accepted[0]! };
    case 'order': return { type: 'order', order: i.key.correctOrder };
  }
}

const normalStem = (stem: string) => stem.toLowerCase().replace(/\s+/g, ' ').trim();

/**
 * Checks item bank files: every item valid with a key that scores as correct, rich text that renders,
 * standards that exist, no duplicate ids or stems, and at least MIN_ITEMS_PER_STANDARD items for every
 * standard the bank covers. Pure: files and standards in, a list of problems (empty = good) out.
 */
export function checkBank(files: ContentFile[], standards: Standard[]): BankReport {
  const problems: string[] = [];
  const items: Item[] = [];
  const known = new Set(standards.map((s) => `${s.framework}\u0000${s.code}`));
  const gradeOf = new Map(standards.map((s) => [`${s.framework}\u0000${s.code}`, s.grade] as const));
  const firstSeen = new Map<string, string>();
  const stems = new Map<string, string>();

  for (const { file, text } of files) {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (e) {
      problems.push(`${file}: not valid JSON (${(e as Error).message})`);
      continue;
    }
    if (!Array.isArray(data)) {
      problems.push(`${file}: must hold a JSON array of items`);
      continue;
    }
    data.forEach((raw: unknown, n) => {
      const rawId = (raw as { id?: unknown })?.id;
      const where = `${file} item ${n + 1}${typeof rawId === 'string' ? ` (${rawId})` : ''}`;
      const parsed = ItemSchema.safeParse(raw);
      if (!parsed.success) {
        for (const i of parsed.error.issues) problems.push(`${where}: ${i.path.join('.') || '(item)'}: ${i.message}`);
        return;
      }
      const item = parsed.data;
      items.push(item);
      if (scoreResponse(item, keyedResponse(item)).score !== 1) problems.push(`${where}: the answer key does not score as correct`);
      const texts: [string, string][] = [['stem', item.stem], ['feedback.explanation', item.feedback.explanation]];
      if ('choices' in item.interaction) item.interaction.choices.forEach((c) => texts.push([`choice ${c.id}`, c.content]));
      for (const [field, src] of texts) for (const p of richTextProblems(src)) problems.push(`${where}: ${field}: ${p}`);
      for (const code of item.standards) if (!known.has(`${item.framework}\u0000${code}`)) problems.push(`${where}: standard ${code} is not a known ${item.framework} standard`);
      const dupOf = firstSeen.get(item.id);
      if (dupOf) problems.push(`${where}: id ${item.id} is also used in ${dupOf}`);
      else firstSeen.set(item.id, where);
      const stem = normalStem(item.stem);
      const sameStem = stems.get(stem);
      if (sameStem) problems.push(`${where}: same stem as ${sameStem}`);
      else stems.set(stem, where);
    });
  }

  const perStandard = new Map<string, number>();
  for (const item of items) for (const code of item.standards) perStandard.set(code, (perStandard.get(code) ?? 0) + 1);
  for (const [code, count] of perStandard) {
    if (count < MIN_ITEMS_PER_STANDARD) problems.push(`standard ${code}: ${count} ${count === 1 ? 'item' : 'items'}; at least ${MIN_ITEMS_PER_STANDARD} are needed for two parallel forms of 3`);
  }

  const byType: Record<string, number> = {};
  const byGrade: Record<string, number> = {};
  for (const item of items) {
    byType[item.interaction.type] = (byType[item.interaction.type] ?? 0) + 1;
    const grade = gradeOf.get(`${item.framework}\u0000${item.standards[0]}`) ?? '?';
    byGrade[grade] = (byGrade[grade] ?? 0) + 1;
  }
  const fewest = [...perStandard].sort((a, b) => a[1] - b[1])[0];
  return {
    problems,
    items,
    summary: {
      files: files.length, items: items.length, standards: perStandard.size, byType, byGrade,
      fewestItems: fewest ? { standard: fewest[0], items: fewest[1] } : null,
    },
  };
}

/** Each ready-made diagnostic must assemble from the bank: standards known, enough items, balanced forms. */
export function checkReadyMade(defs: ReadyMadeDefinition[], items: Item[], standards: Standard[]): string[] {
  const problems: string[] = [];
  const codes = new Set(standards.map((s) => s.code));
  const ids = new Set<string>();
  for (const def of defs) {
    for (const id of readyMadeIds(def)) {
      if (ids.has(id)) problems.push(`ready-made ${def.id}: the id ${id} is used twice`);
      ids.add(id);
    }
    for (const b of def.blueprint) if (!codes.has(b.standard)) problems.push(`ready-made ${def.id}: standard ${b.standard} is not known`);
    try {
      assembleParallelForms(items, def.blueprint, def.kind === 'pre-post' ? 2 : 1);
    } catch (e) {
      if (!(e instanceof AssemblyError)) throw e;
      for (const p of e.problems) problems.push(`ready-made ${def.id}: ${p.reason}`);
    }
  }
  return problems;
}

/** The shipped bank and ready-made diagnostics, checked (what `growthline bank validate` runs by default). */
export function checkStarterContent(bankDir = STARTER_BANK_DIR, standardsDir = STANDARDS_DIR): BankReport {
  const standards = loadShippedStandards(standardsDir);
  const report = checkBank(readJsonFiles(bankDir), standards);
  if (bankDir === STARTER_BANK_DIR) report.problems.push(...checkReadyMade(READY_MADE, report.items, standards));
  return report;
}

export interface SeedResult { loaded: boolean; items?: { created: number; versioned: number; unchanged: number }; assessments?: { written: number; unchanged: number } }

/** Loads the shipped content unless the database already holds exactly this release's content. */
export async function seedContent(opts: { log?: Logger } = {}): Promise<SeedResult> {
  const standardFiles = readJsonFiles(STANDARDS_DIR);
  const bankFiles = readJsonFiles(STARTER_BANK_DIR);
  const hash = createHash('sha256');
  hash.update(`growthline-content/${SEED_FORMAT}\n`);
  for (const f of [...standardFiles.map((x) => ({ ...x, file: `standards/${x.file}` })), ...bankFiles.map((x) => ({ ...x, file: `bank/${x.file}` }))]) {
    hash.update(`${f.file}\n${f.text}\n`);
  }
  hash.update(JSON.stringify(READY_MADE));
  const digest = hash.digest('hex');
  const stored = await ContentSeedModel.findById('starter').lean();
  if (stored?.hash === digest) return { loaded: false };

  const standards = loadShippedStandards();
  await importStandards(null, standards);
  const report = checkBank(bankFiles, standards);
  if (report.problems.length) throw new Error(`The shipped item bank has problems (run \`npm run growthline -- bank validate\`):\n  ${report.problems.join('\n  ')}`);
  const imported = await importBank(null, report.items);
  if (imported.problems.length) {
    throw new Error(`The shipped item bank could not be loaded:\n  ${imported.problems.map((p) => `${p.item ?? p.test}: ${p.reason}`).join('\n  ')}`);
  }
  await retireStarterItemsExcept(report.items.map((i) => i.id));
  const assessments = await saveReadyMadeAssessments(READY_MADE);
  await ContentSeedModel.updateOne({ _id: 'starter' }, { $set: { hash: digest, loadedAt: new Date() } }, { upsert: true });
  const items = { created: imported.items.created, versioned: imported.items.versioned, unchanged: imported.items.unchanged };
  opts.log?.info({ standards: standards.length, items, assessments }, 'starter content loaded');
  return { loaded: true, items, assessments };
}
