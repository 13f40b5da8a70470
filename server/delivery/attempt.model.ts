// An Attempt is one student's sitting of the assessment behind a placement: the pinned form and item
// versions, the answers as they were saved (newest sequence number wins), the clock, and, once
// submitted, the score and per-standard results. An Accommodation is a teacher's per-student setting
// for one placement (extended or unlimited time, read aloud).
import mongoose, { Schema, type InferSchemaType } from 'mongoose';

const pinnedItemSchema = new Schema({
  position: { type: Number, required: true },        // 1-based, the order on the form
  itemId: { type: String, required: true },
  version: { type: Number, required: true },
  standard: { type: String, required: true },        // the blueprint standard this item counts for
  // Enough of the item to check an answer's shape on every save without loading content: no keys.
  type: { type: String, required: true },
  choiceIds: { type: [String], default: undefined },
}, { _id: false });

const attemptSchema = new Schema({
  tenantId: { type: Schema.Types.ObjectId, required: true },
  courseId: { type: Schema.Types.ObjectId, required: true },
  placementId: { type: Schema.Types.ObjectId, required: true },
  personId: { type: Schema.Types.ObjectId, required: true },
  // Staff launching the placement take it as a student would, but the attempt is never graded or counted.
  preview: { type: Boolean, required: true },
  // 1, 2, … per student, placement and preview flag; unique, so two concurrent starts cannot both win.
  number: { type: Number, required: true },
  assessmentId: { type: String, required: true },
  assessmentTitle: { type: String, default: '' },
  formId: { type: String, required: true },
  items: { type: [pinnedItemSchema], required: true },
  // The assessment's settings as they were at the start: later edits do not change a running attempt.
  settings: {
    attemptsAllowed: { type: Number, default: null },
    timeLimitMinutes: { type: Number, default: null },
    showCorrectAnswers: { type: Boolean, default: false },
  },
  status: { type: String, enum: ['in-progress', 'submitted'], required: true },
  startedAt: { type: Date, required: true },
  // startedAt + limit × the student's multiplier; null = no limit. Kept current when an accommodation changes.
  deadline: { type: Date, default: null },
  // `p<position>` → { value, seq, savedAt }. Keys are not bare numbers so no engine reads them as array indexes.
  // On FerretDB an open attempt's newer answers are in the answer journal until it is submitted (answer-journal.ts).
  responses: { type: Schema.Types.Mixed, default: () => ({}) },
  flags: { type: [Number], default: [] },
  // Bumped by every write to responses or flags: submit only succeeds on the revision it scored (on FerretDB
  // saves go to the answer journal and submit runs in the attempt's queue instead).
  rev: { type: Number, default: 0 },
  submittedAt: { type: Date },
  autoSubmitted: { type: Boolean },
  score: { type: Number },
  maxScore: { type: Number },
  result: { type: Schema.Types.Mixed },
  // Set once every submitted-attempt hook (mastery, grade passback) has succeeded; until then delivery/announce.ts
  // announces the attempt again, so a crash or a failed hook never loses a grade or a piece of mastery evidence.
  announcedAt: { type: Date, default: null },
  // Adaptive attempts only: the pinned module plan, the route seed, each part's positions and scored credits, and the
  // positions still open for answers (server/adaptive/adaptive-delivery.ts). `items` then holds every part given so far.
  adaptive: { type: Schema.Types.Mixed, default: undefined },
}, { minimize: false });
attemptSchema.index({ tenantId: 1, placementId: 1, personId: 1, preview: 1, number: 1 }, { unique: true });
attemptSchema.index({ tenantId: 1, placementId: 1, preview: 1, startedAt: 1 });
attemptSchema.index({ tenantId: 1, personId: 1 });
attemptSchema.index({ status: 1, announcedAt: 1, submittedAt: 1 });

const accommodationSchema = new Schema({
  tenantId: { type: Schema.Types.ObjectId, required: true },
  placementId: { type: Schema.Types.ObjectId, required: true },
  personId: { type: Schema.Types.ObjectId, required: true },
  timeMultiplier: { type: Number, default: null },   // null = unlimited time
  readAloud: { type: Boolean, default: false },
  updatedAt: { type: Date, default: () => new Date() },
});
accommodationSchema.index({ tenantId: 1, placementId: 1, personId: 1 }, { unique: true });

// One answer as saved, on FerretDB only: there a save appends here instead of rewriting the attempt, and the entries
// are folded into the attempt's responses when it (or an adaptive part) is submitted (delivery/answer-journal.ts).
const answerEntrySchema = new Schema({
  tenantId: { type: Schema.Types.ObjectId, required: true },
  courseId: { type: Schema.Types.ObjectId, required: true },
  personId: { type: Schema.Types.ObjectId, required: true },
  attemptId: { type: Schema.Types.ObjectId, required: true },
  position: { type: Number, required: true },
  value: { type: Schema.Types.Mixed, required: true },
  seq: { type: Number, required: true },
  savedAt: { type: Date, required: true },
}, { versionKey: false });
answerEntrySchema.index({ attemptId: 1 });

export type AttemptDoc = InferSchemaType<typeof attemptSchema> & { _id: mongoose.Types.ObjectId };
export type AccommodationDoc = InferSchemaType<typeof accommodationSchema> & { _id: mongoose.Types.ObjectId };

export const AttemptModel = mongoose.model('Attempt', attemptSchema, 'attempts');
export const AnswerEntryModel = mongoose.model('AnswerEntry', answerEntrySchema, 'answer_journal');
export const AccommodationModel = mongoose.model('Accommodation', accommodationSchema, 'accommodations');
