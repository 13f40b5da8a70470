// Numbers in words a teacher reads at a glance: shares as whole percents, changes as signed percentage points,
// and an effect size as small / medium / large. Pure; the locale only picks the number format.

export function percent(share: number | null | undefined, locale: string): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return '—';
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(share);
}

/** A change in share (0.5 = half the points) as signed percentage points: "+50", "−12", "0". */
export function points(change: number | null | undefined, locale: string): string {
  if (change === null || change === undefined || !Number.isFinite(change)) return '—';
  // Half a point rounds away from zero, so a loss and a gain of the same size read the same.
  const n = Math.sign(change) * Math.round(Math.abs(change) * 100);
  const text = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(Math.abs(n));
  return n > 0 ? `+${text}` : n < 0 ? `−${text}` : text;
}

export function decimal(x: number | null | undefined, locale: string, digits = 2): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  return new Intl.NumberFormat(locale, { maximumFractionDigits: digits, minimumFractionDigits: 0 }).format(x);
}

/** Cohen's conventional words for an effect size. */
export function effectWord(d: number): 'negligible' | 'small' | 'medium' | 'large' {
  const a = Math.abs(d);
  return a < 0.2 ? 'negligible' : a < 0.5 ? 'small' : a < 0.8 ? 'medium' : 'large';
}

/** Scale points (500 + 50 per logit) as a whole number, with a true minus sign: "12", "−3". */
export function scalePoints(x: number | null | undefined, locale: string): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  const n = Math.round(x);
  const text = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(Math.abs(n));
  return n < 0 ? `−${text}` : text;
}

/** A change in scale points, signed: "+12", "−3", "0". */
export function scaleChange(x: number | null | undefined, locale: string): string {
  const text = scalePoints(x, locale);
  return x !== null && x !== undefined && Math.round(x) > 0 ? `+${text}` : text;
}
