// Stored standards, item versions and assessments. Only content.service.ts and seed.ts use these;
// other domains call the service. tenantId null = the shipped starter content (global, read-only).
// Items are stored one document per version, never updated in place except for the `latest` flag,
// so any version an attempt pinned stays readable forever.
import mongoose, { Schema, type InferSchemaType } from 'mongoose';

const standardSchema = new Schema({
  tenantId: { type: Schema.Types.ObjectId, default: null },
  framework: { type: String, required: true },
  code: { type: String, required: true },
  caseId: { type: String },
  grade: { type: String, required: true },
  description: { type: String, required: true },
  parent: { type: String },
  kind: { type: String, enum: ['domain', 'cluster', 'standard'], required: true },
  updatedAt: { type: Date, default: () => new Date() },
});
standardSchema.index({ tenantId: 1, framework: 1, code: 1 }, { unique: true });
standardSchema.index({ tenantId: 1, grade: 1 });

const itemSchema = new Schema(
  {
    tenantId: { type: Schema.Types.ObjectId, default: null },
    // The course that wrote the item; visible to the whole tenant when `shared`.
    courseId: { type: Schema.Types.ObjectId, default: null },
    shared: { type: Boolean, default: false },
    itemId: { type: String, required: true },
    version: { type: Number, required: true },
    // Set on the newest version only (cleared on older ones right after a new version is written).
    latest: { type: Boolean, required: true },
    framework: { type: String, required: true },
    standards: { type: [String], required: true },
    grades: { type: [String], default: [] }, // from the standards, so items can be filtered by grade
    type: { type: String, required: true },
    difficulty: { type: Number, required: true },
    stem: { type: String, required: true },
    interaction: { type: Schema.Types.Mixed, required: true },
    feedback: { type: Schema.Types.Mixed, required: true },
    contentHash: { type: String, required: true },
    createdBy: { type: Schema.Types.ObjectId, default: null },
    createdAt: { type: Date, default: () => new Date() },
  },
  { minimize: false },
);
itemSchema.index({ itemId: 1, version: 1 }, { unique: true });
itemSchema.index({ tenantId: 1, latest: 1, standards: 1 });
itemSchema.index({ tenantId: 1, latest: 1, grades: 1 });

const formSchema = new Schema(
  { id: { type: String, required: true }, items: [{ _id: false, id: String, version: Number, standard: String }] },
  { _id: false },
);

const assessmentSchema = new Schema(
  {
    _id: { type: String, required: true },
    tenantId: { type: Schema.Types.ObjectId, default: null },
    courseId: { type: Schema.Types.ObjectId, default: null },
    shared: { type: Boolean, default: false },
    title: { type: String, required: true },
    grade: { type: String, required: true },
    kind: { type: String, enum: ['diagnostic', 'pre', 'post'], required: true },
    pairedWith: { type: String },
    blueprint: [{ _id: false, standard: String, items: Number }],
    standards: { type: [String], default: [] },
    settings: {
      attemptsAllowed: { type: Number, default: 1 },
      timeLimitMinutes: { type: Number, default: null },
      showCorrectAnswers: { type: Boolean, default: false },
      mode: { type: String, enum: ['fixed', 'adaptive'], default: 'fixed' },
      adaptive: { type: { _id: false, upper: Number, lower: Number, maxItemsPerStandard: Number, minItemsPerStandard: Number }, default: undefined },
    },
    forms: { type: [formSchema], default: [] },
    // Adaptive assessments: the items their module plans may use (see content.types.ts AssessmentDetail).
    adaptivePool: { type: [{ _id: false, id: String, version: Number, standard: String }], default: undefined },
    difficulty: [{ _id: false, standard: String, meanByForm: [Number], maxGap: Number }],
    itemCount: { type: Number, required: true },
    source: { type: String, enum: ['ready-made', 'blueprint', 'import'], required: true },
    contentHash: { type: String },
    createdBy: { type: Schema.Types.ObjectId, default: null },
    createdAt: { type: Date, default: () => new Date() },
  },
  { minimize: false },
);
assessmentSchema.index({ tenantId: 1, grade: 1 });
assessmentSchema.index({ tenantId: 1, standards: 1 });

// What the starter content in the database was loaded from, so a start with unchanged files is one read.
const contentSeedSchema = new Schema({
  _id: { type: String, required: true },
  hash: { type: String, required: true },
  loadedAt: { type: Date, default: () => new Date() },
});

export type StandardDoc = InferSchemaType<typeof standardSchema> & { _id: mongoose.Types.ObjectId };
export type ItemDoc = InferSchemaType<typeof itemSchema> & { _id: mongoose.Types.ObjectId };
export type AssessmentDoc = InferSchemaType<typeof assessmentSchema>;

export const StandardModel = mongoose.model('Standard', standardSchema, 'standards');
export const ItemModel = mongoose.model('Item', itemSchema, 'items');
export const AssessmentModel = mongoose.model('Assessment', assessmentSchema, 'assessments');
export const ContentSeedModel = mongoose.model('ContentSeed', contentSeedSchema, 'content_seeds');
