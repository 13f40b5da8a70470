// The teacher dashboard of one placement, composed of the small components: completion, mastery map, growth,
// small groups, item analysis and the CSV export; choosing a student opens their answers in place of the class
// view, and going back returns focus to the control the teacher used.
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import type { Api } from '../../shared/api.js';
import '../completion/completion.js';
import '../csv-download/csv-download.js';
import '../gradebook-settings/gradebook-settings.js';
import '../groups/groups.js';
import '../growth/growth.js';
import '../item-analysis/item-analysis.js';
import '../mastery-map/mastery-map.js';
import '../student-drilldown/student-drilldown.js';
import { dashboardStyles } from '../styles.js';
import { dashboardTranslator, type DashboardTranslate } from '../strings.js';
import type { DashboardView, GroupsView } from '../types.js';
import { dashboardPageStyles } from './dashboard.styles.js';

/**
 * `<gl-dashboard>` — GET /api/placements/:placementId/dashboard, shown section by section.
 *
 * @property api - API client (from the page).
 * @property placementId - the placement the teacher launched.
 * @property token - the session token, for the CSV download (which needs its own fetch).
 * @property locale - "en" | "es".
 * @cssprop --gl-level-beginning, --gl-level-developing, --gl-level-proficient, --gl-level-mastered - mastery tints.
 */
export class GlDashboard extends LitElement {
  static override styles = [...dashboardStyles, dashboardPageStyles];
  static override properties = {
    api: { attribute: false },
    placementId: { type: String },
    token: { attribute: false },
    locale: { type: String },
    data: { state: true },
    error: { state: true },
    loading: { state: true },
    student: { state: true },
  };
  api?: Api;
  placementId = '';
  token = '';
  locale = 'en';
  data?: DashboardView;
  error = '';
  loading = false;
  /** The student whose answers are open, if any. */
  student: string | null = null;
  private t: DashboardTranslate = dashboardTranslator('en');
  private returnFocus?: Element | null;
  private seq = 0;

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('locale')) this.t = dashboardTranslator(this.locale);
    if ((changed.has('api') || changed.has('placementId')) && this.api && this.placementId) void this.refresh();
  }

  /** Reloads the dashboard (the teacher's "Refresh", or after a change elsewhere). */
  async refresh(): Promise<void> {
    if (!this.api) return;
    const seq = ++this.seq;
    this.loading = true;
    try {
      const d = await this.api.get<DashboardView>(`/placements/${encodeURIComponent(this.placementId)}/dashboard`);
      if (seq !== this.seq) return;
      this.data = d;
      this.error = '';
    } catch (err) {
      if (seq === this.seq) this.error = (err as Error).message;
    } finally {
      if (seq === this.seq) this.loading = false;
    }
  }

  private openStudent(e: CustomEvent<{ personId: string }>): void {
    // Focus lives inside a child's shadow root: remember that element to return to it.
    let active: Element | null = document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    this.returnFocus = active;
    this.student = e.detail.personId;
  }

  private async closeStudent(): Promise<void> {
    this.student = null;
    await this.updateComplete;
    const back = this.returnFocus as HTMLElement | null | undefined;
    if (back?.isConnected) back.focus();
    else this.renderRoot.querySelector<HTMLElement>('#dash-h')?.focus();
  }

  protected override render() {
    const t = this.t;
    const d = this.data;
    if (this.error && !d) return html`<p class="error" role="alert">${t('loadFailed', { detail: this.error })}</p>
      <button type="button" @click=${() => void this.refresh()}>${t('tryAgain')}</button>`;
    if (!d) return html`<p role="status" aria-busy="true">${t('loading')}</p>`;
    // The class view stays in the page (hidden) while a student is open, so unsaved group edits and the map's sort survive.
    return html`${this.student ? html`<gl-student-drilldown .api=${this.api} placementId=${this.placementId} personId=${this.student} .standards=${d.standards}
        locale=${this.locale} @gl-drilldown-close=${() => void this.closeStudent()}></gl-student-drilldown>` : nothing}
      <div ?hidden=${!!this.student} @gl-student-select=${this.openStudent}>
      <div class="head">
        <h2 id="dash-h" tabindex="-1">${t('dashboardTitle', { title: d.placement.title || d.assessment?.title || '' })}</h2>
        <button type="button" ?disabled=${this.loading} @click=${() => void this.refresh()}>${t('refresh')}</button>
      </div>
      <p role="status" class="vh">${this.loading ? t('loading') : ''}</p>
      ${this.error ? html`<p class="error" role="alert">${t('loadFailed', { detail: this.error })}</p>` : nothing}
      ${d.assessment ? html`<p class="muted">${t('assessmentLine', { title: d.assessment.title, kind: t(d.assessment.kind === 'pre' ? 'kindPre' : d.assessment.kind === 'post' ? 'kindPost' : 'kindDiagnostic') })}</p>`
        : html`<p class="note">${t('noAssessment')}</p>`}
      <gl-completion .completion=${d.completion} .roster=${d.roster} locale=${this.locale}></gl-completion>
      <gl-mastery-map .rows=${d.mastery.students} .standards=${d.standards} .levels=${d.mastery.levels} locale=${this.locale}></gl-mastery-map>
      ${d.growth ? html`<gl-growth .growth=${d.growth} locale=${this.locale}></gl-growth>`
        : html`<section aria-labelledby="growth-none-h"><h2 id="growth-none-h">${t('growthTitle')}</h2><p>${t('growthNotPaired')}</p></section>`}
      <gl-groups .api=${this.api} placementId=${this.placementId} .initial=${d.groups} locale=${this.locale}
        @gl-groups-saved=${(e: CustomEvent<{ groups: GroupsView }>) => { this.data = { ...d, groups: e.detail.groups }; }}></gl-groups>
      <gl-item-analysis .items=${d.itemAnalysis.items} students=${d.itemAnalysis.students} design=${d.itemAnalysis.design ?? 'fixed'} locale=${this.locale}></gl-item-analysis>
      <gl-csv-download placementId=${this.placementId} .token=${this.token} locale=${this.locale}></gl-csv-download>
      <gl-gradebook-settings .api=${this.api} placementId=${this.placementId} locale=${this.locale}></gl-gradebook-settings>
    </div>`;
  }
}
customElements.define('gl-dashboard', GlDashboard);
