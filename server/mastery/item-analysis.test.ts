import { describe, expect, it } from 'vitest';
import { ItemSchema, type Item, type ResponseValue } from '../content/item.schema.js';
import { adaptiveAnalysisItems, analyseItems, correctAnswerText, itemTitle, misconceptionsOf, plainText, responseText, type AnalysisResponse } from './item-analysis.js';

const snail = ItemSchema.parse({
  id: 'snail', standards: ['7.RP.A.1'], difficulty: -1.5,
  stem: 'A snail crawls \\( \\frac{1}{2} \\) meter in \\( \\frac{1}{4} \\) hour. At this rate, how many meters does it crawl in **one** hour?',
  interaction: { type: 'single', choices: [
    { id: 'a', content: '\\( \\frac{1}{8} \\) meter' }, { id: 'b', content: '2 meters' }, { id: 'c', content: '\\( \\frac{1}{2} \\) meter' }, { id: 'd', content: '\\( \\frac{3}{4} \\) meter' },
  ], key: { correct: 'b' } },
  feedback: { explanation: 'Divide.', choices: {
    a: 'Multiplied the distance by the time instead of dividing.', b: 'Right: \\( \\frac{1}{2} \\div \\frac{1}{4} = 2 \\).', c: 'Divided time by distance.',
  } },
});
const rates = ItemSchema.parse({
  id: 'rates', standards: ['7.RP.A.1'], difficulty: 0, stem: 'Pick both rates.',
  interaction: { type: 'multiple', choices: [{ id: 'a', content: '4 to 6' }, { id: 'b', content: '3 to 2' }, { id: 'c', content: '6 to 9' }], key: { correct: ['a', 'c'] } },
  feedback: { explanation: 'Equivalent ratios.', choices: { b: 'Flipped the ratio.' } },
});
const printer = ItemSchema.parse({
  id: 'printer', standards: ['7.RP.A.2'], difficulty: 0, stem: 'Pages per minute?',
  interaction: { type: 'numeric', unit: 'pages', key: { value: 30 } }, feedback: { explanation: 'Divide.' },
});

const single = (choice: string | null): ResponseValue => ({ type: 'single', choice });
const r = (item: Item, value: ResponseValue | null, correct: boolean): AnalysisResponse => ({ itemId: item.id, version: item.version, value, score: correct ? 1 : 0, correct });

describe('plain text of items', () => {
  it('spells math out and drops markup, so a title reads well in a list and a spreadsheet', () => {
    expect(plainText('\\( \\frac{3}{4} \\times 12 \\div 2 \\le \\sqrt{16} \\)')).toBe('3/4 × 12 ÷ 2 ≤ √(16)');
    expect(plainText('\\( \\frac{x+1}{2} \\) and \\( \\left( 2^{3} \\right) \\)')).toBe('(x+1)/2 and ( 2^3 )');
    expect(plainText('See ![a bar chart of sales](chart.png) and **bold** _italic_ 3 + ___ = 5')).toBe('See [a bar chart of sales] and bold italic 3 + ___ = 5');
    expect(plainText('\\( \\text{cm}^2 \\)')).toBe('cm^2');
  });

  it('cuts a long question at a word and marks the cut', () => {
    const t = itemTitle(snail, 40);
    expect(t).toBe('A snail crawls 1/2 meter in 1/4 hour. At…');
    expect(itemTitle(printer)).toBe('Pages per minute?');
  });
});

describe('responses in words', () => {
  it('names choices by letter and text, typed answers with their unit, and nothing for no answer', () => {
    expect(responseText(snail, single('c'))).toBe('C. 1/2 meter');
    expect(responseText(snail, single(null))).toBe('');
    expect(responseText(rates, { type: 'multiple', choices: ['a', 'b'] })).toBe('A. 4 to 6; B. 3 to 2');
    expect(responseText(printer, { type: 'numeric', text: ' 30 ' })).toBe('30 pages');
    expect(responseText(printer, null)).toBe('');
    expect(correctAnswerText(snail)).toBe('B. 2 meters');
    expect(correctAnswerText(printer)).toBe('30 pages');
  });

  it('names the misconception of each wrong choice picked, and none for the key', () => {
    expect(misconceptionsOf(snail, single('a'))).toEqual(['Multiplied the distance by the time instead of dividing.']);
    expect(misconceptionsOf(snail, single('b'))).toEqual([]);
    expect(misconceptionsOf(snail, single('d'))).toEqual([]); // no rationale written for d
    expect(misconceptionsOf(rates, { type: 'multiple', choices: ['a', 'b'] })).toEqual(['Flipped the ratio.']);
  });
});

describe('item analysis', () => {
  const items = [{ item: printer, position: 3, standard: '7.RP.A.2' }, { item: snail, position: 1, standard: '7.RP.A.1' }, { item: rates, position: 2, standard: '7.RP.A.1' }];

  it('counts percent correct over every student who had the item, and how often each choice was picked', () => {
    const sittings = [
      [r(snail, single('b'), true), r(rates, { type: 'multiple', choices: ['a', 'c'] }, true), r(printer, { type: 'numeric', text: '30' }, true)],
      [r(snail, single('a'), false), r(rates, { type: 'multiple', choices: ['a', 'b'] }, false), r(printer, { type: 'numeric', text: '7.5' }, false)],
      [r(snail, single('a'), false), r(rates, { type: 'multiple', choices: [] }, false), r(printer, { type: 'numeric', text: '7.5' }, false)],
      [r(snail, null, false), r(printer, { type: 'numeric', text: '60' }, false)],
    ];
    const [s, m, p] = analyseItems(items, sittings);
    expect(s).toMatchObject({ itemId: 'snail', position: 1, standard: '7.RP.A.1', students: 4, answered: 3, omitted: 1, correct: 1, percentCorrect: 25, meanScorePercent: 25 });
    expect(s!.choices).toEqual([
      { id: 'a', label: 'A. 1/8 meter', isKey: false, chosen: 2, percent: 66.7, misconception: 'Multiplied the distance by the time instead of dividing.' },
      { id: 'b', label: 'B. 2 meters', isKey: true, chosen: 1, percent: 33.3, misconception: null },
      { id: 'c', label: 'C. 1/2 meter', isKey: false, chosen: 0, percent: 0, misconception: 'Divided time by distance.' },
      { id: 'd', label: 'D. 3/4 meter', isKey: false, chosen: 0, percent: 0, misconception: null },
    ]);
    expect(m).toMatchObject({ itemId: 'rates', students: 3, answered: 2, omitted: 1, correct: 1, percentCorrect: 33.3 });
    expect(m!.choices!.map((c) => c.chosen)).toEqual([2, 1, 1]);
    expect(p).toMatchObject({ itemId: 'printer', students: 4, correct: 1, percentCorrect: 25, commonWrongAnswers: [{ answer: '7.5 pages', count: 2 }, { answer: '60 pages', count: 1 }] });
    expect(p!.choices).toBeUndefined();
  });

  it('counts partial credit in the mean score but not as correct', () => {
    const [, m] = analyseItems(items, [[{ ...r(rates, { type: 'multiple', choices: ['a'] }, false), score: 0.5 }]]);
    expect(m).toMatchObject({ correct: 0, percentCorrect: 0, meanScorePercent: 50 });
  });

  it('shows an item nobody has answered yet without inventing a percentage', () => {
    const [s] = analyseItems(items, []);
    expect(s).toMatchObject({ students: 0, percentCorrect: null, meanScorePercent: null });
    expect(s!.choices![0]!.percent).toBeNull();
  });
});

describe('item analysis of an adaptive test', () => {
  // Worked by hand. Each student got the items routed to them, at positions of their own:
  //   student 1 (strong): snail ✓ (b), rates ✓ (a, c), printer ✓ (30)
  //   student 2 (weak):   snail ✗ (a), easy — given, left blank; never reached rates or printer
  //   student 3:          snail ✓ (b), rates ✗ (b), printer ✗ (25)
  // So: easy 0 of 1 (1 omitted), snail 2 of 3, rates 1 of 2, printer 1 of 2 — 8 items given in all.
  const easy = ItemSchema.parse({
    id: 'easy', standards: ['7.RP.A.1'], difficulty: -2.5, stem: 'Which is a ratio?',
    interaction: { type: 'single', choices: [{ id: 'a', content: '3 to 4' }, { id: 'b', content: '7' }], key: { correct: 'a' } },
    feedback: { explanation: 'Two quantities.', choices: { b: 'A single number is not a ratio.' } },
  });
  const numeric = (text: string): ResponseValue => ({ type: 'numeric', text });
  const given = [
    [{ item: snail, value: single('b'), ok: true }, { item: rates, value: { type: 'multiple', choices: ['a', 'c'] } as ResponseValue, ok: true }, { item: printer, value: numeric('30'), ok: true }],
    [{ item: snail, value: single('a'), ok: false }, { item: easy, value: null, ok: false }],
    [{ item: snail, value: single('b'), ok: true }, { item: rates, value: { type: 'multiple', choices: ['b'] } as ResponseValue, ok: false }, { item: printer, value: numeric('25'), ok: false }],
  ];
  const items = adaptiveAnalysisItems(given.flat().map((g) => ({ item: g.item, standard: g.item.standards[0]! })), ['7.RP.A.1', '7.RP.A.2']);
  const stats = analyseItems(items, given.map((sitting) => sitting.map((g) => r(g.item, g.value, g.ok))));

  it('lists each item given to some student once, by standard and easiest first, numbered in that order', () => {
    expect(items.map((i) => [i.position, i.item.id, i.standard])).toEqual([[1, 'easy', '7.RP.A.1'], [2, 'snail', '7.RP.A.1'], [3, 'rates', '7.RP.A.1'], [4, 'printer', '7.RP.A.2']]);
  });

  it('counts each item over the students who were given it, so a weak student is not "not answered" on a hard item', () => {
    expect(stats.map((s) => [s.itemId, s.students, s.answered, s.omitted, s.correct, s.percentCorrect])).toEqual([
      ['easy', 1, 0, 1, 0, 0],
      ['snail', 3, 3, 0, 2, 66.7],
      ['rates', 2, 2, 0, 1, 50],
      ['printer', 2, 2, 0, 1, 50],
    ]);
    expect(stats.reduce((n, s) => n + s.students, 0)).toBe(8);
  });

  it('gives choice shares over the students who answered that item', () => {
    expect(stats[1]!.choices!.map((c) => [c.id, c.chosen, c.percent])).toEqual([['a', 1, 33.3], ['b', 2, 66.7], ['c', 0, 0], ['d', 0, 0]]);
    expect(stats[2]!.choices!.map((c) => [c.id, c.chosen, c.percent])).toEqual([['a', 1, 50], ['b', 1, 50], ['c', 1, 50]]);
    expect(stats[3]!.commonWrongAnswers).toEqual([{ answer: '25 pages', count: 1 }]);
  });

  it('puts a standard outside the blueprint after the blueprint\'s standards', () => {
    const out = adaptiveAnalysisItems([{ item: printer, standard: '9.X.1' }, { item: snail, standard: '7.RP.A.1' }], ['7.RP.A.1']);
    expect(out.map((i) => i.item.id)).toEqual(['snail', 'printer']);
  });
});
