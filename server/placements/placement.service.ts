// Finds or records the placement behind a resource link launch; locks its assessment once a student starts.
import { upsertRacing } from '../db/once.js';
import { PlacementModel } from './placement.model.js';

export interface PlacementInput { tenantId: string; courseId: string; resourceLinkId: string; title?: string; assessmentId?: string; lineItemUrl?: string }

export async function upsertPlacement(p: PlacementInput): Promise<{ id: string; title: string; assessmentId?: string }> {
  const set: Record<string, unknown> = {};
  if (p.title !== undefined) set.title = p.title;
  if (p.lineItemUrl !== undefined) set.lineItemUrl = p.lineItemUrl;
  const doc = await upsertRacing(() => PlacementModel.findOneAndUpdate(
    { tenantId: p.tenantId, resourceLinkId: p.resourceLinkId },
    { $set: set, $setOnInsert: { tenantId: p.tenantId, courseId: p.courseId, resourceLinkId: p.resourceLinkId, ...(p.assessmentId ? { assessmentId: p.assessmentId } : {}) } },
    { upsert: true, new: true },
  ).lean());
  return { id: String(doc!._id), title: doc!.title ?? '', assessmentId: doc!.assessmentId ?? undefined };
}

export async function getPlacement(tenantId: string, placementId: string) {
  return PlacementModel.findOne({ _id: placementId, tenantId }).lean();
}

/** The placement, only when it belongs to this course of this tenant (otherwise it does not exist for the caller). */
export async function getCoursePlacement(tenantId: string, courseId: string, placementId: string) {
  return PlacementModel.findOne({ _id: placementId, tenantId, courseId }).lean();
}

/**
 * Records that a student has started and returns the placement as it was at that moment, in one atomic
 * step: the assessment a student starts is always the one a teacher can no longer change.
 */
export async function markStudentStarted(tenantId: string, placementId: string) {
  const first = await PlacementModel.findOneAndUpdate(
    { _id: placementId, tenantId, studentStartedAt: null },
    { $set: { studentStartedAt: new Date() } },
    { new: true },
  ).lean();
  return first ?? PlacementModel.findOne({ _id: placementId, tenantId }).lean();
}

export type AssignResult = { ok: true; placement: { id: string; title: string; assessmentId: string } } | { ok: false; reason: 'not-found' | 'started' };

/** Points the placement at another assessment, only while no student has started it. */
export async function assignAssessment(tenantId: string, courseId: string, placementId: string, assessmentId: string): Promise<AssignResult> {
  const doc = await PlacementModel.findOneAndUpdate(
    { _id: placementId, tenantId, courseId, studentStartedAt: null },
    { $set: { assessmentId } },
    { new: true },
  ).lean();
  if (doc) return { ok: true, placement: { id: String(doc._id), title: doc.title ?? '', assessmentId } };
  const exists = await PlacementModel.exists({ _id: placementId, tenantId, courseId });
  return { ok: false, reason: exists ? 'started' : 'not-found' };
}
