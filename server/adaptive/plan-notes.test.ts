import { describe, expect, it } from 'vitest';
import { buildModules, type BankItem } from './mst.js';
import { planNotes } from './plan-notes.js';

const items = (standard: string, difficulties: number[]): BankItem[] =>
  difficulties.map((difficulty, i) => ({ id: `${standard}-${i}`, version: 1, standards: [standard], difficulty }));

describe('plan notes an author sees when saving an adaptive assessment', () => {
  it('names the standard whose bank is too small for two parallel routing modules', () => {
    const plan = buildModules([...items('A', [0]), ...items('B', [-1, -0.2, 0.1, 1])], [{ standard: 'A', items: 1 }, { standard: 'B', items: 1 }]);
    expect(planNotes(plan.notes)).toEqual([
      { kind: 'few-routing-modules', standard: 'A', count: 1, wanted: 2, message: plan.notes[0] },
    ]);
  });

  it('counts the items a level band leaves out, with the module size', () => {
    const plan = buildModules(items('7.RP.A.1', [-2, -1, -0.1, 0.1, 1, 1.5, 2]), [{ standard: '7.RP.A.1', items: 3 }], { moduleItems: 2 });
    const notes = planNotes(plan.notes);
    expect(notes).toEqual([{ kind: 'items-left-out', standard: '7.RP.A.1', count: 1, moduleItems: 2, message: plan.notes[0] }]);
  });

  it('keeps a note it does not recognise, in the core\'s words, rather than dropping it', () => {
    expect(planNotes(['8.EE.A.1: something new'])).toEqual([{ kind: 'other', standard: '8.EE.A.1', message: '8.EE.A.1: something new' }]);
    expect(planNotes(['no standard here'])).toEqual([{ kind: 'other', standard: null, message: 'no standard here' }]);
  });

  it('has nothing to say about a bank that fills every module', () => {
    expect(planNotes(buildModules(items('A', [-1, -0.2, 0.2, 1]), [{ standard: 'A', items: 2 }]).notes)).toEqual([]);
  });
});
