// How an assessment's adaptive settings become the multistage core's inputs (mst.ts): blueprint rows with their
// minimum and maximum items, routing bounds, and the item difficulties a plan is built with. Pure, except
// `planDifficulties`, the one place delivery asks which difficulty an item routes with.
import type { AssessmentSettings } from '../content/content.types.js';
import type { BlueprintEntry, FormItem } from '../content/forms.js';
import type { Item } from '../content/item.schema.js';
import { calibratedVersionDifficulties } from './calibration.service.js';
import { buildModules, type AdaptiveBlueprintEntry, type BankItem, type ModulePlan, type RoutingRules } from './mst.js';

export function adaptiveBlueprintRow(b: BlueprintEntry, settings: AssessmentSettings): AdaptiveBlueprintEntry {
  const a = settings.adaptive;
  const max = a?.maxItemsPerStandard ?? null;
  // A minimum above the maximum would make the plan unbuildable; the maximum wins (it is what the author capped).
  const min = a?.minItemsPerStandard ?? null;
  return {
    standard: b.standard, items: b.items,
    ...(max !== null ? { maxItems: max } : {}),
    ...(min !== null ? { minItems: max !== null ? Math.min(min, max) : min } : {}),
  };
}

export function adaptiveRules(settings: AssessmentSettings): Partial<RoutingRules> {
  const a = settings.adaptive;
  return a ? { upper: a.upper, lower: a.lower } : {};
}

/**
 * Item difficulties (logits) a new plan routes with, and a fixed form is put on the scale with: the district's
 * latest calibration for that exact item version (server/adaptive/calibration.service.ts), else the author's value.
 * A plan keeps the values it was built with, and a scored attempt keeps its result, so a later calibration changes
 * neither.
 */
export async function planDifficulties(tenantId: string, items: readonly Item[]): Promise<Map<string, number>> {
  const frameworks = [...new Set(items.map((it) => it.framework))];
  const calibrated = new Map<string, number>();
  for (const f of frameworks) for (const [k, v] of await calibratedVersionDifficulties(tenantId, f)) calibrated.set(k, v);
  return new Map(items.map((it) => {
    const key = `${it.id}@${it.version}`;
    return [key, calibrated.get(key) ?? it.difficulty];
  }));
}

/** The module plan for one attempt, from the assessment's pinned pool and the difficulties of the moment. */
export function planFor(pool: readonly FormItem[], blueprint: readonly BlueprintEntry[], settings: AssessmentSettings, difficulty: Map<string, number>): ModulePlan {
  const bank: BankItem[] = pool.map((p) => ({ id: p.id, version: p.version, standards: [p.standard], difficulty: difficulty.get(`${p.id}@${p.version}`) ?? 0 }));
  return buildModules(bank, blueprint.map((b) => adaptiveBlueprintRow(b, settings)), { rules: adaptiveRules(settings) });
}
