// MasteryEstimate: one student's evidence and current estimate for one standard in one course. It keeps every
// counted attempt's per-standard evidence (item credit and difficulty), so the estimate can be recomputed with
// another model or calculation method, and the ids of those attempts, so counting an attempt twice is impossible.
// Only mastery.service.ts reads and writes it.
import mongoose, { Schema, type InferSchemaType } from 'mongoose';

const attemptEvidenceSchema = new Schema({
  attemptId: { type: String, required: true },
  placementId: { type: String, required: true },
  assessmentId: { type: String, required: true },
  kind: { type: String, enum: ['pre', 'post', 'diagnostic'], required: true },
  at: { type: Date, required: true },
  points: { type: Number, required: true },
  maxPoints: { type: Number, required: true },
  // c = credit in [0, 1], d = the item's difficulty (logits). Items without a known difficulty are left out here
  // but still count in points, which is what the student saw on the results page.
  items: { type: [{ _id: false, c: Number, d: Number }], default: [] },
}, { _id: false });

const masteryEstimateSchema = new Schema({
  // masteryKey(tenant, course, person, framework, code): reads and writes by _id, the lookup every engine indexes.
  _id: { type: String, required: true },
  tenantId: { type: Schema.Types.ObjectId, required: true },
  courseId: { type: Schema.Types.ObjectId, required: true },
  personId: { type: Schema.Types.ObjectId, required: true },
  framework: { type: String, required: true },
  code: { type: String, required: true },
  /** The model behind `state` and the estimate (e.g. "rasch-grid"). */
  model: { type: String, required: true },
  state: { type: Schema.Types.Mixed, required: true },
  pMastery: { type: Number, required: true },
  level: { type: String, enum: ['beginning', 'developing', 'proficient', 'mastered'], required: true },
  evidence: { type: Number, required: true },
  abilityMean: { type: Number, default: null },
  abilitySd: { type: Number, default: null },
  attempts: { type: [attemptEvidenceSchema], default: [] },
  appliedAttemptIds: { type: [String], default: [] },
  // Bumped by every write: an update only lands on the revision it was computed from.
  rev: { type: Number, required: true, default: 0 },
  updatedAt: { type: Date, required: true, default: () => new Date() },
}, { minimize: false });
masteryEstimateSchema.index({ tenantId: 1, courseId: 1, personId: 1, framework: 1, code: 1 }, { unique: true });
masteryEstimateSchema.index({ tenantId: 1, courseId: 1, code: 1 });
masteryEstimateSchema.index({ tenantId: 1, personId: 1 });

export type MasteryEstimateDoc = InferSchemaType<typeof masteryEstimateSchema> & { _id: string };

export const MasteryEstimateModel = mongoose.model('MasteryEstimate', masteryEstimateSchema, 'mastery_estimates');

/** The document id for one student × standard × course; readable, and unique because its parts are. */
export const masteryKey = (tenantId: string, courseId: string, personId: string, framework: string, code: string) =>
  [tenantId, courseId, personId, framework, code].map(encodeURIComponent).join(':');
