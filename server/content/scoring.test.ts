import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ItemSchema, type ItemInput, type ResponseValue } from './item.schema.js';
import { parseNumber, scoreResponse } from './scoring.js';

// Fixtures go through the real schema so defaults (tolerance 0, partialCredit false, …) are the stored ones.
function item(interaction: ItemInput['interaction']) {
  return ItemSchema.parse({
    id: 'test-item',
    standards: ['6.RP.A.1'],
    difficulty: 0,
    stem: 'Question',
    interaction,
    feedback: { explanation: 'Because.' },
  });
}
const choices = (...ids: string[]) => ids.map((id) => ({ id, content: `Choice ${id}` }));

const single = item({ type: 'single', choices: choices('a', 'b', 'c'), key: { correct: 'b' } });
const multiple = (partialCredit: boolean) =>
  item({ type: 'multiple', choices: choices('a', 'b', 'c', 'd'), key: { correct: ['a', 'c'], partialCredit } });
const numeric = (key: { value: number; tolerance?: number; allowFractions?: boolean }, unit?: string) =>
  item({ type: 'numeric', unit, key });
const text = (accepted: string[], caseSensitive = false) => item({ type: 'text', key: { accepted, caseSensitive } });
const order = item({ type: 'order', choices: choices('x', 'y', 'z'), key: { correctOrder: ['z', 'x', 'y'] } });

describe('single choice', () => {
  it('gives full credit for the keyed choice and none for another', () => {
    expect(scoreResponse(single, { type: 'single', choice: 'b' })).toEqual({ score: 1, maxScore: 1, correct: true, answered: true });
    expect(scoreResponse(single, { type: 'single', choice: 'a' })).toEqual({ score: 0, maxScore: 1, correct: false, answered: true });
  });

  it('counts a blank answer as unanswered, not as wrong', () => {
    expect(scoreResponse(single, undefined)).toMatchObject({ score: 0, answered: false });
    expect(scoreResponse(single, { type: 'single', choice: null })).toMatchObject({ score: 0, answered: false });
  });

  it('gives no credit to a choice id that is not on the item', () => {
    expect(scoreResponse(single, { type: 'single', choice: 'zz' })).toMatchObject({ score: 0, correct: false });
  });

  it('gives no credit, and does not fail, when the response is for another kind of question', () => {
    expect(scoreResponse(single, { type: 'multiple', choices: ['b'] })).toMatchObject({ score: 0, correct: false, answered: false });
    expect(scoreResponse(single, { type: 'text', text: 'b' })).toMatchObject({ score: 0 });
  });
});

describe('multiple select', () => {
  it('gives full credit only for exactly the keyed set, in any order', () => {
    expect(scoreResponse(multiple(false), { type: 'multiple', choices: ['c', 'a'] })).toMatchObject({ score: 1, correct: true });
    expect(scoreResponse(multiple(false), { type: 'multiple', choices: ['a'] })).toMatchObject({ score: 0, correct: false });
    expect(scoreResponse(multiple(false), { type: 'multiple', choices: ['a', 'b', 'c'] })).toMatchObject({ score: 0 });
  });

  it('does not change the score when a choice is sent twice', () => {
    expect(scoreResponse(multiple(false), { type: 'multiple', choices: ['a', 'a', 'c'] })).toMatchObject({ score: 1 });
    expect(scoreResponse(multiple(true), { type: 'multiple', choices: ['a', 'a'] })).toMatchObject({ score: 0.5 });
    expect(scoreResponse(multiple(true), { type: 'multiple', choices: ['a', 'b', 'b'] })).toMatchObject({ score: 0 });
  });

  it('gives partial credit as right picks minus wrong picks over the number correct, never below zero', () => {
    expect(scoreResponse(multiple(true), { type: 'multiple', choices: ['a'] })).toMatchObject({ score: 0.5, correct: false });
    expect(scoreResponse(multiple(true), { type: 'multiple', choices: ['a', 'c', 'd'] })).toMatchObject({ score: 0.5 });
    expect(scoreResponse(multiple(true), { type: 'multiple', choices: ['b', 'd'] })).toMatchObject({ score: 0 });
    expect(scoreResponse(multiple(true), { type: 'multiple', choices: ['a', 'b', 'c', 'd'] })).toMatchObject({ score: 0 });
  });

  it('treats unknown choice ids as wrong picks', () => {
    expect(scoreResponse(multiple(true), { type: 'multiple', choices: ['a', 'c', 'nope'] })).toMatchObject({ score: 0.5 });
    expect(scoreResponse(multiple(false), { type: 'multiple', choices: ['a', 'c', 'nope'] })).toMatchObject({ score: 0 });
  });

  it('counts no boxes ticked as unanswered', () => {
    expect(scoreResponse(multiple(true), { type: 'multiple', choices: [] })).toMatchObject({ score: 0, answered: false });
  });
});

describe('numeric entry', () => {
  const half = numeric({ value: 0.5 });
  const halfFractions = numeric({ value: 0.5, allowFractions: true });
  const score = (it: ReturnType<typeof numeric>, t: string) => scoreResponse(it, { type: 'numeric', text: t }).score;

  it('accepts the usual ways of writing a decimal', () => {
    for (const t of ['0.5', '.5', ' 0.5 ', '0.50', '+0.5', '+.5']) expect(score(half, t), t).toBe(1);
    expect(score(numeric({ value: -0.5 }), '-.5')).toBe(1);
    expect(score(numeric({ value: -0.5 }), '- 0.5')).toBe(1);
    expect(score(numeric({ value: -0.5 }), '−0.5')).toBe(1); // U+2212 minus sign pasted from a document
    expect(score(numeric({ value: 2 }), '+2')).toBe(1);
    expect(score(numeric({ value: 5 }), '5.')).toBe(1);
  });

  it('accepts thousands separators when they cannot mean anything else', () => {
    expect(score(numeric({ value: 1000 }), '1,000')).toBe(1);
    expect(score(numeric({ value: 1234567.5 }), '1,234,567.5')).toBe(1);
    expect(score(numeric({ value: 10000 }), '10 000')).toBe(1);
    // "1,5" is one and a half in much of the world and fifteen to nobody: not read as a number at all.
    expect(parseNumber('1,5', { allowFractions: false })).toBeNull();
    expect(parseNumber('0,500', { allowFractions: false })).toBeNull();
    expect(parseNumber('1,000 000', { allowFractions: false })).toBeNull();
  });

  it('accepts fractions and mixed numbers only when the item allows them', () => {
    expect(score(halfFractions, '1/2')).toBe(1);
    expect(score(halfFractions, '2/4')).toBe(1);
    expect(score(halfFractions, ' 1 / 2 ')).toBe(1);
    expect(score(halfFractions, '½')).toBe(1);
    expect(score(numeric({ value: -0.75, allowFractions: true }), '-3/4')).toBe(1);
    expect(score(numeric({ value: 1.5, allowFractions: true }), '1 1/2')).toBe(1);
    expect(score(numeric({ value: 1.5, allowFractions: true }), '1½')).toBe(1);
    expect(score(numeric({ value: -1.5, allowFractions: true }), '-1 1/2')).toBe(1);
    expect(score(half, '1/2')).toBe(0);
    expect(score(numeric({ value: 1.5 }), '1 1/2')).toBe(0);
  });

  it('marks division by zero, words and stray symbols as not correct', () => {
    for (const t of ['1/0', '0/0', 'abc', '1..5', '.', '-', '1e3', '0x10', '1/2/3', '5%']) {
      expect(parseNumber(t, { allowFractions: true }), t).toBeNull();
      expect(scoreResponse(numeric({ value: 1000, allowFractions: true }), { type: 'numeric', text: t }), t).toMatchObject({ score: 0, answered: true });
    }
  });

  it('counts empty or whitespace-only input as unanswered', () => {
    expect(scoreResponse(half, { type: 'numeric', text: '' })).toMatchObject({ score: 0, answered: false });
    expect(scoreResponse(half, { type: 'numeric', text: '   ' })).toMatchObject({ score: 0, answered: false });
  });

  it('ignores the item unit typed before or after the number, but not another unit', () => {
    const cm = numeric({ value: 12 }, 'cm');
    for (const t of ['12 cm', '12cm', '12 CM', 'cm 12']) expect(score(cm, t), t).toBe(1);
    expect(score(cm, '12 mm')).toBe(0);
    expect(score(numeric({ value: 5 }, '$'), '$5')).toBe(1);
    expect(score(cm, 'cm')).toBe(0);
  });

  it('accepts answers inside the tolerance, including exactly at its edge', () => {
    const pi = numeric({ value: 3.14, tolerance: 0.01 });
    expect(score(pi, '3.13')).toBe(1);
    expect(score(pi, '3.15')).toBe(1);
    expect(score(pi, '3.1416')).toBe(1);
    expect(score(pi, '3.1')).toBe(0);
    expect(score(pi, '3.151')).toBe(0);
  });

  it('is not fooled by floating-point rounding when the tolerance is zero', () => {
    expect(score(numeric({ value: 0.1 + 0.2 }), '0.3')).toBe(1);
    expect(score(numeric({ value: 0.3 }), String(0.1 + 0.2))).toBe(1);
    expect(score(numeric({ value: 1 / 3, allowFractions: true }), '1/3')).toBe(1);
    expect(score(numeric({ value: 0.3 }), '0.31')).toBe(0);
  });

  it('ignores a currency sign before the number', () => {
    const price = numeric({ value: 4.5 }, 'dollars');
    for (const t of ['$4.50', '$ 4.5', '4.50 dollars', '+$4.5']) expect(scoreResponse(price, { type: 'numeric', text: t }).score, t).toBe(1);
    expect(parseNumber('-$3', { allowFractions: false })).toBe(-3);
    expect(parseNumber('$', { allowFractions: false })).toBeNull();
  });

  it('parseNumber reads full-width digits and returns null for non-numbers', () => {
    expect(parseNumber('１２', { allowFractions: false })).toBe(12);
    expect(parseNumber('', { allowFractions: false })).toBeNull();
    expect(parseNumber('3 4', { allowFractions: false })).toBeNull();
  });
});

describe('short text', () => {
  const capital = text(['Paris', 'City of Light']);
  const score = (it: ReturnType<typeof text>, t: string) => scoreResponse(it, { type: 'text', text: t }).score;

  it('ignores case, surrounding spaces and doubled spaces', () => {
    for (const t of ['Paris', 'paris', '  PARIS  ', 'city  of\tlight', 'City of Light']) expect(score(capital, t), t).toBe(1);
    expect(score(capital, 'Pariss')).toBe(0);
  });

  it('treats full-width letters and non-breaking spaces like their plain forms', () => {
    expect(score(capital, 'Ｐａｒｉｓ')).toBe(1);
    expect(score(capital, 'City\u00A0of Light')).toBe(1);
  });

  it('respects case when the key says case matters', () => {
    const symbol = text(['Na'], true);
    expect(score(symbol, 'Na')).toBe(1);
    expect(score(symbol, ' Na ')).toBe(1);
    expect(score(symbol, 'NA')).toBe(0);
  });

  it('counts blank text as unanswered', () => {
    expect(scoreResponse(capital, { type: 'text', text: ' \n ' })).toMatchObject({ score: 0, answered: false });
  });

  it('accepts an expression however the student spaces it', () => {
    const line = text(['y = 2x - 3']);
    for (const t of ['y=2x-3', 'y = 2x - 3', ' Y =2x -3 ']) expect(score(line, t), t).toBe(1);
    expect(score(line, 'y = 2x + 3')).toBe(0);
  });
});

describe('ordering', () => {
  const score = (o: string[]) => scoreResponse(order, { type: 'order', order: o });

  it('gives credit only for the exact order', () => {
    expect(score(['z', 'x', 'y'])).toMatchObject({ score: 1, correct: true });
    expect(score(['x', 'y', 'z'])).toMatchObject({ score: 0, correct: false });
    expect(score(['z', 'y', 'x'])).toMatchObject({ score: 0 });
  });

  it('gives no credit when ids are missing, repeated, unknown or extra', () => {
    expect(score(['z', 'x'])).toMatchObject({ score: 0 });
    expect(score(['z', 'x', 'y', 'y'])).toMatchObject({ score: 0 });
    expect(score(['z', 'x', 'q'])).toMatchObject({ score: 0 });
    expect(score([])).toMatchObject({ score: 0, answered: false });
  });
});

describe('any response whatsoever', () => {
  const items = [single, multiple(true), multiple(false), numeric({ value: 2, tolerance: 0.5, allowFractions: true }, 'cm'), text(['x']), order];
  const responseArb: fc.Arbitrary<unknown> = fc.oneof(
    fc.constant(undefined),
    fc.constant(null),
    fc.anything(),
    fc.record({ type: fc.constantFrom('single', 'multiple', 'numeric', 'text', 'order'), choice: fc.option(fc.string()), choices: fc.anything(), text: fc.anything(), order: fc.anything() }),
    fc.record({ type: fc.constant('multiple'), choices: fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e', ''), { maxLength: 10 }) }),
    fc.record({ type: fc.constant('numeric'), text: fc.string({ maxLength: 40 }) }),
    fc.record({ type: fc.constant('order'), order: fc.array(fc.constantFrom('x', 'y', 'z', 'w'), { maxLength: 10 }) }),
  );

  it('gets a score between 0 and 1 and never makes scoring fail', () => {
    fc.assert(
      fc.property(fc.constantFrom(...items), responseArb, (it, r) => {
        const s = scoreResponse(it, r as ResponseValue);
        expect(s.score).toBeGreaterThanOrEqual(0);
        expect(s.score).toBeLessThanOrEqual(1);
        expect(s.maxScore).toBe(1);
        expect(s.correct).toBe(s.score === 1);
        if (!s.answered) expect(s.score).toBe(0);
      }),
      { numRuns: 2000 },
    );
  });

  it('parseNumber returns a finite number or null for any text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.boolean(), (t, allowFractions) => {
        const n = parseNumber(t, { allowFractions, unit: 'cm' });
        expect(n === null || Number.isFinite(n)).toBe(true);
      }),
    );
  });

  it('reads back any decimal the way JavaScript prints it', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), (x) => {
        const printed = x.toFixed(4);
        expect(parseNumber(printed, { allowFractions: false })).toBeCloseTo(Number(printed), 9);
      }),
    );
  });

  it('gives credit to a fraction exactly when its value is the key', () => {
    fc.assert(
      fc.property(fc.integer({ min: -50, max: 50 }), fc.integer({ min: 1, max: 50 }), (n, d) => {
        const it = numeric({ value: n / d, allowFractions: true });
        expect(scoreResponse(it, { type: 'numeric', text: `${n}/${d}` }).score).toBe(1);
        expect(scoreResponse(it, { type: 'numeric', text: `${n + 1}/${d}` }).score).toBe(0);
      }),
    );
  });
});
