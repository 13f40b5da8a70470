// Item analysis for a teacher: per question, how many students got it right, how often each wrong choice was
// picked and the misconception the item's author says that choice signals; plus the plain-text wording of items,
// choices and responses that the dashboard, the drill-down and the CSV export share. Pure: items and responses
// in, plain data out (the caller loads them).
import type { Item, ResponseValue } from '../content/item.schema.js';

// ---------------------------------------------------------------------------------------------------------------
// Plain text from rich text

const TEX_SYMBOLS: Record<string, string> = {
  times: '×', div: '÷', cdot: '·', pi: 'π', le: '≤', leq: '≤', ge: '≥', geq: '≥', pm: '±', approx: '≈', neq: '≠', ne: '≠',
  lt: '<', gt: '>', degree: '°', circ: '°', infty: '∞', theta: 'θ', alpha: 'α', beta: 'β', quad: ' ', qquad: ' ', ',': ' ', ';': ' ', '!': '',
  '%': '%', '$': '$', '{': '{', '}': '}', '\\': ' ',
};

/** TeX as a reader would say it in plain text: \frac{3}{4} → 3/4, \sqrt{x} → √(x), \times → ×. */
function texToPlain(tex: string): string {
  let s = tex;
  // Innermost first, so nested fractions come out right.
  for (let i = 0; i < 20 && /\\[dt]?frac\s*\{[^{}]*\}\s*\{[^{}]*\}/.test(s); i++) {
    s = s.replace(/\\[dt]?frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}/g, (_, a: string, b: string) => {
      const wrap = (x: string) => (/^[\w.]+$/.test(x.trim()) ? x.trim() : `(${x.trim()})`);
      return `${wrap(a)}/${wrap(b)}`;
    });
  }
  for (let i = 0; i < 20 && /\\sqrt\s*\{[^{}]*\}/.test(s); i++) s = s.replace(/\\sqrt\s*\{([^{}]*)\}/g, (_, a: string) => `√(${a.trim()})`);
  s = s.replace(/\\(?:text|mathrm|mathbf|textbf|operatorname)\s*\{([^{}]*)\}/g, '$1');
  s = s.replace(/\\(?:left|right)\s*([()[\]|.]|\\[{}])/g, (_, d: string) => (d === '.' ? '' : d.replace('\\', '')));
  s = s.replace(/\^\{([^{}]*)\}/g, '^$1').replace(/_\{([^{}]*)\}/g, '_$1');
  s = s.replace(/\\([a-zA-Z]+|[,;!%${}\\])/g, (_, name: string) => TEX_SYMBOLS[name] ?? name);
  return s.replace(/[{}]/g, '').replace(/\s+/g, ' ').trim();
}

/** Rich item text (see RichText in item.schema.ts) as one line of plain text: math spelled out, markup gone. */
export function plainText(src: string): string {
  return src
    .replace(/!\[([^\]\n]*)\]\([^)\s]*\)/g, (_, alt: string) => `[${alt.trim() || 'image'}]`)
    .replace(/\\\(([\s\S]*?)\\\)/g, (_, tex: string) => texToPlain(tex))
    .replace(/\*\*(?=\S)([\s\S]*?\S)\*\*/g, '$1')
    .replace(/(^|[^\p{L}\p{N}_])_(?=[^\s_])([^_]*?[^\s_])_(?![\p{L}\p{N}_])/gu, '$1$2')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A short title for an item: its question in plain text, cut at a word near `max` characters. */
export function itemTitle(item: Pick<Item, 'stem'>, max = 90): string {
  const text = plainText(item.stem);
  if (text.length <= max) return text;
  const cut = text.slice(0, max + 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : text.slice(0, max)).replace(/[\s,;:]+$/, '')}…`;
}

// ---------------------------------------------------------------------------------------------------------------
// Responses in words

const letter = (i: number) => String.fromCharCode(65 + i);

function choiceText(item: Item, id: string): string {
  const i = item.interaction;
  if (!('choices' in i)) return id;
  const n = i.choices.findIndex((c) => c.id === id);
  return n < 0 ? id : `${letter(n)}. ${plainText(i.choices[n]!.content)}`;
}

/** What the student answered, in the words they saw (choice letter and text); '' for no answer. */
export function responseText(item: Item, value: ResponseValue | null | undefined): string {
  if (!value) return '';
  switch (value.type) {
    case 'single': return value.choice === null ? '' : choiceText(item, value.choice);
    case 'multiple': return value.choices.map((c) => choiceText(item, c)).join('; ');
    case 'order': return value.order.map((c) => choiceText(item, c)).join(' → ');
    case 'numeric':
    case 'text': {
      const unit = item.interaction.type === 'numeric' && item.interaction.unit ? ` ${item.interaction.unit}` : '';
      return value.text.trim() ? `${value.text.trim()}${unit}` : '';
    }
  }
}

/** The right answer, in the same words (for teachers only: it comes from the key). */
export function correctAnswerText(item: Item): string {
  const i = item.interaction;
  switch (i.type) {
    case 'single': return choiceText(item, i.key.correct);
    case 'multiple': return i.key.correct.map((c) => choiceText(item, c)).join('; ');
    case 'order': return i.key.correctOrder.map((c) => choiceText(item, c)).join(' → ');
    case 'numeric': return `${i.key.value}${i.unit ? ` ${i.unit}` : ''}${i.key.tolerance ? ` (± ${i.key.tolerance})` : ''}`;
    case 'text': return i.key.accepted.join(' / ');
  }
}

const keyChoices = (item: Item): string[] => {
  const i = item.interaction;
  return i.type === 'single' ? [i.key.correct] : i.type === 'multiple' ? [...i.key.correct] : [];
};

/** The choices a response picked that are not part of the key. */
function pickedDistractors(item: Item, value: ResponseValue | null | undefined): string[] {
  if (!value) return [];
  const key = new Set(keyChoices(item));
  const picked = value.type === 'single' ? (value.choice === null ? [] : [value.choice]) : value.type === 'multiple' ? value.choices : [];
  return picked.filter((c) => !key.has(c));
}

/** The misconceptions the author tied to the wrong choices this response picked (plain text). */
export function misconceptionsOf(item: Item, value: ResponseValue | null | undefined): string[] {
  return pickedDistractors(item, value).map((c) => item.feedback.choices[c]).filter((r): r is string => !!r).map(plainText);
}

// ---------------------------------------------------------------------------------------------------------------
// Analysis

/** One item as it appeared on the form. */
export interface AnalysisItem {
  item: Item;
  position: number;
  standard: string;
}

/** One student's answer to one item, as scored at submit. */
export interface AnalysisResponse {
  itemId: string;
  version: number;
  value: ResponseValue | null;
  /** Credit in [0, 1]. */
  score: number;
  correct: boolean;
}

export interface ChoiceStat {
  id: string;
  label: string;
  isKey: boolean;
  /** Students who picked this choice (a multiple-select answer can pick several). */
  chosen: number;
  /** chosen / answered, as a whole-number-and-one-decimal percent; null when nobody answered. */
  percent: number | null;
  /** For a wrong choice: the misconception the item's author says it signals; null when none is written. */
  misconception: string | null;
}

export interface ItemStat {
  itemId: string;
  version: number;
  position: number;
  standard: string;
  type: Item['interaction']['type'];
  title: string;
  /** Students whose counted attempt had this item. */
  students: number;
  /** Of those, how many gave any answer. */
  answered: number;
  omitted: number;
  correct: number;
  /** correct / students, in percent (one decimal); null when no student had the item. */
  percentCorrect: number | null;
  /** Mean credit in percent (differs from percentCorrect only with partial credit). */
  meanScorePercent: number | null;
  choices?: ChoiceStat[];
  /** Numeric and short-text items: the most frequent wrong answers as typed. */
  commonWrongAnswers?: { answer: string; count: number }[];
}

export const pct = (part: number, whole: number): number | null => (whole > 0 ? Math.round((1000 * part) / whole) / 10 : null);

const ref = (id: string, version: number) => `${id}@${version}`;

/**
 * Per item: percent correct over the students who had it (on an adaptive test, the students it was given to) (an unanswered item counts as not correct), and for
 * choice items how often each choice was picked by the students who answered, with the distractor's rationale.
 * Items come out in form order; each student contributes one response per item.
 */
export function analyseItems(items: readonly AnalysisItem[], sittings: readonly (readonly AnalysisResponse[])[], o: { wrongAnswers?: number } = {}): ItemStat[] {
  const byRef = new Map<string, AnalysisResponse[]>();
  for (const responses of sittings) {
    const seen = new Set<string>();
    for (const r of responses) {
      const k = ref(r.itemId, r.version);
      if (seen.has(k)) continue;
      seen.add(k);
      byRef.set(k, [...(byRef.get(k) ?? []), r]);
    }
  }
  const ordered = [...items].sort((a, b) => a.position - b.position);
  const listed = new Set<string>();
  return ordered.flatMap(({ item, position, standard }) => {
    const k = ref(item.id, item.version);
    if (listed.has(k)) return [];
    listed.add(k);
    const rs = byRef.get(k) ?? [];
    const answered = rs.filter((r) => isAnswered(r.value));
    const correct = rs.filter((r) => r.correct).length;
    const i = item.interaction;
    const stat: ItemStat = {
      itemId: item.id, version: item.version, position, standard, type: i.type, title: itemTitle(item),
      students: rs.length, answered: answered.length, omitted: rs.length - answered.length, correct,
      percentCorrect: pct(correct, rs.length),
      meanScorePercent: rs.length ? Math.round((1000 * rs.reduce((s, r) => s + clamp(r.score), 0)) / rs.length) / 10 : null,
    };
    if (i.type === 'single' || i.type === 'multiple') {
      const key = new Set(keyChoices(item));
      stat.choices = i.choices.map((c, n) => {
        const chosen = answered.filter((r) => pickedIds(r.value).includes(c.id)).length;
        const rationale = key.has(c.id) ? undefined : item.feedback.choices[c.id];
        return {
          id: c.id, label: `${letter(n)}. ${plainText(c.content)}`, isKey: key.has(c.id), chosen, percent: pct(chosen, answered.length),
          misconception: rationale ? plainText(rationale) : null,
        };
      });
    }
    if (i.type === 'numeric' || i.type === 'text') {
      const counts = new Map<string, number>();
      for (const r of answered) {
        if (r.correct) continue;
        const text = responseText(item, r.value);
        if (text) counts.set(text, (counts.get(text) ?? 0) + 1);
      }
      stat.commonWrongAnswers = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, o.wrongAnswers ?? 3).map(([answer, count]) => ({ answer, count }));
    }
    return [stat];
  });
}

/**
 * The items of an adaptive test as the analysis lists them: every item some student was given, once, grouped by
 * the assessment's standards in blueprint order and easiest first within a standard (each student got the items
 * chosen for them, at positions of their own, so no student's order is the test's order). `position` is the
 * place in this list. Items never given are not listed: nobody can have got them wrong.
 */
export function adaptiveAnalysisItems(given: readonly { item: Item; standard: string }[], standards: readonly string[]): AnalysisItem[] {
  const rank = (code: string) => {
    const n = standards.indexOf(code);
    return n < 0 ? standards.length : n;
  };
  const unique = [...new Map(given.map((g) => [ref(g.item.id, g.item.version), g])).values()];
  unique.sort((a, b) => rank(a.standard) - rank(b.standard) || a.standard.localeCompare(b.standard) || a.item.difficulty - b.item.difficulty
    || a.item.id.localeCompare(b.item.id) || a.item.version - b.item.version);
  return unique.map((g, n) => ({ item: g.item, position: n + 1, standard: g.standard }));
}

const clamp = (s: number) => (Number.isFinite(s) ? Math.min(1, Math.max(0, s)) : 0);

function pickedIds(v: ResponseValue | null): string[] {
  if (!v) return [];
  return v.type === 'single' ? (v.choice === null ? [] : [v.choice]) : v.type === 'multiple' ? v.choices : [];
}

function isAnswered(v: ResponseValue | null): boolean {
  if (!v) return false;
  switch (v.type) {
    case 'single': return v.choice !== null;
    case 'multiple': return v.choices.length > 0;
    case 'order': return v.order.length > 0;
    case 'numeric':
    case 'text': return v.text.trim() !== '';
  }
}
