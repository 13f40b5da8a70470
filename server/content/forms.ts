// Assembles parallel test forms (e.g. a pre-test and a post-test) from an item bank and a blueprint:
// every form covers each standard with the same number of items, no item appears twice anywhere, and for
// each standard the forms' mean difficulties stay within a tolerance, so growth from pre to post is not an artefact of the forms.

export interface BlueprintEntry {
  standard: string;
  items: number; // items per form for this standard
}
export interface ItemSummary {
  id: string;
  version: number;
  standards: string[];
  difficulty: number; // Rasch logits
}
export interface FormItem {
  id: string;
  version: number;
  standard: string; // the blueprint standard this item counts for on this form
}
export interface Form {
  items: FormItem[];
  meanDifficulty: Record<string, number>; // by blueprint standard
}
export interface AssemblyOptions {
  /** Largest allowed difference in a standard's mean difficulty between any two forms, in logits. */
  tolerance?: number;
  /** Different seeds give different (equally balanced) forms; the same seed gives the same forms. */
  seed?: number;
}
export interface AssemblyProblem {
  standard: string;
  reason: string;
}

/** The bank cannot fill the blueprint; `problems` says which standards and why, in words an author can act on. */
export class AssemblyError extends Error {
  readonly problems: AssemblyProblem[];
  constructor(problems: AssemblyProblem[]) {
    super(problems.map((p) => p.reason).join('\n'));
    this.name = 'AssemblyError';
    this.problems = problems;
  }
}

export const DEFAULT_TOLERANCE = 0.5;

export function assembleParallelForms(
  pool: ItemSummary[],
  blueprint: BlueprintEntry[],
  count: number,
  opts: AssemblyOptions = {},
): { forms: Form[] } {
  const tolerance = opts.tolerance ?? DEFAULT_TOLERANCE;
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`form count must be a whole number of at least 1, got ${count}`);
  if (!(tolerance >= 0)) throw new RangeError(`tolerance must be a number of logits of at least 0, got ${tolerance}`);
  throwIfAny(blueprintProblems(blueprint));

  const items = latestVersions(pool);
  const rng = seededRandom(opts.seed ?? 0);
  const tieBreak = items.map(() => rng());
  const byDifficulty = (a: number, b: number) => items[a]!.difficulty - items[b]!.difficulty || tieBreak[a]! - tieBreak[b]!;

  const standards = blueprint.map((e) => e.standard);
  const perForm = blueprint.map((e) => e.items);
  const need = perForm.map((k) => k * count);
  const candidates = standards.map((s) => items.flatMap((it, n) => (it.standards.includes(s) ? [n] : [])).sort(byDifficulty));

  throwIfAny(
    standards.flatMap((s, b) =>
      candidates[b]!.length < need[b]!
        ? [{ standard: s, reason: `${s} needs ${need[b]} ${plural(need[b]!, 'item')} for ${count} ${plural(count, 'form')} of ${perForm[b]}; the bank has ${candidates[b]!.length}` }]
        : [],
    ),
  );

  // How many blueprint standards each item could serve: items only one standard can use are taken first,
  // leaving shared items to the standards that need them.
  const reach = items.map((it) => standards.filter((s) => it.standards.includes(s)).length);
  const preference = candidates.map((c, b) => preferSpread(c, perForm[b]!, count).sort((x, y) => reach[x]! - reach[y]!));
  const { owner, problems } = allocate(preference, need, items.length, standards, count);
  throwIfAny(problems);

  const slots = standards.map((_, b) => {
    const mine = candidates[b]!.filter((n) => owner[n] === b);
    return dealSerpentine(mine, count, shuffled(range(count), rng));
  });
  // Items one standard lets go may balance another, so repeat until a full pass changes nothing.
  for (let pass = 0; pass < 10; pass++) {
    let changed = false;
    standards.forEach((_, b) => (changed = improveBalance(slots[b]!, candidates[b]!, owner, b, items) || changed));
    if (!changed) break;
  }

  const means = slots.map((perStandard) => perStandard.map((form) => mean(form.map((n) => items[n]!.difficulty))));
  throwIfAny(
    standards.flatMap((s, b) => {
      const gap = spread(means[b]!);
      return gap > tolerance + 1e-9
        ? [{ standard: s, reason: `${s}: the best balance found still differs by ${gap.toFixed(2)} logits in mean difficulty between forms (allowed: ${tolerance}); add items of similar difficulty for ${s} or allow a larger difference` }]
        : [];
    }),
  );

  const forms: Form[] = range(count).map((f) => ({
    items: standards.flatMap((s, b) => slots[b]![f]!.map((n) => ({ id: items[n]!.id, version: items[n]!.version, standard: s }))),
    meanDifficulty: Object.fromEntries(standards.map((s, b) => [s, means[b]![f]!])),
  }));
  return { forms };
}

export interface StandardBalance {
  standard: string;
  meanByForm: (number | null)[]; // null when that form has no items for the standard
  maxGap: number;
}

/** Per standard: each form's mean difficulty and the largest gap between two forms, for the authoring screen. */
export function formDifficultyReport(forms: Form[]): StandardBalance[] {
  const standards = [...new Set(forms.flatMap((f) => Object.keys(f.meanDifficulty)))];
  return standards.map((standard) => {
    const meanByForm = forms.map((f) => (Object.hasOwn(f.meanDifficulty, standard) ? f.meanDifficulty[standard]! : null));
    const present = meanByForm.filter((m): m is number => m !== null);
    return { standard, meanByForm, maxGap: present.length < 2 ? 0 : spread(present) };
  });
}

// ---------------------------------------------------------------------------------------------

function throwIfAny(problems: AssemblyProblem[]): void {
  if (problems.length > 0) throw new AssemblyError(problems);
}

function blueprintProblems(blueprint: BlueprintEntry[]): AssemblyProblem[] {
  const problems: AssemblyProblem[] = [];
  const seen = new Set<string>();
  for (const e of blueprint) {
    if (seen.has(e.standard)) problems.push({ standard: e.standard, reason: `${e.standard} is listed twice in the blueprint; list it once with the total number of items` });
    seen.add(e.standard);
    if (!Number.isInteger(e.items) || e.items < 1) problems.push({ standard: e.standard, reason: `${e.standard} asks for ${e.items} items per form; ask for a whole number of at least 1, or leave the standard out` });
  }
  return problems;
}

/** One entry per item id: two versions of an item are the same question and must never sit on two forms. */
function latestVersions(pool: ItemSummary[]): ItemSummary[] {
  const byId = new Map<string, ItemSummary>();
  for (const it of pool) {
    const prev = byId.get(it.id);
    if (!prev || it.version > prev.version) byId.set(it.id, it);
  }
  return [...byId.values()];
}

/**
 * Orders a standard's candidates (sorted by difficulty) so that the first ones form `perForm` runs of `count`
 * neighbours spread over the difficulty range: each run deals one item per form at nearly the same difficulty,
 * and spreading the runs keeps the test measuring across the range instead of only the easy end.
 */
function preferSpread(sorted: number[], perForm: number, count: number): number[] {
  const m = sorted.length;
  const chosen: number[] = [];
  let start = 0;
  for (let r = 0; r < perForm; r++) {
    const centre = Math.round(((r + 0.5) * m) / perForm - count / 2);
    start = Math.min(Math.max(centre, start), m - (perForm - r) * count);
    chosen.push(...sorted.slice(start, start + count));
    start += count;
  }
  const taken = new Set(chosen);
  return [...chosen, ...sorted.filter((n) => !taken.has(n))];
}

/**
 * Gives each standard exactly `need` items, no item to two standards (a bipartite matching with capacities,
 * found by augmenting paths). When a standard cannot be filled, the standards visited by the failed search
 * are a set whose items together are too few (Hall's condition), which is what the author needs to hear.
 */
function allocate(
  preference: number[][],
  need: number[],
  itemCount: number,
  standards: string[],
  count: number,
): { owner: Int32Array; problems: AssemblyProblem[] } {
  const owner = new Int32Array(itemCount).fill(-1);
  const problems = new Map<string, AssemblyProblem>();

  const augment = (b: number, seenStd: Set<number>, seenItem: Set<number>): boolean => {
    seenStd.add(b);
    for (const n of preference[b]!) {
      if (owner[n] === -1) {
        owner[n] = b;
        return true;
      }
    }
    for (const n of preference[b]!) {
      const other = owner[n]!;
      if (other === b || seenItem.has(n) || seenStd.has(other)) continue;
      seenItem.add(n);
      if (augment(other, seenStd, seenItem)) {
        owner[n] = b;
        return true;
      }
    }
    return false;
  };

  need.forEach((k, b) => {
    for (let slot = 0; slot < k; slot++) {
      const seenStd = new Set<number>();
      if (augment(b, seenStd, new Set())) continue;
      const group = [...seenStd].sort((x, y) => x - y);
      const names = group.map((g) => standards[g]!);
      const total = group.reduce((sum, g) => sum + need[g]!, 0);
      const available = new Set(group.flatMap((g) => preference[g]!)).size;
      for (const name of names) {
        const others = names.filter((x) => x !== name);
        const reason = `${name} shares its items with ${others.join(', ')}: together they need ${total} items for ${count} ${plural(count, 'form')}, and the bank has ${available} aligned to any of them`;
        problems.set(`${name}\u0000${reason}`, { standard: name, reason });
      }
      break;
    }
  });
  return { owner, problems: [...problems.values()] };
}

/** Deals items sorted by difficulty in runs of `count`, alternating direction (A B B A …) so no form always gets the easier one. */
function dealSerpentine(items: number[], count: number, formOrder: number[]): number[][] {
  const forms: number[][] = range(count).map(() => []);
  items.forEach((n, i) => {
    const round = Math.floor(i / count);
    const pos = i % count;
    forms[formOrder[round % 2 === 0 ? pos : count - 1 - pos]!]!.push(n);
  });
  return forms;
}

/**
 * Local search for one standard: repeatedly makes the single best move, either swapping two items between forms
 * or replacing a form's item by an unused candidate, while that narrows the largest gap between form means
 * (ties broken by the sum of squared gaps, so progress on the middle forms also counts).
 */
function improveBalance(forms: number[][], candidates: number[], owner: Int32Array, b: number, items: ItemSummary[]): boolean {
  const d = (n: number) => items[n]!.difficulty;
  const sums = forms.map((f) => f.reduce((s, n) => s + d(n), 0));
  const size = forms[0]?.length ?? 0;
  if (forms.length < 2 || size === 0) return false;
  const cost = (s: number[]) => balanceCost(s.map((x) => x / size));
  let current = cost(sums);
  let changed = false;

  for (let step = 0; step < 10_000; step++) {
    let best: { cost: [number, number]; apply: () => void } | null = null;
    const consider = (trial: number[], apply: () => void) => {
      const c = cost(trial);
      if (better(c, best?.cost ?? current)) best = { cost: c, apply };
    };
    for (let f = 0; f < forms.length; f++) {
      for (let i = 0; i < size; i++) {
        const x = forms[f]![i]!;
        for (let g = f + 1; g < forms.length; g++) {
          for (let j = 0; j < size; j++) {
            const y = forms[g]![j]!;
            const delta = d(y) - d(x);
            if (delta === 0) continue;
            const trial = [...sums];
            trial[f]! += delta;
            trial[g]! -= delta;
            consider(trial, () => {
              forms[f]![i] = y;
              forms[g]![j] = x;
            });
          }
        }
        for (const y of candidates) {
          if (owner[y] !== -1) continue;
          const trial = [...sums];
          trial[f]! += d(y) - d(x);
          consider(trial, () => {
            forms[f]![i] = y;
            owner[y] = b;
            owner[x] = -1;
          });
        }
      }
    }
    const chosen = best as { cost: [number, number]; apply: () => void } | null;
    if (!chosen) break;
    chosen.apply();
    changed = true;
    forms.forEach((f, k) => (sums[k] = f.reduce((s, n) => s + d(n), 0)));
    current = chosen.cost;
  }
  for (const f of forms) f.sort((x, y) => d(x) - d(y));
  return changed;
}

function balanceCost(means: number[]): [number, number] {
  let squares = 0;
  for (let f = 0; f < means.length; f++) for (let g = f + 1; g < means.length; g++) squares += (means[f]! - means[g]!) ** 2;
  return [spread(means), squares];
}

// Small epsilon so float noise never counts as progress (and the search always stops).
function better(a: [number, number], b: [number, number]): boolean {
  if (a[0] < b[0] - 1e-12) return true;
  if (a[0] > b[0] + 1e-12) return false;
  return a[1] < b[1] - 1e-12;
}

function spread(xs: number[]): number {
  return xs.length === 0 ? 0 : Math.max(...xs) - Math.min(...xs);
}

function mean(xs: number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}


import { seededRandom, shuffled } from '../shared/seeded-random.js';
