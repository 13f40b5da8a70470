// Suggested small groups for reteaching: students who need the same standards end up together, in groups of about
// the size (or the number of groups) the teacher asked for; each group is labelled with the standards most of its
// members need, and gets a few practice items from the bank. Pure: needs and candidate items in, groups out.
import type { Level } from './model.js';

/**
 * A standard needs reteaching when the student's level is below Proficient. (Below Mastered would put nearly
 * every standard of a short pre-test on every student's list, since Mastered needs more evidence than one short
 * test gives, and groups would then carry no information.)
 */
export const RETEACH_LEVELS: readonly Level[] = ['beginning', 'developing'];
export const needsReteach = (level: Level): boolean => RETEACH_LEVELS.includes(level);

export interface StudentNeeds {
  personId: string;
  /** Standards to reteach, e.g. those below Proficient. */
  needs: readonly string[];
  /** Standards not yet Mastered (a superset of needs): what an extension group works on. */
  notMastered?: readonly string[];
}

export type GroupingTarget = { groupSize: number } | { groupCount: number };

export interface SuggestedGroup {
  /** Person ids, in the order the students were given. */
  students: string[];
  /** Standards most members need, most-needed first; empty for a group that needs no reteaching. */
  reteach: { code: string; students: number }[];
  /** For a group with nothing to reteach: the standards to stretch on (not yet Mastered), at most two. */
  extend: { code: string; students: number }[];
}

export const DEFAULT_GROUP_SIZE = 4;

export function checkTarget(t: GroupingTarget): GroupingTarget {
  const v = 'groupSize' in t ? t.groupSize : t.groupCount;
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`${'groupSize' in t ? 'groupSize' : 'groupCount'} must be a whole number of at least 1, got ${v}`);
  return t;
}

/** Jaccard distance between two need sets; two students who need nothing are identical. */
function distance(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let both = 0;
  for (const x of a) if (b.has(x)) both++;
  const union = a.size + b.size - both;
  return union === 0 ? 0 : 1 - both / union;
}

interface Member { index: number; personId: string; needs: ReadonlySet<string>; notMastered: ReadonlySet<string> }

/** Average distance between the members of two clusters (average linkage). */
function linkage(a: readonly Member[], b: readonly Member[]): number {
  let sum = 0;
  for (const x of a) for (const y of b) sum += distance(x.needs, y.needs);
  return sum / (a.length * b.length);
}

/** Splits a list into `parts` runs whose sizes differ by at most one. */
function splitEvenly<T>(xs: readonly T[], parts: number): T[][] {
  const out: T[][] = [];
  let start = 0;
  for (let p = 0; p < parts; p++) {
    const size = Math.floor(xs.length / parts) + (p < xs.length % parts ? 1 : 0);
    out.push(xs.slice(start, start + size));
    start += size;
  }
  return out.filter((g) => g.length > 0);
}

/**
 * Groups students by shared needs. With groupSize, makes ⌈n / size⌉ groups of at most `size`; with groupCount,
 * makes that many groups (fewer when there are fewer students) of at most ⌈n / count⌉. Students with identical
 * needs start together; the closest groups are merged until the count is reached, and when a group is too big its
 * members who fit best elsewhere move. Deterministic: the same input always gives the same groups.
 */
export function suggestGroups(students: readonly StudentNeeds[], standards: readonly string[], target: GroupingTarget): SuggestedGroup[] {
  checkTarget(target);
  const n = students.length;
  if (n === 0) return [];
  const seen = new Set<string>();
  for (const s of students) {
    if (seen.has(s.personId)) throw new RangeError(`student ${s.personId} is listed twice`);
    seen.add(s.personId);
  }
  const k = 'groupSize' in target ? Math.ceil(n / target.groupSize) : Math.min(target.groupCount, n);
  const cap = 'groupSize' in target ? target.groupSize : Math.ceil(n / k);
  const order = new Map(standards.map((c, i) => [c, i]));
  const rank = (c: string) => order.get(c) ?? standards.length;
  const members: Member[] = students.map((s, index) => ({
    index, personId: s.personId, needs: new Set(s.needs), notMastered: new Set([...(s.notMastered ?? []), ...s.needs]),
  }));

  // 1. Identical needs together (split evenly when a bucket is over the size limit).
  const buckets = new Map<string, Member[]>();
  for (const m of members) {
    const sig = [...m.needs].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b)).join('\u0000');
    buckets.set(sig, [...(buckets.get(sig) ?? []), m]);
  }
  let clusters: Member[][] = [...buckets.values()].flatMap((b) => splitEvenly(b, Math.ceil(b.length / cap)));

  // 2. Merge the closest pair that still fits, until there are k groups (the smallest pair when none fits).
  while (clusters.length > k) {
    let best: { i: number; j: number; fits: boolean; d: number; size: number } | undefined;
    for (let i = 0; i < clusters.length; i++) {
      for (let j = i + 1; j < clusters.length; j++) {
        const size = clusters[i]!.length + clusters[j]!.length;
        const c = { i, j, fits: size <= cap, d: linkage(clusters[i]!, clusters[j]!), size };
        const better = !best || (c.fits !== best.fits ? c.fits
          : c.fits ? c.d < best.d - 1e-12 || (Math.abs(c.d - best.d) <= 1e-12 && c.size < best.size)
            : c.size < best.size || (c.size === best.size && c.d < best.d - 1e-12));
        if (better) best = c;
      }
    }
    const { i, j } = best!;
    clusters = [...clusters.filter((_, x) => x !== i && x !== j), [...clusters[i]!, ...clusters[j]!].sort((a, b) => a.index - b.index)];
  }

  // 3. Too few distinct needs for the groups asked for: halve the biggest group until there are k.
  while (clusters.length < k) {
    const big = clusters.reduce((b, c, i) => (c.length > clusters[b]!.length ? i : b), 0);
    if (clusters[big]!.length < 2) break;
    const [a, b] = splitEvenly(clusters[big]!, 2);
    clusters = [...clusters.filter((_, x) => x !== big), a!, b!];
  }

  // 4. No group over the limit: move the member who fits best into a group with room.
  for (let guard = 0; guard < n * n; guard++) {
    const over = clusters.findIndex((c) => c.length > cap);
    if (over < 0) break;
    let best: { m: Member; to: number; d: number } | undefined;
    for (const m of clusters[over]!) {
      clusters.forEach((c, to) => {
        if (to === over || c.length >= cap) return;
        const d = c.length ? linkage([m], c) : 1;
        if (!best || d < best.d - 1e-12 || (Math.abs(d - best.d) <= 1e-12 && m.index < best.m.index)) best = { m, to, d };
      });
    }
    if (!best) break;
    const moving = best;
    clusters[over] = clusters[over]!.filter((m) => m !== moving.m);
    clusters[moving.to] = [...clusters[moving.to]!, moving.m].sort((a, b) => a.index - b.index);
  }

  const groups = clusters.filter((c) => c.length > 0).map((c): SuggestedGroup => {
    const counts = (pick: (m: Member) => ReadonlySet<string>) => {
      const map = new Map<string, number>();
      for (const m of c) for (const code of pick(m)) map.set(code, (map.get(code) ?? 0) + 1);
      return [...map].map(([code, count]) => ({ code, students: count })).sort((a, b) => b.students - a.students || rank(a.code) - rank(b.code) || a.code.localeCompare(b.code));
    };
    const needed = counts((m) => m.needs);
    // What most members need; when no standard reaches half the group, the one most of them need.
    const majority = needed.filter((x) => x.students * 2 >= c.length);
    const reteach = majority.length ? majority : needed.slice(0, 1);
    const extend = reteach.length ? [] : counts((m) => m.notMastered).slice(0, 2);
    return { students: c.map((m) => m.personId), reteach, extend };
  });
  // Groups with the most to reteach first, in the order of the standards; extension groups last.
  const firstRank = (g: SuggestedGroup) => (g.reteach.length ? Math.min(...g.reteach.map((r) => rank(r.code))) : Infinity);
  const firstIndex = (g: SuggestedGroup) => Math.min(...g.students.map((p) => members.find((m) => m.personId === p)!.index));
  return groups.sort((a, b) => (b.reteach.length ? 1 : 0) - (a.reteach.length ? 1 : 0) || b.reteach.length - a.reteach.length
    || firstRank(a) - firstRank(b) || firstIndex(a) - firstIndex(b));
}

// ---------------------------------------------------------------------------------------------------------------

export interface CandidateItem {
  id: string;
  version: number;
  title: string;
  standards: readonly string[];
  difficulty: number;
}

export interface PracticeItem { id: string; version: number; title: string; standard: string }

/**
 * Up to `count` practice items for one standard: items the students have not just seen on the tests, easiest first
 * for reteaching, hardest first for extension. Items they saw fill in only when the bank has too few others.
 */
export function pickPracticeItems(candidates: readonly CandidateItem[], code: string, o: { count: number; exclude?: ReadonlySet<string>; mode: 'reteach' | 'extend' }): PracticeItem[] {
  const sign = o.mode === 'reteach' ? 1 : -1;
  const usable = candidates
    .filter((c) => c.standards.includes(code))
    .sort((a, b) => sign * (a.difficulty - b.difficulty) || a.id.localeCompare(b.id));
  const unique = usable.filter((c, i) => usable.findIndex((x) => x.id === c.id) === i);
  const fresh = unique.filter((c) => !o.exclude?.has(c.id));
  const seen = unique.filter((c) => o.exclude?.has(c.id));
  return [...fresh, ...seen].slice(0, o.count).map((c) => ({ id: c.id, version: c.version, title: c.title, standard: code }));
}

/** Practice items per group standard: three for a group with one standard, two each when it has several. */
export const practicePerStandard = (standards: number): number => (standards <= 1 ? 3 : 2);
