// When to try sending a score again: exponential backoff with full jitter (so a recovering LMS is
// not hit by every tool process at the same instant), never sooner than the LMS's Retry-After, and
// a fixed number of tries before a score is marked failed for a teacher to see. Pure: no I/O, no clock.

export interface BackoffPolicy {
  /** Delay ceiling of the first retry; each later try doubles it. */
  baseMs: number;
  /** No single wait is longer than this, however many tries came before. */
  capMs: number;
  /** Tries (sends that reached a verdict) before a score is marked failed. */
  maxTries: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 30_000, capMs: 60 * 60_000, maxTries: 8 };

/**
 * The wait before the next try after `tries` failed ones (tries ≥ 1): uniformly random in
 * [0, min(cap, base·2^(tries−1))] ("full jitter"), but at least what Retry-After asked for.
 */
export function retryDelayMs(tries: number, policy: BackoffPolicy, random: () => number, retryAfterSeconds?: number): number {
  const exponent = Math.max(0, Math.min(tries - 1, 40)); // 2^40 ms is far past any cap; avoids Infinity
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** exponent);
  const jittered = Math.floor(clamp01(random()) * ceiling);
  const asked = retryAfterSeconds !== undefined && Number.isFinite(retryAfterSeconds) && retryAfterSeconds > 0
    ? Math.ceil(retryAfterSeconds * 1000)
    : 0;
  // The LMS knows its own load best: honour Retry-After even past our cap, within reason (one day).
  return Math.max(jittered, Math.min(asked, 24 * 60 * 60_000));
}

/** What to do after a failed try: try again at a time, or stop. */
export type RetryDecision = { retry: true; delayMs: number } | { retry: false };

export function afterFailure(
  triesSoFar: number, retryable: boolean, policy: BackoffPolicy, random: () => number, retryAfterSeconds?: number,
): RetryDecision {
  if (!retryable || triesSoFar >= policy.maxTries) return { retry: false };
  return { retry: true, delayMs: retryDelayMs(triesSoFar, policy, random, retryAfterSeconds) };
}

/**
 * Retry-After (RFC 9110 §10.2.3) as seconds from now: delta-seconds or an HTTP-date. Undefined
 * when absent or unreadable; a date in the past means "now" (0).
 */
export function parseRetryAfter(header: string | null | undefined, nowMs: number): number | undefined {
  if (!header) return undefined;
  const v = header.trim();
  if (/^\d+$/.test(v)) return Number(v);
  // An HTTP-date names its weekday and month in letters; Date.parse alone would accept "-5" as a year.
  const at = /^[A-Za-z]{3},/.test(v) ? Date.parse(v) : Number.NaN;
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - nowMs) / 1000));
}

function clamp01(n: number): number {
  return Number.isFinite(n) ? Math.min(Math.max(n, 0), 1) : 0;
}
