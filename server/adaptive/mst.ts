// Multistage adaptive tests: `buildModules` cuts a bank into small per-standard modules (routing modules near the
// mastery cut, then easier and harder ones, several parallel modules per level sharing no item), and `nextStep` decides,
// each time a whole module has been submitted, which modules come next or that every standard's call is settled.
// Pure and deterministic: the same plan, evidence and student seed always give the same step. Design: docs/adaptive.md.
import { AssemblyError, type AssemblyProblem } from '../content/forms.js';
import { scaleModel, type ScaleModel, type ScaleOptions, type ScaleResult, type ScoredResponse } from './scale.js';

export interface BankItem {
  id: string;
  version: number;
  standards: string[];
  /** Rasch difficulty in logits (calibrated when available, else the author's). */
  difficulty: number;
}

/**
 * A blueprint row. `items` is what a fixed form would give the standard; an adaptive test gives it at least
 * `minItems` (default: the routing items, so every standard is measured) and at most `maxItems` (default `items` + 1:
 * a student still in doubt may get one more item than the fixed form would give; most get far fewer).
 */
export interface AdaptiveBlueprintEntry {
  standard: string;
  items: number;
  minItems?: number;
  maxItems?: number;
}

export interface ItemRef {
  id: string;
  version: number;
  standard: string;
}

/** An item as the plan holds it: the difficulty it routes with stays with the plan. */
export interface PlannedItem extends ItemRef {
  difficulty: number;
}

export type ModuleLevel = 'routing' | 'easy' | 'medium' | 'hard';

export interface Module {
  /** `<standard>/<level>-<n>`: stable for a plan, stored with each submitted stage. */
  id: string;
  standard: string;
  level: ModuleLevel;
  items: PlannedItem[];
  meanDifficulty: number;
}

export interface RoutingRules {
  /** A standard is settled once P(θ_s > cut) ≥ upper or ≤ lower (and it has its minimum of items). */
  upper: number;
  lower: number;
  /**
   * Which level comes next: the one whose mean difficulty is nearest to
   * 'ability' (default) — the student's current estimate of θ_s: easier after wrong answers, harder after right ones;
   * 'cut' — the mastery cut, whatever the results (adaptive only in when it stops). The simulation finds the two
   * equally accurate (docs/adaptive.md); 'ability' spares a struggling student a run of items far too hard.
   */
  target: 'ability' | 'cut';
}

export interface StandardPlan {
  standard: string;
  minItems: number;
  maxItems: number;
  /** Parallel routing modules: each student sits one of them first. */
  routing: string[];
  /** Later-stage levels, easiest first, each with its parallel modules. */
  levels: { level: Exclude<ModuleLevel, 'routing'>; meanDifficulty: number; modules: string[] }[];
}

export interface ModulePlan {
  version: 1;
  standards: StandardPlan[];
  modules: Record<string, Module>;
  rules: RoutingRules;
  /** The scale the plan's calls are made on (stored so a plan outlives a change of defaults). */
  scale: ScaleOptions;
  /** Things an author may want to fix, in words they can act on (e.g. items the plan could not use). */
  notes: string[];
}

export interface BuildOptions {
  /** Items per standard in the first (routing) stage. Default 1. */
  routingItems?: number;
  /** Items per standard in each later module. Default 1: a routing decision after every item of a standard. */
  moduleItems?: number;
  /** Parallel modules wanted per routing slot. Default 2; fewer when the bank is too small (noted). */
  parallel?: number;
  /** Default for blueprint rows without maxItems. Default: the row's `items` + 1 (one more than a fixed form gives it). */
  maxItems?: number;
  rules?: Partial<RoutingRules>;
  scale?: ScaleOptions;
}

export const MST_DEFAULTS = {
  routingItems: 1,
  moduleItems: 1,
  parallel: 2,
  // Settled once one call is at least twice as likely as the other; docs/adaptive.md shows why not 0.9/0.1.
  rules: { upper: 2 / 3, lower: 1 / 3, target: 'ability' } as RoutingRules,
  /** Items a standard may get beyond its blueprint `items`: one more for a student still in doubt. */
  extraItems: 1,
} as const;

/** The stage a student is given next: modules of several standards, sent whole, without keys. */
export interface StageModule {
  /** `<stage>:<module id>+<module id>…`, so a submitted stage names exactly what was sent. */
  id: string;
  stage: number;
  parts: { moduleId: string; standard: string }[];
  items: ItemRef[];
}

/** One submitted stage: its id and the scored credit of each item (an item left blank counts as 0). */
export interface SubmittedStage {
  moduleId: string;
  responses: { itemId: string; version: number; credit: number }[];
}

export type SettledBy = 'confident' | 'max-items' | 'bank-exhausted';

export interface StandardResult {
  standard: string;
  pMastery: number;
  mastered: boolean;
  items: number;
  settledBy: SettledBy;
}

export interface AdaptiveResults {
  scale: ScaleResult;
  standards: StandardResult[];
  items: number;
  stages: number;
}

export type Step = { done: true; results: AdaptiveResults } | { done: false; module: StageModule };

/** The evidence does not follow the plan (e.g. a stage the plan would not have given, or a changed plan). */
export class RouteMismatch extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RouteMismatch';
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Building the modules.

export function buildModules(bank: readonly BankItem[], blueprint: readonly AdaptiveBlueprintEntry[], opts: BuildOptions = {}): ModulePlan {
  const routingItems = opts.routingItems ?? MST_DEFAULTS.routingItems;
  const moduleItems = opts.moduleItems ?? MST_DEFAULTS.moduleItems;
  const wantParallel = opts.parallel ?? MST_DEFAULTS.parallel;
  const rules: RoutingRules = { ...MST_DEFAULTS.rules, ...opts.rules };
  const scale = scaleModel(opts.scale);
  const cut = scale.options.cut;
  for (const [name, v] of [['routingItems', routingItems], ['moduleItems', moduleItems], ['parallel', wantParallel]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a whole number of at least 1, got ${v}`);
  }
  if (!(rules.lower >= 0 && rules.lower < 0.5 && rules.upper > 0.5 && rules.upper <= 1)) {
    throw new RangeError(`routing bounds need 0 ≤ lower < 0.5 < upper ≤ 1, got lower ${rules.lower}, upper ${rules.upper}`);
  }

  const problems: AssemblyProblem[] = [];
  const seen = new Set<string>();
  for (const e of blueprint) {
    if (seen.has(e.standard)) problems.push({ standard: e.standard, reason: `${e.standard} is listed twice in the blueprint; list it once` });
    seen.add(e.standard);
    for (const [field, v] of [['items', e.items], ['maxItems', e.maxItems ?? opts.maxItems ?? 1]] as const) {
      if (!Number.isInteger(v) || v < 1) problems.push({ standard: e.standard, reason: `${e.standard}: ${field} must be a whole number of at least 1, got ${v}` });
    }
  }
  if (blueprint.length === 0) problems.push({ standard: '', reason: 'the blueprint has no standards' });
  if (problems.length) throw new AssemblyError(problems);

  // One version per item id; an item aligned to several blueprint standards serves the one with the fewest items.
  const latest = new Map<string, BankItem>();
  for (const it of bank) if (!latest.has(it.id) || latest.get(it.id)!.version < it.version) latest.set(it.id, it);
  const pool = new Map(blueprint.map((e) => [e.standard, [] as BankItem[]]));
  const reach = (s: string) => [...latest.values()].filter((it) => it.standards.includes(s)).length;
  const reachOf = new Map(blueprint.map((e) => [e.standard, reach(e.standard)]));
  for (const it of [...latest.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    const mine = it.standards.filter((s) => pool.has(s)).sort((a, b) => reachOf.get(a)! - reachOf.get(b)! || (a < b ? -1 : 1));
    if (mine[0]) pool.get(mine[0])!.push(it);
  }

  const notes: string[] = [];
  const modules: Record<string, Module> = {};
  const standards: StandardPlan[] = [];
  for (const e of blueprint) {
    const items = pool.get(e.standard)!.sort((a, b) => a.difficulty - b.difficulty || (a.id < b.id ? -1 : 1));
    const maxItems = Math.min(e.maxItems ?? opts.maxItems ?? e.items + MST_DEFAULTS.extraItems, items.length);
    const minItems = e.minItems ?? routingItems;
    if (!Number.isInteger(minItems) || minItems < 1) problems.push({ standard: e.standard, reason: `${e.standard}: minItems must be a whole number of at least 1, got ${minItems}` });
    if (items.length < routingItems) {
      problems.push({ standard: e.standard, reason: `${e.standard} needs at least ${routingItems} ${plural(routingItems, 'item')} for its routing module; the bank has ${items.length}` });
      continue;
    }
    if (minItems > maxItems) problems.push({ standard: e.standard, reason: `${e.standard} must get at least ${minItems} items but can get at most ${maxItems} (the bank has ${items.length})` });

    // Routing: the items nearest the cut, dealt into parallel modules of similar mean difficulty.
    const parallel = Math.max(1, Math.min(wantParallel, Math.floor(items.length / routingItems)));
    if (parallel < wantParallel) notes.push(`${e.standard}: only ${parallel} routing ${plural(parallel, 'module')} (wanted ${wantParallel}); add items near the mastery cut`);
    const byCloseness = [...items].sort((a, b) => Math.abs(a.difficulty - cut) - Math.abs(b.difficulty - cut) || a.difficulty - b.difficulty);
    const routingPool = byCloseness.slice(0, parallel * routingItems).sort((a, b) => a.difficulty - b.difficulty);
    const routing = dealParallel(routingPool, parallel).map((group, n) => addModule(modules, e.standard, 'routing', n, group));

    // The rest: contiguous difficulty bands (easy/medium/hard, or easy/hard when few), each dealt into parallel modules.
    const used = new Set(routingPool.map((it) => it.id));
    const rest = items.filter((it) => !used.has(it.id));
    const bandCount = rest.length >= 3 * moduleItems * 2 ? 3 : rest.length >= 2 * moduleItems ? 2 : rest.length >= moduleItems ? 1 : 0;
    const names: Exclude<ModuleLevel, 'routing'>[] = bandCount === 3 ? ['easy', 'medium', 'hard'] : bandCount === 2 ? ['easy', 'hard'] : ['medium'];
    const levels: StandardPlan['levels'] = [];
    let unused = 0;
    for (let b = 0; b < bandCount; b++) {
      const band = rest.slice(Math.round((b * rest.length) / bandCount), Math.round(((b + 1) * rest.length) / bandCount));
      const count = Math.floor(band.length / moduleItems);
      // Leave out the band's extreme items when it does not divide evenly: they are the least informative near the cut.
      const spare = band.length - count * moduleItems;
      const keep = band.slice(b === 0 ? spare : 0, b === 0 ? band.length : band.length - spare);
      unused += spare;
      if (count === 0) continue;
      const ids = dealParallel(keep, count).map((group, n) => addModule(modules, e.standard, names[b]!, n, group));
      levels.push({ level: names[b]!, meanDifficulty: mean(keep.map((it) => it.difficulty)), modules: ids });
    }
    if (unused > 0) notes.push(`${e.standard}: ${unused} ${plural(unused, 'item')} left out (modules hold ${moduleItems} ${plural(moduleItems, 'item')})`);
    standards.push({ standard: e.standard, minItems, maxItems, routing, levels });
  }
  if (problems.length) throw new AssemblyError(problems);
  return { version: 1, standards, modules, rules, scale: scale.options, notes };
}

function addModule(modules: Record<string, Module>, standard: string, level: ModuleLevel, n: number, items: BankItem[]): string {
  const id = `${standard}/${level}-${n}`;
  modules[id] = { id, standard, level, items: items.map((it) => ({ id: it.id, version: it.version, standard, difficulty: it.difficulty })), meanDifficulty: mean(items.map((it) => it.difficulty)) };
  return id;
}

/** Deals items sorted by difficulty into `count` groups, serpentine (A B B A …), so the groups' means stay close. */
function dealParallel<T>(sorted: T[], count: number): T[][] {
  const groups: T[][] = Array.from({ length: count }, () => []);
  sorted.forEach((it, i) => {
    const round = Math.floor(i / count);
    const pos = i % count;
    groups[round % 2 === 0 ? pos : count - 1 - pos]!.push(it);
  });
  return groups;
}

// ---------------------------------------------------------------------------------------------------------------
// Routing.

// A plan is plain data (stored with the assessment); its scale model is built once per plan object.
const scaleCache = new WeakMap<ModulePlan, ScaleModel>();
function scaleOf(plan: ModulePlan): ScaleModel {
  let m = scaleCache.get(plan);
  if (!m) scaleCache.set(plan, (m = scaleModel(plan.scale)));
  return m;
}

const key = (id: string, version: number) => `${id}@${version}`;

/**
 * What comes next for a student who has submitted `evidence` (whole stages, in the order they were given). Routing
 * happens only here, between stages, so a stage can be answered offline. The evidence is replayed from the start:
 * a stage that is not the one this plan gives at that point throws RouteMismatch (e.g. the plan changed mid-attempt).
 * Item difficulties come from the plan, i.e. the calibration it was built with, never from a later one.
 */
export function nextStep(plan: ModulePlan, evidence: readonly SubmittedStage[], studentSeed: string): Step {
  let route = startRoute(plan, studentSeed);
  for (const stage of evidence) route = advance(plan, route, stage);
  return route.step;
}

/**
 * A student's route so far, as plain data: what `nextStep` rebuilds from the evidence. A caller that keeps it (with
 * the attempt, or a simulation) can `advance` one stage at a time instead of replaying every stage.
 */
export interface RouteState {
  seed: string;
  stage: number;
  responses: ScoredResponse[];
  /** Module ids already given. */
  taken: string[];
  step: Step;
}

export function startRoute(plan: ModulePlan, studentSeed: string): RouteState {
  const parts = plan.standards.map((s) => pick(s.routing, studentSeed, s.standard, 0));
  return { seed: studentSeed, stage: 0, responses: [], taken: [], step: { done: false, module: stageModule(plan, 0, parts) } };
}

/** The route after one more submitted stage. Throws RouteMismatch when `submitted` is not the stage the route expects. */
export function advance(plan: ModulePlan, route: RouteState, submitted: SubmittedStage): RouteState {
  const { step } = route;
  if (step.done) throw new RouteMismatch(`stage ${route.stage + 1} was submitted, but the test was already complete after stage ${route.stage}`);
  if (submitted.moduleId !== step.module.id) {
    throw new RouteMismatch(`stage ${route.stage + 1} should be ${step.module.id}, but ${submitted.moduleId} was submitted`);
  }
  const credit = new Map<string, number>();
  for (const r of submitted.responses) {
    if (!Number.isFinite(r.credit)) throw new RangeError(`item ${r.itemId}: credit must be a number in [0, 1]`);
    credit.set(key(r.itemId, r.version), Math.min(1, Math.max(0, r.credit)));
  }
  const expected = new Set(step.module.items.map((it) => key(it.id, it.version)));
  for (const k of credit.keys()) if (!expected.has(k)) throw new RouteMismatch(`stage ${route.stage + 1} has a response to ${k}, which that stage did not contain`);

  const responses = [...route.responses];
  for (const part of step.module.parts) {
    for (const it of plan.modules[part.moduleId]!.items) {
      responses.push({ standard: it.standard, difficulty: it.difficulty, credit: credit.get(key(it.id, it.version)) ?? 0 });
    }
  }
  const taken = [...route.taken, ...step.module.parts.map((p) => p.moduleId)];
  const stage = route.stage + 1;
  return { seed: route.seed, stage, responses, taken, step: decide(plan, stage, responses, new Set(taken), route.seed) };
}

function decide(plan: ModulePlan, stage: number, responses: ScoredResponse[], taken: Set<string>, seed: string): Step {
  const result = scaleOf(plan).score(responses, plan.standards.map((s) => s.standard));
  const { upper, lower, target } = plan.rules;
  const cut = plan.scale.cut ?? 0;
  const parts: string[] = [];
  const settled: StandardResult[] = [];
  for (const s of plan.standards) {
    const est = result.standards.find((x) => x.standard === s.standard)!;
    const n = est.items;
    const confident = est.pMastery >= upper || est.pMastery <= lower;
    const open = s.levels.filter((l) => l.modules.some((m) => !taken.has(m)));
    let settledBy: SettledBy | null = null;
    if (n >= s.minItems && confident) settledBy = 'confident';
    else if (n >= s.maxItems) settledBy = 'max-items';
    else if (open.length === 0) settledBy = 'bank-exhausted';
    if (settledBy) {
      settled.push({ standard: s.standard, pMastery: est.pMastery, mastered: est.pMastery > 0.5, items: n, settledBy });
      continue;
    }
    const level = nearest(open, target === 'cut' ? cut : est.mean);
    parts.push(pick(level.modules.filter((m) => !taken.has(m)), seed, s.standard, stage));
  }
  if (parts.length === 0) return { done: true, results: { scale: result, standards: settled, items: responses.length, stages: stage } };
  return { done: false, module: stageModule(plan, stage, parts) };
}

function nearest<L extends { meanDifficulty: number }>(levels: L[], aim: number): L {
  return levels.reduce((best, l) => (Math.abs(l.meanDifficulty - aim) < Math.abs(best.meanDifficulty - aim) ? l : best));
}

function stageModule(plan: ModulePlan, stage: number, parts: string[]): StageModule {
  const mods = parts.map((id) => plan.modules[id]!);
  return {
    id: `${stage}:${parts.join('+')}`,
    stage,
    parts: mods.map((m) => ({ moduleId: m.id, standard: m.standard })),
    items: mods.flatMap((m) => m.items.map(({ id, version, standard }) => ({ id, version, standard }))),
  };
}

/** Spreads students over parallel modules: a hash of the student, the standard and the stage picks one. */
function pick(candidates: string[], seed: string, standard: string, stage: number): string {
  return candidates[hash(`${seed}\u0000${standard}\u0000${stage}`) % candidates.length]!;
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  // One avalanche round so neighbouring seeds (student-1, student-2) spread evenly.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

const mean = (xs: number[]) => (xs.length === 0 ? 0 : xs.reduce((s, x) => s + x, 0) / xs.length);
const plural = (n: number, w: string) => (n === 1 ? w : `${w}s`);
