// Stored calibrations: one CalibrationRun per tenant, framework and run (kept as history), and one
// CalibrationLatest per tenant and framework pointing at the newest run with its difficulties, read by _id
// (the one filter FerretDB hands to SQLite instead of decoding every document) when adaptive delivery needs them. No student ids are stored here.
// Only calibration.service.ts reads and writes these.
import mongoose, { Schema, type InferSchemaType } from 'mongoose';

const flagSchema = new Schema({
  code: { type: String, required: true },
  message: { type: String, required: true },
  choiceId: { type: String },
}, { _id: false });

const distractorSchema = new Schema({
  choiceId: { type: String, required: true },
  correct: { type: Boolean, required: true },
  strongShare: { type: Number, required: true },
  weakShare: { type: Number, required: true },
}, { _id: false });

const calibratedItemSchema = new Schema({
  itemId: { type: String, required: true },
  version: { type: Number, required: true },
  // What a teacher recognises the item by, as it was when calibrated.
  title: { type: String, default: '' },
  standards: { type: [String], default: [] },
  type: { type: String, required: true },
  starter: { type: Boolean, required: true },
  authorDifficulty: { type: Number, required: true },
  difficulty: { type: Number, required: true },
  se: { type: Number, required: true },
  n: { type: Number, required: true },
  infit: { type: Number, default: null },
  outfit: { type: Number, default: null },
  fitJudged: { type: Boolean, required: true },
  flags: { type: [flagSchema], default: [] },
  distractors: { type: [distractorSchema], default: undefined },
}, { _id: false });

const calibrationRunSchema = new Schema({
  tenantId: { type: Schema.Types.ObjectId, required: true },
  framework: { type: String, required: true },
  createdAt: { type: Date, required: true },
  // 'command' (growthline bank calibrate) or 'staff' (the Recalculate button).
  trigger: { type: String, enum: ['command', 'staff'], required: true },
  // Which submitted attempts it was computed from (see calibration.service.ts): a new run with the same data is not stored.
  dataHash: { type: String, required: true },
  summary: {
    sittings: { type: Number, required: true },
    responses: { type: Number, required: true },
    items: { type: Number, required: true },
    flagged: { type: Number, required: true },
    iterations: { type: Number, required: true },
    converged: { type: Boolean, required: true },
    anchorMean: { type: Number, required: true },
    populationMean: { type: Number, required: true },
    populationSd: { type: Number, required: true },
  },
  items: { type: [calibratedItemSchema], default: [] },
}, { minimize: false });
calibrationRunSchema.index({ tenantId: 1, framework: 1, createdAt: -1 });

const calibrationLatestSchema = new Schema({
  // latestKey(tenantId, framework)
  _id: { type: String, required: true },
  tenantId: { type: Schema.Types.ObjectId, required: true },
  framework: { type: String, required: true },
  runId: { type: Schema.Types.ObjectId, required: true },
  createdAt: { type: Date, required: true },
  dataHash: { type: String, required: true },
  difficulties: { type: [{ _id: false, itemId: String, version: Number, difficulty: Number }], default: [] },
}, { minimize: false });
calibrationLatestSchema.index({ tenantId: 1 });

export type CalibrationRunDoc = InferSchemaType<typeof calibrationRunSchema> & { _id: mongoose.Types.ObjectId };
export type CalibrationLatestDoc = InferSchemaType<typeof calibrationLatestSchema>;

export const CalibrationRunModel = mongoose.model('CalibrationRun', calibrationRunSchema, 'calibrations');
export const CalibrationLatestModel = mongoose.model('CalibrationLatest', calibrationLatestSchema, 'calibration_latest');

export const latestKey = (tenantId: string, framework: string) => [tenantId, framework].map(encodeURIComponent).join(':');
