// Validates the mastery calculations by simulation: students with a known true ability per standard answer the
// starter bank's items under the Rasch model, and every method's "meets the standard" call is checked against the
// truth (θ > cut). Deterministic for a seed. Results are in docs/mastery.md; run it yourself with
//   npx tsx scripts/simulate-mastery.ts --students 2000 --seed 1
import { parseArgs as parseCliArgs } from 'node:util';
import { seededRandom } from '../server/shared/seeded-random.js';
import { assembleParallelForms } from '../server/content/forms.js';
import { calculate, DEFAULT_METHODS, DEFAULT_SCORE_SCALE, type CalculationMethod } from '../server/mastery/methods.js';
import { betaModel, levelRank, raschModel, type AttemptKind, type EvidenceState, type MasteryModel, type Observation } from '../server/mastery/model.js';
import { hash, loadStarterBank, normal, numberFlag, pct, runIfMain, type SimBankItem as BankItem } from './simulation-support.js';

// ---------------------------------------------------------------------------------------------------------------
// Randomness: one seeded generator, so the same seed prints the same table (normal and hash: simulation-support.ts).

// ---------------------------------------------------------------------------------------------------------------
// What is simulated.

export type Population = 'class' | 'prior';

/**
 * `class`: a class before teaching, deliberately NOT the model's prior: 70% N(−0.8, 0.8²) not yet taught,
 * 30% N(1.0, 0.7²) who already know it. `prior`: θ ~ N(0, 1.5²), exactly the model's prior (its best case).
 */
function drawTheta(pop: Population, rng: () => number): number {
  if (pop === 'prior') return 1.5 * normal(rng);
  return rng() < 0.7 ? -0.8 + 0.8 * normal(rng) : 1.0 + 0.7 * normal(rng);
}

interface Attempt {
  kind: AttemptKind;
  at: Date;
  responses: { correct: number; difficulty: number }[];
}

interface Method {
  name: string;
  /** Does this method say the student meets the standard (level Proficient or above)? */
  meets(attempts: Attempt[]): boolean;
}

const PROFICIENT = levelRank('proficient');

function modelMethod<S extends EvidenceState>(name: string, model: MasteryModel<S>): Method {
  return {
    name,
    meets(attempts) {
      const obs: Observation[] = attempts.flatMap((a) => a.responses.map((r) => ({ correct: r.correct, difficulty: r.difficulty, at: a.at, attemptKind: a.kind })));
      return levelRank(model.estimate(model.update(model.initial(), obs)).level) >= PROFICIENT;
    },
  };
}

function percentCorrect(name: string, cut: number): Method {
  return {
    name,
    meets(attempts) {
      const rs = attempts.flatMap((a) => a.responses);
      return rs.reduce((s, r) => s + r.correct, 0) / rs.length >= cut - 1e-9;
    },
  };
}

export const PERCENT_CORRECT_NAME = 'Percent correct ≥ 80% (all items pooled)';

function lmsMethod(name: string, method: CalculationMethod): Method {
  return {
    name,
    meets(attempts) {
      const scores = attempts.map((a) => ({ score: a.responses.reduce((s, r) => s + r.correct, 0) / a.responses.length, at: a.at }));
      return levelRank(calculate(method, scores, DEFAULT_SCORE_SCALE).level) >= PROFICIENT;
    },
  };
}

export const DEFAULT_METHOD_NAME = 'Default: Rasch posterior (Proficient+)';

function methodsFor(cut: number, meanDifficulty: number, multiAttempt: boolean): Method[] {
  // The share correct a student exactly at the cut expects on an item of average difficulty: the fair percent cut.
  const matched = 1 / (1 + Math.exp(-(cut - meanDifficulty)));
  const list = [
    modelMethod(DEFAULT_METHOD_NAME, raschModel({ cut })),
    modelMethod('Beta posterior, no difficulties (Proficient+)', betaModel({ cut: matched })),
    percentCorrect(PERCENT_CORRECT_NAME, 0.8),
    percentCorrect(`Percent correct ≥ ${Math.round(matched * 100)}% (cut matched to θ > ${cut})`, matched),
  ];
  if (!multiAttempt) return list;
  return [
    ...list,
    lmsMethod('Most recent ≥ 80%', DEFAULT_METHODS['most-recent']),
    lmsMethod('Highest ≥ 80%', DEFAULT_METHODS.highest),
    lmsMethod('Average ≥ 80%', DEFAULT_METHODS.average),
    lmsMethod('Decaying average (0.65) ≥ 80%', DEFAULT_METHODS['decaying-average']),
    lmsMethod('Weighted average (0.65/0.35) ≥ 80%', DEFAULT_METHODS['weighted-average']),
    lmsMethod('2 times ≥ 80%', DEFAULT_METHODS['n-times']),
  ];
}

interface Scenario {
  id: 'one-pretest' | 'random-items' | 'three-stable' | 'three-learning';
  title: string;
  attempts: number;
  /** Each student draws their own items from the standard's pool instead of the assembled form. */
  randomItems?: boolean;
  /** Ability change between consecutive attempts. */
  growth: (rng: () => number) => number;
}

const SCENARIOS: Scenario[] = [
  { id: 'one-pretest', title: 'One pre-test (the assembled form)', attempts: 1, growth: () => 0 },
  { id: 'random-items', title: 'One sitting, each student drawing their own items from the pool', attempts: 1, randomItems: true, growth: () => 0 },
  { id: 'three-stable', title: 'Three attempts two weeks apart, no learning', attempts: 3, growth: () => 0 },
  { id: 'three-learning', title: 'Three attempts two weeks apart, learning between them (+0.6 ± 0.4 logits each time; truth = ability at the last attempt)', attempts: 3, growth: (rng) => 0.6 + 0.4 * normal(rng) },
];
const KINDS: AttemptKind[] = ['pre', 'diagnostic', 'post'];

export interface Cell {
  accuracy: number;
  /** Share of students below the cut whom the method calls proficient. */
  falseMastery: number;
  /** Share of students above the cut whom the method does not call proficient. */
  missedMastery: number;
  /** Mean of the hit rates on both sides of the cut: unlike accuracy, "call nobody proficient" scores only 50%. */
  balancedAccuracy: number;
}

export interface MethodRow {
  method: string;
  /** By items per standard per attempt. */
  byLength: Record<number, Cell>;
  /** Fewest items per standard (all attempts together) at which balanced accuracy reaches the target; null = never within the lengths tried. */
  itemsNeeded: number | null;
}

export interface ScenarioResult {
  id: Scenario['id'];
  title: string;
  population: Population;
  cases: number;
  masteredShare: number;
  rows: MethodRow[];
}

export interface SimulationOptions {
  students: number;
  seed: number;
  /** Mastery cut on θ (logits). Default 0, the model's default. */
  cut?: number;
  /** Items per standard per attempt shown in the tables. Default 3, 4, 6. */
  lengths?: number[];
  /** Lengths tried when looking for "items needed" (1 … 6 by default). */
  sweep?: number[];
  /** Balanced accuracy the "items needed" column looks for. Default 0.75. */
  target?: number;
  populations?: Population[];
  scenarios?: Scenario['id'][];
  bank?: BankItem[];
}

export interface SimulationResult {
  options: Required<Omit<SimulationOptions, 'bank'>>;
  scenarios: ScenarioResult[];
  markdown: string;
}

export function simulateMastery(options: SimulationOptions): SimulationResult {
  const bank = options.bank ?? loadStarterBank();
  const o = {
    students: options.students, seed: options.seed, cut: options.cut ?? 0,
    lengths: options.lengths ?? [3, 4, 6], sweep: options.sweep ?? [1, 2, 3, 4, 5, 6], target: options.target ?? 0.75,
    populations: options.populations ?? (['class', 'prior'] as Population[]),
    scenarios: options.scenarios ?? SCENARIOS.map((s) => s.id),
  };
  if (!(Number.isInteger(o.students) && o.students >= 1)) throw new RangeError(`--students must be a whole number of at least 1, got ${o.students}`);
  const lengths = [...new Set([...o.sweep, ...o.lengths])].sort((a, b) => a - b);

  // Standards per band, and for each standard and length the forms a teacher would get from the assembler.
  const bands = [...new Set(bank.map((it) => it.band))].sort();
  const standardsOf = new Map(bands.map((b) => [b, [...new Set(bank.filter((it) => it.band === b).flatMap((it) => it.standards))].sort()]));
  const difficulty = new Map(bank.map((it) => [it.id, it.difficulty]));
  const meanDifficulty = bank.reduce((t, it) => t + it.difficulty, 0) / bank.length;
  const poolOf = new Map<string, number[]>();
  for (const it of bank) for (const st of it.standards) poolOf.set(st, [...(poolOf.get(st) ?? []), it.difficulty]);
  const formsCache = new Map<string, number[][]>();
  const formsFor = (standard: string, k: number): number[][] => {
    const key = `${standard}|${k}`;
    let forms = formsCache.get(key);
    if (!forms) {
      const pool = bank.filter((it) => it.standards.includes(standard));
      const count = Math.max(1, Math.min(3, Math.floor(pool.length / k)));
      if (pool.length < k) throw new RangeError(`${standard} has ${pool.length} items in the bank; the simulation asks for ${k}`);
      forms = assembleParallelForms(pool, [{ standard, items: k }], count, { seed: o.seed, tolerance: 5 }).forms.map((f) => f.items.map((i) => difficulty.get(i.id)!));
      formsCache.set(key, forms);
    }
    return forms;
  };

  const scenarios: ScenarioResult[] = [];
  for (const population of o.populations) {
    for (const sc of SCENARIOS.filter((s) => o.scenarios.includes(s.id))) {
      const methods = methodsFor(o.cut, meanDifficulty, sc.attempts > 1);
      const tally = methods.map(() => lengths.map(() => ({ right: 0, fp: 0, neg: 0, fn: 0, pos: 0 })));
      let cases = 0;
      let mastered = 0;
      // One generator per scenario and population, so adding a scenario never changes another's numbers.
      const rng = seededRandom(hash(`${o.seed}|${population}|${sc.id}`));
      const start = Date.UTC(2024, 8, 2);
      for (let s = 0; s < o.students; s++) {
        const band = bands[s % bands.length]!;
        for (const standard of standardsOf.get(band)!) {
          const thetas = [drawTheta(population, rng)];
          for (let a = 1; a < sc.attempts; a++) thetas.push(thetas[a - 1]! + sc.growth(rng));
          const truth = thetas[thetas.length - 1]! > o.cut;
          cases += 1;
          if (truth) mastered += 1;
          lengths.forEach((k, li) => {
            const forms = sc.randomItems ? [sample(poolOf.get(standard)!, k, rng)] : formsFor(standard, k);
            const attempts: Attempt[] = thetas.map((theta, a) => ({
              kind: sc.attempts === 1 ? 'pre' : KINDS[a % KINDS.length]!,
              at: new Date(start + a * 14 * 86_400_000 + s * 1000),
              responses: forms[a % forms.length]!.map((d) => ({ difficulty: d, correct: rng() < 1 / (1 + Math.exp(-(theta - d))) ? 1 : 0 })),
            }));
            methods.forEach((m, mi) => {
              const says = m.meets(attempts);
              const t = tally[mi]![li]!;
              if (says === truth) t.right += 1;
              if (truth) {
                t.pos += 1;
                if (!says) t.fn += 1;
              } else {
                t.neg += 1;
                if (says) t.fp += 1;
              }
            });
          });
        }
      }
      const rows: MethodRow[] = methods.map((m, mi) => {
        const byLength: Record<number, Cell> = {};
        lengths.forEach((k, li) => {
          const t = tally[mi]![li]!;
          const falseMastery = t.neg ? t.fp / t.neg : 0;
          const missedMastery = t.pos ? t.fn / t.pos : 0;
          byLength[k] = { accuracy: t.right / cases, falseMastery, missedMastery, balancedAccuracy: 1 - (falseMastery + missedMastery) / 2 };
        });
        const reached = o.sweep.filter((k) => byLength[k]!.balancedAccuracy >= o.target).sort((a, b) => a - b)[0];
        return { method: m.name, byLength, itemsNeeded: reached === undefined ? null : reached * sc.attempts };
      });
      scenarios.push({ id: sc.id, title: sc.title, population, cases, masteredShare: mastered / cases, rows });
    }
  }
  const result = { options: o, scenarios, markdown: '' };
  result.markdown = renderMarkdown(result);
  return result;
}

/** k distinct values, uniformly (partial Fisher–Yates). */
function sample(pool: number[], k: number, rng: () => number): number[] {
  const a = pool.slice();
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rng() * (a.length - i));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a.slice(0, k);
}

export function renderMarkdown(r: Pick<SimulationResult, 'options' | 'scenarios'>): string {
  const o = r.options;
  const out: string[] = [
    `Simulation: ${o.students} students, seed ${o.seed}, mastery cut θ > ${o.cut}; each student takes the 8 standards of one grade band of the starter bank.`,
    `Cells: accuracy / false mastery (share of students below the cut called Proficient or above) / missed mastery (share above the cut not called Proficient).`,
    `"Items needed": fewest items per standard, all attempts together, reaching ${pct(o.target)} balanced accuracy (the mean of the hit rates above and below the cut, so calling everyone the same cannot reach it; forms of ${o.sweep.join(', ')} items per attempt tried; "—" = never).`,
    '',
  ];
  for (const sc of r.scenarios) {
    out.push(`#### ${sc.title} — population "${sc.population}" (${sc.cases} student × standard cases, ${pct(sc.masteredShare)} truly above the cut)`, '');
    out.push(`| Method | ${o.lengths.map((k) => `${k} items`).join(' | ')} | Items needed |`);
    out.push(`|---|${o.lengths.map(() => '---|').join('')}---|`);
    for (const row of sc.rows) {
      const cells = o.lengths.map((k) => {
        const c = row.byLength[k]!;
        return `${pct(c.accuracy)} / ${pct(c.falseMastery)} / ${pct(c.missedMastery)}`;
      });
      const name = row.method === DEFAULT_METHOD_NAME ? `**${row.method}**` : row.method;
      out.push(`| ${name} | ${cells.join(' | ')} | ${row.itemsNeeded ?? '—'} |`);
    }
    out.push('');
  }
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------------------------

function parseArgs(argv: string[]): SimulationOptions {
  const { values } = parseCliArgs({ args: argv, options: { students: { type: 'string' }, seed: { type: 'string' }, cut: { type: 'string' }, target: { type: 'string' } }, strict: true });
  const opts: SimulationOptions = { students: 2000, seed: 1 };
  if (values.students !== undefined) opts.students = numberFlag('students', values.students);
  if (values.seed !== undefined) opts.seed = numberFlag('seed', values.seed);
  if (values.cut !== undefined) opts.cut = numberFlag('cut', values.cut);
  if (values.target !== undefined) opts.target = numberFlag('target', values.target);
  return opts;
}

runIfMain(import.meta.url, 'simulate-mastery', () => simulateMastery(parseArgs(process.argv.slice(2))));
