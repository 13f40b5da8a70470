// Finds or records the placement behind a resource link launch.
import { PlacementModel } from './placement.model.js';

export interface PlacementInput { tenantId: string; courseId: string; resourceLinkId: string; title?: string; assessmentId?: string; lineItemUrl?: string }

export async function upsertPlacement(p: PlacementInput): Promise<{ id: string; title: string; assessmentId?: string }> {
  const set: Record<string, unknown> = {};
  if (p.title !== undefined) set.title = p.title;
  if (p.lineItemUrl !== undefined) set.lineItemUrl = p.lineItemUrl;
  const doc = await PlacementModel.findOneAndUpdate(
    { tenantId: p.tenantId, resourceLinkId: p.resourceLinkId },
    { $set: set, $setOnInsert: { tenantId: p.tenantId, courseId: p.courseId, resourceLinkId: p.resourceLinkId, ...(p.assessmentId ? { assessmentId: p.assessmentId } : {}) } },
    { upsert: true, new: true },
  ).lean();
  return { id: String(doc!._id), title: doc!.title ?? '', assessmentId: doc!.assessmentId ?? undefined };
}

export async function getPlacement(tenantId: string, placementId: string) {
  return PlacementModel.findOne({ _id: placementId, tenantId }).lean();
}
