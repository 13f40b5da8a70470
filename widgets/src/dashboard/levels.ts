// How a mastery level is shown: a word, a symbol and a colour class (never the colour alone).
import { html } from 'lit';
import type { DashboardKey, DashboardTranslate } from './strings.js';
import type { Level } from './types.js';

export const LEVEL_VIEW: Record<Level, { key: DashboardKey; symbol: string }> = {
  beginning: { key: 'levelBeginning', symbol: '○' },
  developing: { key: 'levelDeveloping', symbol: '◔' },
  proficient: { key: 'levelProficient', symbol: '◕' },
  mastered: { key: 'levelMastered', symbol: '●' },
};

/** The badge: symbol (hidden from screen readers, the word says it) and the level's word. */
export function levelBadge(t: DashboardTranslate, level: Level | null | undefined) {
  if (!level) return html`<span class="level none"><span aria-hidden="true">–</span>${t('noEvidence')}</span>`;
  const v = LEVEL_VIEW[level];
  return html`<span class=${`level ${level}`}><span aria-hidden="true">${v.symbol}</span>${t(v.key)}</span>`;
}
