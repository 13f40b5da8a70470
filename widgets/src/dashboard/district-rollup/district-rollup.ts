// The district roll-up for an LMS administrator: per standard, how many students have evidence, how they spread over
// the four levels (in words, with a bar beside them), the share at Proficient or above and the average likelihood
// of mastery; optionally by class or by grade; pre→post growth per pair of tests; a CSV download. Aggregates only;
// groups under the minimum size read "fewer than 5". Data: GET /api/district/rollup (docs/api.md).
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import type { Api } from '../../shared/api.js';
import { fetchCsvFile } from '../csv-download/csv-download.js';
import { percent, points } from '../format.js';
import { LEVEL_VIEW } from '../levels.js';
import { dashboardStyles } from '../styles.js';
import { dashboardTranslator, type DashboardTranslate } from '../strings.js';
import type { Level } from '../types.js';
import { districtRollupStyles } from './district-rollup.styles.js';

export type RollupCell =
  | { suppressed: false; students: number; levels: Record<Level, number>; proficientShare: number; meanPMastery: number }
  | { suppressed: true };

export interface DistrictRollupView {
  generatedAt: string;
  minCell: number;
  levels: Level[];
  students: number | null;
  courses: number;
  standards: { code: string; framework: string; grade: string | null; description: string; cell: RollupCell }[];
  byCourse?: { courseId: string; title: string; students: number | null; standards: { code: string; cell: RollupCell }[] }[];
  byGrade?: { grade: string; standards: string[]; students: number | null; estimates: number | null; cell: RollupCell }[];
  growth: ({ pre: string; post: string; preTitle: string; postTitle: string } & (
    | { suppressed: false; students: number; meanPre: number; meanPost: number; meanGain: number; movedUpShare: number }
    | { suppressed: true }))[];
}

export type Breakdown = 'none' | 'course' | 'grade';

/**
 * `<gl-district-rollup>` — the district's mastery by standard, for an administrator's launch.
 *
 * @property api - the widgets' API client (session token inside).
 * @property token - the session token, for the CSV download (which needs its own fetch).
 * @property locale - "en" | "es".
 * @property by - the breakdown shown: "none" (default), "course" or "grade".
 * @fires gl-rollup-loaded - `{ students }` after each load.
 * @cssprop --gl-bar-beginning, --gl-bar-developing, --gl-bar-proficient, --gl-bar-mastered, --gl-muted, --gl-border
 */
export class GlDistrictRollup extends LitElement {
  static override styles = [...dashboardStyles, districtRollupStyles];
  static override properties = {
    api: { attribute: false },
    token: { attribute: false },
    locale: { type: String },
    by: { type: String },
    view: { state: true },
    loading: { state: true },
    error: { state: true },
    csvHref: { state: true },
    csvName: { state: true },
    csvBusy: { state: true },
    csvError: { state: true },
    openCourses: { state: true },
  };
  api?: Api;
  token = '';
  locale = 'en';
  by: Breakdown = 'none';
  view?: DistrictRollupView;
  loading = false;
  error = '';
  csvHref = '';
  csvName = '';
  csvBusy = false;
  csvError = '';
  openCourses = new Set<string>();
  private t: DashboardTranslate = dashboardTranslator('en');
  private seq = 0;

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('locale')) this.t = dashboardTranslator(this.locale);
  }

  protected override updated(changed: PropertyValues): void {
    if ((changed.has('api') || changed.has('by')) && this.api) void this.refresh();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.csvHref) URL.revokeObjectURL(this.csvHref);
    this.csvHref = '';
  }

  private query(): string {
    return this.by === 'none' ? '' : `?by=${this.by}`;
  }

  async refresh(): Promise<void> {
    if (!this.api) return;
    const seq = ++this.seq;
    this.loading = true;
    this.error = '';
    try {
      const v = await this.api.get<DistrictRollupView>(`/district/rollup${this.query()}`);
      if (seq !== this.seq) return;
      this.view = v;
      this.dispatchEvent(new CustomEvent('gl-rollup-loaded', { detail: { students: v.students }, bubbles: true, composed: true }));
    } catch (err) {
      if (seq === this.seq) this.error = (err as Error).message;
    } finally {
      if (seq === this.seq) this.loading = false;
    }
  }

  private async downloadCsv(): Promise<void> {
    if (this.csvBusy) return;
    this.csvBusy = true;
    this.csvError = '';
    try {
      const file = await fetchCsvFile(`/api/district/rollup.csv${this.query()}`, this.token, 'growthline-district.csv');
      if (this.csvHref) URL.revokeObjectURL(this.csvHref);
      this.csvName = file.fileName;
      this.csvHref = file.href;
      this.csvBusy = false;
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLAnchorElement>('a.file')?.focus();
    } catch (err) {
      this.csvError = this.t('csvFailed', { detail: (err as Error).message });
    } finally {
      this.csvBusy = false;
    }
  }

  private toggleCourse(id: string, e: Event): void {
    const open = new Set(this.openCourses);
    if ((e.target as HTMLDetailsElement).open) open.add(id); else open.delete(id);
    this.openCourses = open;
  }

  // --- cells -----------------------------------------------------------------------------------------------

  private fewer() {
    return html`<span class="suppressed">${this.t('fewerThan', { min: this.view?.minCell ?? 5 })}</span>`;
  }

  private distribution(cell: RollupCell) {
    if (cell.suppressed) return this.fewer();
    const t = this.t;
    const levels = this.view?.levels ?? (Object.keys(LEVEL_VIEW) as Level[]);
    const total = levels.reduce((s, l) => s + cell.levels[l], 0) || 1;
    return html`<div class="dist">
      <ul class="plain">${levels.map((l) => html`<li>${t('districtLevelCount', { level: t(LEVEL_VIEW[l].key), n: cell.levels[l] })}</li>`)}</ul>
      <div class="bar" aria-hidden="true">${levels.map((l) => (cell.levels[l]
        ? html`<span class=${l} style=${`width:${(100 * cell.levels[l]) / total}%`}></span>` : nothing))}</div>
    </div>`;
  }

  private cellColumns(cell: RollupCell, students?: number | null) {
    const n = students === undefined ? (cell.suppressed ? null : cell.students) : students;
    return html`
      <td class="num">${n === null ? this.fewer() : n}</td>
      <td>${this.distribution(cell)}</td>
      <td class="num">${cell.suppressed ? '—' : percent(cell.proficientShare, this.locale)}</td>
      <td class="num">${cell.suppressed ? '—' : percent(cell.meanPMastery, this.locale)}</td>`;
  }

  private cellHeads(first: string) {
    const t = this.t;
    return html`<tr>
      <th scope="col">${first}</th>
      <th scope="col" class="num">${t('districtStudentsColumn')}</th>
      <th scope="col">${t('districtLevelsColumn')}</th>
      <th scope="col" class="num">${t('districtProficientColumn')}</th>
      <th scope="col" class="num">${t('districtMeanPColumn')}</th>
    </tr>`;
  }

  // --- sections --------------------------------------------------------------------------------------------

  private standardsTable(v: DistrictRollupView) {
    const t = this.t;
    return html`<div class="scroll" tabindex="0" role="region" aria-labelledby="standards-caption"><table>
      <caption id="standards-caption">${t('districtStandardsCaption')}</caption>
      <thead>${this.cellHeads(t('districtStandardColumn'))}</thead>
      <tbody>${v.standards.map((s) => html`<tr>
        <th scope="row">${s.code}${s.description ? html`<span class="desc">${s.description}</span>` : nothing}</th>
        ${this.cellColumns(s.cell)}
      </tr>`)}</tbody>
    </table></div>`;
  }

  private gradesTable(v: DistrictRollupView) {
    const t = this.t;
    if (!v.byGrade?.length) return nothing;
    return html`<div class="scroll" tabindex="0" role="region" aria-labelledby="grades-caption"><table>
      <caption id="grades-caption">${t('districtGradesCaption')}</caption>
      <thead>${this.cellHeads(t('districtGradeColumn'))}</thead>
      <tbody>${v.byGrade.map((g) => html`<tr>
        <th scope="row">${t('districtGradeName', { grade: g.grade })}<span class="desc">${t('districtGradeStandards', { n: g.standards.length })}</span></th>
        ${this.cellColumns(g.cell, g.students)}
      </tr>`)}</tbody>
    </table></div>`;
  }

  private coursesList(v: DistrictRollupView) {
    const t = this.t;
    if (!v.byCourse) return nothing;
    const described = new Map(v.standards.map((s) => [s.code, s.description]));
    return html`<section aria-labelledby="courses-h">
      <h3 id="courses-h">${t('districtCoursesTitle')}</h3>
      ${v.byCourse.map((c, i) => {
        const title = c.title || t('untitledCourse');
        const open = this.openCourses.has(c.courseId);
        return html`<details @toggle=${(e: Event) => this.toggleCourse(c.courseId, e)} ?open=${open}>
          <summary>${c.students === null ? t('districtCourseSummarySmall', { title, min: v.minCell }) : t('districtCourseSummary', { title, students: c.students })}</summary>
          ${open ? html`<div class="scroll" tabindex="0" role="region" aria-labelledby=${`course-caption-${i}`}><table>
            <caption id=${`course-caption-${i}`}>${t('districtCourseCaption', { title })}</caption>
            <thead>${this.cellHeads(t('districtStandardColumn'))}</thead>
            <tbody>${c.standards.map((s) => html`<tr>
              <th scope="row">${s.code}${described.get(s.code) ? html`<span class="desc">${described.get(s.code)}</span>` : nothing}</th>
              ${this.cellColumns(s.cell)}
            </tr>`)}</tbody>
          </table></div>` : nothing}
        </details>`;
      })}
    </section>`;
  }

  private growthTable(v: DistrictRollupView) {
    const t = this.t;
    return html`<section aria-labelledby="district-growth-h">
      <h3 id="district-growth-h">${t('districtGrowthTitle')}</h3>
      ${v.growth.length === 0 ? html`<p>${t('districtGrowthEmpty')}</p>` : html`
      <div class="scroll" tabindex="0" role="region" aria-labelledby="growth-caption"><table>
        <caption id="growth-caption">${t('districtGrowthCaption')}</caption>
        <thead><tr>
          <th scope="col">${t('districtPairColumn')}</th>
          <th scope="col" class="num">${t('districtStudentsColumn')}</th>
          <th scope="col" class="num">${t('districtMeanPreColumn')}</th>
          <th scope="col" class="num">${t('districtMeanPostColumn')}</th>
          <th scope="col" class="num">${t('districtGainColumn')}</th>
          <th scope="col" class="num">${t('districtMovedUpColumn')}</th>
        </tr></thead>
        <tbody>${v.growth.map((g) => html`<tr>
          <th scope="row">${t('districtPair', { pre: g.preTitle || g.pre, post: g.postTitle || g.post })}</th>
          ${g.suppressed
            ? html`<td class="num">${this.fewer()}</td><td class="num">—</td><td class="num">—</td><td class="num">—</td><td class="num">—</td>`
            : html`<td class="num">${g.students}</td><td class="num">${percent(g.meanPre, this.locale)}</td><td class="num">${percent(g.meanPost, this.locale)}</td>
              <td class="num">${points(g.meanGain, this.locale)}</td><td class="num">${percent(g.movedUpShare, this.locale)}</td>`}
        </tr>`)}</tbody>
      </table></div>`}
    </section>`;
  }

  protected override render() {
    const t = this.t;
    const v = this.view;
    const options: [Breakdown, string][] = [['none', t('districtByNone')], ['course', t('districtByCourse')], ['grade', t('districtByGrade')]];
    return html`<section aria-labelledby="district-h">
      <h2 id="district-h">${t('districtTitle')}</h2>
      <p>${t('districtIntro')}</p>
      <p class="note">${t('districtPrivacy', { min: v?.minCell ?? 5 })}</p>
      <div class="controls">
        <fieldset class="by">
          <legend>${t('districtByLabel')}</legend>
          ${options.map(([value, label]) => html`<label><input type="radio" name="by" .value=${value} .checked=${this.by === value}
            @change=${() => { this.by = value; }}> ${label}</label>`)}
        </fieldset>
        <button type="button" ?disabled=${this.loading} @click=${() => void this.refresh()}>${t('refresh')}</button>
      </div>
      <p role="status" class="vh">${this.loading ? t('loading') : ''}</p>
      ${this.error ? html`<p class="error" role="alert">${t('districtFailed', { detail: this.error })}</p>` : nothing}
      ${!v ? (this.error ? nothing : html`<p aria-busy="true">${t('loading')}</p>`) : v.standards.length === 0 ? html`<p>${t('districtEmpty')}</p>` : html`
        <p>${v.students === null ? t('districtSummarySmall', { min: v.minCell }) : t('districtSummary', { students: v.students, courses: v.courses })}
          <span class="muted">${t('districtUpdated', { time: new Date(v.generatedAt).toLocaleTimeString(this.locale) })}</span></p>
        ${this.standardsTable(v)}
        ${this.gradesTable(v)}
        ${this.coursesList(v)}
        ${this.growthTable(v)}
        <section aria-labelledby="district-csv-h">
          <h3 id="district-csv-h">${t('districtExportTitle')}</h3>
          <button type="button" class="primary" aria-disabled=${this.csvBusy ? 'true' : 'false'} @click=${() => void this.downloadCsv()}>${t('districtDownloadCsv')}</button>
          <p role="status">${this.csvBusy ? t('preparingCsv') : this.csvHref ? html`${t('csvReady')} <a class="file" href=${this.csvHref} download=${this.csvName}>${t('saveCsv', { name: this.csvName })}</a>` : nothing}</p>
          ${this.csvError ? html`<p class="error" role="alert">${this.csvError}</p>` : nothing}
        </section>`}
    </section>`;
  }
}
customElements.define('gl-district-rollup', GlDistrictRollup);
