import { describe, expect, it } from 'vitest';
import type { AssessmentSettings } from '../content/content.types.js';
import { adaptiveBlueprintRow, adaptiveRules, planFor } from './adaptive-plan.js';
import { MST_DEFAULTS } from './mst.js';

const base: AssessmentSettings = { attemptsAllowed: 1, timeLimitMinutes: null, showCorrectAnswers: false, mode: 'adaptive' };
const adaptive = (a: Partial<NonNullable<AssessmentSettings['adaptive']>>): AssessmentSettings => ({
  ...base, adaptive: { upper: 0.8, lower: 0.2, maxItemsPerStandard: null, minItemsPerStandard: null, ...a },
});

describe('adaptive settings as the multistage core reads them', () => {
  it('leaves the core its defaults when the author set no limits', () => {
    expect(adaptiveBlueprintRow({ standard: 'S', items: 3 }, base)).toEqual({ standard: 'S', items: 3 });
    expect(adaptiveRules(base)).toEqual({});
  });

  it('passes the author\'s bounds and limits, and never asks for more items than the cap allows', () => {
    expect(adaptiveRules(adaptive({}))).toEqual({ upper: 0.8, lower: 0.2 });
    expect(adaptiveBlueprintRow({ standard: 'S', items: 3 }, adaptive({ minItemsPerStandard: 2, maxItemsPerStandard: 4 }))).toEqual({ standard: 'S', items: 3, minItems: 2, maxItems: 4 });
    expect(adaptiveBlueprintRow({ standard: 'S', items: 3 }, adaptive({ minItemsPerStandard: 5, maxItemsPerStandard: 3 }))).toMatchObject({ minItems: 3, maxItems: 3 });
  });

  it('builds a plan from a pool with the difficulties it is given, not the pool order', () => {
    const pool = ['a', 'b', 'c', 'd', 'e'].map((id) => ({ id, version: 1, standard: 'S' }));
    const difficulty = new Map([['a@1', 2], ['b@1', -2], ['c@1', 0.1], ['d@1', -0.5], ['e@1', 1]]);
    const plan = planFor(pool, [{ standard: 'S', items: 3 }], adaptive({ minItemsPerStandard: 2 }), difficulty);
    expect(plan.rules).toMatchObject({ upper: 0.8, lower: 0.2 });
    expect(plan.standards[0]).toMatchObject({ minItems: 2, maxItems: 3 + MST_DEFAULTS.extraItems });
    // Routing modules hold the items nearest the mastery cut (0), each with the difficulty it was given.
    const routing = plan.standards[0]!.routing.flatMap((id) => plan.modules[id]!.items.map((i) => [i.id, i.difficulty]));
    expect(routing.sort()).toEqual([['c', 0.1], ['d', -0.5]]);
  });
});
