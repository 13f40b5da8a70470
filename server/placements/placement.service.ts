// Finds or records the placement behind a resource link launch; locks its assessment once a student starts.
import mongoose from 'mongoose';
import { insertNew, keyedObjectId } from '../db/engine.js';
import { upsertRacing } from '../db/once.js';
import { PlacementModel } from './placement.model.js';

export interface PlacementInput { tenantId: string; courseId: string; resourceLinkId: string; title?: string; assessmentId?: string; lineItemUrl?: string }

export async function upsertPlacement(p: PlacementInput): Promise<{ id: string; title: string; assessmentId?: string }> {
  // Most launches open a placement that exists and has not changed: found by its derived _id, nothing is written.
  const _id = keyedObjectId('placement', p.tenantId, p.resourceLinkId);
  const seen = await PlacementModel.findOne({ _id }).lean();
  const same = seen && String(seen.tenantId) === p.tenantId && seen.resourceLinkId === p.resourceLinkId;
  if (same && (p.title === undefined || p.title === seen.title) && (p.lineItemUrl === undefined || p.lineItemUrl === seen.lineItemUrl)) {
    return { id: String(seen._id), title: seen.title ?? '', assessmentId: seen.assessmentId ?? undefined };
  }
  const set: Record<string, unknown> = {};
  if (p.title !== undefined) set.title = p.title;
  if (p.lineItemUrl !== undefined) set.lineItemUrl = p.lineItemUrl;
  if (!seen) {
    const made = await insertNew(() => PlacementModel.create({
      _id, tenantId: p.tenantId, courseId: p.courseId, resourceLinkId: p.resourceLinkId, ...set, ...(p.assessmentId ? { assessmentId: p.assessmentId } : {}),
    }));
    if (made) return { id: String(made._id), title: made.title ?? '', assessmentId: made.assessmentId ?? undefined };
  }
  // Placements recorded before ids were derived keep their ids: those are found by tenant and resource link.
  const doc = await upsertRacing(() => PlacementModel.findOneAndUpdate(
    same ? { _id } : { tenantId: p.tenantId, resourceLinkId: p.resourceLinkId },
    { $set: set, $setOnInsert: { _id, tenantId: p.tenantId, courseId: p.courseId, resourceLinkId: p.resourceLinkId, ...(p.assessmentId ? { assessmentId: p.assessmentId } : {}) } },
    { upsert: true, new: true },
  ).lean());
  return { id: String(doc!._id), title: doc!.title ?? '', assessmentId: doc!.assessmentId ?? undefined };
}

// Reads go by _id alone, the one filter FerretDB hands to SQLite (it decodes the whole collection for
// { _id, tenantId }); the tenant and course are compared here instead.
async function placementById(placementId: string) {
  return mongoose.isValidObjectId(placementId) ? PlacementModel.findOne({ _id: placementId }).lean() : null;
}

export async function getPlacement(tenantId: string, placementId: string) {
  const p = await placementById(placementId);
  return p && String(p.tenantId) === tenantId ? p : null;
}

/** The placement, only when it belongs to this course of this tenant (otherwise it does not exist for the caller). */
export async function getCoursePlacement(tenantId: string, courseId: string, placementId: string) {
  const p = await getPlacement(tenantId, placementId);
  return p && String(p.courseId) === courseId ? p : null;
}

/**
 * Records that a student has started and returns the placement as it was at that moment, in one atomic
 * step: the assessment a student starts is always the one a teacher can no longer change.
 */
export async function markStudentStarted(tenantId: string, placementId: string) {
  // Once locked, the assessment can no longer change: a plain read is as good as the update.
  const seen = await getPlacement(tenantId, placementId);
  if (!seen || seen.studentStartedAt) return seen;
  const first = await PlacementModel.findOneAndUpdate(
    { _id: placementId, tenantId, studentStartedAt: null },
    { $set: { studentStartedAt: new Date() } },
    { new: true },
  ).lean();
  return first ?? getPlacement(tenantId, placementId);
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
