import { describe, expect, it } from 'vitest';
import { toStudentItem } from './content.service.js';
import { ItemSchema, type Item } from './item.schema.js';

const base = { id: 'q-1', version: 3, standards: ['6.RP.A.1'], difficulty: 0, stem: 'What is **2 + 2**?', feedback: { explanation: 'Count on.', choices: { b: 'Added wrong.' } } };
const make = (interaction: unknown): Item => ItemSchema.parse({ ...base, interaction });

describe('the student view of an item', () => {
  it('renders the stem and choices and carries no key, rationale or correctness', () => {
    const s = toStudentItem(make({ type: 'single', choices: [{ id: 'a', content: '4' }, { id: 'b', content: '\\( 5 \\)' }], key: { correct: 'a' } }), 2);
    expect(s).toEqual({ position: 2, itemId: 'q-1', version: 3, type: 'single', stemHtml: '<p>What is <strong>2 + 2</strong>?</p>', choices: [{ id: 'a', html: '4' }, { id: 'b', html: expect.stringMatching(/^<math/) }] });
    expect(JSON.stringify(s)).not.toMatch(/key|correct|feedback|explanation|Added wrong/);
  });

  it('shows the unit of a numeric item and the expected length of a short answer', () => {
    expect(toStudentItem(make({ type: 'numeric', unit: 'cm', key: { value: 4 } }), 1)).toMatchObject({ type: 'numeric', unit: 'cm' });
    expect(toStudentItem(make({ type: 'numeric', key: { value: 4 } }), 1)).not.toHaveProperty('unit');
    const text = toStudentItem(make({ type: 'text', expectedLength: 8, key: { accepted: ['four'] } }), 1);
    expect(text).toMatchObject({ type: 'text', expectedLength: 8 });
    expect(JSON.stringify(text)).not.toContain('four');
  });

  it('never shows an ordering item in its correct order, and always in the same order', () => {
    const choices = ['a', 'b', 'c', 'd'].map((id) => ({ id, content: id.toUpperCase() }));
    const inOrder = make({ type: 'order', choices, key: { correctOrder: ['a', 'b', 'c', 'd'] } });
    const shown = toStudentItem(inOrder, 1).choices!.map((c) => c.id);
    expect(shown).not.toEqual(['a', 'b', 'c', 'd']);
    expect(toStudentItem(inOrder, 5).choices!.map((c) => c.id)).toEqual(shown);
    expect(toStudentItem(make({ type: 'order', choices: choices.slice(0, 2), key: { correctOrder: ['a', 'b'] } }), 1).choices!.map((c) => c.id)).toEqual(['b', 'a']);
    // Authored in another order than the answer: shown as authored.
    const scrambled = make({ type: 'order', choices, key: { correctOrder: ['c', 'a', 'd', 'b'] } });
    expect(toStudentItem(scrambled, 1).choices!.map((c) => c.id)).toEqual(['a', 'b', 'c', 'd']);
  });
});
