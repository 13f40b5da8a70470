// Per-standard results of a submitted attempt, in words a student can act on: how many right out of how
// many, a level (not yet / almost / got it) by configurable cut points, and one concrete next step.
// Pure: scored items in, plain data out; the strings come from one table per locale.

export type MasteryLevel = 'not-yet' | 'almost' | 'got-it';

/** Fractions of the standard's points: below `almost` is not yet; below `gotIt` is almost; the rest got it. */
export interface CutPoints { almost: number; gotIt: number }
export const DEFAULT_CUT_POINTS: CutPoints = { almost: 0.5, gotIt: 0.8 };

export interface ScoredItem { standard: string; score: number } // score in [0, 1]
export interface StandardTally { code: string; correct: number; total: number; level: MasteryLevel }
export interface StandardResult extends StandardTally { description: string; nextStep: string }

// 4 of 5 is exactly 80%: a float rounding must not push it down a level.
const EPSILON = 1e-9;
const round2 = (n: number) => Math.round(n * 100) / 100;

export function checkCutPoints(cuts: CutPoints): CutPoints {
  if (!(cuts.almost > 0 && cuts.almost <= cuts.gotIt && cuts.gotIt <= 1)) {
    throw new RangeError(`cut points must satisfy 0 < almost ≤ gotIt ≤ 1, got almost=${cuts.almost}, gotIt=${cuts.gotIt}`);
  }
  return cuts;
}

export function levelFor(correct: number, total: number, cuts: CutPoints = DEFAULT_CUT_POINTS): MasteryLevel {
  checkCutPoints(cuts);
  if (!(total > 0)) return 'not-yet';
  const share = correct / total;
  if (share + EPSILON >= cuts.gotIt) return 'got-it';
  if (share + EPSILON >= cuts.almost) return 'almost';
  return 'not-yet';
}

/** One tally per standard, in the order the standards first appear on the form. Partial credit counts. */
export function tallyByStandard(items: ScoredItem[], cuts: CutPoints = DEFAULT_CUT_POINTS): StandardTally[] {
  checkCutPoints(cuts);
  const byCode = new Map<string, { correct: number; total: number }>();
  for (const it of items) {
    const t = byCode.get(it.standard) ?? { correct: 0, total: 0 };
    t.correct += Number.isFinite(it.score) ? Math.min(1, Math.max(0, it.score)) : 0;
    t.total += 1;
    byCode.set(it.standard, t);
  }
  return [...byCode].map(([code, t]) => ({ code, correct: round2(t.correct), total: t.total, level: levelFor(t.correct, t.total, cuts) }));
}

/** The whole attempt: points, out of how many, and a whole-number percent. */
export function summarize(items: ScoredItem[]): { score: number; maxScore: number; percent: number } {
  const score = items.reduce((s, it) => s + (Number.isFinite(it.score) ? Math.min(1, Math.max(0, it.score)) : 0), 0);
  const maxScore = items.length;
  return { score: round2(score), maxScore, percent: maxScore ? Math.round((score / maxScore) * 100) : 0 };
}

export type ResultLocale = 'en' | 'es';
export const resultLocale = (locale: string | undefined): ResultLocale => (locale?.toLowerCase().startsWith('es') ? 'es' : 'en');

// One concrete action per level; the standard's own description says which skill it is about.
const NEXT_STEPS: Record<ResultLocale, Record<MasteryLevel, (skill: string) => string>> = {
  en: {
    'not-yet': (s) => `Go through one worked example with your teacher, then solve two practice problems on your own. The skill: ${s}`,
    almost: (s) => `Look again at the questions you missed, find the step that went wrong, then do three more practice problems. The skill: ${s}`,
    'got-it': (s) => `Try a harder problem, or explain to a classmate how you solved one. The skill: ${s}`,
  },
  es: {
    'not-yet': (s) => `Revisa un ejemplo resuelto con tu maestro o maestra y luego resuelve dos problemas de práctica por tu cuenta. La habilidad: ${s}`,
    almost: (s) => `Vuelve a mirar las preguntas que fallaste, busca el paso que salió mal y haz tres problemas de práctica más. La habilidad: ${s}`,
    'got-it': (s) => `Intenta un problema más difícil o explica a un compañero o compañera cómo resolviste uno. La habilidad: ${s}`,
  },
};

const asSentence = (text: string) => {
  const t = text.trim();
  return t === '' ? t : /[.!?]$/.test(t) ? t : `${t}.`;
};

export function nextStep(level: MasteryLevel, standard: { code: string; description?: string | undefined }, locale: string | undefined): string {
  const skill = asSentence(standard.description?.trim() || standard.code);
  return NEXT_STEPS[resultLocale(locale)][level](skill);
}

/** Tallies plus descriptions and next steps in the reader's language. */
export function describeResults(tallies: StandardTally[], descriptions: Record<string, string | undefined>, locale: string | undefined): StandardResult[] {
  return tallies.map((t) => {
    const description = descriptions[t.code] ?? '';
    return { ...t, description, nextStep: nextStep(t.level, { code: t.code, description }, locale) };
  });
}
