// The scale score a submitted attempt reports, fixed form or adaptive: one Rasch posterior (scale.ts) over the
// attempt's scored items, kept with the attempt so pre→post growth compares sittings of any design on one scale.
// Pure: scored items with their difficulties in, a small stored summary out.
import type { Level } from '../mastery/model.js';
import { scaleModel, type ScaleOptions, type ScaleResult, type ScoredResponse } from './scale.js';

/** What an attempt stores and shows: the scale score with its standard error, and P(mastery) per standard. */
export interface ScaleSummary {
  score: number;
  se: number;
  /** General ability in logits (posterior mean and SD): what growth across designs is computed from. */
  theta: number;
  thetaSd: number;
  extreme: ScaleResult['extreme'];
  range: [number, number];
  standards: { code: string; pMastery: number; level: Level }[];
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

export function summarizeScale(r: ScaleResult, range: readonly [number, number]): ScaleSummary {
  return {
    score: r.scaleScore, se: round(r.scaleSe, 1), theta: round(r.theta.mean, 4), thetaSd: round(r.theta.sd, 4), extreme: r.extreme,
    range: [range[0], range[1]],
    standards: r.standards.map((s) => ({ code: s.standard, pMastery: round(s.pMastery, 4), level: s.level })),
  };
}

/** Scores one sitting on the scale; `standards` are reported even without responses (in this order). */
export function scoreOnScale(responses: readonly ScoredResponse[], standards: readonly string[], options?: ScaleOptions): ScaleSummary {
  const model = scaleModel(options);
  return summarizeScale(model.score(responses, standards), model.scoreRange);
}
