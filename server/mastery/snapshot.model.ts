// MasterySnapshot: one course's students × standards mastery cells in one document, keyed by a derived _id, so the
// teacher's map and the district roll-up read one small document per course instead of filtering the estimates
// (which FerretDB answers by decoding the whole collection). A copy: snapshot.ts rebuilds it from the estimates.
import mongoose, { Schema, type InferSchemaType } from 'mongoose';

const studentRowSchema = new Schema({
  personId: { type: Schema.Types.ObjectId, required: true },
  // The student's cells as compact JSON (snapshot.ts, encodeRow): one string decodes far faster on FerretDB than
  // thousands of small sub-documents, and a row is only ever read or written whole.
  cells: { type: String, required: true },
}, { _id: false });

const masterySnapshotSchema = new Schema({
  // snapshotKey(tenant, course): read and written by _id only.
  _id: { type: String, required: true },
  tenantId: { type: Schema.Types.ObjectId, required: true },
  courseId: { type: Schema.Types.ObjectId, required: true },
  /** The cell encoding; a snapshot in another format is rebuilt on read. */
  format: { type: Number, required: true },
  students: { type: [studentRowSchema], default: [] },
  // Bumped by every write: a write only lands on the revision it read.
  rev: { type: Number, required: true, default: 0 },
  builtAt: { type: Date, required: true },
  updatedAt: { type: Date, required: true },
}, { minimize: false, versionKey: false });
masterySnapshotSchema.index({ tenantId: 1, courseId: 1 });

export type MasterySnapshotDoc = InferSchemaType<typeof masterySnapshotSchema> & { _id: string };

export const MasterySnapshotModel = mongoose.model('MasterySnapshot', masterySnapshotSchema, 'mastery_snapshots');

export const snapshotKey = (tenantId: string, courseId: string) => ['snapshot', tenantId, courseId].map(encodeURIComponent).join(':');
