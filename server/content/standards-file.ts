// Reads standards from the two files districts have: a CSV (framework,code,grade,description,parent,caseId)
// and a CASE 1.0 package in JSON (CFDocument, CFItems, CFAssociations). Pure: text in, standards and a
// list of problems out — line-numbered for CSV, item-indexed for CASE — so the caller can refuse the
// whole file when anything is wrong instead of importing half of it.
import { StandardSchema, type Standard } from './item.schema.js';

export interface StandardsFile {
  standards: Standard[];
  problems: string[];
  /** Things left out on purpose (e.g. CASE grouping nodes without a code), for the summary. */
  notes: string[];
}

type Kind = Standard['kind'];
const KINDS: readonly Kind[] = ['domain', 'cluster', 'standard'];

// ---------------------------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------------------------

const CSV_COLUMNS = ['framework', 'code', 'grade', 'description', 'parent', 'caseid', 'kind'] as const;
const REQUIRED_COLUMNS = ['framework', 'code', 'grade', 'description'] as const;
const COLUMN_LABEL: Record<string, string> = { caseid: 'caseId' };

interface CsvRecord { line: number; fields: string[] }

/** RFC 4180 records, each with the line it starts on; quoted fields may hold commas, quotes and newlines. */
export function parseCsvRecords(text: string): { records: CsvRecord[]; problems: string[] } {
  const src = text.replace(/^\uFEFF/, '');
  const records: CsvRecord[] = [];
  const problems: string[] = [];
  let line = 1;
  let i = 0;
  while (i < src.length) {
    const start = line;
    const fields: string[] = [];
    let field = '';
    let quoted = false;
    let atFieldStart = true;
    let ended = false;
    while (i < src.length && !ended) {
      const c = src[i]!;
      if (quoted) {
        if (c === '"' && src[i + 1] === '"') { field += '"'; i += 2; continue; }
        if (c === '"') { quoted = false; i++; continue; }
        if (c === '\n') line++;
        field += c;
        i++;
        continue;
      }
      if (c === '"' && atFieldStart) { quoted = true; atFieldStart = false; i++; continue; }
      if (c === ',') { fields.push(field); field = ''; atFieldStart = true; i++; continue; }
      if (c === '\r' && src[i + 1] === '\n') { i++; continue; }
      if (c === '\n' || c === '\r') { ended = true; line++; i++; continue; }
      field += c;
      atFieldStart = false;
      i++;
    }
    if (quoted) problems.push(`line ${start}: a quoted field is never closed (a " is missing)`);
    fields.push(field);
    if (!(fields.length === 1 && fields[0]!.trim() === '')) records.push({ line: start, fields });
  }
  return { records, problems };
}

export function parseStandardsCsv(text: string): StandardsFile {
  const { records, problems } = parseCsvRecords(text);
  const out: StandardsFile = { standards: [], problems, notes: [] };
  const header = records.shift();
  if (!header) {
    problems.push('line 1: the file is empty; the first line must name the columns: framework,code,grade,description,parent,caseId');
    return out;
  }
  const columns = header.fields.map((f) => f.trim().toLowerCase().replace(/[\s_-]/g, ''));
  const before = problems.length;
  columns.forEach((c, n) => {
    if (!(CSV_COLUMNS as readonly string[]).includes(c)) problems.push(`line ${header.line}: column ${n + 1} "${header.fields[n]}" is not one of framework, code, grade, description, parent, caseId, kind`);
    if (columns.indexOf(c) !== n) problems.push(`line ${header.line}: column "${header.fields[n]}" appears twice`);
  });
  const missing = REQUIRED_COLUMNS.filter((c) => !columns.includes(c));
  if (missing.length) problems.push(`line ${header.line}: missing ${missing.length === 1 ? 'column' : 'columns'} ${missing.join(', ')} (the first line must name the columns)`);
  if (problems.length > before) return out;

  const rows: { line: number; standard: Standard; explicitKind: boolean }[] = [];
  for (const rec of records) {
    if (rec.fields.length !== columns.length) {
      problems.push(`line ${rec.line}: has ${rec.fields.length} ${rec.fields.length === 1 ? 'field' : 'fields'}, the header has ${columns.length} (a description with commas must be in double quotes)`);
      continue;
    }
    const get = (c: string) => {
      const n = columns.indexOf(c);
      const v = n >= 0 ? rec.fields[n]!.trim() : '';
      return v === '' ? undefined : v;
    };
    const kind = get('kind')?.toLowerCase();
    if (kind !== undefined && !(KINDS as readonly string[]).includes(kind)) {
      problems.push(`line ${rec.line}: kind "${get('kind')}" must be domain, cluster or standard`);
      continue;
    }
    const parsed = StandardSchema.safeParse({
      framework: get('framework'), code: get('code'), grade: get('grade'), description: get('description'),
      parent: get('parent'), caseId: get('caseid'), kind: kind ?? 'standard',
    });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const col = String(issue.path[0] ?? '');
        problems.push(`line ${rec.line}: ${COLUMN_LABEL[col.toLowerCase()] ?? col}: ${issue.message === 'Required' ? 'is empty' : issue.message}`);
      }
      continue;
    }
    rows.push({ line: rec.line, standard: parsed.data, explicitKind: kind !== undefined });
  }
  if (records.length === 0) problems.push(`line ${header.line}: the file has a header but no standards`);

  const firstLine = new Map<string, number>();
  for (const r of rows) {
    const key = `${r.standard.framework}\u0000${r.standard.code}`;
    const seen = firstLine.get(key);
    if (seen !== undefined) problems.push(`line ${r.line}: code ${r.standard.code} (${r.standard.framework}) is already on line ${seen}`);
    else firstLine.set(key, r.line);
    if (r.standard.parent === r.standard.code) problems.push(`line ${r.line}: ${r.standard.code} cannot be its own parent`);
  }
  out.standards = inferKinds(rows.map((r) => ({ standard: r.standard, explicit: r.explicitKind })));
  const lineOf = (p: string) => Number(/^line (\d+)/.exec(p)?.[1] ?? 0);
  out.problems = problems.map((p, n) => ({ p, n })).sort((a, b) => lineOf(a.p) - lineOf(b.p) || a.n - b.n).map((x) => x.p);
  return out;
}

/**
 * Without an explicit kind: a top-level code with children is a domain, a child of a domain that has
 * children is a cluster, anything else is a standard (so 7.RP.A.2 with 7.RP.A.2a below it stays a standard).
 */
function inferKinds(entries: { standard: Standard; explicit: boolean }[]): Standard[] {
  const key = (framework: string, code: string) => `${framework}\u0000${code}`;
  const byKey = new Map(entries.map((e) => [key(e.standard.framework, e.standard.code), e] as const));
  const hasChildren = new Set(entries.filter((e) => e.standard.parent).map((e) => key(e.standard.framework, e.standard.parent!)));
  const memo = new Map<string, Kind>();
  const kindOf = (e: { standard: Standard; explicit: boolean }, depth = 0): Kind => {
    const k = key(e.standard.framework, e.standard.code);
    const known = memo.get(k);
    if (known) return known;
    let kind: Kind = e.standard.kind;
    if (!e.explicit && hasChildren.has(k) && depth < 20) {
      const parent = e.standard.parent ? byKey.get(key(e.standard.framework, e.standard.parent)) : undefined;
      if (!e.standard.parent) kind = 'domain';
      else if (parent && kindOf(parent, depth + 1) === 'domain') kind = 'cluster';
    }
    memo.set(k, kind);
    return kind;
  };
  return entries.map((e) => ({ ...e.standard, kind: kindOf(e) }));
}

// ---------------------------------------------------------------------------------------------
// CASE 1.0 JSON
// ---------------------------------------------------------------------------------------------

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/** CASE education levels ("07", "KG", "09"…"12") as our grade: "7", "K", "9-12". */
export function gradeFromEducationLevel(levels: string[]): string | undefined {
  const norm = levels.map((l) => l.trim().toUpperCase()).filter(Boolean).map((l) => (/^\d+$/.test(l) ? String(Number(l)) : l === 'KG' ? 'K' : l));
  if (norm.length === 0) return undefined;
  const unique = [...new Set(norm)];
  if (unique.length === 1) return unique[0];
  if (unique.every((g) => /^\d+$/.test(g))) {
    const nums = unique.map(Number).sort((a, b) => a - b);
    return `${nums[0]}-${nums[nums.length - 1]}`;
  }
  return unique.join(',').slice(0, 20);
}

function caseKind(item: Record<string, unknown>): Kind | undefined {
  const typeUri = isRecord(item.CFItemTypeURI) ? str(item.CFItemTypeURI.title) : undefined;
  const t = (str(item.CFItemType) ?? typeUri)?.toLowerCase();
  return t && (KINDS as readonly string[]).includes(t) ? (t as Kind) : undefined;
}

export function parseCaseJson(text: string, opts: { framework?: string } = {}): StandardsFile {
  const out: StandardsFile = { standards: [], problems: [], notes: [] };
  const problems = out.problems;
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    problems.push(`the file is not valid JSON: ${(e as Error).message}`);
    return out;
  }
  if (!isRecord(doc)) { problems.push('the file must hold a CASE package: an object with CFDocument and CFItems'); return out; }
  const cfDoc = doc.CFDocument;
  if (!isRecord(cfDoc)) problems.push('CFDocument is missing: this does not look like a CASE package');
  if (!Array.isArray(doc.CFItems)) { problems.push('CFItems is missing or not a list'); return out; }
  const framework = opts.framework?.trim() || (isRecord(cfDoc) ? str(cfDoc.title) : undefined);
  if (!framework) problems.push('CFDocument.title is missing: name the framework with --framework');
  else if (framework.length > 80) problems.push(`CFDocument.title is longer than 80 characters: name the framework with --framework (e.g. --framework "${framework.slice(0, 20)}…")`);
  const docId = isRecord(cfDoc) ? str(cfDoc.identifier) : undefined;

  interface Entry { index: number; identifier: string; code: string; statement: string | undefined; grade: string | undefined; kind: Kind | undefined }
  const entries: Entry[] = [];
  const byIdentifier = new Map<string, Entry>();
  const skipped = new Set<string>();
  const codeAt = new Map<string, number>();
  (doc.CFItems as unknown[]).forEach((raw, index) => {
    const where = `CFItems[${index}]`;
    if (!isRecord(raw)) { problems.push(`${where}: must be an object`); return; }
    const identifier = str(raw.identifier);
    const label = identifier ? `${where} (${identifier})` : where;
    if (!identifier) problems.push(`${where}: identifier is missing`);
    const code = str(raw.humanCodingScheme);
    if (!code) {
      // Grouping nodes ("Grade 7", "Mathematics") carry no code; they cannot be aligned to, so leave them out.
      if (identifier) skipped.add(identifier);
      return;
    }
    const statement = str(raw.fullStatement);
    if (!statement) problems.push(`${label}: fullStatement is missing`);
    const levels = raw.educationLevel;
    let grade: string | undefined;
    if (!Array.isArray(levels) || levels.length === 0 || !levels.every((l) => typeof l === 'string')) problems.push(`${label}: educationLevel (the grade, e.g. ["07"]) is missing`);
    else grade = gradeFromEducationLevel(levels as string[]);
    const seen = codeAt.get(code);
    if (seen !== undefined) problems.push(`${label}: humanCodingScheme ${code} is also CFItems[${seen}]`);
    else codeAt.set(code, index);
    if (!identifier) return;
    if (byIdentifier.has(identifier)) { problems.push(`${label}: identifier is also CFItems[${byIdentifier.get(identifier)!.index}]`); return; }
    const entry = { index, identifier, code, statement, grade, kind: caseKind(raw) };
    entries.push(entry);
    byIdentifier.set(identifier, entry);
  });
  if (skipped.size) out.notes.push(`${skipped.size} CFItems without a humanCodingScheme (grouping nodes) were left out`);

  const parentOf = new Map<string, string>();
  const associations = doc.CFAssociations;
  if (associations !== undefined && !Array.isArray(associations)) problems.push('CFAssociations must be a list');
  (Array.isArray(associations) ? associations : []).forEach((raw, index) => {
    const where = `CFAssociations[${index}]`;
    if (!isRecord(raw)) { problems.push(`${where}: must be an object`); return; }
    if (raw.associationType !== 'isChildOf') return;
    const origin = isRecord(raw.originNodeURI) ? str(raw.originNodeURI.identifier) : undefined;
    const destination = isRecord(raw.destinationNodeURI) ? str(raw.destinationNodeURI.identifier) : undefined;
    if (!origin || !destination) { problems.push(`${where}: isChildOf needs originNodeURI.identifier and destinationNodeURI.identifier`); return; }
    if (!byIdentifier.has(origin)) {
      if (!skipped.has(origin)) problems.push(`${where}: originNodeURI ${origin} is not an item in this file`);
      return;
    }
    if (destination === docId || skipped.has(destination)) return; // top level: no parent standard
    const parent = byIdentifier.get(destination);
    if (!parent) { problems.push(`${where}: destinationNodeURI ${destination} is not an item or the document in this file`); return; }
    if (!parentOf.has(origin)) parentOf.set(origin, parent.code);
  });

  const candidates: { standard: Standard; explicit: boolean }[] = [];
  for (const e of entries) {
    const parsed = StandardSchema.safeParse({
      framework, code: e.code, grade: e.grade, description: e.statement, caseId: e.identifier,
      parent: parentOf.get(e.identifier), kind: e.kind ?? 'standard',
    });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = { code: 'humanCodingScheme', description: 'fullStatement', grade: 'educationLevel', caseId: 'identifier' }[String(issue.path[0])];
        if (!field) continue; // framework problems are reported once, above
        if (issue.message === 'Required') continue; // already reported as missing
        problems.push(`CFItems[${e.index}] (${e.identifier}): ${field}: ${issue.message}`);
      }
      continue;
    }
    candidates.push({ standard: parsed.data, explicit: e.kind !== undefined });
  }
  if (entries.length === 0 && problems.length === 0) problems.push('CFItems holds no item with a humanCodingScheme: nothing to import');
  out.standards = inferKinds(candidates);
  return out;
}
