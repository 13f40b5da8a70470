// Scores one student response against one item's answer key, for every interaction type.
// Pure and total: any response (blank, malformed, of the wrong type) gets a score in [0, 1]; it never throws,
// because a response comes from a browser and a bad one must cost the student the point, not the attempt.
import type { Item, ResponseValue } from './item.schema.js';

export interface ItemScore {
  score: number; // in [0, 1]
  maxScore: 1;
  correct: boolean; // full credit
  answered: boolean; // the student gave a usable answer of the right kind
}

type Interaction = Item['interaction'];
type KeyOf<T extends Interaction['type']> = Extract<Interaction, { type: T }>;

const BLANK: ItemScore = { score: 0, maxScore: 1, correct: false, answered: false };

// Float safety for numeric keys: 0.1 + 0.2 must match 0.3 with tolerance 0.
const FLOAT_SLACK = 1e-9;

function scored(score: number): ItemScore {
  const s = Number.isFinite(score) ? Math.min(1, Math.max(0, score)) : 0;
  return { score: s, maxScore: 1, correct: s === 1, answered: true };
}

export function scoreResponse(item: Pick<Item, 'interaction'>, response: ResponseValue | undefined): ItemScore {
  // The type says ResponseValue, but callers may hand over whatever the browser sent; check shapes at runtime.
  const r: unknown = response;
  if (r === null || typeof r !== 'object') return BLANK;
  const i = item.interaction;
  const resp = r as Record<string, unknown>;
  if (resp.type !== i.type) return BLANK; // a response for another interaction type is not an answer to this one
  switch (i.type) {
    case 'single':
      return scoreSingle(i, resp.choice);
    case 'multiple':
      return scoreMultiple(i, resp.choices);
    case 'numeric':
      return scoreNumeric(i, resp.text);
    case 'text':
      return scoreText(i, resp.text);
    case 'order':
      return scoreOrder(i, resp.order);
    default:
      return BLANK;
  }
}

function scoreSingle(i: KeyOf<'single'>, choice: unknown): ItemScore {
  if (typeof choice !== 'string' || choice === '') return BLANK;
  return scored(choice === i.key.correct ? 1 : 0);
}

function stringsOf(value: unknown): string[] | null {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : null;
}

function scoreMultiple(i: KeyOf<'multiple'>, choices: unknown): ItemScore {
  const picks = stringsOf(choices);
  if (!picks || picks.length === 0) return BLANK;
  // Clicking a box twice must not count twice, for or against the student.
  const unique = new Set(picks);
  const key = new Set(i.key.correct);
  let right = 0;
  let wrong = 0;
  for (const p of unique) {
    if (key.has(p)) right += 1;
    else wrong += 1; // ids that are not choices at all count as wrong picks too
  }
  if (right === key.size && wrong === 0) return scored(1);
  if (!i.key.partialCredit) return scored(0);
  return scored(Math.max(0, (right - wrong) / key.size));
}

function scoreNumeric(i: KeyOf<'numeric'>, text: unknown): ItemScore {
  if (typeof text !== 'string' || text.trim() === '') return BLANK;
  const value = parseNumber(text, { allowFractions: i.key.allowFractions, unit: i.unit });
  if (value === null) return scored(0);
  return scored(Math.abs(value - i.key.value) <= i.key.tolerance + FLOAT_SLACK ? 1 : 0);
}

/** Trims, folds compatibility forms (full-width letters, NBSP) and collapses inner whitespace. */
export function normalizeText(text: string, caseSensitive: boolean): string {
  const t = text.normalize('NFKC').trim().replace(/\s+/gu, ' ');
  return caseSensitive ? t : t.toLowerCase();
}

// Short answers in maths are expressions ("y = 2x - 3", "3:4"): spacing never changes their meaning.
const withoutSpaces = (t: string) => t.replace(/ /g, '');

function scoreText(i: KeyOf<'text'>, text: unknown): ItemScore {
  if (typeof text !== 'string') return BLANK;
  const given = normalizeText(text, i.key.caseSensitive);
  if (given === '') return BLANK;
  const g = withoutSpaces(given);
  return scored(i.key.accepted.some((a) => withoutSpaces(normalizeText(a, i.key.caseSensitive)) === g) ? 1 : 0);
}

function scoreOrder(i: KeyOf<'order'>, order: unknown): ItemScore {
  const given = stringsOf(order);
  if (!given || given.length === 0) return BLANK;
  const key = i.key.correctOrder;
  // All or nothing by design: a partial-order scheme was considered and not wanted.
  const exact = given.length === key.length && given.every((id, n) => id === key[n]);
  return scored(exact ? 1 : 0);
}

// ---------------------------------------------------------------------------------------------
// Numbers as students type them.

export interface ParseNumberOptions {
  allowFractions: boolean;
  /** The item's unit; when the student types it before or after the number it is ignored. */
  unit?: string | undefined;
}

const VULGAR_FRACTIONS = /[\u00BC-\u00BE\u2150-\u215E]/gu;
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)$/;
// Thousands grouping is only unambiguous as 1–3 leading digits (not a lone 0) then groups of exactly three.
const GROUPED = /^([+-]?)([1-9]\d{0,2})((?:[, ]\d{3})+)(\.\d*)?$/;
const FRACTION = /^([+-]?)(\d+)\/(\d+)$/;
const MIXED = /^([+-]?)(\d+) (\d+)\/(\d+)$/;

/**
 * Reads a number the way a student types it: "0.5", ".5", "-.5", "+2", "5.", "1,000", "10 000", "12 cm";
 * with allowFractions also "1/2", "-3/4", "1 1/2" and "1½". Returns null when the text is not one number.
 */
export function parseNumber(text: string, opts: ParseNumberOptions): number | null {
  if (typeof text !== 'string') return null;
  let t = text
    // "1½" would otherwise fold to "11⁄2" (eleven halves); keep the whole part apart as a mixed number.
    .replace(VULGAR_FRACTIONS, (f) => ` ${f.normalize('NFKC')} `)
    .normalize('NFKC') // full-width digits, NBSP
    .replace(/[\u2212\u2012\u2013\uFE63\uFF0D]/gu, '-') // minus signs people paste from word processors
    .replace(/\u2044/gu, '/')
    .trim()
    .replace(/\s+/gu, ' ');
  if (opts.unit) t = stripUnit(t, opts.unit);
  // A currency sign before the number ("$4.50", "-$3") never changes its value.
  t = t.replace(/^([+-]?) ?[$€£] ?/u, '$1');
  // Spaces next to the sign or the slash never change the meaning: "- 5", "3 / 4".
  t = t.replace(/^([+-]) /, '$1').replace(/ ?\/ ?/g, '/');
  if (t === '') return null;

  if (DECIMAL.test(t)) return finite(Number(t));
  const grouped = GROUPED.exec(t);
  if (grouped) {
    const [, sign, head, groups, decimals] = grouped;
    const separators = new Set(groups!.replace(/\d/g, ''));
    if (separators.size > 1) return null; // "1,000 000" mixes styles: not sure what was meant
    return finite(Number(`${sign}${head}${groups!.replace(/[, ]/g, '')}${decimals ?? ''}`));
  }
  if (!opts.allowFractions) return null;
  const fraction = FRACTION.exec(t);
  if (fraction) {
    const [, sign, num, den] = fraction;
    return ratio(sign!, 0, Number(num), Number(den));
  }
  const mixed = MIXED.exec(t);
  if (mixed) {
    const [, sign, whole, num, den] = mixed;
    return ratio(sign!, Number(whole), Number(num), Number(den));
  }
  return null;
}

function stripUnit(t: string, unit: string): string {
  const u = unit.normalize('NFKC').trim().replace(/\s+/gu, ' ').toLowerCase();
  if (u === '') return t;
  const lower = t.toLowerCase();
  if (lower.endsWith(u)) return t.slice(0, t.length - u.length).trim();
  if (lower.startsWith(u)) return t.slice(u.length).trim();
  return t;
}

function ratio(sign: string, whole: number, num: number, den: number): number | null {
  if (den === 0) return null;
  const magnitude = whole + num / den;
  return finite(sign === '-' ? -magnitude : magnitude);
}

function finite(n: number): number | null {
  return Number.isFinite(n) ? n : null;
}
