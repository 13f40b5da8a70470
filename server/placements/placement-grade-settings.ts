// A placement's gradebook settings that a teacher chooses: whether the LMS gradebook gets one extra
// column per standard with each student's mastery. Kept apart from placement.service.ts, which owns
// finding and locking placements; grade passback reads the setting at each submission.
import { PlacementModel } from './placement.model.js';

export interface PlacementGradeSettings { standardLineItems: boolean }

/** The placement's settings, only when it belongs to this course of this tenant; null otherwise. */
export async function getPlacementGradeSettings(tenantId: string, courseId: string, placementId: string): Promise<PlacementGradeSettings | null> {
  // By _id (the one filter FerretDB hands to SQLite instead of decoding every document); tenant and course are checked here.
  const p = await PlacementModel.findOne({ _id: placementId }, { tenantId: 1, courseId: 1, standardLineItems: 1 }).lean();
  if (!p || String(p.tenantId) !== tenantId || String(p.courseId) !== courseId) return null;
  return { standardLineItems: !!p.standardLineItems };
}

/** Turns the per-standard columns on or off; null when the placement is not this course's. */
export async function setStandardLineItems(tenantId: string, courseId: string, placementId: string, on: boolean): Promise<PlacementGradeSettings | null> {
  const p = await PlacementModel.findOneAndUpdate({ _id: placementId, tenantId, courseId }, { $set: { standardLineItems: on } }, { new: true }).lean();
  return p ? { standardLineItems: !!p.standardLineItems } : null;
}
