// The item-quality report: per question, the author's difficulty beside the one calibrated from the district's
// answers, how many answers it rests on, fit (infit/outfit) and any flag in plain words — flagged questions first,
// every column sortable — and a "Recalculate" button for instructors and administrators. Data: GET /api/calibration,
// POST /api/calibration/run (docs/api.md).
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { dashboardStyles } from '../../dashboard/styles.js';
import type { Api } from '../../shared/api.js';
import { calibrationTranslator, type CalibrationKey, type CalibrationTranslate } from '../strings.js';
import type { CalibrationAnswer, CalibrationFlagView, CalibrationItemView, CalibrationReport } from '../types.js';
import { calibrationReportStyles } from './calibration-report.styles.js';

export type SortKey = 'concern' | 'item' | 'standard' | 'author' | 'calibrated' | 'n' | 'infit' | 'outfit';
const COLUMNS: { key: SortKey; label: CalibrationKey; numeric: boolean }[] = [
  { key: 'item', label: 'colItem', numeric: false },
  { key: 'standard', label: 'colStandard', numeric: false },
  { key: 'author', label: 'colAuthor', numeric: true },
  { key: 'calibrated', label: 'colCalibrated', numeric: true },
  { key: 'n', label: 'colResponses', numeric: true },
  { key: 'infit', label: 'colInfit', numeric: true },
  { key: 'outfit', label: 'colOutfit', numeric: true },
  { key: 'concern', label: 'colConcern', numeric: false },
];

const byConcern = (a: CalibrationItemView, b: CalibrationItemView) =>
  b.flags.length - a.flags.length || a.itemId.localeCompare(b.itemId, 'en', { numeric: true }) || a.version - b.version;

/** Rows in the order asked; ties (and the default) keep flagged questions first. Missing fit values sort last. */
export function sortItems(items: readonly CalibrationItemView[], key: SortKey, descending: boolean): CalibrationItemView[] {
  const value = (i: CalibrationItemView): string | number | null => ({
    concern: null, item: i.title || i.itemId, standard: i.standards[0] ?? '', author: i.authorDifficulty, calibrated: i.difficulty, n: i.n, infit: i.infit, outfit: i.outfit,
  })[key];
  const dir = descending ? -1 : 1;
  return [...items].sort((a, b) => {
    if (key === 'concern') return dir * byConcern(a, b);
    const x = value(a);
    const y = value(b);
    if (x === null || y === null) return x === y ? byConcern(a, b) : x === null ? 1 : -1;
    const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), 'en', { numeric: true });
    return c ? dir * c : byConcern(a, b);
  });
}

/**
 * `<gl-calibration-report>` — the district's newest item calibration, one table per framework.
 *
 * @property api - the widgets' API client (session token inside).
 * @property locale - "en" | "es".
 * @property sortKey - the column sorted by ("concern" = flagged first, the default).
 * @property descending - sort direction.
 * @fires gl-calibration-loaded - `{ reports }` after each load or recalculation.
 * @cssprop --gl-warn, --gl-bad, --gl-border, --gl-accent, --gl-muted, --gl-focus
 */
export class GlCalibrationReport extends LitElement {
  static override styles = [...dashboardStyles, calibrationReportStyles];
  static override properties = {
    api: { attribute: false },
    locale: { type: String },
    sortKey: { type: String },
    descending: { type: Boolean },
    answer: { state: true },
    loading: { state: true },
    running: { state: true },
    error: { state: true },
    status: { state: true },
  };
  api?: Api;
  locale = 'en';
  sortKey: SortKey = 'concern';
  descending = false;
  answer?: CalibrationAnswer;
  loading = false;
  running = false;
  error = '';
  status = '';
  private t: CalibrationTranslate = calibrationTranslator('en');

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('locale')) this.t = calibrationTranslator(this.locale);
  }

  protected override updated(changed: PropertyValues): void {
    if (changed.has('api') && this.api) void this.load();
  }

  async load(): Promise<void> {
    if (!this.api) return;
    this.loading = true;
    this.error = '';
    try {
      this.answer = await this.api.get<CalibrationAnswer>('/calibration');
      this.dispatchEvent(new CustomEvent('gl-calibration-loaded', { detail: { reports: this.answer.reports }, bubbles: true, composed: true }));
    } catch (e) {
      this.error = this.t('loadFailed', { detail: (e as Error).message });
    } finally {
      this.loading = false;
    }
  }

  private async recalculate(): Promise<void> {
    if (!this.api || this.running) return;
    this.running = true;
    this.status = this.t('recalculating');
    try {
      const answer = await this.api.post<CalibrationAnswer>('/calibration/run', {});
      this.answer = answer;
      this.status = !answer.reports.length ? this.t('nothingToCalibrate') : answer.stored ? this.t('recalculated') : this.t('unchanged');
      this.dispatchEvent(new CustomEvent('gl-calibration-loaded', { detail: { reports: answer.reports }, bubbles: true, composed: true }));
    } catch (e) {
      this.status = this.t('runFailed', { detail: (e as Error).message });
    } finally {
      this.running = false;
    }
  }

  private sortBy(key: SortKey): void {
    if (this.sortKey === key) this.descending = !this.descending;
    else { this.sortKey = key; this.descending = key === 'n' || key === 'infit' || key === 'outfit'; }
  }

  private num(x: number | null, digits = 2): string {
    return x === null ? '—' : new Intl.NumberFormat(this.locale, { minimumFractionDigits: digits, maximumFractionDigits: digits, signDisplay: 'auto' }).format(x);
  }

  private pct(x: number): string {
    return new Intl.NumberFormat(this.locale, { style: 'percent', maximumFractionDigits: 0 }).format(x);
  }

  /** A flag in the reader's language, from its code and the item's numbers. */
  flagText(item: CalibrationItemView, f: CalibrationFlagView): string {
    const t = this.t;
    switch (f.code) {
      case 'infit-high': return t('flagInfitHigh', { value: this.num(item.infit) });
      case 'infit-low': return t('flagInfitLow', { value: this.num(item.infit) });
      case 'outfit-high': return t('flagOutfitHigh', { value: this.num(item.outfit) });
      case 'outfit-low': return t('flagOutfitLow', { value: this.num(item.outfit) });
      case 'difficulty-differs':
        return t(item.difficulty > item.authorDifficulty ? 'flagHarder' : 'flagEasier', { author: this.num(item.authorDifficulty), calibrated: this.num(item.difficulty) });
      case 'distractor-attracts-strong': {
        const row = item.distractors?.find((d) => d.choiceId === f.choiceId);
        return t('flagDistractor', { choice: f.choiceId ?? '', strong: row ? this.pct(row.strongShare) : '—', weak: row ? this.pct(row.weakShare) : '—' });
      }
      default: return f.message;
    }
  }

  private renderTable(r: CalibrationReport) {
    const t = this.t;
    const rows = sortItems(r.items, this.sortKey, this.descending);
    const capId = `cap-${r.id}`;
    return html`<div class="scroll" tabindex="0" role="region" aria-labelledby=${capId}><table>
      <caption id=${capId}>${t('caption', { framework: r.framework })}</caption>
      <thead><tr>${COLUMNS.map((c) => {
        const sorted = this.sortKey === c.key;
        return html`<th scope="col" class=${c.numeric ? 'num' : ''} aria-sort=${sorted ? (this.descending ? 'descending' : 'ascending') : 'none'}>
          <button type="button" @click=${() => this.sortBy(c.key)} aria-label=${t('sortBy', { column: t(c.label) })}>${t(c.label)}</button>
        </th>`;
      })}</tr></thead>
      <tbody>${rows.map((i) => html`<tr class=${i.flags.length ? 'flagged' : ''}>
        <th scope="row">${i.title || i.itemId}<span class="id">${i.itemId} v${i.version}${i.owner === 'starter' ? html` · ${t('starter')}` : nothing}</span></th>
        <td>${i.standards.join(', ')}</td>
        <td class="num">${this.num(i.authorDifficulty)}</td>
        <td class="num">${this.num(i.difficulty)} <span class="muted">${t('plusMinus', { se: this.num(i.se) })}</span></td>
        <td class="num">${i.n}</td>
        <td class="num">${this.num(i.infit)}</td>
        <td class="num">${this.num(i.outfit)}</td>
        <td>${i.flags.length
          ? html`<ul class="flags">${i.flags.map((f) => html`<li class="flag">${this.flagText(i, f)}</li>`)}</ul>`
          : i.fitJudged ? t('ok') : html`<span class="muted">${t('fewResponses', { n: i.n })}</span>`}</td>
      </tr>`)}</tbody>
    </table></div>`;
  }

  protected override render() {
    const t = this.t;
    const a = this.answer;
    const time = (iso: string) => new Intl.DateTimeFormat(this.locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
    return html`<section aria-labelledby="quality-h">
      <h2 id="quality-h">${t('title')}</h2>
      <p>${t('intro')}</p>
      ${a?.canRun ? html`<div class="actions">
        <button type="button" @click=${this.recalculate} ?disabled=${this.running} aria-describedby="quality-status">${this.running ? t('recalculating') : t('recalculate')}</button>
      </div>` : nothing}
      <p id="quality-status" role="status" aria-live="polite">${this.status}</p>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${this.loading && !a ? html`<p>${t('loading')}</p>` : nothing}
      ${a && !a.reports.length ? html`<p>${a.canRun ? t('noneCanRun') : t('none')}</p>` : nothing}
      ${a?.reports.map((r) => html`<h3>${r.framework}</h3>
        <p>${t('summary', { framework: r.framework, items: r.summary.items, sittings: r.summary.sittings, responses: r.summary.responses, flagged: r.summary.flagged, time: time(r.createdAt) })}</p>
        ${r.summary.converged ? nothing : html`<p class="note">${t('notConverged')}</p>`}
        ${this.renderTable(r)}`)}
    </section>`;
  }
}
customElements.define('gl-calibration-report', GlCalibrationReport);
