// One ability scale for fixed forms and adaptive tests: a sitting's scored responses (item difficulty on the calibrated
// logit scale + credit) become a scale score and a per-standard probability of mastery, from one Rasch posterior that
// does not care which design chose the items. So a fixed pre-test and an adaptive post-test compare directly.
// Pure: no I/O. The model and the numbers behind its defaults are in docs/adaptive.md, "One scale".
import { levelFor, RASCH_DEFAULTS, type Level } from '../mastery/model.js';

/** One scored item of a sitting. */
export interface ScoredResponse {
  standard: string;
  /** The item's Rasch difficulty in logits (the calibrated value when there is one). */
  difficulty: number;
  /** Credit in [0, 1]; partial credit counts as a fractional success. */
  credit: number;
}

export interface ScaleOptions {
  /** Mastery of a standard means θ_s > cut. Default: the mastery model's cut, so both domains agree. */
  cut?: number;
  /** Prior on general ability θ: N(generalMean, generalSd²). */
  generalMean?: number;
  generalSd?: number;
  /** How far a standard's ability may sit from the student's general ability: θ_s ~ N(θ, standardSpread²). */
  standardSpread?: number;
  grid?: { min: number; max: number; step: number };
  /** Scale score = centre + perLogit · θ, rounded, clamped to the grid's ends (200–800 by default). */
  scoreCentre?: number;
  scorePerLogit?: number;
}

export const SCALE_DEFAULTS = {
  cut: RASCH_DEFAULTS.cut,
  generalMean: 0,
  // 1.3² + 0.75² = 1.5²: before any evidence a standard's ability has the same N(0, 1.5²) prior as the mastery model.
  generalSd: 1.3,
  standardSpread: 0.75,
  grid: { min: -6, max: 6, step: 0.1 },
  scoreCentre: 500,
  scorePerLogit: 50,
} as const;

export interface StandardEstimate {
  standard: string;
  /** Posterior P(θ_s > cut). */
  pMastery: number;
  /** Posterior mean and SD of θ_s in logits. */
  mean: number;
  sd: number;
  /** Items of this standard in the sitting. */
  items: number;
  /** The mastery domain's level for this evidence (same level rules as the course mastery map). */
  level: Level;
}

export interface ScaleResult {
  /** Posterior mean and SD of general ability θ (logits). */
  theta: { mean: number; sd: number };
  /** Rounded scale score and its standard error in scale points. */
  scaleScore: number;
  scaleSe: number;
  /**
   * 'ceiling' when every answer got full credit, 'floor' when none got any: the items could not find where the
   * student's ability stops (or starts), so the score is a lower (upper) bound, pulled toward the middle by the prior.
   */
  extreme: 'ceiling' | 'floor' | null;
  standards: StandardEstimate[];
  items: number;
}

export interface ScaleModel {
  readonly options: Readonly<Required<ScaleOptions>>;
  /** Scores a sitting. `standards` lists the standards to report even when they have no responses (the prior). */
  score(responses: readonly ScoredResponse[], standards?: readonly string[]): ScaleResult;
  /** θ → reportable scale score (rounded and clamped). */
  toScaleScore(theta: number): number;
  readonly scoreRange: readonly [number, number];
}

// Densities below this share of the peak cannot change any reported number; flooring keeps logs finite.
const LOG_FLOOR = -700;
const logSigmoid = (x: number) => (x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x)));

export function scaleModel(options: ScaleOptions = {}): ScaleModel {
  const o = { ...SCALE_DEFAULTS, ...options } as Required<ScaleOptions>;
  if (!(o.generalSd > 0)) throw new RangeError(`generalSd must be positive, got ${o.generalSd}`);
  if (!(o.standardSpread > 0)) throw new RangeError(`standardSpread must be positive, got ${o.standardSpread}`);
  if (!(o.grid.step > 0 && o.grid.max > o.grid.min)) throw new RangeError('the ability grid needs max > min and a positive step');
  if (!(o.scorePerLogit > 0)) throw new RangeError(`scorePerLogit must be positive, got ${o.scorePerLogit}`);
  if (!Number.isFinite(o.cut)) throw new RangeError(`the mastery cut must be a number of logits, got ${o.cut}`);

  const size = Math.round((o.grid.max - o.grid.min) / o.grid.step) + 1;
  const theta = Float64Array.from({ length: size }, (_, i) => o.grid.min + i * o.grid.step);
  const logPriorGeneral = Float64Array.from(theta, (t) => -0.5 * ((t - o.generalMean) / o.generalSd) ** 2);
  // θ_s | θ ~ N(θ, τ²) as a banded matrix: beyond 6τ the kernel is below e⁻¹⁸ and contributes nothing.
  const reach = Math.min(size - 1, Math.ceil((6 * o.standardSpread) / o.grid.step));
  const kernel = Float64Array.from({ length: reach + 1 }, (_, d) => Math.exp(-((d * o.grid.step) ** 2) / (2 * o.standardSpread ** 2)));
  // Share of each grid cell above the cut (each point stands for a cell of width `step`, as in the mastery model).
  const aboveCut = Float64Array.from(theta, (t) => Math.min(1, Math.max(0, (t + o.grid.step / 2 - o.cut) / o.grid.step)));
  const lo = o.scoreCentre + o.scorePerLogit * o.grid.min;
  const hi = o.scoreCentre + o.scorePerLogit * o.grid.max;
  const toScaleScore = (t: number) => Math.min(hi, Math.max(lo, Math.round(o.scoreCentre + o.scorePerLogit * t)));

  // A bank has a few hundred distinct difficulties: each item's log-likelihood curve is computed once per model.
  const curves = new Map<number, { right: Float64Array; wrong: Float64Array }>();
  const curve = (d: number) => {
    let c = curves.get(d);
    if (!c) {
      c = { right: Float64Array.from(theta, (t) => logSigmoid(t - d)), wrong: Float64Array.from(theta, (t) => logSigmoid(d - t)) };
      if (curves.size >= 5000) curves.clear();
      curves.set(d, c);
    }
    return c;
  };

  /** out[j] = Σ_k K(|j−k|) · v[k]; grid points with no mass are skipped (most of the grid, once there is evidence). */
  const smooth = (v: Float64Array): Float64Array => {
    const out = new Float64Array(size);
    for (let k = 0; k < size; k++) {
      const vk = v[k]!;
      if (vk < 1e-300) continue;
      const a = Math.max(0, k - reach);
      const b = Math.min(size - 1, k + reach);
      for (let j = a; j < k; j++) out[j]! += kernel[k - j]! * vk;
      for (let j = k; j <= b; j++) out[j]! += kernel[j - k]! * vk;
    }
    return out;
  };

  function score(responses: readonly ScoredResponse[], standards: readonly string[] = []): ScaleResult {
    const byStandard = new Map<string, ScoredResponse[]>();
    for (const s of standards) byStandard.set(s, []);
    for (const r of responses) {
      if (!Number.isFinite(r.difficulty)) throw new RangeError(`a response needs a finite item difficulty, got ${r.difficulty}`);
      if (!Number.isFinite(r.credit)) throw new RangeError(`a response needs a finite credit in [0, 1], got ${r.credit}`);
      const list = byStandard.get(r.standard);
      if (list) list.push(r);
      else byStandard.set(r.standard, [r]);
    }

    // Per standard: the likelihood of its responses over θ_s (peak 1), and its message to θ, m_s(θ) = ∫ N(θ_s; θ, τ²) L_s(θ_s).
    const codes = [...byStandard.keys()];
    const like = new Map<string, Float64Array>();
    const logMessage = new Map<string, Float64Array>();
    const logGeneral = Float64Array.from(logPriorGeneral);
    for (const code of codes) {
      const rs = byStandard.get(code)!;
      if (rs.length === 0) continue;
      const ll = new Float64Array(size);
      for (const r of rs) {
        const c = Math.min(1, Math.max(0, r.credit));
        const { right, wrong } = curve(r.difficulty);
        for (let k = 0; k < size; k++) ll[k]! += c * right[k]! + (1 - c) * wrong[k]!;
      }
      const L = expNormalized(ll);
      like.set(code, L);
      const m = smooth(L);
      const lm = Float64Array.from(m, (v) => (v > 0 ? Math.log(v) : LOG_FLOOR));
      logMessage.set(code, lm);
      for (let j = 0; j < size; j++) logGeneral[j]! += lm[j]!;
    }

    const general = expNormalized(logGeneral);
    const g = moments(theta, general);

    const estimates: StandardEstimate[] = codes.map((code) => {
      const L = like.get(code);
      const lm = logMessage.get(code);
      // Prior for θ_s: the general-ability posterior from the OTHER standards' evidence, spread by τ.
      const rest = lm ? expNormalized(Float64Array.from(logGeneral, (v, j) => v - lm[j]!)) : general;
      const prior = smooth(rest);
      const post = L ? Float64Array.from(prior, (v, k) => v * L[k]!) : prior;
      const m = moments(theta, post);
      let p = 0;
      for (let k = 0; k < size; k++) p += m.weights[k]! * aboveCut[k]!;
      const pMastery = Math.min(1, Math.max(0, p));
      const items = byStandard.get(code)!.length;
      return { standard: code, pMastery, mean: m.mean, sd: m.sd, items, level: levelFor(pMastery, items, m.sd) };
    });

    const all = responses.length > 0;
    const extreme = all && responses.every((r) => r.credit >= 1) ? 'ceiling' : all && responses.every((r) => r.credit <= 0) ? 'floor' : null;
    return {
      theta: { mean: g.mean, sd: g.sd },
      scaleScore: toScaleScore(g.mean),
      scaleSe: o.scorePerLogit * g.sd,
      extreme,
      standards: estimates,
      items: responses.length,
    };
  }

  return { options: o, score, toScaleScore, scoreRange: [lo, hi] };
}

/** Pre→post change in scale points with its standard error (the two sittings' posteriors taken as independent). */
export function scaleGrowth(pre: ScaleResult, post: ScaleResult, perLogit: number = SCALE_DEFAULTS.scorePerLogit): { change: number; se: number } {
  return { change: post.scaleScore - pre.scaleScore, se: perLogit * Math.hypot(pre.theta.sd, post.theta.sd) };
}

export const defaultScale = scaleModel();

function expNormalized(logv: Float64Array): Float64Array {
  let max = -Infinity;
  for (const v of logv) if (v > max) max = v;
  if (!Number.isFinite(max)) throw new RangeError('the posterior has no mass left on the ability grid');
  return Float64Array.from(logv, (v) => Math.exp(Math.max(LOG_FLOOR, v - max)));
}

function moments(theta: Float64Array, density: Float64Array): { weights: Float64Array; mean: number; sd: number } {
  let z = 0;
  for (const v of density) z += v;
  const weights = Float64Array.from(density, (v) => v / z);
  let mean = 0;
  for (let k = 0; k < theta.length; k++) mean += weights[k]! * theta[k]!;
  let variance = 0;
  for (let k = 0; k < theta.length; k++) variance += weights[k]! * (theta[k]! - mean) ** 2;
  return { weights, mean, sd: Math.sqrt(variance) };
}
