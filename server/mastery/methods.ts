// The mastery calculation methods teachers know from their LMS gradebook (Canvas, Schoology, Moodle): most recent,
// highest, average, decaying average, weighted average and "n times at or above the threshold". Each turns a
// student's per-attempt scores on one standard into one score and a level. Pure: no I/O.
import { LEVELS, type Level } from './model.js';

/** One attempt's result on one standard: the share of its points earned, in [0, 1]. */
export interface AttemptScore {
  score: number;
  at: Date;
}

export type CalculationMethod =
  | { kind: 'most-recent' }
  | { kind: 'highest' }
  | { kind: 'average' }
  /** Traditional decaying average: each new score gets `weight`, the running value the rest (Canvas's "Decaying Average" since 2023). */
  | { kind: 'decaying-average'; weight: number }
  /** Newest score × weight + mean of all earlier scores × (1 − weight) (Canvas's older "Decaying Average", now "Weighted Average"). */
  | { kind: 'weighted-average'; weight: number }
  /** Mastered once `n` attempts score at or above `threshold`; only those attempts make the score. */
  | { kind: 'n-times'; n: number; threshold: number };

export type MethodKind = CalculationMethod['kind'];

export const DEFAULT_METHODS: { [K in MethodKind]: Extract<CalculationMethod, { kind: K }> } = {
  'most-recent': { kind: 'most-recent' },
  highest: { kind: 'highest' },
  average: { kind: 'average' },
  'decaying-average': { kind: 'decaying-average', weight: 0.65 },
  'weighted-average': { kind: 'weighted-average', weight: 0.65 },
  'n-times': { kind: 'n-times', n: 2, threshold: 0.8 },
};

/** Score cut points, highest level first; the last rung is the floor (minScore 0). */
export interface ScoreRule {
  level: Level;
  minScore: number;
}

/** 80% is the usual "meets the standard" line in LMS mastery scales; 90% exceeds it. */
export const DEFAULT_SCORE_SCALE: readonly ScoreRule[] = [
  { level: 'mastered', minScore: 0.9 },
  { level: 'proficient', minScore: 0.8 },
  { level: 'developing', minScore: 0.5 },
  { level: 'beginning', minScore: 0 },
];

export interface MethodResult {
  /** In [0, 1]; null when there is no attempt at all. */
  score: number | null;
  level: Level;
  /** Attempts that counted. */
  attempts: number;
}

// 4 of 5 is exactly 80%: float rounding must not push a student down a level.
const EPSILON = 1e-9;

export function checkScoreScale(scale: readonly ScoreRule[]): readonly ScoreRule[] {
  const problems: string[] = [];
  if (scale.length === 0) problems.push('a score scale needs at least one level');
  scale.forEach((r, i) => {
    if (!LEVELS.includes(r.level)) problems.push(`unknown level "${r.level}"`);
    if (!(r.minScore >= 0 && r.minScore <= 1)) problems.push(`${r.level}: minScore must be between 0 and 1, got ${r.minScore}`);
    const below = scale[i + 1];
    if (below && !(r.minScore > below.minScore)) problems.push(`${r.level} must need a higher score than ${below.level}`);
    if (below && LEVELS.indexOf(r.level) <= LEVELS.indexOf(below.level)) problems.push(`list levels highest first: ${r.level} before ${below.level}`);
  });
  if (scale.length && scale[scale.length - 1]!.minScore !== 0) problems.push('the lowest level must start at a score of 0');
  if (problems.length) throw new RangeError(`invalid score scale: ${problems.join('; ')}`);
  return scale;
}

export function checkMethod(m: CalculationMethod): CalculationMethod {
  if ((m.kind === 'decaying-average' || m.kind === 'weighted-average') && !(m.weight > 0 && m.weight < 1)) {
    throw new RangeError(`the ${m.kind} weight on the newest score must be strictly between 0 and 1, got ${m.weight}`);
  }
  if (m.kind === 'n-times') {
    if (!(Number.isInteger(m.n) && m.n >= 1)) throw new RangeError(`n times needs a whole number n of at least 1, got ${m.n}`);
    if (!(m.threshold > 0 && m.threshold <= 1)) throw new RangeError(`n times needs a threshold in (0, 1], got ${m.threshold}`);
  }
  return m;
}

export function levelForScore(score: number, scale: readonly ScoreRule[] = DEFAULT_SCORE_SCALE): Level {
  for (const r of scale) if (score + EPSILON >= r.minScore) return r.level;
  return scale[scale.length - 1]!.level;
}

const clampScore = (s: number) => (Number.isFinite(s) ? Math.min(1, Math.max(0, s)) : 0);
const avg = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

export function calculate(method: CalculationMethod, attempts: readonly AttemptScore[], scale: readonly ScoreRule[] = DEFAULT_SCORE_SCALE): MethodResult {
  checkMethod(method);
  checkScoreScale(scale);
  const floor = scale[scale.length - 1]!.level;
  if (attempts.length === 0) return { score: null, level: floor, attempts: 0 };
  // Oldest first; attempts at the same moment keep the order given.
  const scores = attempts
    .map((a, i) => ({ s: clampScore(a.score), t: a.at.getTime(), i }))
    .sort((a, b) => a.t - b.t || a.i - b.i)
    .map((a) => a.s);
  const n = scores.length;
  const done = (score: number, counted = n): MethodResult => ({ score, level: levelForScore(score, scale), attempts: counted });
  switch (method.kind) {
    case 'most-recent':
      return done(scores[n - 1]!, 1);
    case 'highest':
      return done(Math.max(...scores));
    case 'average':
      return done(avg(scores));
    case 'decaying-average':
      return done(scores.slice(1).reduce((running, s) => method.weight * s + (1 - method.weight) * running, scores[0]!));
    case 'weighted-average':
      return done(n === 1 ? scores[0]! : method.weight * scores[n - 1]! + (1 - method.weight) * avg(scores.slice(0, -1)));
    case 'n-times': {
      const met = scores.filter((s) => s + EPSILON >= method.threshold);
      if (met.length >= method.n) return done(avg(met), met.length);
      // Not yet n times: the score shows progress (the mean of all attempts), but the level stays below the
      // threshold's level however high that mean is — that is the point of asking for n successes.
      const score = avg(scores);
      return { score, level: capBelow(levelForScore(score, scale), levelForScore(method.threshold, scale), scale), attempts: n };
    }
  }
}

/** The highest level of the scale strictly below `ceiling` (or the floor), if `level` reaches the ceiling. */
function capBelow(level: Level, ceiling: Level, scale: readonly ScoreRule[]): Level {
  const order = scale.map((r) => r.level); // highest first
  const ci = order.indexOf(ceiling);
  const li = order.indexOf(level);
  if (li > ci) return level;
  return order[Math.min(order.length - 1, ci + 1)]!;
}
