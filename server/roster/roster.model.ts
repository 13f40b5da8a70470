// A course roster as the LMS last listed it, kept a few minutes so the teacher dashboard does not
// page through the LMS on every refresh. Expired by query and removed by clean-up (no TTL index).
import mongoose, { Schema } from 'mongoose';

export const ROSTER_CACHE_SECONDS = 600;

const memberSchema = new Schema({
  sub: { type: String, required: true },
  name: { type: String },
  roles: { type: [String], default: [] },
  status: { type: String, enum: ['active', 'inactive', 'deleted'], required: true },
}, { _id: false });

const rosterCacheSchema = new Schema({
  tenantId: { type: Schema.Types.ObjectId, required: true },
  courseId: { type: Schema.Types.ObjectId, required: true },
  members: { type: [memberSchema], default: [] },
  fetchedAt: { type: Date, required: true },
  expiresAt: { type: Date, required: true },
});
rosterCacheSchema.index({ tenantId: 1, courseId: 1 }, { unique: true });
rosterCacheSchema.index({ expiresAt: 1 });

export const RosterCacheModel = mongoose.model('RosterCache', rosterCacheSchema, 'roster_cache');
