// The item editor's working copy and the pure functions around it: from a saved item, to the API's
// ItemDraft, client-side validation (messages tied to field ids), and choice add/remove/reorder.
// Type-specific answers are all kept, so switching interaction type never loses what was typed.
import type { AuthoringKey } from '../strings.js';
import type { InteractionType, ItemDraft, ItemInput } from '../types.js';

export const INTERACTION_TYPES: readonly InteractionType[] = ['single', 'multiple', 'numeric', 'text', 'order'];
export const MIN_CHOICES = 2;
export const MAX_CHOICES = 10;
export const MAX_RICH_TEXT = 4000;

export interface ChoiceDraft { id: string; content: string; rationale: string }

export interface EditorDraft {
  /** Set when editing a saved item (PUT); absent for a new item or a duplicate (POST). */
  id?: string;
  version?: number;
  framework: string;
  standards: string[];
  /** As typed, so a half-typed "-" is not lost; parsed on validation. */
  difficulty: string;
  stem: string;
  type: InteractionType;
  choices: ChoiceDraft[];
  shuffle: boolean;
  /** single: one id; multiple: any number. Order of choices is the key for "order". */
  correct: string[];
  partialCredit: boolean;
  numeric: { value: string; tolerance: string; allowFractions: boolean; unit: string };
  text: { accepted: string[]; caseSensitive: boolean; expectedLength: string };
  explanation: string;
  shared: boolean;
  /** "order" items: the mixed-up order students start from, kept from a saved item when still usable. */
  displayOrder?: string[];
}

export interface DraftProblem { field: string; key: AuthoringKey; vars?: Record<string, string | number> }

/** The next unused choice id: a, b, c … z, then c27, c28 … */
export function nextChoiceId(choices: { id: string }[]): string {
  const used = new Set(choices.map((c) => c.id));
  for (let i = 0; i < 26; i++) {
    const id = String.fromCharCode(97 + i);
    if (!used.has(id)) return id;
  }
  let n = 27;
  while (used.has(`c${n}`)) n++;
  return `c${n}`;
}

export function emptyDraft(type: InteractionType = 'single'): EditorDraft {
  return {
    framework: 'CCSS.Math', standards: [], difficulty: '0', stem: '', type,
    choices: [{ id: 'a', content: '', rationale: '' }, { id: 'b', content: '', rationale: '' }],
    shuffle: false, correct: [], partialCredit: false,
    numeric: { value: '', tolerance: '0', allowFractions: false, unit: '' },
    text: { accepted: [''], caseSensitive: false, expectedLength: '20' },
    explanation: '', shared: false,
  };
}

/** A saved (or starter) item as an editable draft; `asCopy` drops its identity so saving creates a new item. */
export function draftFromItem(item: ItemInput & { id?: string; version?: number; owner?: string }, asCopy = false): EditorDraft {
  const d = emptyDraft(item.interaction.type);
  const i = item.interaction;
  const rationale = item.feedback?.choices ?? {};
  d.framework = item.framework ?? d.framework;
  d.standards = [...item.standards];
  d.difficulty = String(item.difficulty);
  d.stem = item.stem;
  d.explanation = item.feedback?.explanation ?? '';
  d.shared = item.owner === 'tenant';
  if (!asCopy) { d.id = item.id; d.version = item.version; }
  if (i.type === 'single' || i.type === 'multiple' || i.type === 'order') {
    d.choices = i.choices.map((c) => ({ id: c.id, content: c.content, rationale: rationale[c.id] ?? '' }));
  }
  if (i.type === 'single' || i.type === 'multiple') d.shuffle = i.shuffle ?? false;
  if (i.type === 'single') d.correct = [i.key.correct];
  if (i.type === 'multiple') { d.correct = [...i.key.correct]; d.partialCredit = i.key.partialCredit ?? false; }
  if (i.type === 'order') {
    // The editor's list order is the correct order.
    const pos = new Map(i.key.correctOrder.map((id, n) => [id, n]));
    d.choices.sort((a, b) => (pos.get(a.id) ?? 99) - (pos.get(b.id) ?? 99));
    d.displayOrder = i.choices.map((c) => c.id);
  }
  if (i.type === 'numeric') {
    d.numeric = { value: String(i.key.value), tolerance: String(i.key.tolerance ?? 0), allowFractions: i.key.allowFractions ?? false, unit: i.unit ?? '' };
  }
  if (i.type === 'text') {
    d.text = { accepted: [...i.key.accepted], caseSensitive: i.key.caseSensitive ?? false, expectedLength: String(i.expectedLength ?? 20) };
  }
  return d;
}

/** Numbers as people type them: "1.5", "-2", "1,5" (comma decimal). Empty or junk → NaN. */
export function parseDecimal(text: string): number {
  const t = text.trim().replace(',', '.').replace('−', '-');
  return /^-?(\d+\.?\d*|\.\d+)$/.test(t) ? Number(t) : Number.NaN;
}

const orNaN = (n: number) => (Number.isFinite(n) ? n : Number.NaN);

/** The API body for this draft. Invalid numbers come out as NaN-free placeholders (the preview reports them). */
export function toItemDraft(d: EditorDraft): ItemDraft {
  const base = {
    ...(d.id ? { id: d.id } : {}),
    framework: d.framework,
    standards: [...d.standards],
    difficulty: Number.isFinite(parseDecimal(d.difficulty)) ? parseDecimal(d.difficulty) : 0,
    stem: d.stem,
    shared: d.shared,
  };
  const choices = d.choices.map((c) => ({ id: c.id, content: c.content }));
  const rationales = Object.fromEntries(d.choices.filter((c) => c.rationale.trim()).map((c) => [c.id, c.rationale.trim()]));
  const explanation = d.explanation;
  switch (d.type) {
    case 'single':
      return { ...base, interaction: { type: 'single', choices, shuffle: d.shuffle, key: { correct: d.correct[0] ?? '' } }, feedback: { explanation, choices: rationales } };
    case 'multiple':
      return { ...base, interaction: { type: 'multiple', choices, shuffle: d.shuffle, key: { correct: d.choices.filter((c) => d.correct.includes(c.id)).map((c) => c.id), partialCredit: d.partialCredit } }, feedback: { explanation, choices: rationales } };
    case 'order': {
      const byId = new Map(choices.map((c) => [c.id, c]));
      const shown = startingOrder(choices.map((c) => c.id), d.displayOrder).map((id) => byId.get(id)!);
      return { ...base, interaction: { type: 'order', choices: shown, key: { correctOrder: choices.map((c) => c.id) } }, feedback: { explanation, choices: {} } };
    }
    case 'numeric': {
      const value = orNaN(parseDecimal(d.numeric.value));
      const tolerance = orNaN(parseDecimal(d.numeric.tolerance || '0'));
      return {
        ...base,
        interaction: {
          type: 'numeric', ...(d.numeric.unit.trim() ? { unit: d.numeric.unit.trim() } : {}),
          key: { value: Number.isFinite(value) ? value : 0, tolerance: Number.isFinite(tolerance) ? tolerance : 0, allowFractions: d.numeric.allowFractions },
        },
        feedback: { explanation, choices: {} },
      };
    }
    case 'text': {
      const len = Number.parseInt(d.text.expectedLength, 10);
      return {
        ...base,
        interaction: {
          type: 'text', expectedLength: Number.isFinite(len) ? len : 20,
          key: { accepted: d.text.accepted.map((a) => a.trim()).filter(Boolean), caseSensitive: d.text.caseSensitive },
        },
        feedback: { explanation, choices: {} },
      };
    }
  }
}

/**
 * The order students first see an ordering item in: the saved one while it still has the same steps and is
 * not already solved, otherwise the correct order rotated by one (never the solution for two or more steps).
 */
export function startingOrder(correct: string[], saved?: string[]): string[] {
  const same = saved && saved.length === correct.length && saved.every((id) => correct.includes(id));
  if (same && saved.join('\u0000') !== correct.join('\u0000')) return [...saved];
  return correct.length < 2 ? [...correct] : [...correct.slice(1), correct[0]!];
}

const usesChoices = (t: InteractionType) => t === 'single' || t === 'multiple' || t === 'order';

/** Everything the editor can check before asking the server, each tied to the id of the field to fix. */
export function validateDraft(d: EditorDraft): DraftProblem[] {
  const out: DraftProblem[] = [];
  const richText = (field: string, text: string, empty: AuthoringKey) => {
    if (!text.trim()) out.push({ field, key: empty });
    else if (text.length > MAX_RICH_TEXT) out.push({ field, key: 'errTooLong', vars: { max: MAX_RICH_TEXT } });
  };
  richText('stem', d.stem, 'errStemEmpty');
  if (usesChoices(d.type)) {
    if (d.choices.length < MIN_CHOICES) out.push({ field: 'choices', key: 'errFewChoices', vars: { min: MIN_CHOICES } });
    for (const c of d.choices) richText(`choice-${c.id}`, c.content, 'errChoiceEmpty');
  }
  if (d.type === 'single' && !d.choices.some((c) => c.id === d.correct[0])) out.push({ field: 'correct', key: 'errPickCorrect' });
  if (d.type === 'multiple' && !d.choices.some((c) => d.correct.includes(c.id))) out.push({ field: 'correct', key: 'errPickCorrectSome' });
  if (d.type === 'single' || d.type === 'multiple') {
    for (const c of d.choices) if (c.rationale.length > 600) out.push({ field: `rationale-${c.id}`, key: 'errTooLong', vars: { max: 600 } });
  }
  if (d.type === 'numeric') {
    if (!d.numeric.value.trim()) out.push({ field: 'numeric-value', key: 'errValueEmpty' });
    else if (!Number.isFinite(parseDecimal(d.numeric.value))) out.push({ field: 'numeric-value', key: 'errNotNumber' });
    const tol = parseDecimal(d.numeric.tolerance || '0');
    if (!Number.isFinite(tol) || tol < 0) out.push({ field: 'numeric-tolerance', key: 'errTolerance' });
    if (d.numeric.unit.length > 20) out.push({ field: 'numeric-unit', key: 'errTooLong', vars: { max: 20 } });
  }
  if (d.type === 'text') {
    if (!d.text.accepted.some((a) => a.trim())) out.push({ field: 'accepted', key: 'errAcceptedEmpty' });
    d.text.accepted.forEach((a, n) => { if (a.length > 200) out.push({ field: `accepted-${n}`, key: 'errTooLong', vars: { max: 200 } }); });
    const len = Number(d.text.expectedLength);
    if (!Number.isInteger(len) || len < 1 || len > 200) out.push({ field: 'expected-length', key: 'errExpectedLength' });
  }
  if (d.standards.length === 0) out.push({ field: 'standards', key: 'errNoStandard' });
  const diff = parseDecimal(d.difficulty);
  if (!Number.isFinite(diff) || diff < -5 || diff > 5) out.push({ field: 'difficulty', key: 'errDifficulty' });
  if (!d.explanation.trim()) out.push({ field: 'explanation', key: 'errExplanationEmpty' });
  else if (d.explanation.length > 2000) out.push({ field: 'explanation', key: 'errTooLong', vars: { max: 2000 } });
  return out;
}

/** The editor field a server-side problem path (e.g. "interaction.choices.1.content") belongs to. */
export function fieldForServerPath(path: string, d: EditorDraft): string {
  const p = path.split(/[./]/).filter(Boolean);
  const [a, b, c, e] = p;
  if (a === 'stem') return 'stem';
  if (a === 'standards') return 'standards';
  if (a === 'difficulty') return 'difficulty';
  if (a === 'feedback' && b === 'explanation') return 'explanation';
  if (a === 'feedback' && b === 'choices' && c) return `rationale-${c}`;
  if (a === 'interaction') {
    if (b === 'choices' && c !== undefined && /^\d+$/.test(c)) {
      const choice = d.choices[Number(c)];
      return choice && (e === 'content' || e === undefined) ? `choice-${choice.id}` : 'choices';
    }
    if (b === 'choices') return 'choices';
    if (b === 'unit') return 'numeric-unit';
    if (b === 'expectedLength') return 'expected-length';
    if (b === 'key') {
      if (c === 'correct') return 'correct';
      if (c === 'correctOrder') return 'choices';
      if (c === 'value') return 'numeric-value';
      if (c === 'tolerance') return 'numeric-tolerance';
      if (c === 'accepted') return 'accepted';
    }
  }
  return '';
}

/** Adds an empty choice at the end (up to MAX_CHOICES). */
export function addChoice(d: EditorDraft): EditorDraft {
  if (d.choices.length >= MAX_CHOICES) return d;
  return { ...d, choices: [...d.choices, { id: nextChoiceId(d.choices), content: '', rationale: '' }] };
}

/** Removes a choice (never below MIN_CHOICES) and drops it from the key. */
export function removeChoice(d: EditorDraft, id: string): EditorDraft {
  if (d.choices.length <= MIN_CHOICES) return d;
  return { ...d, choices: d.choices.filter((c) => c.id !== id), correct: d.correct.filter((c) => c !== id) };
}

/** Moves a choice one place up (-1) or down (+1); out-of-range moves change nothing. */
export function moveChoice(d: EditorDraft, id: string, by: -1 | 1): EditorDraft {
  const from = d.choices.findIndex((c) => c.id === id);
  const to = from + by;
  if (from < 0 || to < 0 || to >= d.choices.length) return d;
  const choices = [...d.choices];
  [choices[from], choices[to]] = [choices[to]!, choices[from]!];
  return { ...d, choices };
}

/** Marks a choice correct: the only one for single choice, toggled for multiple select. */
export function setCorrect(d: EditorDraft, id: string, on: boolean): EditorDraft {
  if (d.type === 'single') return { ...d, correct: on ? [id] : d.correct.filter((c) => c !== id) };
  const rest = d.correct.filter((c) => c !== id);
  return { ...d, correct: on ? [...rest, id] : rest };
}

/** Switching to single choice keeps at most one correct choice. */
export function changeType(d: EditorDraft, type: InteractionType): EditorDraft {
  return { ...d, type, correct: type === 'single' ? d.correct.slice(0, 1) : d.correct };
}
