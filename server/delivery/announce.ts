// Submitted attempts reach mastery and grade passback exactly once in effect, even across crashes: an
// attempt is recorded as announced only after every hook succeeded, and a periodic job announces again
// any submitted attempt that is not (the process died between storing the submission and running the
// hooks, or a hook failed on a database or network blip). Hooks are idempotent — mastery counts an
// attempt once, the grade outbox keeps one record per attempt — so announcing twice changes nothing.
import mongoose from 'mongoose';
import { adaptiveSubmittedEvent, type AdaptiveStoredResult } from '../adaptive/adaptive-delivery.js';
import type { Logger } from '../log.js';
import { AttemptModel, type AttemptDoc } from './attempt.model.js';
import { submittedEvent } from './attempt.service.js';
import { announceSubmitted, type SubmittedAttempt } from './events.js';
import { oneAtATime } from './one-at-a-time.js';

/** Runs the hooks and, when all succeeded, records the attempt as announced. */
export async function announceAndRecord(e: SubmittedAttempt, log?: Logger): Promise<boolean> {
  const ok = await announceSubmitted(e, log);
  // In the attempt's queue: on FerretDB a write is read → modify → replace, and must not overlap another.
  if (ok) await oneAtATime(e.attemptId, () => AttemptModel.updateOne({ _id: e.attemptId }, { $set: { announcedAt: new Date() } }));
  return ok;
}

/** The event a stored, submitted attempt gave (or should have given) its hooks. */
export function eventOfStored(a: AttemptDoc): SubmittedAttempt {
  return a.adaptive ? adaptiveSubmittedEvent(a, a.result as AdaptiveStoredResult) : submittedEvent(a, a.result as Parameters<typeof submittedEvent>[1]);
}

export interface ReannounceOptions {
  /** Only attempts submitted before this (an attempt submitted a moment ago may still be running its hooks). */
  before: Date;
  /** At most this many per run, oldest first, so a backlog is worked off without a burst. */
  limit?: number;
  log?: Logger;
}

/** Announces again the submitted attempts not yet recorded as announced; returns how many now are. */
export async function reannounceMissed(o: ReannounceOptions): Promise<{ found: number; announced: number }> {
  const missed = (await AttemptModel.find(
    { status: 'submitted', preview: false, announcedAt: null, submittedAt: { $lt: o.before } },
  ).sort({ submittedAt: 1 }).limit(o.limit ?? 50).lean()) as AttemptDoc[];
  let announced = 0;
  for (const a of missed) {
    if (!a.result) continue;
    if (await announceAndRecord(eventOfStored(a), o.log)) announced++;
  }
  if (missed.length) o.log?.info({ found: missed.length, announced }, 'announced submitted attempts again');
  return { found: missed.length, announced };
}

/** Every `everyMs`, announces again what was submitted more than `settleMs` ago and never announced. */
export function startReannounceJob(log: Logger, everyMs = 60_000, settleMs = 2 * 60_000): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running || mongoose.connection.readyState !== 1) return;
    running = true;
    reannounceMissed({ before: new Date(Date.now() - settleMs), log })
      .catch((err: Error) => log.warn({ err: err.message }, 'announcing submitted attempts again failed; will retry'))
      .finally(() => { running = false; });
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
