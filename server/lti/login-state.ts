// Server-side record of each OIDC login initiation: which state and nonce the tool sent to which
// platform. A launch must present a state we issued, unexpired and unused, and an id_token whose
// nonce is the one we sent with it. Consuming is one unique insert (db/once.ts), so a replay loses the race.
import mongoose, { Schema } from 'mongoose';
import { claimOnce } from '../db/once.js';

export const LOGIN_STATE_SECONDS = 600; // how long a login may take at the LMS before the launch

const loginStateSchema = new Schema({
  // The state itself: a launch finds its login by _id, the one filter FerretDB hands to SQLite
  // (it would decode the whole collection, which grows by one record per launch, for { state }).
  // Records from before carry an ObjectId here and are found by `state`.
  _id: { type: String },
  state: { type: String, required: true },
  nonce: { type: String, required: true },
  issuer: { type: String, required: true },
  clientId: { type: String, required: true },
  createdAt: { type: Date, required: true },
  expiresAt: { type: Date, required: true },
  usedAt: { type: Date, default: null }, // set by earlier versions; use is now recorded by a claim (consumeLoginState)
  // Where the browser proves it started this login when cookies are blocked (LTI platform storage).
  storageTarget: { type: String, default: null },
  // The login initiation as received, so a blocked launch can be restarted in a new window.
  loginParams: { type: Schema.Types.Mixed, default: null },
});
loginStateSchema.index({ state: 1 }, { unique: true });
loginStateSchema.index({ expiresAt: 1 });

export const LoginStateModel = mongoose.model('LoginState', loginStateSchema, 'lti_login_states');

export interface LoginStateInput {
  state: string; nonce: string; issuer: string; clientId: string;
  storageTarget?: string | null; loginParams?: Record<string, string> | null;
}

export async function recordLoginState(s: LoginStateInput, now = new Date()): Promise<void> {
  await LoginStateModel.create({ _id: s.state, ...s, createdAt: now, expiresAt: new Date(now.getTime() + LOGIN_STATE_SECONDS * 1000) });
}

export type ConsumeResult =
  | { ok: true; issuer: string; clientId: string; nonce: string; storageTarget?: string | null }
  | { ok: false; reason: 'unknown-state' | 'expired-state' | 'replayed-state' };

/**
 * Uses the state up and returns what was recorded with it; fails for unknown, expired or used
 * states. The "used" decision is a unique insert (db/once.ts), so of two concurrent launches with
 * the same state exactly one gets through, on MongoDB and FerretDB alike.
 */
async function findLoginState(state: string, projection?: Record<string, 1>) {
  return (await LoginStateModel.findOne({ _id: state }, projection).lean()) ?? LoginStateModel.findOne({ state }, projection).lean();
}

export async function consumeLoginState(state: string, now = new Date()): Promise<ConsumeResult> {
  const doc = await findLoginState(state);
  if (!doc) return { ok: false, reason: 'unknown-state' };
  if (doc.usedAt) return { ok: false, reason: 'replayed-state' };
  if (doc.expiresAt <= now) return { ok: false, reason: 'expired-state' };
  const keepUntil = new Date(doc.expiresAt.getTime() + LOGIN_STATE_SECONDS * 1000);
  // The claim is the record of use, kept past the state's own expiry. No usedAt is written: on FerretDB
  // every update, even one by _id, reads the whole collection, and this one grows by a record per launch.
  if (!(await claimOnce('login-state', state, keepUntil))) return { ok: false, reason: 'replayed-state' };
  return { ok: true, issuer: doc.issuer, clientId: doc.clientId, nonce: doc.nonce, storageTarget: doc.storageTarget ?? null };
}

/** Clean-up: used or expired states are kept a while for replay detection, then removed. */
export async function deleteExpiredLoginStates(now = new Date()): Promise<number> {
  const r = await LoginStateModel.deleteMany({ expiresAt: { $lt: new Date(now.getTime() - LOGIN_STATE_SECONDS * 1000) } });
  return r.deletedCount ?? 0;
}

/** The original login parameters of a recent login, for restarting it in a new window. */
export async function loginParamsFor(state: string): Promise<Record<string, string> | null> {
  const doc = await findLoginState(state, { loginParams: 1, createdAt: 1 });
  if (!doc || !doc.loginParams) return null;
  if (doc.createdAt.getTime() < Date.now() - 2 * LOGIN_STATE_SECONDS * 1000) return null;
  return doc.loginParams as Record<string, string>;
}
