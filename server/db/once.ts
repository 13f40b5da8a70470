// One-time claims that are atomic on every engine we run on. FerretDB 1.24 applies a conditional
// update as read → modify → replace by _id, so two concurrent findOneAndUpdate calls can both
// "win". An insert against a unique key cannot: exactly one concurrent insert of the same _id
// succeeds, on MongoDB and FerretDB alike. Used for everything that must happen at most once
// (a login state consumed, a parked launch completed, a deep-linking answer sent).
import mongoose, { Schema } from 'mongoose';

const claimSchema = new Schema({
  _id: { type: String, required: true },
  expiresAt: { type: Date, required: true },
}, { versionKey: false });
claimSchema.index({ expiresAt: 1 });

export const OnceClaimModel = mongoose.model('OnceClaim', claimSchema, 'once_claims');

/** True for exactly one caller per (scope, key) until the claim expires and is cleaned up. */
export async function claimOnce(scope: string, key: string, keepUntil: Date): Promise<boolean> {
  try {
    await OnceClaimModel.create({ _id: `${scope}:${key}`, expiresAt: keepUntil });
    return true;
  } catch (err) {
    if ((err as { code?: number }).code === 11000) return false;
    throw err;
  }
}

/**
 * Runs an upsert on a unique key, retrying once it lost the race: two concurrent upserts of a new
 * key can both try the insert, and the loser gets a duplicate-key error (on MongoDB and FerretDB)
 * although the document it wanted now exists. The retry finds it.
 */
export async function upsertRacing<T>(upsert: () => Promise<T>, tries = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await upsert();
    } catch (err) {
      if ((err as { code?: number }).code !== 11000 || i >= tries) throw err;
    }
  }
}
