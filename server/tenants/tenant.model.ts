// A Platform is one LMS registration (issuer + client id); a Tenant is one deployment of the tool
// on it. Every stored record of the tool carries a tenantId, and every query filters by it.
import mongoose, { Schema, type InferSchemaType } from 'mongoose';

const platformSchema = new Schema({
  issuer: { type: String, required: true },
  clientId: { type: String, required: true },
  name: { type: String, required: true },
  productFamily: { type: String, default: 'unknown' },     // canvas | moodle | schoology | …
  authEndpoint: { type: String, required: true },
  tokenEndpoint: { type: String, required: true },
  jwksUrl: { type: String, required: true },
  // Scopes the platform granted at registration (dynamic) or that the admin said it grants (manual).
  scopes: { type: [String], default: [] },
  // Origins allowed to frame the tool (Content-Security-Policy frame-ancestors).
  frameOrigins: { type: [String], default: [] },
  registeredVia: { type: String, enum: ['dynamic', 'manual'], required: true },
  // Canvas creates deployments after registration: when set, a deployment first seen in a signed
  // launch from this platform is recorded instead of refused.
  acceptNewDeployments: { type: Boolean, default: false },
  createdAt: { type: Date, default: () => new Date() },
});
platformSchema.index({ issuer: 1, clientId: 1 }, { unique: true });

const tenantSchema = new Schema({
  platformId: { type: Schema.Types.ObjectId, required: true },
  deploymentId: { type: String, required: true },
  createdAt: { type: Date, default: () => new Date() },
});
tenantSchema.index({ platformId: 1, deploymentId: 1 }, { unique: true });

export type PlatformDoc = InferSchemaType<typeof platformSchema> & { _id: mongoose.Types.ObjectId };
export type TenantDoc = InferSchemaType<typeof tenantSchema> & { _id: mongoose.Types.ObjectId };

// Not "platforms": ltijs's own "platform" model already uses that collection (and its unique indexes).
export const PlatformModel = mongoose.model('Platform', platformSchema, 'lms_platforms');
export const TenantModel = mongoose.model('Tenant', tenantSchema, 'tenants');
