// The gradebook settings of one activity as its teacher sees them: the per-standard mastery columns
// (the teacher's choice) and whether the LMS gets progress reports (the administrator's, shown only).
import mongoose from 'mongoose';
import type { LaunchContext } from '../auth/session.js';
import { NotFound } from '../http/problem.js';
import { getPlacementGradeSettings, setStandardLineItems } from '../placements/placement-grade-settings.js';
import { platformProgressScores } from './progress.js';

export interface GradeSettingsView {
  /** One extra gradebook column per standard, holding each student's mastery level (1–4). */
  standardLineItems: boolean;
  /** The LMS is told when a student starts and is working (set by the district administrator). */
  progressScores: boolean;
}

const notHere = () => new NotFound('No such activity in this course.');

async function view(ctx: LaunchContext, standardLineItems: boolean): Promise<GradeSettingsView> {
  const { progressScores } = await platformProgressScores(ctx.platformId).catch(() => ({ progressScores: false }));
  return { standardLineItems, progressScores };
}

export async function getGradeSettings(ctx: LaunchContext, placementId: string): Promise<GradeSettingsView> {
  const s = mongoose.isValidObjectId(placementId) ? await getPlacementGradeSettings(ctx.tenantId, ctx.courseId, placementId) : null;
  if (!s) throw notHere();
  return view(ctx, s.standardLineItems);
}

/** Turning the columns off stops new mastery scores; columns already in the LMS stay (the LMS's to delete). */
export async function updateGradeSettings(ctx: LaunchContext, placementId: string, change: { standardLineItems: boolean }): Promise<GradeSettingsView> {
  const s = mongoose.isValidObjectId(placementId) ? await setStandardLineItems(ctx.tenantId, ctx.courseId, placementId, change.standardLineItems) : null;
  if (!s) throw notHere();
  return view(ctx, s.standardLineItems);
}
