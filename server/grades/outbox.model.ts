// The grade outbox: one document per (tenant, placement, student) holding the newest score that must
// reach the LMS gradebook, and how delivery is going — plus, when the teacher asked for mastery columns,
// one per standard. A newer attempt replaces the score in place, so a student never gets two gradebook
// entries for one column. GradeColumn (StandardColumn) remembers the line item Growthline found or
// created for a placement whose launch named none (for a standard of a placement).
import mongoose, { Schema, type InferSchemaType } from 'mongoose';

export const OUTBOX_STATUSES = ['pending', 'sending', 'sent', 'failed'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

/** "No lease": claims compare leaseUntil with now, so the epoch is always claimable. */
export const NO_LEASE = new Date(0);

const gradeOutboxSchema = new Schema({
  // outboxKey(tenant, placement, person): per-student reads and writes go by _id, the cheapest lookup on
  // every engine (FerretDB's SQLite backend decodes the whole collection in Go for any other filter).
  _id: { type: String, required: true },
  tenantId: { type: Schema.Types.ObjectId, required: true },
  // Concurrency is bounded per LMS platform, and several tenants (deployments) share a platform.
  platformId: { type: String, required: true },
  courseId: { type: Schema.Types.ObjectId, required: true },
  placementId: { type: Schema.Types.ObjectId, required: true },
  personId: { type: Schema.Types.ObjectId, required: true },
  // The LMS's user id (the launch's sub), AGS's userId. An id, not a name.
  lmsUserId: { type: String, required: true },
  attemptId: { type: String, required: true },
  // Null on a progress report (Started/InProgress): AGS then carries no score.
  scoreGiven: { type: Number, default: null },
  scoreMaximum: { type: Number, default: null },
  // The standard code of a per-standard mastery score; null for the activity's own score.
  standard: { type: String, default: null },
  // The attempt's submission time: AGS orders scores by it, and so do we (newer replaces older).
  timestamp: { type: Date, required: true },
  activityProgress: { type: String, required: true },
  gradingProgress: { type: String, required: true },
  comment: { type: String, default: '' },
  status: { type: String, enum: OUTBOX_STATUSES, required: true },
  // Bumped by every new score or resend: a send finishing for an older revision must not mark the newer one sent.
  rev: { type: Number, required: true, default: 0 },
  tries: { type: Number, required: true, default: 0 },
  nextTryAt: { type: Date, required: true },
  leaseUntil: { type: Date, required: true, default: NO_LEASE },
  leaseOwner: { type: String, default: null },
  lastError: { type: String, default: null },
  lastStatus: { type: Number, default: null },
  sentAt: { type: Date, default: null },
  createdAt: { type: Date, required: true, default: () => new Date() },
  updatedAt: { type: Date, required: true, default: () => new Date() },
});
// With standard: a student has one activity record and one per standard. (Replaces a unique index on the
// first three fields alone, which dropLegacyOutboxIndex removes from databases made before.)
gradeOutboxSchema.index({ tenantId: 1, placementId: 1, personId: 1, standard: 1 }, { unique: true });
// The worker's claim: due work, oldest first.
gradeOutboxSchema.index({ status: 1, nextTryAt: 1 });
gradeOutboxSchema.index({ leaseOwner: 1 });

export type GradeOutboxDoc = InferSchemaType<typeof gradeOutboxSchema> & { _id: string };

/** The one outbox record of a student in an activity (or for one standard of it). */
export function outboxKey(tenantId: string, placementId: string, personId: string, standard?: string | null): string {
  return standard ? `${tenantId}:${placementId}:${personId}:std:${standard}` : `${tenantId}:${placementId}:${personId}`;
}

/** The index the outbox had before per-standard records; it would refuse a second record per student. */
export const LEGACY_OUTBOX_INDEX = 'tenantId_1_placementId_1_personId_1';
export const GradeOutboxModel = mongoose.model('GradeOutbox', gradeOutboxSchema, 'grade_outbox');

const gradeColumnSchema = new Schema({
  tenantId: { type: Schema.Types.ObjectId, required: true },
  placementId: { type: Schema.Types.ObjectId, required: true },
  lineItemUrl: { type: String, default: null },
  // Only one process at a time looks for or creates the column, so two students' scores cannot create two.
  lockUntil: { type: Date, required: true, default: NO_LEASE },
  lockOwner: { type: String, default: null },
  updatedAt: { type: Date, required: true, default: () => new Date() },
});
gradeColumnSchema.index({ tenantId: 1, placementId: 1 }, { unique: true });

export type GradeColumnDoc = InferSchemaType<typeof gradeColumnSchema> & { _id: mongoose.Types.ObjectId };
export const GradeColumnModel = mongoose.model('GradeColumn', gradeColumnSchema, 'grade_columns');

// The mastery column of one standard in one activity (teacher opt-in), found or created once for all students.
const standardColumnSchema = new Schema({
  tenantId: { type: Schema.Types.ObjectId, required: true },
  placementId: { type: Schema.Types.ObjectId, required: true },
  standard: { type: String, required: true },
  lineItemUrl: { type: String, default: null },
  lockUntil: { type: Date, required: true, default: NO_LEASE },
  lockOwner: { type: String, default: null },
  updatedAt: { type: Date, required: true, default: () => new Date() },
});
standardColumnSchema.index({ tenantId: 1, placementId: 1, standard: 1 }, { unique: true });
export const StandardColumnModel = mongoose.model('StandardColumn', standardColumnSchema, 'grade_standard_columns');

// Progress reports: when the student last opened an attempt (start or resume). The first saved answer after
// each opening reports InProgress once; _id = `${tenantId}:${attemptId}`, so every read is by _id.
const gradeProgressSchema = new Schema({
  _id: { type: String, required: true },
  tenantId: { type: Schema.Types.ObjectId, required: true },
  placementId: { type: Schema.Types.ObjectId, required: true },
  personId: { type: Schema.Types.ObjectId, required: true },
  attemptId: { type: String, required: true },
  openedAt: { type: Date, required: true },
});
gradeProgressSchema.index({ tenantId: 1, placementId: 1 });
export const GradeProgressModel = mongoose.model('GradeProgress', gradeProgressSchema, 'grade_progress');

// An administrator's per-LMS grade settings; _id = the platform id. Absent = the product family's defaults.
const gradePlatformSettingsSchema = new Schema({
  _id: { type: String, required: true },
  progressScores: { type: Boolean, default: null },
  updatedAt: { type: Date, required: true, default: () => new Date() },
});
export const GradePlatformSettingsModel = mongoose.model('GradePlatformSettings', gradePlatformSettingsSchema, 'grade_platform_settings');
