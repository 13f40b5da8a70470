// The `growthline` command line: import standards, check the starter bank, move items in and out as
// QTI 3.0 packages. Every command checks its whole input before writing anything, prints what is
// wrong in plain words, and exits non-zero on failure (1: the work failed, 2: the command was misused).
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { findAssessment, getStandards, getItemVersionsIn, importBank, importStandards, missingParents } from '../content/content.service.js';
import { checkStarterContent, READY_MADE, seedContent } from '../content/seed.js';
import { parseCaseJson, parseStandardsCsv } from '../content/standards-file.js';
import { assessmentToQtiPackage } from '../content/qti/export.js';
import { importQtiPackage } from '../content/qti/import.js';
import { connectDatabase, ensureIndexes } from '../db/connection.js';
import { getTenantRegistration } from '../tenants/tenant.service.js';
import { PRIVACY_HELP, PRIVACY_SUMMARY, privacyCommands } from '../privacy/privacy.cli.js';
import { CALIBRATION_HELP, CALIBRATION_SUMMARY, calibrationCommands } from '../adaptive/calibration.cli.js';

/** The command was used wrongly: print the message and the command's help, exit 2. */
class UsageError extends Error {}
/** The work could not be done: print the message, exit 1. */
class Failure extends Error {}

const out = (text: string) => process.stdout.write(`${text}\n`);
const err = (text: string) => process.stderr.write(`${text}\n`);

const MAIN_HELP = `growthline — Growthline's command line

Usage: growthline <command> [options]     (from the repository: npm run growthline -- <command>)

Commands:
  standards import <file.csv|case.json>   Import standards (CSV or CASE 1.0 JSON) for a tenant or for everyone
  bank validate [<dir>]                    Check the starter item bank (or another folder of item files)
  bank import <package.zip|dir>            Import a QTI 3.0 package's items and tests
  bank export <assessmentId> <out.zip>     Export an assessment as a QTI 3.0 package
${CALIBRATION_SUMMARY}
  platform add|list|add-deployment|remove  Register an LMS by hand, list LMSs, remove one with all its data
  keys rotate|list                         Rotate or list the tool's signing keys
${PRIVACY_SUMMARY}

Each command has --help. The database is the server's: MONGODB_URI, or the embedded one in DATA_DIR (./data).`;

const HELP: Record<string, string> = {
  ...PRIVACY_HELP,
  ...CALIBRATION_HELP,
  'standards import': `Usage: growthline standards import <file.csv|case.json> (--global | --tenant <tenantId>) [--framework <name>]

Imports standards. A standard with the same framework and code as one already stored is replaced.
  file.csv     columns (first line): framework,code,grade,description,parent,caseId  (kind optional:
               domain|cluster|standard; without it, codes with children become domains or clusters)
  case.json    a CASE 1.0 package: CFDocument, CFItems (humanCodingScheme, fullStatement, educationLevel,
               identifier) and CFAssociations (isChildOf gives the parent). CFItems without a code are left out.
Options:
  --global             for every tenant (like the shipped Common Core standards)
  --tenant <tenantId>  for one tenant only
  --framework <name>   CASE only: the framework name to store (default: CFDocument.title)
If anything in the file is wrong, nothing is imported and every problem is listed (by line, or by CFItems index).`,
  'bank validate': `Usage: growthline bank validate [<dir>] [--standards <dir>]

Checks item bank files (default: the shipped starter bank and its ready-made diagnostics): every item is
valid and its answer key scores as correct, every item has a standard that exists, no two items share an
id or a stem, and every standard in the bank has at least 6 items (two parallel forms of 3).
  <dir>               a folder of item files (JSON arrays of items), searched recursively
  --standards <dir>   the standards to check against (default: the shipped standards)
Prints a summary; exits 1 with the list of problems when there are any. Needs no database.`,
  'bank import': `Usage: growthline bank import <package.zip|dir> (--global | --tenant <tenantId>)

Imports the items and tests of a QTI 3.0 content package (zip file or unpacked folder). Tests become
diagnostic assessments. An item whose id is already in the same bank gets a new version when it changed.
  --global             into the starter bank every tenant sees (read-only to teachers)
  --tenant <tenantId>  into one tenant's bank, shared with all its courses
If the package or any item has a problem, nothing is imported and every problem is listed.`,
  'bank export': `Usage: growthline bank export <assessmentId> <out.zip> [--tenant <tenantId>]

Writes an assessment (its form's exact item versions, with answer keys) as a QTI 3.0 content package.
  --tenant <tenantId>  to export one of that tenant's assessments (starter assessments need no option)`,
};

type Scope = { tenantId: string | null; label: string };

interface Options { help?: boolean; global?: boolean; tenant?: string; framework?: string; standards?: string }

function parse(args: string[], options: Partial<Record<keyof Options, { type: 'string' | 'boolean' }>>): { values: Options; positionals: string[] } {
  try {
    const r = parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
    return { values: r.values as Options, positionals: r.positionals };
  } catch (e) {
    throw new UsageError(`${(e as Error).message.replace(/\. To specify a positional argument.*$/s, '.')}`);
  }
}

async function resolveScope(values: { global?: boolean; tenant?: string }, verb: string): Promise<Scope> {
  if (values.global && values.tenant) throw new UsageError('Give either --global or --tenant <tenantId>, not both.');
  if (values.global) return { tenantId: null, label: 'the global (starter) bank' };
  if (!values.tenant) throw new UsageError(`Say where to ${verb}: --global (for every tenant) or --tenant <tenantId>.`);
  return tenantScope(values.tenant);
}

async function tenantScope(tenantId: string): Promise<Scope> {
  if (!/^[0-9a-f]{24}$/i.test(tenantId)) throw new UsageError(`"${tenantId}" is not a tenant id (24 hexadecimal characters).`);
  try {
    const reg = await getTenantRegistration(tenantId);
    return { tenantId, label: `tenant ${tenantId} (${reg.platform.name}, deployment ${reg.deploymentId})` };
  } catch {
    throw new Failure(`There is no tenant ${tenantId} in this database. Tenants are created when an LMS platform is registered.`);
  }
}

/** Connects like the server does, makes sure indexes and the shipped content are there, runs, disconnects. */
async function withDatabase<T>(work: () => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = await connectDatabase({ mongodbUri: config.mongodbUri, dataDir: config.dataDir, say: err });
  try {
    await ensureIndexes();
    await seedContent();
    return await work();
  } finally {
    await db.close();
  }
}

function readInputFile(file: string): string {
  if (!existsSync(file)) throw new Failure(`${file}: no such file.`);
  if (statSync(file).isDirectory()) throw new Failure(`${file} is a folder; give a file.`);
  return readFileSync(file, 'utf8');
}

function listProblems(header: string, problems: string[]): never {
  const shown = problems.slice(0, 200);
  throw new Failure(`${header}\n${shown.map((p) => `  ${p}`).join('\n')}${problems.length > shown.length ? `\n  … and ${problems.length - shown.length} more` : ''}`);
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

// ---------------------------------------------------------------------------------------------

async function standardsImport(args: string[]): Promise<void> {
  const { values, positionals } = parse(args, { global: { type: 'boolean' }, tenant: { type: 'string' }, framework: { type: 'string' } });
  if (values.help) return void out(HELP['standards import']!);
  if (positionals.length !== 1) throw new UsageError('Give exactly one file to import.');
  const file = positionals[0]!;
  const ext = path.extname(file).toLowerCase();
  if (ext !== '.csv' && ext !== '.json') throw new UsageError(`${file}: expected a .csv file or a CASE .json file.`);
  if (values.framework && ext === '.csv') throw new UsageError('--framework is for CASE files; a CSV names the framework in its framework column.');
  if (values.global && values.tenant) throw new UsageError('Give either --global or --tenant <tenantId>, not both.');
  if (!values.global && !values.tenant) throw new UsageError('Say where to import: --global (for every tenant) or --tenant <tenantId>.');

  const text = readInputFile(file);
  const parsed = ext === '.csv' ? parseStandardsCsv(text) : parseCaseJson(text, { framework: values.framework });
  if (parsed.problems.length) listProblems(`${file}: ${plural(parsed.problems.length, 'problem')}; nothing was imported.`, parsed.problems);

  await withDatabase(async () => {
    const scope = await resolveScope(values, 'import');
    const orphans = await missingParents(scope.tenantId, parsed.standards);
    if (orphans.length) {
      listProblems(`${file}: ${plural(orphans.length, 'standard')} name a parent that is neither in the file nor already imported; nothing was imported.`,
        orphans.map((o) => `${o.code}: parent ${o.parent} is unknown`));
    }
    const r = await importStandards(scope.tenantId, parsed.standards);
    for (const note of parsed.notes) out(`Note: ${note}.`);
    out(`Imported ${plural(parsed.standards.length, 'standard')} into ${scope.label}: ${r.created} new, ${r.updated} updated, ${r.unchanged} unchanged.`);
  });
}

async function bankValidate(args: string[]): Promise<void> {
  const { values, positionals } = parse(args, { standards: { type: 'string' } });
  if (values.help) return void out(HELP['bank validate']!);
  if (positionals.length > 1) throw new UsageError('Give at most one folder to check.');
  const dir = positionals[0];
  for (const d of [dir, values.standards]) if (d && !(existsSync(d) && statSync(d).isDirectory())) throw new Failure(`${d}: no such folder.`);
  const report = dir ? checkStarterContent(path.resolve(dir), values.standards && path.resolve(values.standards))
    : checkStarterContent(undefined, values.standards && path.resolve(values.standards));
  const s = report.summary;
  out(`Checked ${plural(s.items, 'item')} in ${plural(s.files, 'file')}, covering ${plural(s.standards, 'standard')}${s.fewestItems ? ` (fewest items: ${s.fewestItems.standard} with ${s.fewestItems.items})` : ''}.`);
  out(`  by type:  ${Object.entries(s.byType).map(([k, v]) => `${k} ${v}`).join(', ') || '—'}`);
  out(`  by grade: ${Object.entries(s.byGrade).map(([k, v]) => `${k} ${v}`).join(', ') || '—'}`);
  if (!dir) out(`  ready-made diagnostics: ${READY_MADE.length} (${READY_MADE.filter((d) => d.kind === 'pre-post').length} pre/post pairs)`);
  if (report.problems.length) listProblems(`${plural(report.problems.length, 'problem')}:`, report.problems);
  out('All good: every answer key scores as correct, every item has a known standard, no duplicate ids or stems, and every standard has enough items for two parallel forms.');
}

async function bankImport(args: string[]): Promise<void> {
  const { values, positionals } = parse(args, { global: { type: 'boolean' }, tenant: { type: 'string' } });
  if (values.help) return void out(HELP['bank import']!);
  if (positionals.length !== 1) throw new UsageError('Give exactly one package (a .zip file or a folder).');
  if (values.global && values.tenant) throw new UsageError('Give either --global or --tenant <tenantId>, not both.');
  if (!values.global && !values.tenant) throw new UsageError('Say where to import: --global (the starter bank every tenant sees) or --tenant <tenantId>.');
  const input = positionals[0]!;
  if (!existsSync(input)) throw new Failure(`${input}: no such file or folder.`);
  const pkg = importQtiPackage(statSync(input).isDirectory() ? { dir: input } : new Uint8Array(readFileSync(input)));
  if (pkg.problems.length) {
    listProblems(`${input}: ${plural(pkg.problems.length, 'problem')}; nothing was imported.`,
      pkg.problems.map((p) => `${p.file}${p.element ? ` <${p.element}>` : ''}: ${p.reason}`));
  }
  if (pkg.items.length === 0) throw new Failure(`${input}: the package holds no items; nothing was imported.`);

  await withDatabase(async () => {
    const scope = await resolveScope(values, 'import');
    const r = await importBank(scope.tenantId, pkg.items, pkg.tests.map((t) => ({ id: t.id, title: t.title, itemIds: t.itemIds })));
    if (r.problems.length) {
      listProblems(`${input}: ${plural(r.problems.length, 'problem')}; nothing was imported.`,
        r.problems.map((p) => `${p.item ? `item ${p.item}` : `test ${p.test}`}: ${p.reason}`));
    }
    const i = r.items;
    out(`Imported ${plural(pkg.items.length, 'item')} into ${scope.label}: ${i.created} new, ${i.versioned} new versions, ${i.unchanged} unchanged${i.reused ? `, ${i.reused} identical to starter items (used as they are)` : ''}.`);
    if (r.assessments.length) out(`Assessments: ${r.assessments.join(', ')}`);
  });
}

async function bankExport(args: string[]): Promise<void> {
  const { values, positionals } = parse(args, { tenant: { type: 'string' } });
  if (values.help) return void out(HELP['bank export']!);
  if (positionals.length !== 2) throw new UsageError('Give an assessment id and the zip file to write.');
  const [assessmentId, outFile] = positionals as [string, string];
  const outDir = path.dirname(path.resolve(outFile));
  if (!existsSync(outDir)) throw new Failure(`${outDir}: no such folder to write into.`);

  await withDatabase(async () => {
    const scope = values.tenant ? await tenantScope(values.tenant) : { tenantId: null, label: 'the starter bank' };
    const a = await findAssessment(scope.tenantId, assessmentId);
    if (!a) {
      throw new Failure(`There is no assessment ${assessmentId} in ${scope.label}.${values.tenant ? '' : ' To export a tenant\'s assessment, add --tenant <tenantId>.'}`);
    }
    const refs = a.forms.flatMap((f) => f.items);
    const items = await getItemVersionsIn(scope.tenantId, refs);
    if (items.length !== new Set(refs.map((r) => `${r.id}@${r.version}`)).size) throw new Failure(`Some items of ${assessmentId} could not be found; nothing was written.`);
    // One section per standard (per form and standard when there are several forms).
    const sections = a.forms.flatMap((form, n) => {
      const byStandard = new Map<string, string[]>();
      for (const fi of form.items) byStandard.set(fi.standard, [...(byStandard.get(fi.standard) ?? []), fi.id]);
      return [...byStandard].map(([standard, itemIds]) => ({ title: a.forms.length > 1 ? `Form ${n + 1}: ${standard}` : standard, itemIds }));
    });
    const standards = await getStandards([...new Set(items.flatMap((i) => i.standards))], undefined, scope.tenantId ?? undefined);
    const bytes = assessmentToQtiPackage({ id: a.id, title: a.title, items, sections }, { standards });
    writeFileSync(outFile, bytes);
    out(`Wrote ${outFile}: "${a.title}", ${plural(items.length, 'item')} in ${plural(sections.length, 'section')} (${bytes.length} bytes).`);
  });
}

const COMMANDS: Record<string, (args: string[]) => Promise<void>> = {
  'standards import': standardsImport,
  'bank validate': bankValidate,
  'bank import': bankImport,
  'bank export': bankExport,
  ...privacyCommands({ usage: (m) => new UsageError(m), failure: (m) => new Failure(m) }),
  ...calibrationCommands({ usage: (m) => new UsageError(m), failure: (m) => new Failure(m) }),
};

export async function runCli(argv: string[]): Promise<number> {
  const [group, action, ...rest] = argv;
  if (!group || ['help', '--help', '-h'].includes(group)) {
    out(MAIN_HELP);
    return group ? 0 : 2;
  }
  // `platform …` and `keys …` (LMS registrations, signing keys) live in platform.ts.
  if (group === 'platform' || group === 'keys') return (await import('./platform.js')).runPlatformCli(argv);
  const name = `${group} ${action ?? ''}`.trim();
  const command = COMMANDS[name];
  if (!command) {
    const known = Object.keys(COMMANDS).filter((c) => c.startsWith(`${group} `));
    err(known.length && (!action || action === '--help' || action === '-h')
      ? `${group}: choose one of: ${known.map((k) => `growthline ${k}`).join(', ')}`
      : `Unknown command "${name}".\n\n${MAIN_HELP}`);
    return action === '--help' || action === '-h' ? 0 : 2;
  }
  try {
    await command(rest);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      err(`${e.message}\n\n${HELP[name]}`);
      return 2;
    }
    err(e instanceof Failure ? e.message : `growthline ${name} failed: ${(e as Error).message}`);
    return 1;
  }
}

const isMain = process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (isMain) {
  runCli(process.argv.slice(2)).then((code) => process.exit(code), (e: Error) => {
    err(`growthline failed: ${e.message}`);
    process.exit(1);
  });
}
