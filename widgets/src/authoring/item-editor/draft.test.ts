import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ItemSchema, type ItemInput } from '../../../../server/content/item.schema.js';
import {
  addChoice, changeType, draftFromItem, emptyDraft, fieldForServerPath, MAX_CHOICES, moveChoice, nextChoiceId, parseDecimal,
  removeChoice, setCorrect, toItemDraft, validateDraft, type EditorDraft,
} from './draft.js';

const bankDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../server/content/bank/starter');
const starterItems: ItemInput[] = readdirSync(bankDir).flatMap((grade) =>
  readdirSync(path.join(bankDir, grade)).flatMap((f) => JSON.parse(readFileSync(path.join(bankDir, grade, f), 'utf8')) as ItemInput[]));

const fields = (d: EditorDraft) => validateDraft(d).map((p) => p.field);

function filled(type: EditorDraft['type']): EditorDraft {
  const d = emptyDraft(type);
  return {
    ...d, stem: 'What is \\( 2 + 2 \\)?', standards: ['7.EE.A.1'], explanation: 'Count on.',
    choices: [{ id: 'a', content: '3', rationale: 'Off by one.' }, { id: 'b', content: '4', rationale: '' }],
    correct: ['b'], numeric: { ...d.numeric, value: '4' }, text: { ...d.text, accepted: ['four', ''] },
  };
}

describe('item editor draft', () => {
  it('round-trips every starter item, of every interaction type, to a draft the server schema accepts unchanged', () => {
    expect(new Set(starterItems.map((i) => i.interaction.type))).toEqual(new Set(['single', 'multiple', 'numeric', 'text', 'order']));
    for (const item of starterItems) {
      const draft = draftFromItem(item);
      expect(validateDraft(draft), item.id).toEqual([]);
      const back = ItemSchema.parse({ ...toItemDraft(draft), version: item.version });
      expect(back, item.id).toEqual(ItemSchema.parse(item));
    }
  });

  it('duplicating a starter item drops its id and version so saving creates a new item', () => {
    const copy = draftFromItem(starterItems[0]!, true);
    expect(copy.id).toBeUndefined();
    expect(copy.version).toBeUndefined();
    expect(toItemDraft(copy)).not.toHaveProperty('id');
    expect(copy.stem).toBe(starterItems[0]!.stem);
  });

  it('a complete draft of each type is valid and parses with the server schema', () => {
    for (const type of ['single', 'multiple', 'numeric', 'text', 'order'] as const) {
      const d = filled(type);
      expect(validateDraft(d), type).toEqual([]);
      expect(() => ItemSchema.parse({ ...toItemDraft(d), id: 'draft-1' }), type).not.toThrow();
    }
  });

  it('ties each missing part to the field the teacher must fix', () => {
    expect(fields(emptyDraft('single'))).toEqual(['stem', 'choice-a', 'choice-b', 'correct', 'standards', 'explanation']);
    expect(fields({ ...filled('numeric'), numeric: { value: 'abc', tolerance: '-1', allowFractions: false, unit: '' } })).toEqual(['numeric-value', 'numeric-tolerance']);
    expect(fields({ ...filled('text'), text: { accepted: [' '], caseSensitive: false, expectedLength: '0' } })).toEqual(['accepted', 'expected-length']);
    expect(fields({ ...filled('multiple'), correct: [] })).toEqual(['correct']);
    expect(fields({ ...filled('single'), difficulty: '7' })).toEqual(['difficulty']);
    expect(fields({ ...filled('single'), stem: 'x'.repeat(4001) })).toEqual(['stem']);
  });

  it('adds, removes and reorders choices, keeping the key consistent', () => {
    let d = filled('multiple');
    d = addChoice(d);
    expect(d.choices.map((c) => c.id)).toEqual(['a', 'b', 'c']);
    d = setCorrect(d, 'c', true);
    expect(d.correct).toEqual(['b', 'c']);
    d = moveChoice(d, 'c', -1);
    expect(d.choices.map((c) => c.id)).toEqual(['a', 'c', 'b']);
    expect(moveChoice(d, 'a', -1)).toBe(d);
    expect(toItemDraft(d).interaction).toMatchObject({ key: { correct: ['c', 'b'] } });
    d = removeChoice(d, 'c');
    expect(d.correct).toEqual(['b']);
    expect(removeChoice(d, 'a')).toBe(d); // never fewer than two
    for (let i = 0; i < 20; i++) d = addChoice(d);
    expect(d.choices).toHaveLength(MAX_CHOICES);
  });

  it('single choice keeps exactly one correct answer, also after switching type', () => {
    let d = setCorrect(setCorrect(filled('multiple'), 'a', true), 'b', true);
    expect(d.correct).toEqual(['a', 'b']);
    d = changeType(d, 'single');
    expect(d.correct).toEqual(['a']);
    expect(setCorrect(d, 'b', true).correct).toEqual(['b']);
  });

  it('the list order is the key for ordering items, and students never start from the solution', () => {
    const d = moveChoice(filled('order'), 'b', -1);
    const i = toItemDraft(d).interaction;
    expect(i).toMatchObject({ type: 'order', key: { correctOrder: ['b', 'a'] } });
    expect(i.type === 'order' && i.choices.map((c) => c.id)).toEqual(['a', 'b']);
    const three = addChoice(filled('order'));
    const j = toItemDraft({ ...three, displayOrder: ['a', 'b', 'c'] }).interaction;
    expect(j.type === 'order' && j.choices.map((c) => c.id)).toEqual(['b', 'c', 'a']);
  });

  it('switching type keeps what was typed for the other types', () => {
    const d = changeType(changeType(filled('numeric'), 'text'), 'numeric');
    expect(d.numeric.value).toBe('4');
    expect(d.text.accepted[0]).toBe('four');
  });

  it('reads numbers the way people type them', () => {
    expect(parseDecimal('1,5')).toBe(1.5);
    expect(parseDecimal('−2')).toBe(-2);
    expect(parseDecimal('.5')).toBe(0.5);
    expect(parseDecimal('')).toBeNaN();
    expect(parseDecimal('1/2')).toBeNaN();
  });

  it('gives new choices unused ids', () => {
    expect(nextChoiceId([{ id: 'a' }, { id: 'c' }])).toBe('b');
    expect(nextChoiceId(Array.from({ length: 26 }, (_, i) => ({ id: String.fromCharCode(97 + i) })))).toBe('c27');
  });

  it('maps server problem paths to editor fields', () => {
    const d = filled('single');
    expect(fieldForServerPath('interaction.choices.1.content', d)).toBe('choice-b');
    expect(fieldForServerPath('interaction.key.correct', d)).toBe('correct');
    expect(fieldForServerPath('feedback.explanation', d)).toBe('explanation');
    expect(fieldForServerPath('feedback.choices.a', d)).toBe('rationale-a');
    expect(fieldForServerPath('interaction.key.value', d)).toBe('numeric-value');
    expect(fieldForServerPath('(root)', d)).toBe('');
  });
});
