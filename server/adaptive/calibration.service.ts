// Calibration as a stored, per-tenant report: gathers a district's submitted responses, runs the pure estimator
// (calibration.ts) once per framework, and keeps the result as a calibration run; serves the newest run's
// difficulties to adaptive delivery and its report to staff. It reads attempts and never writes them, so no score,
// result or mastery estimate changes: a calibration only affects what later reads its difficulties.
//
// Per tenant, not global: the starter items are shared by every district, but each district's own students
// calibrate them for that district (one district's data never moves another's scale, and never leaves its tenant).
import type { LaunchContext } from '../auth/session.js';
import { createHash } from 'node:crypto';
import { getItemVersions, getItemVersionsIn, listItems } from '../content/content.service.js';
import type { Item, ResponseValue } from '../content/item.schema.js';
import { OnceClaimModel, claimOnce, upsertRacing } from '../db/once.js';
import { AttemptModel } from '../delivery/attempt.model.js';
import { Conflict, InvalidInput } from '../http/problem.js';
import { log } from '../log.js';
import { itemTitle } from '../mastery/item-analysis.js';
import { calibrate, type CalibrationItem, type CalibrationResponse, type DistractorRow, type FlagCode } from './calibration.js';
import { CalibrationLatestModel, CalibrationRunModel, latestKey, type CalibrationRunDoc } from './calibration.model.js';

// ---------------------------------------------------------------------------------------------------------------
// Difficulties for adaptive delivery

/**
 * The newest calibration's difficulty (logits) of every item it calibrated for this tenant and framework, by item
 * id; when it calibrated several versions of an item, the newest version's. Empty before the first run. One read
 * by _id, so it is cheap enough to call when an attempt starts.
 */
export async function calibratedDifficulties(tenantId: string, framework: string): Promise<Map<string, number>> {
  const latest = await CalibrationLatestModel.findById(latestKey(tenantId, framework)).lean();
  const out = new Map<string, number>();
  if (!latest || String(latest.tenantId) !== tenantId) return out;
  const newest = new Map<string, number>();
  for (const d of latest.difficulties) {
    if (!d.itemId || typeof d.difficulty !== 'number' || typeof d.version !== 'number') continue;
    if ((newest.get(d.itemId) ?? 0) > d.version) continue;
    newest.set(d.itemId, d.version);
    out.set(d.itemId, d.difficulty);
  }
  return out;
}

/** Like `calibratedDifficulties`, but keyed `<itemId>@<version>`: only the exact versions the run calibrated. */
export async function calibratedVersionDifficulties(tenantId: string, framework: string): Promise<Map<string, number>> {
  const latest = await CalibrationLatestModel.findById(latestKey(tenantId, framework)).lean();
  const out = new Map<string, number>();
  if (!latest || String(latest.tenantId) !== tenantId) return out;
  for (const d of latest.difficulties) {
    if (!d.itemId || typeof d.difficulty !== 'number' || typeof d.version !== 'number') continue;
    out.set(`${d.itemId}@${d.version}`, d.difficulty);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Views

export interface CalibrationFlagView { code: FlagCode; message: string; choiceId?: string }

export interface CalibrationItemView {
  itemId: string;
  version: number;
  title: string;
  standards: string[];
  type: string;
  owner: 'starter' | 'tenant';
  authorDifficulty: number;
  difficulty: number;
  se: number;
  n: number;
  infit: number | null;
  outfit: number | null;
  fitJudged: boolean;
  flags: CalibrationFlagView[];
  distractors?: DistractorRow[];
}

export interface CalibrationSummary {
  sittings: number;
  responses: number;
  items: number;
  flagged: number;
  iterations: number;
  converged: boolean;
  anchorMean: number;
  populationMean: number;
  populationSd: number;
}

export interface CalibrationReport {
  id: string;
  framework: string;
  createdAt: string;
  trigger: 'command' | 'staff';
  summary: CalibrationSummary;
  /** Flagged items first, then by item id and version. */
  items: CalibrationItemView[];
}

const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;
const roundOrNull = (x: number | null | undefined) => (typeof x === 'number' ? round(x) : null);

/** Flagged first (most flags first), then by id: what a reviewer should look at comes at the top. */
export function byConcern(a: Pick<CalibrationItemView, 'flags' | 'itemId' | 'version'>, b: Pick<CalibrationItemView, 'flags' | 'itemId' | 'version'>): number {
  return b.flags.length - a.flags.length || a.itemId.localeCompare(b.itemId, 'en', { numeric: true }) || a.version - b.version;
}

function reportOf(run: CalibrationRunDoc): CalibrationReport {
  const s = run.summary!;
  return {
    id: String(run._id), framework: run.framework, createdAt: run.createdAt.toISOString(), trigger: run.trigger as CalibrationReport['trigger'],
    summary: {
      sittings: s.sittings, responses: s.responses, items: s.items, flagged: s.flagged, iterations: s.iterations, converged: s.converged,
      anchorMean: round(s.anchorMean), populationMean: round(s.populationMean), populationSd: round(s.populationSd),
    },
    items: run.items.map((i) => ({
      itemId: i.itemId, version: i.version, title: i.title ?? '', standards: [...i.standards], type: i.type, owner: i.starter ? 'starter' as const : 'tenant' as const,
      authorDifficulty: round(i.authorDifficulty), difficulty: round(i.difficulty), se: round(i.se), n: i.n,
      infit: roundOrNull(i.infit), outfit: roundOrNull(i.outfit), fitJudged: i.fitJudged,
      flags: i.flags.map((f) => ({ code: f.code as FlagCode, message: f.message, ...(f.choiceId ? { choiceId: f.choiceId } : {}) })),
      ...(i.distractors?.length ? { distractors: i.distractors.map((d) => ({ choiceId: d.choiceId, correct: d.correct, strongShare: round(d.strongShare), weakShare: round(d.weakShare) })) } : {}),
    })).sort(byConcern),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Gathering responses

interface StoredResultItem { position: number; score: number }

/** What one submitted attempt contributes: one sitting (the estimator's "person"), keyed by the attempt id. */
export interface GatheredResponses {
  responses: CalibrationResponse[];
  sittings: number;
  /** Identifies the set of attempts read (ids and submission times), so a run on unchanged data can be skipped. */
  dataHash: string;
}

/** Bumped when the way responses are gathered or calibrated changes, so old runs are not taken for current ones. */
const METHOD_VERSION = 'v2'; // v2: respondents tied at the edge of the strongest or weakest third share its places

function chosenIds(value: ResponseValue | undefined): string[] | undefined {
  if (!value) return undefined;
  if (value.type === 'single') return value.choice === null ? [] : [value.choice];
  if (value.type === 'multiple') return [...value.choices];
  return undefined;
}

/** A saved answer that says something: a cleared choice or an empty box is a blank. */
function isAnswered(value: ResponseValue | undefined): boolean {
  if (!value) return false;
  switch (value.type) {
    case 'single': return value.choice !== null;
    case 'multiple': return value.choices.length > 0;
    case 'order': return value.order.length > 0;
    default: return value.text.trim() !== '';
  }
}

/**
 * The tenant's scored responses: every submitted, non-preview attempt, one sitting per attempt (ability changes
 * between a pre- and a post-test), credit as it was scored. A question left blank counts as a wrong answer, as it
 * did in the score — except the trailing blanks of an attempt the clock submitted, which the student never reached
 * and which say nothing about the items. The attempt id is the only key, and it stays inside this process.
 */
export async function gatherResponses(tenantId: string): Promise<GatheredResponses> {
  const responses: CalibrationResponse[] = [];
  const seen: string[] = [];
  let sittings = 0;
  const cursor = AttemptModel.find(
    { tenantId, status: 'submitted', preview: false },
    { items: 1, responses: 1, 'result.items': 1, autoSubmitted: 1, submittedAt: 1 },
  ).lean().cursor();
  for await (const a of cursor) {
    seen.push(`${String(a._id)}@${a.submittedAt?.toISOString() ?? ''}`);
    const scored = new Map(((a.result as { items?: StoredResultItem[] } | undefined)?.items ?? []).map((i) => [i.position, i.score]));
    if (scored.size === 0) continue;
    const saved = (a.responses ?? {}) as Record<string, { value?: ResponseValue } | undefined>;
    const answered = a.items.filter((p) => isAnswered(saved[`p${p.position}`]?.value));
    const reached = a.autoSubmitted ? Math.max(0, ...answered.map((p) => p.position)) : Infinity;
    let counted = 0;
    for (const p of a.items) {
      const credit = scored.get(p.position);
      if (typeof credit !== 'number' || p.position > reached) continue;
      const choiceIds = chosenIds(saved[`p${p.position}`]?.value);
      responses.push({ personId: String(a._id), itemId: p.itemId, version: p.version, credit, ...(choiceIds ? { choiceIds } : {}) });
      counted += 1;
    }
    if (counted) sittings += 1;
  }
  const dataHash = createHash('sha256').update(`${METHOD_VERSION}\n${seen.sort().join('\n')}`).digest('hex');
  return { responses, sittings, dataHash };
}

function calibrationItemOf(item: Item): CalibrationItem {
  const i = item.interaction;
  const correctChoiceIds = i.type === 'single' ? [i.key.correct] : i.type === 'multiple' ? [...i.key.correct] : undefined;
  return { id: item.id, version: item.version, framework: item.framework, difficulty: item.difficulty, ...(correctChoiceIds ? { correctChoiceIds } : {}) };
}

// ---------------------------------------------------------------------------------------------------------------
// Running

export interface RunOptions {
  /** Only this framework (default: every framework the tenant's responses touch). */
  framework?: string;
  trigger: CalibrationReport['trigger'];
  /** How long a run may hold the tenant's lock before another may take it over. */
  leaseMs?: number;
}

const LOCK_SCOPE = 'calibration';

/** One run per tenant at a time, across processes: an insert on a unique _id, taken over once it has expired. */
async function withTenantLock<T>(tenantId: string, leaseMs: number, work: () => Promise<T>): Promise<T> {
  const until = () => new Date(Date.now() + leaseMs);
  let claimed = await claimOnce(LOCK_SCOPE, tenantId, until());
  if (!claimed) {
    // A run that died keeps its claim until it expires; then the next caller clears it and tries again (the insert
    // still decides, so two callers clearing at once cannot both win).
    await OnceClaimModel.deleteOne({ _id: `${LOCK_SCOPE}:${tenantId}`, expiresAt: { $lt: new Date() } });
    claimed = await claimOnce(LOCK_SCOPE, tenantId, until());
  }
  if (!claimed) throw new Conflict('A calibration is already running for this district. Wait a minute and look again.');
  try {
    return await work();
  } finally {
    await OnceClaimModel.deleteOne({ _id: `${LOCK_SCOPE}:${tenantId}` }).catch((err: unknown) => log.warn({ err }, 'calibration lock not released; it expires by itself'));
  }
}

export interface RunOutcome {
  report: CalibrationReport;
  /** False when no attempt was submitted since the framework's latest run: that run is returned, nothing is stored. */
  fresh: boolean;
}

/**
 * Calibrates the tenant's items from its submitted responses, one run per framework, and stores each run (and
 * points the framework's latest record at it). Returns one outcome per framework; none when there are no responses.
 */
export async function runCalibration(tenantId: string, o: RunOptions): Promise<RunOutcome[]> {
  if (!/^[0-9a-f]{24}$/i.test(tenantId)) throw new InvalidInput(`"${tenantId}" is not a tenant id.`);
  return withTenantLock(tenantId, o.leaseMs ?? 10 * 60_000, async () => {
    const started = Date.now();
    const gathered = await gatherResponses(tenantId);
    const refs = [...new Map(gathered.responses.map((r) => [`${r.itemId}@${r.version}`, { id: r.itemId, version: r.version }])).values()];
    const items = (await getItemVersions(tenantId, refs)).filter((i) => !o.framework || i.framework === o.framework);
    const starter = new Set((await getItemVersionsIn(null, refs)).map((i) => `${i.id}@${i.version}`));
    const known = new Map(items.map((i) => [`${i.id}@${i.version}`, i]));
    const responses = gathered.responses.filter((r) => known.has(`${r.itemId}@${r.version}`));
    if (responses.length === 0) return [];
    const result = calibrate(responses, items.map(calibrationItemOf));
    const createdAt = new Date();
    const outcomes: RunOutcome[] = [];
    for (const fw of result.frameworks) {
      const head = await CalibrationLatestModel.findById(latestKey(tenantId, fw.framework), { dataHash: 1, runId: 1, tenantId: 1 }).lean();
      if (head && String(head.tenantId) === tenantId && head.dataHash === gathered.dataHash) {
        const previous = await CalibrationRunModel.findById(head.runId).lean();
        if (previous) { outcomes.push({ report: reportOf(previous as CalibrationRunDoc), fresh: false }); continue; }
      }
      const fwItems = result.items.filter((i) => i.framework === fw.framework && i.n > 0);
      const fwResponses = responses.filter((r) => known.get(`${r.itemId}@${r.version}`)!.framework === fw.framework);
      const run = await CalibrationRunModel.create({
        tenantId, framework: fw.framework, createdAt, trigger: o.trigger, dataHash: gathered.dataHash,
        summary: {
          sittings: new Set(fwResponses.map((r) => r.personId)).size, responses: fwResponses.length, items: fwItems.length,
          flagged: fwItems.filter((i) => i.flags.length).length, iterations: fw.iterations, converged: fw.converged,
          anchorMean: fw.anchorMean, populationMean: fw.population.mean, populationSd: fw.population.sd,
        },
        items: fwItems.map((c) => {
          const item = known.get(`${c.id}@${c.version}`)!;
          return {
            itemId: c.id, version: c.version, title: itemTitle(item), standards: item.standards, type: item.interaction.type,
            starter: starter.has(`${c.id}@${c.version}`), authorDifficulty: c.authorDifficulty, difficulty: c.difficulty, se: c.se, n: c.n,
            infit: c.infit, outfit: c.outfit, fitJudged: c.fitJudged, flags: c.flags, ...(c.distractors ? { distractors: c.distractors } : {}),
          };
        }),
      });
      const doc = run.toObject() as CalibrationRunDoc;
      const head2 = {
        tenantId, framework: fw.framework, runId: doc._id, createdAt, dataHash: gathered.dataHash,
        difficulties: fwItems.map((c) => ({ itemId: c.id, version: c.version, difficulty: c.difficulty })),
      };
      // The tenant lock keeps runs apart, so a plain upsert by _id is enough; upsertRacing covers a first insert
      // racing one whose lock had expired.
      await upsertRacing(() => CalibrationLatestModel.replaceOne({ _id: latestKey(tenantId, fw.framework) }, head2, { upsert: true }));
      outcomes.push({ report: reportOf(doc), fresh: true });
    }
    log.info({ tenantId, frameworks: outcomes.map((r) => r.report.framework), stored: outcomes.filter((r) => r.fresh).length, responseCount: responses.length, ms: Date.now() - started }, 'calibration run');
    return outcomes;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Reading

/** The newest run of every framework (or of one), for the tenant; all of its items. */
export async function latestReports(tenantId: string, framework?: string): Promise<CalibrationReport[]> {
  if (!/^[0-9a-f]{24}$/i.test(tenantId)) return [];
  const heads = await CalibrationLatestModel.find({ tenantId, ...(framework ? { framework } : {}) }, { runId: 1, tenantId: 1 }).lean();
  const runs = await Promise.all(heads.map((h) => CalibrationRunModel.findById(h.runId).lean()));
  return runs
    .filter((r): r is NonNullable<typeof r> => !!r && String(r.tenantId) === tenantId)
    .map((r) => reportOf(r as CalibrationRunDoc))
    .sort((a, b) => a.framework.localeCompare(b.framework));
}

/** The tenant's own items this course may see: shared with the tenant, or written in this course. */
async function courseVisibleTenantItems(ctx: LaunchContext): Promise<Set<string>> {
  const ids = new Set<string>();
  for (let page = 1; page <= 500; page++) {
    const { items, total } = await listItems({ tenantId: ctx.tenantId, courseId: ctx.courseId }, { owner: 'mine', page, limit: 200 });
    items.forEach((i) => ids.add(i.id));
    if (page * 200 >= total || items.length === 0) break;
  }
  return ids;
}

/**
 * The report staff of a course see: the tenant's newest runs, with items another course wrote for itself left out
 * (they are not in this course's bank either), and the summary counted over what is shown.
 */
export async function reportsForCourse(ctx: LaunchContext, framework?: string): Promise<CalibrationReport[]> {
  const reports = await latestReports(ctx.tenantId, framework);
  if (!reports.some((r) => r.items.some((i) => i.owner === 'tenant'))) return reports;
  const visible = await courseVisibleTenantItems(ctx);
  return reports.map((r) => {
    const items = r.items.filter((i) => i.owner === 'starter' || visible.has(i.itemId));
    return { ...r, summary: { ...r.summary, items: items.length, flagged: items.filter((i) => i.flags.length).length }, items };
  });
}

/** Tenants with at least one submitted attempt: the ones `growthline bank calibrate --all` has anything to do for. */
export async function tenantsWithResponses(): Promise<string[]> {
  const ids = await AttemptModel.distinct('tenantId', { status: 'submitted', preview: false });
  return ids.map(String).sort();
}
