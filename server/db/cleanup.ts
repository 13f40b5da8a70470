// Expiry without TTL indexes (FerretDB has none): a periodic job deletes what MongoDB's TTL
// indexes would have, with the same lifetimes. Checks never rely on it: expired states and
// nonces are refused by query before the clean-up runs. Deletes are idempotent, so several
// tool processes may run it at once.
import mongoose from 'mongoose';
import type { Logger } from '../log.js';

/** ltijs's own collections and the lifetimes its schemas declare (`expires`, in seconds). */
export const LTIJS_LIFETIMES: Record<string, number> = {
  nonce: 10, state: 600, idtoken: 24 * 3600, contexttoken: 24 * 3600, accesstoken: 3600,
};

/** Our short-lived records: model name → field holding the expiry time. */
export const OWN_EXPIRING: Record<string, string> = { LoginState: 'expiresAt', DeepLinkLaunch: 'expiresAt', PendingLaunch: 'expiresAt', OnceClaim: 'expiresAt',
  RosterCache: 'expiresAt', ServiceToken: 'expiresAt',
};

// Login states are kept past expiry for a while so a late replay is reported as a replay.
const GRACE_SECONDS: Record<string, number> = { LoginState: 600 };

export async function runCleanup(now = new Date()): Promise<Record<string, number>> {
  const deleted: Record<string, number> = {};
  for (const [name, seconds] of Object.entries(LTIJS_LIFETIMES)) {
    if (!mongoose.modelNames().includes(name)) continue;
    const r = await mongoose.model(name).deleteMany({ createdAt: { $lt: new Date(now.getTime() - seconds * 1000) } });
    deleted[name] = r.deletedCount ?? 0;
  }
  for (const [name, field] of Object.entries(OWN_EXPIRING)) {
    if (!mongoose.modelNames().includes(name)) continue;
    const cutoff = new Date(now.getTime() - (GRACE_SECONDS[name] ?? 0) * 1000);
    const r = await mongoose.model(name).deleteMany({ [field]: { $lt: cutoff } });
    deleted[name] = r.deletedCount ?? 0;
  }
  return deleted;
}

export function startCleanupJob(log: Logger, everyMs = 60_000): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running || mongoose.connection.readyState !== 1) return;
    running = true;
    runCleanup()
      .then((d) => { const n = Object.values(d).reduce((a, b) => a + b, 0); if (n) log.debug({ deleted: d }, 'clean-up'); })
      .catch((err: Error) => log.warn({ err: err.message }, 'clean-up failed'))
      .finally(() => { running = false; });
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
