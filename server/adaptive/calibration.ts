// Item calibration: estimates every item's Rasch difficulty on one scale per framework from students' scored
// responses, with the author's difficulty as a prior (so an item with few responses stays near what its author said),
// and reports how well each item fits: infit/outfit mean squares and a distractor analysis. Pure: responses in, a new
// calibration record out. It never touches a scored attempt; attempts keep the difficulties they were scored with.
// Method and defaults: docs/adaptive.md, "Calibration".

export interface CalibrationResponse {
  /**
   * Who answered: one sitting (attempt), not one student for life — ability changes between a pre-test and a
   * post-test, and the model assumes one ability per person.
   */
  personId: string;
  itemId: string;
  version: number;
  /** Credit in [0, 1]; partial credit counts as a fractional success. */
  credit: number;
  /** The choices the student picked (single and multiple choice), for the distractor analysis. */
  choiceIds?: string[];
}

export interface CalibrationItem {
  id: string;
  version: number;
  /** One scale per framework: items of different frameworks are calibrated separately. */
  framework: string;
  /** The author's difficulty (logits): the prior's centre and the anchor of the scale. */
  difficulty: number;
  /** The keyed choices, when the item has choices: every other chosen id is a distractor. */
  correctChoiceIds?: string[];
}

export interface CalibrationOptions {
  /** SD of the normal prior around the author's difficulty, in logits. Default 1. */
  priorSd?: number;
  /** Quadrature grid for ability. Default −6 … 6 in steps of 0.2. */
  grid?: { min: number; max: number; step: number };
  maxIterations?: number;
  /** Converged when no difficulty (nor the ability distribution) moves more than this between iterations. */
  tolerance?: number;
  /** Fit is judged only with at least `minResponses` responses; flagged outside [low, high]. */
  fit?: { low?: number; high?: number; minResponses?: number };
  /**
   * A distractor is flagged when the strongest third picks it more often than the weakest third: by at least
   * `minChosen` students, and by more than chance (one-sided two-proportion z ≥ `minZ`), so noise on a hard item is not flagged.
   */
  distractors?: { minChosen?: number; minZ?: number };
  /** Flag an item whose calibrated difficulty is this far from the author's (and further than 2 SE). Default 1 logit. */
  driftLogits?: number;
}

export const CALIBRATION_DEFAULTS = {
  priorSd: 1,
  grid: { min: -6, max: 6, step: 0.2 },
  maxIterations: 500,
  tolerance: 1e-4,
  fit: { low: 0.7, high: 1.3, minResponses: 30 },
  distractors: { minChosen: 3, minZ: 1.645 },
  driftLogits: 1,
} as const;

export type FlagCode = 'infit-high' | 'infit-low' | 'outfit-high' | 'outfit-low' | 'distractor-attracts-strong' | 'difficulty-differs';

export interface ItemFlag {
  code: FlagCode;
  /** What an author should look at, in plain words. */
  message: string;
  choiceId?: string;
}

export interface DistractorRow {
  choiceId: string;
  correct: boolean;
  /** Share of the strongest / weakest third (by estimated ability) who picked it. */
  strongShare: number;
  weakShare: number;
}

export interface CalibratedItem {
  id: string;
  version: number;
  framework: string;
  difficulty: number;
  se: number;
  authorDifficulty: number;
  /** Mean squares (1 = as the model expects); null without responses. */
  infit: number | null;
  outfit: number | null;
  n: number;
  /** Enough responses for the fit flags to mean something. */
  fitJudged: boolean;
  flags: ItemFlag[];
  distractors?: DistractorRow[];
}

export interface CalibratedPerson {
  personId: string;
  framework: string;
  /** Posterior mean and SD of ability (EAP) under the calibrated items. */
  theta: number;
  se: number;
  n: number;
}

export interface FrameworkCalibration {
  framework: string;
  /** The calibrated items' mean difficulty, equal to their authors' mean: the anchor of the scale. */
  anchorMean: number;
  /** Estimated ability distribution of the people who answered. */
  population: { mean: number; sd: number };
  iterations: number;
  converged: boolean;
}

export interface Calibration {
  items: CalibratedItem[];
  persons: CalibratedPerson[];
  frameworks: FrameworkCalibration[];
  /** The largest iteration count over frameworks, and whether every framework converged. */
  iterations: number;
  converged: boolean;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * Marginal maximum likelihood by EM over a quadrature grid (Bock–Aitkin), with each item's difficulty given a normal
 * prior on its author's value (so the estimate is a posterior mode, MAP). Persons are integrated out, so there is no
 * JMLE bias to correct and students with all or nothing right need no special case. After every iteration the scale is
 * shifted so the calibrated items' mean difficulty equals their authors' mean.
 */
export function calibrate(responses: readonly CalibrationResponse[], items: readonly CalibrationItem[], options: CalibrationOptions = {}): Calibration {
  const o = {
    priorSd: options.priorSd ?? CALIBRATION_DEFAULTS.priorSd,
    grid: options.grid ?? CALIBRATION_DEFAULTS.grid,
    maxIterations: options.maxIterations ?? CALIBRATION_DEFAULTS.maxIterations,
    tolerance: options.tolerance ?? CALIBRATION_DEFAULTS.tolerance,
    fit: { ...CALIBRATION_DEFAULTS.fit, ...options.fit },
    minChosen: options.distractors?.minChosen ?? CALIBRATION_DEFAULTS.distractors.minChosen,
    minZ: options.distractors?.minZ ?? CALIBRATION_DEFAULTS.distractors.minZ,
    driftLogits: options.driftLogits ?? CALIBRATION_DEFAULTS.driftLogits,
  };
  if (!(o.priorSd > 0)) throw new RangeError(`priorSd must be positive, got ${o.priorSd}`);
  if (!(o.grid.step > 0 && o.grid.max > o.grid.min)) throw new RangeError('the ability grid needs max > min and a positive step');
  if (!(Number.isInteger(o.maxIterations) && o.maxIterations >= 1)) throw new RangeError(`maxIterations must be a whole number of at least 1, got ${o.maxIterations}`);

  const byKey = new Map<string, CalibrationItem>();
  for (const it of items) {
    if (!Number.isFinite(it.difficulty)) throw new RangeError(`item ${it.id} v${it.version} needs a finite author difficulty`);
    const k = itemKey(it.id, it.version);
    if (byKey.has(k)) throw new RangeError(`item ${it.id} v${it.version} is listed twice`);
    byKey.set(k, it);
  }
  for (const r of responses) {
    if (!byKey.has(itemKey(r.itemId, r.version))) throw new RangeError(`a response is to item ${r.itemId} v${r.version}, which is not in the item list`);
    if (!Number.isFinite(r.credit)) throw new RangeError(`a response to item ${r.itemId} has no numeric credit`);
  }

  const out: Calibration = { items: [], persons: [], frameworks: [], iterations: 0, converged: true };
  const frameworks = [...new Set(items.map((it) => it.framework))].sort();
  for (const fw of frameworks) {
    const fwItems = items.filter((it) => it.framework === fw);
    const keys = new Set(fwItems.map((it) => itemKey(it.id, it.version)));
    const part = calibrateFramework(fw, fwItems, responses.filter((r) => keys.has(itemKey(r.itemId, r.version))), o);
    out.items.push(...part.items);
    out.persons.push(...part.persons);
    out.frameworks.push(part.summary);
    out.iterations = Math.max(out.iterations, part.summary.iterations);
    out.converged &&= part.summary.converged;
  }
  return out;
}

type Resolved = {
  priorSd: number;
  grid: { min: number; max: number; step: number };
  maxIterations: number;
  tolerance: number;
  fit: { low: number; high: number; minResponses: number };
  minChosen: number;
  minZ: number;
  driftLogits: number;
};

function calibrateFramework(framework: string, items: CalibrationItem[], responses: CalibrationResponse[], o: Resolved) {
  const Q = Math.round((o.grid.max - o.grid.min) / o.grid.step) + 1;
  const q = Float64Array.from({ length: Q }, (_, k) => o.grid.min + k * o.grid.step);
  const index = new Map(items.map((it, i) => [itemKey(it.id, it.version), i]));
  const personIds = [...new Set(responses.map((r) => r.personId))];
  const personIndex = new Map(personIds.map((p, i) => [p, i]));
  // Responses grouped by person: [item index, credit] pairs.
  const byPerson: { item: number; credit: number }[][] = personIds.map(() => []);
  const n = new Float64Array(items.length);
  for (const r of responses) {
    const i = index.get(itemKey(r.itemId, r.version))!;
    byPerson[personIndex.get(r.personId)!]!.push({ item: i, credit: clamp01(r.credit) });
    n[i]! += 1;
  }
  const author = items.map((it) => it.difficulty);
  const answered = items.map((_, i) => n[i]! > 0);
  const anchorItems = author.filter((_, i) => answered[i]);
  const anchorMean = anchorItems.length ? mean(anchorItems) : 0;

  const b = Float64Array.from(author);
  let mu = anchorMean;
  let sigma = 1;
  const prec = 1 / o.priorSd ** 2;
  let iterations = 0;
  let converged = personIds.length === 0;
  const logP = new Float64Array(items.length * Q);
  const logQ = new Float64Array(items.length * Q);
  const nq = new Float64Array(items.length * Q);
  const rq = new Float64Array(items.length * Q);
  const post = new Float64Array(Q);
  const eap = new Float64Array(personIds.length);
  const eapSd = new Float64Array(personIds.length);

  const eStep = () => {
    for (let i = 0; i < items.length; i++) {
      for (let k = 0; k < Q; k++) {
        const x = q[k]! - b[i]!;
        logP[i * Q + k] = x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x));
        logQ[i * Q + k] = logP[i * Q + k]! - x;
      }
    }
    nq.fill(0);
    rq.fill(0);
    let m1 = 0;
    let m2 = 0;
    for (let p = 0; p < personIds.length; p++) {
      for (let k = 0; k < Q; k++) post[k] = -0.5 * ((q[k]! - mu) / sigma) ** 2;
      for (const { item, credit } of byPerson[p]!) {
        const base = item * Q;
        for (let k = 0; k < Q; k++) post[k]! += credit * logP[base + k]! + (1 - credit) * logQ[base + k]!;
      }
      let max = -Infinity;
      for (let k = 0; k < Q; k++) if (post[k]! > max) max = post[k]!;
      let z = 0;
      for (let k = 0; k < Q; k++) z += post[k] = Math.exp(post[k]! - max);
      let e = 0;
      let e2 = 0;
      for (let k = 0; k < Q; k++) {
        post[k]! /= z;
        e += post[k]! * q[k]!;
        e2 += post[k]! * q[k]! ** 2;
      }
      eap[p] = e;
      eapSd[p] = Math.sqrt(Math.max(0, e2 - e * e));
      m1 += e;
      m2 += e2;
      for (const { item, credit } of byPerson[p]!) {
        const base = item * Q;
        for (let k = 0; k < Q; k++) {
          nq[base + k]! += post[k]!;
          rq[base + k]! += post[k]! * credit;
        }
      }
    }
    return { m1, m2 };
  };

  let lastB: Float64Array | null = null;
  while (!converged && iterations < o.maxIterations) {
    iterations += 1;
    const { m1, m2 } = eStep();
    let change = 0;
    for (let i = 0; i < items.length; i++) {
      if (!answered[i]) continue;
      // A few Newton steps on the expected complete-data log posterior of b_i (concave, so this is safe).
      let bi = b[i]!;
      for (let step = 0; step < 20; step++) {
        let grad = -(bi - author[i]!) * prec;
        let info = prec;
        for (let k = 0; k < Q; k++) {
          const P = sigmoid(q[k]! - bi);
          grad += nq[i * Q + k]! * P - rq[i * Q + k]!;
          info += nq[i * Q + k]! * P * (1 - P);
        }
        const delta = Math.max(-1, Math.min(1, grad / info));
        bi += delta;
        if (Math.abs(delta) < 1e-8) break;
      }
      b[i] = bi;
    }
    const newMu = m1 / personIds.length;
    const newSigma = Math.max(0.05, Math.sqrt(Math.max(0, m2 / personIds.length - newMu * newMu)));
    // Anchor: shift items and people together (the likelihood cannot tell) so calibrated items keep their authors' mean.
    let shift = 0;
    if (anchorItems.length) shift = anchorMean - mean(author.map((_, i) => b[i]!).filter((_, i) => answered[i]));
    for (let i = 0; i < items.length; i++) if (answered[i]) b[i]! += shift;
    const prevB = lastB ?? author;
    for (let i = 0; i < items.length; i++) change = Math.max(change, Math.abs(b[i]! - prevB[i]!));
    change = Math.max(change, Math.abs(newMu + shift - mu), Math.abs(newSigma - sigma));
    mu = newMu + shift;
    sigma = newSigma;
    lastB = Float64Array.from(b);
    if (change < o.tolerance) converged = true;
  }
  // Final posteriors of persons under the final difficulties (for the report, fit and distractors).
  if (personIds.length) eStep();

  const theta = wle(byPerson, b, o.grid);
  const se = Float64Array.from(b, (bi, i) => {
    let info = prec;
    for (let k = 0; k < Q; k++) {
      const P = sigmoid(q[k]! - bi);
      info += nq[i * Q + k]! * P * (1 - P);
    }
    return 1 / Math.sqrt(info);
  });

  // Fit: squared standardized residuals with each person's point estimate (Warm's WLE, finite for perfect scores).
  // A person's estimate is fitted to their own answers, which shrinks their residuals by about (L−1)/L for L answers;
  // scaling by L/(L−1) undoes that, so a well-behaving item scores about 1 on a short diagnostic as on a long test.
  // A person with one answer has no residual left to judge by and is skipped.
  const outfitSum = new Float64Array(items.length);
  const outfitCount = new Float64Array(items.length);
  const infitNum = new Float64Array(items.length);
  const infitDen = new Float64Array(items.length);
  byPerson.forEach((rs, p) => {
    if (rs.length < 2) return;
    const df = rs.length / (rs.length - 1);
    for (const { item, credit } of rs) {
      const P = sigmoid(theta[p]! - b[item]!);
      const v = P * (1 - P);
      const r2 = (credit - P) ** 2 * df;
      outfitSum[item]! += r2 / v;
      outfitCount[item]! += 1;
      infitNum[item]! += r2;
      infitDen[item]! += v;
    }
  });

  const chosen = distractorTables(items, responses, personIndex, eap, index);
  const calibrated: CalibratedItem[] = items.map((it, i) => {
    const count = n[i]!;
    const infit = outfitCount[i]! ? infitNum[i]! / infitDen[i]! : null;
    const outfit = outfitCount[i]! ? outfitSum[i]! / outfitCount[i]! : null;
    const fitJudged = count >= o.fit.minResponses;
    const flags: ItemFlag[] = [];
    if (fitJudged && infit !== null && outfit !== null) {
      if (infit > o.fit.high) flags.push({ code: 'infit-high', message: `Answers to this item follow ability less than expected (infit ${infit.toFixed(2)} > ${o.fit.high}): check the key, the wording and whether it tests the standard.` });
      if (infit < o.fit.low) flags.push({ code: 'infit-low', message: `Answers follow ability more sharply than expected (infit ${infit.toFixed(2)} < ${o.fit.low}): the item may give away its answer or depend on another item.` });
      if (outfit > o.fit.high) flags.push({ code: 'outfit-high', message: `Some unexpected answers (outfit ${outfit.toFixed(2)} > ${o.fit.high}): strong students missing it or weak students getting it — check for a trick or a guessable answer.` });
      if (outfit < o.fit.low) flags.push({ code: 'outfit-low', message: `Fewer surprises than the model expects (outfit ${outfit.toFixed(2)} < ${o.fit.low}).` });
      const gap = b[i]! - it.difficulty;
      if (Math.abs(gap) > o.driftLogits && Math.abs(gap) > 2 * se[i]!) {
        flags.push({ code: 'difficulty-differs', message: `Students found it ${gap > 0 ? 'harder' : 'easier'} than its author's difficulty (${it.difficulty.toFixed(2)} → ${b[i]!.toFixed(2)} logits).` });
      }
    }
    const table = chosen.get(i);
    if (table) {
      for (const row of table.rows) {
        if (row.correct || row.strongCount < o.minChosen || !(row.z >= o.minZ)) continue;
        flags.push({
          code: 'distractor-attracts-strong',
          choiceId: row.choiceId,
          message: `Wrong choice "${row.choiceId}" is picked by more of the strongest third (${pct(row.strongShare)}) than of the weakest third (${pct(row.weakShare)}): it may be correct too, or the key may be wrong.`,
        });
      }
    }
    return {
      id: it.id,
      version: it.version,
      framework,
      difficulty: b[i]!,
      se: se[i]!,
      authorDifficulty: it.difficulty,
      infit,
      outfit,
      n: count,
      fitJudged,
      flags,
      ...(table ? { distractors: table.rows.map(({ choiceId, correct, strongShare, weakShare }) => ({ choiceId, correct, strongShare, weakShare })) } : {}),
    };
  });

  const persons: CalibratedPerson[] = personIds.map((personId, p) => ({ personId, framework, theta: eap[p]!, se: eapSd[p]!, n: byPerson[p]!.length }));
  return { items: calibrated, persons, summary: { framework, anchorMean, population: { mean: mu, sd: sigma }, iterations, converged } };
}

/** Warm's weighted likelihood estimate per person: unbiased to first order and finite for all-right or all-wrong. */
function wle(byPerson: { item: number; credit: number }[][], b: Float64Array, grid: { min: number; max: number }): Float64Array {
  return Float64Array.from(byPerson, (rs) => {
    let t = 0;
    for (let step = 0; step < 50; step++) {
      let score = 0;
      let info = 0;
      let j = 0;
      for (const { item, credit } of rs) {
        const P = sigmoid(t - b[item]!);
        score += credit - P;
        info += P * (1 - P);
        j += P * (1 - P) * (1 - 2 * P);
      }
      if (info < 1e-12) break;
      const delta = Math.max(-1, Math.min(1, (score + j / (2 * info)) / info));
      t = Math.max(grid.min, Math.min(grid.max, t + delta));
      if (Math.abs(delta) < 1e-8) break;
    }
    return t;
  });
}

interface DistractorTable {
  rows: (DistractorRow & { strongCount: number; z: number })[];
}

/** Per item with keyed choices: who picked what among the strongest and weakest third of its respondents. */
function distractorTables(items: CalibrationItem[], responses: CalibrationResponse[], personIndex: Map<string, number>, ability: Float64Array, index: Map<string, number>): Map<number, DistractorTable> {
  const picks = new Map<number, { ability: number; choices: string[] }[]>();
  for (const r of responses) {
    if (!r.choiceIds) continue;
    const i = index.get(itemKey(r.itemId, r.version))!;
    if (!items[i]!.correctChoiceIds) continue;
    const list = picks.get(i) ?? [];
    list.push({ ability: ability[personIndex.get(r.personId)!]!, choices: r.choiceIds });
    picks.set(i, list);
  }
  const out = new Map<number, DistractorTable>();
  for (const [i, list] of picks) {
    const third = Math.floor(list.length / 3);
    if (third === 0) continue;
    const abilities = list.map((x) => x.ability);
    const weak = edgeWeights(abilities, third, false);
    const strong = edgeWeights(abilities, third, true);
    const key = new Set(items[i]!.correctChoiceIds);
    const ids = [...new Set([...key, ...list.flatMap((x) => x.choices)])].sort();
    const count = (weights: number[], id: string) => list.reduce((sum, x, n) => sum + (x.choices.includes(id) ? weights[n]! : 0), 0);
    out.set(i, {
      rows: ids.map((choiceId) => {
        const s = count(strong, choiceId);
        const w = count(weak, choiceId);
        const pooled = (s + w) / (2 * third);
        const se = Math.sqrt((pooled * (1 - pooled) * 2) / third);
        const z = se > 0 ? (s - w) / third / se : 0;
        return { choiceId, correct: key.has(choiceId), strongShare: s / third, weakShare: w / third, strongCount: s, z };
      }),
    });
  }
  return out;
}

/**
 * The weakest (or strongest) `size` respondents by ability, as a weight per respondent: 1 inside, 0 outside, and the
 * places left at the edge shared by everyone tied there (students with the same raw score get the same ability), so
 * the order the responses were read in changes nothing.
 */
function edgeWeights(abilities: number[], size: number, strongest: boolean): number[] {
  const level = abilities.map((a) => Math.round((strongest ? -a : a) * 1e9)); // lower is further in; ties to 1e-9
  const edge = [...level].sort((x, y) => x - y)[size - 1]!;
  const inside = level.filter((l) => l < edge).length;
  const tied = level.filter((l) => l === edge).length;
  return level.map((l) => (l < edge ? 1 : l === edge ? (size - inside) / tied : 0));
}

const itemKey = (id: string, version: number) => `${id}@${version}`;
const clamp01 = (x: number) => Math.min(1, Math.max(0, x));
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const pct = (x: number) => `${Math.round(x * 100)}%`;
