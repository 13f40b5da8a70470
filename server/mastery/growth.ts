// Pre→post growth for a class: per student and standard the level before and after, and for the class the mean
// gain, Hake's normalized gain, a paired effect size with a 95% confidence interval, who moved up a level, and the
// standards where growth is not established. Students with only one of the two tests are listed, never dropped.
// Pure: sittings in, plain data out. Definitions and edge cases: docs/mastery.md, "Growth".
import { defaultModel, levelRank, LEVELS, type Level, type MasteryModel, type EvidenceState, type AttemptKind } from './model.js';
import { mean, sampleSd, studentTQuantile } from './stats.js';

/** One standard on one sitting (a pre-test or a post-test attempt). */
export interface StandardScore {
  code: string;
  points: number;
  maxPoints: number;
  level: Level;
}

/** One student's sitting of a test. */
export interface Sitting {
  personId: string;
  standards: StandardScore[];
  /** The sitting on the one ability scale (server/adaptive/scale-report.ts), when delivery stored one. */
  scale?: SittingScale;
}

/** Scale score (points) and ability (logits) of a sitting: comparable between fixed forms and adaptive tests. */
export interface SittingScale { score: number; theta: number; thetaSd: number }

/**
 * Pre→post change on the scale, for students whose two sittings both have one. Unlike points per standard, it
 * compares a fixed pre-test with an adaptive post-test fairly (an adaptive test gives harder items to stronger students).
 */
export interface ScaleGrowth {
  students: number;
  meanPre: number | null;
  meanPost: number | null;
  meanChange: number | null;
  /** Confidence interval of the mean change in scale points (paired t). */
  changeInterval: Maybe<[number, number]>;
}

export interface GrowthInput {
  pre: Sitting[];
  post: Sitting[];
  /** Confidence level of the intervals; default 0.95. */
  confidence?: number;
}

/** A value that may be impossible to compute; `reason` says why in words a teacher can read. */
export interface Maybe<T> {
  value: T | null;
  reason?: string;
}

export interface StudentStandardGrowth {
  code: string;
  pre: { score: number; level: Level };
  post: { score: number; level: Level };
  /** post − pre, as a share of the standard's points. */
  change: number;
  /** Levels moved: +1 = one level up. */
  levelChange: number;
  normalizedGain: Maybe<number>;
}

export interface StudentGrowth {
  personId: string;
  pre: { score: number };
  post: { score: number };
  change: number;
  normalizedGain: Maybe<number>;
  /** Scale scores and their change, when both sittings have one. */
  scale?: { pre: number; post: number; change: number };
  standards: StudentStandardGrowth[];
  /** Standards this student met on only one of the two tests (different forms or blueprints). */
  onlyPreStandards: string[];
  onlyPostStandards: string[];
}

export interface GainSummary {
  /** Students with both a pre and a post score here. */
  students: number;
  meanPre: number | null;
  meanPost: number | null;
  meanGain: number | null;
  /** Confidence interval of the mean gain (paired t). */
  gainInterval: Maybe<[number, number]>;
  /** Hake's class normalized gain ⟨g⟩ = (mean post − mean pre) / (1 − mean pre). */
  normalizedGain: Maybe<number>;
  /** Cohen's d for paired samples, d_z = mean gain / SD of the gains, with its confidence interval. */
  effectSize: { d: number | null; interval: [number, number] | null; reason?: string };
  /** Share of the paired students who moved up at least one level (overall: on at least one standard). */
  movedUpShare: number | null;
}

export type NotGrowingReason = 'no-paired-students' | 'too-few-students' | 'mean-change-not-positive' | 'interval-includes-zero';

export interface StandardGrowth extends GainSummary {
  code: string;
  levelsBefore: Record<Level, number>;
  levelsAfter: Record<Level, number>;
  /** Students who met this standard on only one of the two tests. */
  onlyPre: string[];
  onlyPost: string[];
}

export interface ClassGrowth {
  confidence: number;
  overall: GainSummary;
  /** Growth on the one ability scale (students with a scale score on both tests). */
  scale: ScaleGrowth;
  standards: StandardGrowth[];
  /** Standards where the class's growth is not established, with why. */
  notGrowing: { code: string; reason: NotGrowingReason; message: string }[];
  students: StudentGrowth[];
  /** Students with a pre-test but no post-test yet, and the reverse. */
  onlyPre: string[];
  onlyPost: string[];
}

const share = (s: { points: number; maxPoints: number }) => Math.min(1, Math.max(0, s.points / s.maxPoints));

function checkSittings(kind: 'pre' | 'post', sittings: Sitting[]): Map<string, Sitting> {
  const byPerson = new Map<string, Sitting>();
  for (const s of sittings) {
    if (byPerson.has(s.personId)) throw new RangeError(`${kind}-test: one sitting per student, but ${s.personId} has two; choose which attempt counts before computing growth`);
    const codes = new Set<string>();
    for (const st of s.standards) {
      if (codes.has(st.code)) throw new RangeError(`${kind}-test: standard ${st.code} appears twice for ${s.personId}`);
      codes.add(st.code);
      if (!(Number.isFinite(st.points) && Number.isFinite(st.maxPoints) && st.maxPoints > 0 && st.points >= 0 && st.points <= st.maxPoints + 1e-9)) {
        throw new RangeError(`${kind}-test: ${st.code} for ${s.personId} needs 0 ≤ points ≤ maxPoints and maxPoints > 0`);
      }
      if (!LEVELS.includes(st.level)) throw new RangeError(`${kind}-test: unknown level "${st.level}"`);
    }
    byPerson.set(s.personId, s);
  }
  return byPerson;
}

/** Hake's normalized gain for one pair of scores in [0, 1]. */
export function normalizedGain(pre: number, post: number): Maybe<number> {
  if (pre >= 1) return { value: null, reason: 'already at the maximum on the pre-test: there was no room to gain' };
  return { value: (post - pre) / (1 - pre) };
}

const emptyCounts = (): Record<Level, number> => ({ beginning: 0, developing: 0, proficient: 0, mastered: 0 });

function summarize(pairs: { pre: number; post: number; movedUp: boolean }[], confidence: number): GainSummary {
  const n = pairs.length;
  if (n === 0) {
    const reason = 'no student has both tests';
    return {
      students: 0, meanPre: null, meanPost: null, meanGain: null, gainInterval: { value: null, reason },
      normalizedGain: { value: null, reason }, effectSize: { d: null, interval: null, reason }, movedUpShare: null,
    };
  }
  const pre = pairs.map((p) => p.pre);
  const post = pairs.map((p) => p.post);
  const gains = pairs.map((p) => p.post - p.pre);
  const meanPre = mean(pre);
  const meanPost = mean(post);
  const meanGain = mean(gains);
  const movedUpShare = pairs.filter((p) => p.movedUp).length / n;
  const classGain = normalizedGain(meanPre, meanPost);
  const normalized: Maybe<number> = classGain.value === null ? { value: null, reason: 'every student was at the maximum on the pre-test: there was no room to gain' } : classGain;

  if (n < 2) {
    const reason = 'one student: a spread, and so an interval or an effect size, needs at least two';
    return { students: n, meanPre, meanPost, meanGain, gainInterval: { value: null, reason }, normalizedGain: normalized, effectSize: { d: null, interval: null, reason }, movedUpShare };
  }
  const sd = sampleSd(gains);
  const t = studentTQuantile(1 - (1 - confidence) / 2, n - 1);
  const half = (t * sd) / Math.sqrt(n);
  const gainInterval: Maybe<[number, number]> = { value: [meanGain - half, meanGain + half] };
  // Below float noise the gains are all equal: d would be ±Infinity or NaN, which means nothing to a teacher.
  if (!(sd > 1e-12)) {
    return {
      students: n, meanPre, meanPost, meanGain, gainInterval, normalizedGain: normalized, movedUpShare,
      effectSize: { d: null, interval: null, reason: 'every student changed by exactly the same amount: with no spread in the changes, the effect size is undefined' },
    };
  }
  const d = meanGain / sd;
  // Large-sample standard error of d_z (Becker 1988), widened by the t quantile for small classes.
  const se = Math.sqrt(1 / n + (d * d) / (2 * n));
  return {
    students: n, meanPre, meanPost, meanGain, gainInterval, normalizedGain: normalized, movedUpShare,
    effectSize: { d, interval: [d - t * se, d + t * se] },
  };
}

export function computeGrowth(input: GrowthInput): ClassGrowth {
  const confidence = input.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be strictly between 0 and 1, got ${confidence}`);
  const pre = checkSittings('pre', input.pre);
  const post = checkSittings('post', input.post);

  const onlyPre = [...pre.keys()].filter((id) => !post.has(id)).sort();
  const onlyPost = [...post.keys()].filter((id) => !pre.has(id)).sort();
  const paired = [...pre.keys()].filter((id) => post.has(id)).sort();

  // Standards in the order they first appear on the pre-test, then any only the post-test has.
  const codes: string[] = [];
  for (const s of [...input.pre, ...input.post]) for (const st of s.standards) if (!codes.includes(st.code)) codes.push(st.code);

  const students: StudentGrowth[] = paired.map((personId) => {
    const a = pre.get(personId)!;
    const b = post.get(personId)!;
    const bByCode = new Map(b.standards.map((s) => [s.code, s]));
    const aCodes = new Set(a.standards.map((s) => s.code));
    const standards: StudentStandardGrowth[] = a.standards.flatMap((sa) => {
      const sb = bByCode.get(sa.code);
      if (!sb) return [];
      const p0 = share(sa);
      const p1 = share(sb);
      return [{
        code: sa.code, pre: { score: p0, level: sa.level }, post: { score: p1, level: sb.level },
        change: p1 - p0, levelChange: levelRank(sb.level) - levelRank(sa.level), normalizedGain: normalizedGain(p0, p1),
      }];
    });
    const total = (s: Sitting) => share({ points: s.standards.reduce((t, x) => t + x.points, 0), maxPoints: s.standards.reduce((t, x) => t + x.maxPoints, 0) });
    const p0 = a.standards.length ? total(a) : 0;
    const p1 = b.standards.length ? total(b) : 0;
    return {
      personId, pre: { score: p0 }, post: { score: p1 }, change: p1 - p0, normalizedGain: normalizedGain(p0, p1),
      ...(a.scale && b.scale ? { scale: { pre: a.scale.score, post: b.scale.score, change: b.scale.score - a.scale.score } } : {}),
      standards,
      onlyPreStandards: a.standards.filter((s) => !bByCode.has(s.code)).map((s) => s.code),
      onlyPostStandards: b.standards.filter((s) => !aCodes.has(s.code)).map((s) => s.code),
    };
  });

  const overall = summarize(
    students.map((s) => ({ pre: s.pre.score, post: s.post.score, movedUp: s.standards.some((x) => x.levelChange > 0) })),
    confidence,
  );

  const standards: StandardGrowth[] = codes.map((code) => {
    const rows = students.flatMap((s) => s.standards.filter((x) => x.code === code));
    const levelsBefore = emptyCounts();
    const levelsAfter = emptyCounts();
    for (const r of rows) {
      levelsBefore[r.pre.level] += 1;
      levelsAfter[r.post.level] += 1;
    }
    const has = (m: Map<string, Sitting>, id: string) => m.get(id)?.standards.some((s) => s.code === code) ?? false;
    return {
      code,
      ...summarize(rows.map((r) => ({ pre: r.pre.score, post: r.post.score, movedUp: r.levelChange > 0 })), confidence),
      levelsBefore,
      levelsAfter,
      onlyPre: [...pre.keys()].filter((id) => has(pre, id) && !has(post, id)).sort(),
      onlyPost: [...post.keys()].filter((id) => has(post, id) && !has(pre, id)).sort(),
    };
  });

  const notGrowing = standards.flatMap((s) => {
    const why = notGrowingReason(s, confidence);
    return why ? [{ code: s.code, ...why }] : [];
  });

  const scale = scaleGrowthOf(students.flatMap((s) => (s.scale ? [s.scale] : [])), confidence);
  return { confidence, overall, scale, standards, notGrowing, students, onlyPre, onlyPost };
}

function scaleGrowthOf(pairs: { pre: number; post: number; change: number }[], confidence: number): ScaleGrowth {
  const n = pairs.length;
  if (n === 0) return { students: 0, meanPre: null, meanPost: null, meanChange: null, changeInterval: { value: null, reason: 'no student has a scale score on both tests' } };
  const changes = pairs.map((p) => p.change);
  const meanChange = mean(changes);
  const base = { students: n, meanPre: mean(pairs.map((p) => p.pre)), meanPost: mean(pairs.map((p) => p.post)), meanChange };
  if (n < 2) return { ...base, changeInterval: { value: null, reason: 'one student: an interval needs at least two' } };
  const half = (studentTQuantile(1 - (1 - confidence) / 2, n - 1) * sampleSd(changes)) / Math.sqrt(n);
  return { ...base, changeInterval: { value: [meanChange - half, meanChange + half] } };
}

/**
 * Growth on a standard counts as established only when the mean change is positive AND the confidence interval of
 * the mean change lies above zero. Anything else lands on the "did not grow" list, with the reason.
 */
function notGrowingReason(s: GainSummary, confidence: number): { reason: NotGrowingReason; message: string } | null {
  const pct = `${Math.round(confidence * 100)}%`;
  if (s.students === 0) return { reason: 'no-paired-students', message: 'No student took this standard on both tests.' };
  if (s.meanGain !== null && !(s.meanGain > 1e-12)) return { reason: 'mean-change-not-positive', message: 'On average, scores on this standard did not go up.' };
  if (s.students < 2) return { reason: 'too-few-students', message: 'Only one student took this standard on both tests: too few to tell growth from chance.' };
  const iv = s.gainInterval.value;
  if (iv && !(iv[0] > 0)) return { reason: 'interval-includes-zero', message: `Scores went up on average, but the ${pct} interval of the change includes zero: it could be chance.` };
  return null;
}

// ---------------------------------------------------------------------------------------------------------------

/** One scored item on a sitting, as delivery reports it, with the item's difficulty from the bank. */
export interface ScoredItemEvidence {
  standard: string;
  score: number;
  difficulty: number;
}

/**
 * Builds a sitting from one attempt's items: points per standard, and the level the mastery model gives that
 * attempt's evidence alone (so a pre-test level is never propped up by later work, nor a post-test level held down
 * by the pre-test).
 */
export function sittingFromItems<S extends EvidenceState>(
  personId: string,
  items: readonly ScoredItemEvidence[],
  at: Date,
  attemptKind: AttemptKind,
  model: MasteryModel<S> = defaultModel as unknown as MasteryModel<S>,
): Sitting {
  const byCode = new Map<string, ScoredItemEvidence[]>();
  for (const it of items) byCode.set(it.standard, [...(byCode.get(it.standard) ?? []), it]);
  return {
    personId,
    standards: [...byCode].map(([code, its]) => {
      const state = model.update(model.initial(), its.map((it) => ({ correct: it.score, difficulty: it.difficulty, at, attemptKind })));
      return {
        code,
        points: its.reduce((s, it) => s + Math.min(1, Math.max(0, Number.isFinite(it.score) ? it.score : 0)), 0),
        maxPoints: its.length,
        level: model.estimate(state).level,
      };
    }),
  };
}
