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

/**
 * A verified launch waiting for its browser to prove, through LTI platform storage, that it started
 * the login (cookies were blocked). Completed once, within a couple of minutes, or never.
 */
export const PENDING_LAUNCH_SECONDS = 120;

const pendingLaunchSchema = new Schema({
  state: { type: String, required: true },
  nonce: { type: String, required: true },
  storageTarget: { type: String, required: true },
  platformOrigin: { type: String, required: true },
  // What the launch handler decided; the session token is only issued on completion.
  context: { type: Schema.Types.Mixed, required: true },
  page: { type: String, required: true },
  title: { type: String, default: '' },
  createdAt: { type: Date, required: true },
  expiresAt: { type: Date, required: true },
});
pendingLaunchSchema.index({ expiresAt: 1 });

export const PendingLaunchModel = mongoose.model('PendingLaunch', pendingLaunchSchema, 'lti_pending_launches');
