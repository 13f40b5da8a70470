// Rasch difficulty (logits) in words a teacher uses; shared by the item editor, bank and form report.
import type { AuthoringKey } from './strings.js';

export function difficultyKey(logits: number): AuthoringKey {
  if (logits <= -2) return 'diffVeryEasy';
  if (logits < -0.75) return 'diffEasy';
  if (logits <= 0.75) return 'diffAverage';
  if (logits < 2) return 'diffHard';
  return 'diffVeryHard';
}

/** Largest gap between two forms' means for one standard that still counts as balanced (server default). */
export const BALANCED_GAP = 0.5;

/** "−0.4", "1.2": one decimal, a real minus sign. */
export function formatLogits(n: number): string {
  const s = (Math.round(n * 10) / 10).toFixed(1);
  return s.startsWith('-') ? `−${s.slice(1)}` : s;
}
