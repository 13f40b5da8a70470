// A Placement is one LMS resource link: the activity a teacher added to a course. Later issues
// attach the assessment, its form and the gradebook line item to it; the assessment is locked once a
// student starts.
import mongoose, { Schema } from 'mongoose';

const placementSchema = new Schema({
  tenantId: { type: Schema.Types.ObjectId, required: true },
  courseId: { type: Schema.Types.ObjectId, required: true },
  resourceLinkId: { type: String, required: true },
  title: { type: String, default: '' },
  assessmentId: { type: String },
  lineItemUrl: { type: String },
  // Set, atomically with reading assessmentId, when the first student attempt starts: from then on the
  // assessment cannot change, so every student's attempt and the gradebook column measure the same test.
  studentStartedAt: { type: Date, default: null },
  // Teacher opt-in: one extra gradebook column per standard, holding each student's mastery level.
  standardLineItems: { type: Boolean, default: false },
  createdAt: { type: Date, default: () => new Date() },
});
placementSchema.index({ tenantId: 1, resourceLinkId: 1 }, { unique: true });
placementSchema.index({ tenantId: 1, courseId: 1 });

export const PlacementModel = mongoose.model('Placement', placementSchema, 'placements');
