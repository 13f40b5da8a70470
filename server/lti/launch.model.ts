// What a deep linking launch asked for (return URL, data to echo, accepted types), kept server-side
// for the picker session so the session token stays small. Expired by the clean-up job.
import mongoose, { Schema } from 'mongoose';

export const DEEP_LINK_LAUNCH_SECONDS = 3600;

const deepLinkLaunchSchema = new Schema({
  tenantId: { type: Schema.Types.ObjectId, required: true },
  personId: { type: Schema.Types.ObjectId, required: true },
  courseId: { type: Schema.Types.ObjectId, required: true },
  returnUrl: { type: String, required: true },
  data: { type: String },
  acceptTypes: { type: [String], default: [] },
  acceptPresentationDocumentTargets: { type: [String], default: [] },
  acceptMultiple: { type: Boolean, default: false },
  autoCreate: { type: Boolean, default: false },
  title: { type: String },
  createdAt: { type: Date, required: true },
  expiresAt: { type: Date, required: true },
});
deepLinkLaunchSchema.index({ expiresAt: 1 });

export const DeepLinkLaunchModel = mongoose.model('DeepLinkLaunch', deepLinkLaunchSchema, 'lti_deep_link_launches');
