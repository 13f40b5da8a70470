// Time limits for an attempt: when it is due, and when the server stops accepting answers.
// Pure: dates in, dates out. The grace period absorbs network lag, so an answer a student typed
// in the last seconds and that reaches the server a little late still counts.

export const DEFAULT_GRACE_SECONDS = 60;

/** An accommodation's time multiplier: a number (1.5 = half as much time again) or null for unlimited time. */
export type TimeMultiplier = number | null;

/**
 * When the attempt is due: start + limit × multiplier. Null when there is no limit (the assessment has
 * none, or the student's accommodation grants unlimited time). No accommodation means multiplier 1.
 */
export function deadlineFor(startedAt: Date, timeLimitMinutes: number | null | undefined, multiplier: TimeMultiplier | undefined = 1): Date | null {
  if (timeLimitMinutes === null || timeLimitMinutes === undefined || !(timeLimitMinutes > 0)) return null;
  if (multiplier === null) return null;
  const m = Number.isFinite(multiplier) && multiplier > 0 ? multiplier : 1;
  return new Date(startedAt.getTime() + Math.round(timeLimitMinutes * m * 60_000));
}

/** The last moment an answer is accepted: the deadline plus the grace period. Null when unlimited. */
export function closesAt(deadline: Date | null, graceSeconds = DEFAULT_GRACE_SECONDS): Date | null {
  return deadline ? new Date(deadline.getTime() + Math.max(0, graceSeconds) * 1000) : null;
}

/** True once the deadline and the grace period have both passed. */
export function isClosed(deadline: Date | null, now: Date, graceSeconds = DEFAULT_GRACE_SECONDS): boolean {
  const end = closesAt(deadline, graceSeconds);
  return end !== null && now.getTime() > end.getTime();
}

/** Milliseconds left until the deadline (not counting grace), never negative; null when unlimited. */
export function timeLeftMs(deadline: Date | null, now: Date): number | null {
  return deadline ? Math.max(0, deadline.getTime() - now.getTime()) : null;
}
