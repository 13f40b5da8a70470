// Courses and people as the LMS describes them at launch. The LMS stays the system of record;
// we keep the least we need: ids, a course title, and a display name for teachers (no email).
import mongoose, { Schema } from 'mongoose';

const courseSchema = new Schema({
  tenantId: { type: Schema.Types.ObjectId, required: true },
  contextId: { type: String, required: true },
  title: { type: String, default: '' },
  label: { type: String, default: '' },
  // Service endpoints the LMS offered on the latest launch (used by grade passback and roster).
  lineItemsUrl: { type: String },
  membershipsUrl: { type: String },
  agsScopes: { type: [String], default: [] },
  updatedAt: { type: Date, default: () => new Date() },
});
courseSchema.index({ tenantId: 1, contextId: 1 }, { unique: true });

const personSchema = new Schema({
  tenantId: { type: Schema.Types.ObjectId, required: true },
  sub: { type: String, required: true },               // the LMS's user id
  name: { type: String },                               // absent when the LMS shares no names
  label: { type: String, required: true },              // stable pseudonymous label, e.g. "Student 4F2A"
  updatedAt: { type: Date, default: () => new Date() },
});
personSchema.index({ tenantId: 1, sub: 1 }, { unique: true });

export const CourseModel = mongoose.model('Course', courseSchema, 'courses');
export const PersonModel = mongoose.model('Person', personSchema, 'people');
