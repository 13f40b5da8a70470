// Time limits on the student's device: the server's deadline moved onto this device's clock (school
// Chromebooks' clocks are often minutes off), and the remaining time as a student reads it.

/**
 * The deadline in this device's clock: the server said `serverTime` when this device's clock read
 * `receivedAt`, so the difference is the device's error. Null when the attempt is untimed.
 */
export function deviceDeadline(deadline: string | null, serverTime: string, receivedAt: number): number | null {
  if (!deadline) return null;
  const d = Date.parse(deadline);
  const s = Date.parse(serverTime);
  if (Number.isNaN(d)) return null;
  return Number.isNaN(s) ? d : d - (s - receivedAt);
}

/** 65 000 ms → "1:05"; an hour or more → "1:02:03"; never negative. */
export function formatRemaining(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** Which "minutes left" warnings (5, 1) are due: crossed now, and not already past when the page opened. */
export function warningsDue(leftMs: number, alreadyPast: ReadonlySet<number>): number[] {
  return [5, 1].filter((m) => leftMs <= m * 60_000 && !alreadyPast.has(m));
}
