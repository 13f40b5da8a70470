// The students × standards mastery map. Two views of one real table: a colour grid (each cell a tinted badge
// with a symbol and the level's word) and a numbers view (level, probability of mastery, evidence). Sortable by
// student or by any standard through the column headers (aria-sort), and the sort is announced.
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { percent, decimal } from '../format.js';
import { LEVEL_VIEW, levelBadge } from '../levels.js';
import { nextSort, sortRows, type SortKey, type SortState } from '../mastery-sort.js';
import { dashboardStyles } from '../styles.js';
import { dashboardTranslator, type DashboardTranslate } from '../strings.js';
import type { Level, MasteryCell, MasteryRow, StandardRef } from '../types.js';
import { masteryMapStyles } from './mastery-map.styles.js';

/**
 * `<gl-mastery-map>` — students × standards, sortable, as a colour grid or a numbers table.
 *
 * @property rows - `MasteryRow[]` (one per student; a cell is null when there is no evidence yet).
 * @property standards - `StandardRef[]`, the columns in order.
 * @property levels - the levels, lowest first (for the legend).
 * @property view - "grid" | "numbers"; the teacher can switch.
 * @property locale - "en" | "es".
 * @fires gl-student-select - `{ personId }` when the teacher opens a student.
 * @cssprop --gl-level-beginning, --gl-level-developing, --gl-level-proficient, --gl-level-mastered - cell tints.
 */
export class GlMasteryMap extends LitElement {
  static override styles = [...dashboardStyles, masteryMapStyles];
  static override properties = {
    rows: { attribute: false },
    standards: { attribute: false },
    levels: { attribute: false },
    view: { type: String },
    locale: { type: String },
    sort: { state: true },
  };
  rows: MasteryRow[] = [];
  standards: StandardRef[] = [];
  levels: Level[] = ['beginning', 'developing', 'proficient', 'mastered'];
  view: 'grid' | 'numbers' = 'grid';
  locale = 'en';
  sort: SortState = { key: { by: 'student' }, direction: 'ascending' };
  private t: DashboardTranslate = dashboardTranslator('en');

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('locale')) this.t = dashboardTranslator(this.locale);
  }

  private sortBy(key: SortKey): void {
    this.sort = nextSort(this.sort, key);
  }

  private sortAttr(key: SortKey) {
    const k = this.sort.key;
    const on = k.by === key.by && (key.by === 'student' || (k.by === 'standard' && key.by === 'standard' && k.code === key.code));
    return on ? this.sort.direction : nothing;
  }

  private sortText(): string {
    const t = this.t;
    const k = this.sort.key;
    if (k.by === 'student') return t(this.sort.direction === 'ascending' ? 'sortedByNameAsc' : 'sortedByNameDesc');
    return t(this.sort.direction === 'ascending' ? 'sortedByStandardAsc' : 'sortedByStandardDesc', { code: k.code });
  }

  private cell(c: MasteryCell | null) {
    const t = this.t;
    if (this.view === 'grid') return levelBadge(t, c?.level);
    if (!c) return html`<span class="muted">${t('noEvidence')}</span>`;
    return html`<span class="level-word">${t(LEVEL_VIEW[c.level].key)}</span>
      <span class="detail">${t('pMasteryShort', { p: percent(c.pMastery, this.locale) })}</span>
      <span class="detail">${t('evidenceShort', { n: decimal(c.evidence, this.locale, 1) })}</span>`;
  }

  private open(row: MasteryRow): void {
    if (row.personId) this.dispatchEvent(new CustomEvent('gl-student-select', { detail: { personId: row.personId }, bubbles: true, composed: true }));
  }

  protected override render() {
    const t = this.t;
    const rows = sortRows(this.rows, this.sort);
    return html`<section aria-labelledby="map-h">
      <h2 id="map-h">${t('mapTitle')}</h2>
      <div class="toolbar" role="group" aria-label=${t('mapViewLabel')}>
        <button type="button" aria-pressed=${this.view === 'grid' ? 'true' : 'false'} @click=${() => { this.view = 'grid'; }}>${t('mapViewGrid')}</button>
        <button type="button" aria-pressed=${this.view === 'numbers' ? 'true' : 'false'} @click=${() => { this.view = 'numbers'; }}>${t('mapViewNumbers')}</button>
      </div>
      ${this.view === 'grid' ? html`<ul class="plain legend" aria-label=${t('legendLabel')}>
        ${this.levels.map((l) => html`<li>${levelBadge(t, l)}</li>`)}<li>${levelBadge(t, null)}</li>
      </ul>` : html`<p class="muted">${t('numbersHelp')}</p>`}
      <p class="vh" role="status">${this.sortText()}</p>
      ${rows.length === 0 ? html`<p>${t('noStudents')}</p>` : html`<div class="scroll" tabindex="0" role="region" aria-labelledby="map-caption">
        <table class=${this.view}>
          <caption id="map-caption">${t('mapCaption', { students: rows.length, standards: this.standards.length })} <span class="muted">${this.sortText()}</span></caption>
          <thead><tr>
            <th scope="col" aria-sort=${this.sortAttr({ by: 'student' })}>
              <button type="button" class="linklike sort" @click=${() => this.sortBy({ by: 'student' })}>${t('studentColumn')}<span aria-hidden="true">${this.arrow({ by: 'student' })}</span></button>
            </th>
            ${this.standards.map((s) => html`<th scope="col" aria-sort=${this.sortAttr({ by: 'standard', code: s.code })}>
              <button type="button" class="linklike sort" aria-describedby=${`std-${cssId(s.code)}`} @click=${() => this.sortBy({ by: 'standard', code: s.code })}>${s.code}<span aria-hidden="true">${this.arrow({ by: 'standard', code: s.code })}</span></button>
            </th>`)}
          </tr></thead>
          <tbody>${rows.map((r) => html`<tr>
            <th scope="row">${r.personId ? html`<button type="button" class="linklike" @click=${() => this.open(r)}>${r.displayName}</button>` : r.displayName}</th>
            ${this.standards.map((s) => {
              const c = r.cells[s.code] ?? null;
              return html`<td class=${this.view === 'grid' && c ? c.level : ''}>${this.cell(c)}</td>`;
            })}
          </tr>`)}</tbody>
        </table>
      </div>`}
      <h3>${t('standardsListTitle')}</h3>
      <dl class="standards">${this.standards.map((s) => html`<div><dt>${s.code}</dt><dd id=${`std-${cssId(s.code)}`}>${s.description}</dd></div>`)}</dl>
    </section>`;
  }

  private arrow(key: SortKey): string {
    const on = this.sortAttr(key);
    return on === nothing ? ' ↕' : on === 'ascending' ? ' ▲' : ' ▼';
  }
}

const cssId = (code: string) => code.replace(/[^A-Za-z0-9_-]/g, '_');

customElements.define('gl-mastery-map', GlMasteryMap);
