// How a student's mastery of one standard is estimated from the items they answered. One interface
// (`MasteryModel`) so the estimate can be swapped; the default is a Rasch ability posterior on a grid,
// with slow forgetting over time. The maths and the simulation that justifies it are in docs/mastery.md. Pure: no I/O.
import { incompleteBeta } from './stats.js';

/** The four default levels, lowest first; a scale may use fewer of them. */
export type Level = 'beginning' | 'developing' | 'proficient' | 'mastered';
export const LEVELS: readonly Level[] = ['beginning', 'developing', 'proficient', 'mastered'];

export type AttemptKind = 'pre' | 'post' | 'diagnostic';

/** One scored item response as evidence about one standard. */
export interface Observation {
  /** Credit in [0, 1]; partial credit counts as a fractional success. */
  correct: number;
  /** The item's Rasch difficulty in logits. */
  difficulty: number;
  at: Date;
  attemptKind?: AttemptKind;
}

/** What a model keeps between updates. JSON-safe (no Dates, no Infinity), so it can be stored as is. */
export interface EvidenceState {
  model: string;
  version: number;
}

export interface Estimate {
  /** The model's probability that the student is above the mastery cut. */
  pMastery: number;
  level: Level;
  /** Effective number of items behind the estimate (old evidence counts less once it has been forgotten). */
  evidence: number;
  /** The ability posterior, for models that have one (logits). */
  ability?: { mean: number; sd: number };
}

export interface MasteryModel<S extends EvidenceState = EvidenceState> {
  readonly name: string;
  /** The state before any evidence: the prior. */
  initial(): S;
  update(prior: S, observations: readonly Observation[]): S;
  estimate(state: S): Estimate;
}

// ---------------------------------------------------------------------------------------------------------------
// Levels from a probability of mastery plus enough evidence.

/** One rung of a level scale. A level is reached when every condition given holds. */
export interface LevelRule {
  level: Level;
  /** Smallest pMastery for this level. */
  minP: number;
  /** Smallest effective number of items. */
  minEvidence?: number;
  /** Largest posterior SD in logits (ignored by models without an ability posterior). */
  maxSd?: number;
}

/**
 * Highest level first; the last rung is the floor (minP 0, no evidence needed). The default keeps one lucky item
 * from ever reading as Mastered: Mastered needs three items and a posterior narrow enough to trust.
 */
export const DEFAULT_LEVEL_SCALE: readonly LevelRule[] = [
  { level: 'mastered', minP: 0.9, minEvidence: 3, maxSd: 1.1 },
  { level: 'proficient', minP: 0.6, minEvidence: 2 },
  { level: 'developing', minP: 0.25, minEvidence: 1 },
  { level: 'beginning', minP: 0 },
];

export function checkLevelScale(scale: readonly LevelRule[]): readonly LevelRule[] {
  const problems: string[] = [];
  if (scale.length === 0) problems.push('a level scale needs at least one level');
  const seen = new Set<Level>();
  scale.forEach((r, i) => {
    if (!LEVELS.includes(r.level)) problems.push(`unknown level "${r.level}"`);
    if (seen.has(r.level)) problems.push(`level "${r.level}" appears twice`);
    seen.add(r.level);
    if (!(r.minP >= 0 && r.minP <= 1)) problems.push(`${r.level}: minP must be between 0 and 1, got ${r.minP}`);
    const below = scale[i + 1];
    if (below && !(r.minP >= below.minP)) problems.push(`${r.level} must not need a smaller pMastery than ${below.level}`);
    if (below && LEVELS.indexOf(r.level) <= LEVELS.indexOf(below.level)) problems.push(`list levels highest first: ${r.level} before ${below.level}`);
    if (r.minEvidence !== undefined && !(r.minEvidence >= 0)) problems.push(`${r.level}: minEvidence must be at least 0`);
    if (r.maxSd !== undefined && !(r.maxSd > 0)) problems.push(`${r.level}: maxSd must be positive`);
  });
  const floor = scale[scale.length - 1];
  if (floor && (floor.minP !== 0 || (floor.minEvidence ?? 0) > 0 || floor.maxSd !== undefined)) {
    problems.push(`the lowest level (${floor.level}) must have no conditions, so every student has a level`);
  }
  if (problems.length) throw new RangeError(`invalid level scale: ${problems.join('; ')}`);
  return scale;
}

const P_EPSILON = 1e-9;

export function levelFor(pMastery: number, evidence: number, sd: number | undefined, scale: readonly LevelRule[] = DEFAULT_LEVEL_SCALE): Level {
  for (const r of scale) {
    if (pMastery + P_EPSILON < r.minP) continue;
    if (r.minEvidence !== undefined && evidence + P_EPSILON < r.minEvidence) continue;
    if (r.maxSd !== undefined && sd !== undefined && !(sd <= r.maxSd + P_EPSILON)) continue;
    return r.level;
  }
  return scale[scale.length - 1]!.level;
}

/** Position of a level on the default order (beginning 0 … mastered 3), for "moved up a level". */
export const levelRank = (level: Level): number => LEVELS.indexOf(level);

// ---------------------------------------------------------------------------------------------------------------
// Shared bits.

const DAY_MS = 86_400_000;

function checkObservation(o: Observation): void {
  if (!Number.isFinite(o.difficulty)) throw new RangeError(`an observation needs a finite item difficulty, got ${o.difficulty}`);
  if (!Number.isFinite(o.correct)) throw new RangeError(`an observation needs a finite credit in [0, 1], got ${o.correct}`);
  if (!(o.at instanceof Date) || Number.isNaN(o.at.getTime())) throw new RangeError('an observation needs a valid time');
}

const credit = (c: number) => Math.min(1, Math.max(0, c));
// Oldest first, and stable: responses within one attempt keep their order.
const chronological = (obs: readonly Observation[]) => obs.map((o, i) => ({ o, i })).sort((a, b) => a.o.at.getTime() - b.o.at.getTime() || a.i - b.i).map((x) => x.o);

/** ln σ(x) without overflow. */
const logSigmoid = (x: number) => (x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x)));

// ---------------------------------------------------------------------------------------------------------------
// The default: a Rasch ability posterior on a grid.

export interface RaschState extends EvidenceState {
  model: 'rasch-grid';
  version: 1;
  /** θ_i = min + i·step, i = 0 … size − 1. Kept in the state so a stored posterior outlives a config change. */
  grid: { min: number; step: number; size: number };
  /** Unnormalized log posterior at each grid point (maximum 0). */
  logDensity: number[];
  /** Effective number of items (see Estimate.evidence). */
  evidence: number;
  /** Items ever observed, never discounted. */
  items: number;
  /** ISO time of the newest observation, or null. */
  lastAt: string | null;
  lastKind: AttemptKind | null;
}

export interface RaschOptions {
  /** Prior on ability θ: N(priorMean, priorSd²). */
  priorMean?: number;
  priorSd?: number;
  /** Mastery means θ > cut (logits). 0 = a 50% chance on an item of difficulty 0. */
  cut?: number;
  grid?: { min: number; max: number; step: number };
  /** Random-walk variance of θ per day between observations (logits²): old evidence slowly loses weight. */
  driftPerDay?: number;
  /** Largest variance one gap in time can add (so a long break never forgets more than the prior knew). */
  maxDrift?: number;
  /** Extra variance when a post-test follows a pre-test or diagnostic: teaching happened in between. */
  instructionVariance?: number;
  levels?: readonly LevelRule[];
}

export const RASCH_DEFAULTS = {
  priorMean: 0,
  priorSd: 1.5,
  cut: 0,
  grid: { min: -6, max: 6, step: 0.1 },
  driftPerDay: 0.005,
  maxDrift: 1,
  instructionVariance: 0.5,
} as const;

// Below this the density is zero for every purpose; the floor keeps the state finite and JSON-safe.
const LOG_FLOOR = -200;

export function raschModel(options: RaschOptions = {}): MasteryModel<RaschState> {
  const o = { ...RASCH_DEFAULTS, ...options };
  const levels = checkLevelScale(options.levels ?? DEFAULT_LEVEL_SCALE);
  if (!(o.priorSd > 0)) throw new RangeError(`priorSd must be positive, got ${o.priorSd}`);
  if (!(o.grid.step > 0 && o.grid.max > o.grid.min)) throw new RangeError('the ability grid needs max > min and a positive step');
  if (!(o.driftPerDay >= 0 && o.maxDrift >= 0 && o.instructionVariance >= 0)) throw new RangeError('drift variances must be at least 0');
  const size = Math.round((o.grid.max - o.grid.min) / o.grid.step) + 1;
  const prior = normalizeLog(Array.from({ length: size }, (_, i) => {
    const z = (o.grid.min + i * o.grid.step - o.priorMean) / o.priorSd;
    return -0.5 * z * z;
  }));

  return {
    name: 'rasch-grid',
    initial(): RaschState {
      return { model: 'rasch-grid', version: 1, grid: { min: o.grid.min, step: o.grid.step, size }, logDensity: prior.slice(), evidence: 0, items: 0, lastAt: null, lastKind: null };
    },

    update(prior, observations) {
      checkRaschState(prior);
      observations.forEach(checkObservation);
      const { grid } = prior;
      const theta = gridPoints(grid);
      let logp = prior.logDensity.slice();
      let { evidence, items, lastKind } = prior;
      let lastMs = prior.lastAt === null ? null : Date.parse(prior.lastAt);
      for (const ob of chronological(observations)) {
        const atMs = ob.at.getTime();
        let q = 0;
        if (lastMs !== null && atMs > lastMs) q += Math.min(o.maxDrift, (o.driftPerDay * (atMs - lastMs)) / DAY_MS);
        if (ob.attemptKind === 'post' && (lastKind === 'pre' || lastKind === 'diagnostic')) q += o.instructionVariance;
        if (q > 0 && 5 * Math.sqrt(q) >= grid.step) {
          // Information 1/v becomes 1/(v + q): the effective item count shrinks by the same factor.
          const v = moments(theta, logp).variance;
          logp = diffuse(logp, grid.step, q);
          evidence *= v / (v + q);
        }
        const c = credit(ob.correct);
        const { right, wrong } = itemLogLikelihood(grid, theta, ob.difficulty);
        for (let i = 0; i < theta.length; i++) logp[i]! += c * right[i]! + (1 - c) * wrong[i]!;
        logp = normalizeLog(logp);
        evidence += 1;
        items += 1;
        if (lastMs === null || atMs >= lastMs) {
          lastMs = atMs;
          lastKind = ob.attemptKind ?? lastKind;
        }
      }
      return { ...prior, logDensity: logp, evidence, items, lastAt: lastMs === null ? null : new Date(lastMs).toISOString(), lastKind };
    },

    estimate(state) {
      checkRaschState(state);
      const { grid } = state;
      const theta = gridPoints(grid);
      const { weights, mean, variance } = moments(theta, state.logDensity);
      // Each grid point stands for a cell of width `step`; count the part of the cell above the cut.
      let pMastery = 0;
      for (let i = 0; i < theta.length; i++) {
        const above = (theta[i]! + grid.step / 2 - o.cut) / grid.step;
        pMastery += weights[i]! * Math.min(1, Math.max(0, above));
      }
      pMastery = Math.min(1, Math.max(0, pMastery));
      const sd = Math.sqrt(variance);
      return { pMastery, level: levelFor(pMastery, state.evidence, sd, levels), evidence: state.evidence, ability: { mean, sd } };
    },
  };
}

// Item difficulties come from a bank of a few hundred values, so each item's log-likelihood curve over the grid is
// computed once and reused: a class's worth of updates then costs additions, not logarithms.
const gridCache = new Map<string, { theta: number[]; items: Map<number, { right: Float64Array; wrong: Float64Array }> }>();
const MAX_CACHED_DIFFICULTIES = 5000;

function gridEntry(grid: RaschState['grid']) {
  const key = `${grid.min}|${grid.step}|${grid.size}`;
  let entry = gridCache.get(key);
  if (!entry) {
    entry = { theta: Array.from({ length: grid.size }, (_, i) => grid.min + i * grid.step), items: new Map() };
    gridCache.set(key, entry);
  }
  return entry;
}

const gridPoints = (grid: RaschState['grid']): readonly number[] => gridEntry(grid).theta;

function itemLogLikelihood(grid: RaschState['grid'], theta: readonly number[], difficulty: number) {
  const cache = gridEntry(grid).items;
  let curve = cache.get(difficulty);
  if (!curve) {
    const right = new Float64Array(theta.length);
    const wrong = new Float64Array(theta.length);
    for (let i = 0; i < theta.length; i++) {
      right[i] = logSigmoid(theta[i]! - difficulty);
      wrong[i] = logSigmoid(difficulty - theta[i]!);
    }
    curve = { right, wrong };
    if (cache.size >= MAX_CACHED_DIFFICULTIES) cache.clear();
    cache.set(difficulty, curve);
  }
  return curve;
}

function checkRaschState(s: RaschState): void {
  if (s.model !== 'rasch-grid' || s.version !== 1) throw new RangeError(`expected a rasch-grid v1 state, got ${s.model} v${s.version}`);
  if (s.logDensity.length !== s.grid.size) throw new RangeError('the stored posterior does not match its grid');
}

function normalizeLog(logp: number[]): number[] {
  let max = -Infinity;
  for (const v of logp) if (v > max) max = v;
  if (!Number.isFinite(max)) throw new RangeError('the posterior has no mass left: the evidence is contradictory beyond the grid');
  return logp.map((v) => Math.max(LOG_FLOOR, v - max));
}

function moments(theta: readonly number[], logp: number[]): { weights: number[]; mean: number; variance: number } {
  const raw = logp.map((v) => Math.exp(v));
  const z = raw.reduce((s, v) => s + v, 0);
  const weights = raw.map((v) => v / z);
  let mean = 0;
  for (let i = 0; i < theta.length; i++) mean += weights[i]! * theta[i]!;
  let variance = 0;
  for (let i = 0; i < theta.length; i++) variance += weights[i]! * (theta[i]! - mean) ** 2;
  return { weights, mean, variance };
}

/** Convolve the density with N(0, q): ability may have moved by a random walk step since the last evidence. */
function diffuse(logp: number[], step: number, q: number): number[] {
  const p = logp.map((v) => Math.exp(v));
  const reach = Math.max(1, Math.ceil((5 * Math.sqrt(q)) / step));
  const kernel = Array.from({ length: 2 * reach + 1 }, (_, j) => Math.exp(-(((j - reach) * step) ** 2) / (2 * q)));
  const out = new Array<number>(p.length).fill(0);
  for (let i = 0; i < p.length; i++) {
    // Mass below 1e-15 of the peak cannot change the result; skipping it halves the work.
    if (p[i]! < 1e-15) continue;
    for (let j = -reach; j <= reach; j++) {
      const k = i + j;
      if (k >= 0 && k < p.length) out[k]! += p[i]! * kernel[j + reach]!;
    }
  }
  return normalizeLog(out.map((v) => (v > 0 ? Math.log(v) : LOG_FLOOR)));
}

// ---------------------------------------------------------------------------------------------------------------
// An alternative: a Beta posterior on the chance of answering correctly, blind to item difficulty. Kept to show the
// interface is swappable and as a comparison in the simulation; not the default.

export interface BetaState extends EvidenceState {
  model: 'beta';
  version: 1;
  alpha: number;
  beta: number;
  evidence: number;
  lastAt: string | null;
}

export interface BetaOptions {
  /** Prior Beta(a, b); default Beta(1, 1), flat. */
  priorAlpha?: number;
  priorBeta?: number;
  /** Mastery means a chance of success above this on the items the standard is tested with. */
  cut?: number;
  levels?: readonly LevelRule[];
}

export function betaModel(options: BetaOptions = {}): MasteryModel<BetaState> {
  const a0 = options.priorAlpha ?? 1;
  const b0 = options.priorBeta ?? 1;
  const cut = options.cut ?? 0.5;
  const levels = checkLevelScale(options.levels ?? DEFAULT_LEVEL_SCALE);
  if (!(a0 > 0 && b0 > 0)) throw new RangeError('the Beta prior needs positive parameters');
  if (!(cut > 0 && cut < 1)) throw new RangeError(`the Beta model's cut must be strictly between 0 and 1, got ${cut}`);
  return {
    name: 'beta',
    initial: () => ({ model: 'beta', version: 1, alpha: a0, beta: b0, evidence: 0, lastAt: null }),
    update(prior, observations) {
      observations.forEach(checkObservation);
      let { alpha, beta, evidence } = prior;
      let last = prior.lastAt === null ? -Infinity : Date.parse(prior.lastAt);
      for (const ob of observations) {
        const c = credit(ob.correct);
        alpha += c;
        beta += 1 - c;
        evidence += 1;
        last = Math.max(last, ob.at.getTime());
      }
      return { ...prior, alpha, beta, evidence, lastAt: Number.isFinite(last) ? new Date(last).toISOString() : null };
    },
    estimate(state) {
      const pMastery = 1 - incompleteBeta(cut, state.alpha, state.beta);
      return { pMastery, level: levelFor(pMastery, state.evidence, undefined, levels), evidence: state.evidence };
    },
  };
}

/** The default model every caller gets unless a course chooses otherwise. */
export const defaultModel = raschModel();
