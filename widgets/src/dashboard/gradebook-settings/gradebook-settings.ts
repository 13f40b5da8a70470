// The teacher's gradebook setting for one activity: a column per standard in the LMS gradebook with each
// student's mastery level. Saved as soon as the box changes; the outcome is announced in a live region, and a
// failed save puts the box back as it was, so what the teacher sees is always what is stored.
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import type { Api } from '../../shared/api.js';
import { dashboardStyles } from '../styles.js';
import { dashboardTranslator, type DashboardTranslate } from '../strings.js';

interface GradeSettings { standardLineItems: boolean; progressScores: boolean }

/**
 * `<gl-gradebook-settings>` — GET and PUT /api/placements/:placementId/grade-settings.
 *
 * @property api - API client (from the page).
 * @property placementId - the placement.
 * @property locale - "en" | "es".
 * @fires gl-grade-settings-saved - `{ standardLineItems }` after a successful save.
 */
export class GlGradebookSettings extends LitElement {
  static override styles = dashboardStyles;
  static override properties = {
    api: { attribute: false },
    placementId: { type: String },
    locale: { type: String },
    settings: { state: true },
    saving: { state: true },
    message: { state: true },
    error: { state: true },
  };
  api?: Api;
  placementId = '';
  locale = 'en';
  settings?: GradeSettings;
  saving = false;
  message = '';
  error = '';
  private t: DashboardTranslate = dashboardTranslator('en');

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('locale')) this.t = dashboardTranslator(this.locale);
    if ((changed.has('api') || changed.has('placementId')) && this.api && this.placementId) void this.load();
  }

  private path(): string {
    return `/placements/${encodeURIComponent(this.placementId)}/grade-settings`;
  }

  private async load(): Promise<void> {
    try {
      this.settings = await this.api!.get<GradeSettings>(this.path());
      this.error = '';
    } catch (err) {
      this.error = this.t('loadFailed', { detail: (err as Error).message });
    }
  }

  private async toggle(e: Event): Promise<void> {
    const box = e.target as HTMLInputElement;
    const wanted = box.checked;
    this.saving = true;
    this.message = this.t('gradebookSaving');
    this.error = '';
    try {
      this.settings = await this.api!.put<GradeSettings>(this.path(), { standardLineItems: wanted });
      this.message = this.t(this.settings.standardLineItems ? 'gradebookSavedOn' : 'gradebookSavedOff');
      this.dispatchEvent(new CustomEvent('gl-grade-settings-saved', { detail: { standardLineItems: this.settings.standardLineItems }, bubbles: true, composed: true }));
    } catch (err) {
      box.checked = !wanted;
      this.message = '';
      this.error = this.t('gradebookFailed', { detail: (err as Error).message });
    } finally {
      this.saving = false;
    }
  }

  protected override render() {
    const t = this.t;
    const s = this.settings;
    return html`<section aria-labelledby="gradebook-h">
      <h2 id="gradebook-h">${t('gradebookTitle')}</h2>
      ${s ? html`<p>
          <input type="checkbox" id="standard-columns" aria-describedby="standard-columns-help"
            .checked=${s.standardLineItems} ?disabled=${this.saving} @change=${(e: Event) => void this.toggle(e)}>
          <label for="standard-columns">${t('standardColumnsLabel')}</label>
        </p>
        <p id="standard-columns-help" class="muted">${t('standardColumnsHelp')}</p>
        ${s.progressScores ? html`<p class="muted">${t('progressScoresOn')}</p>` : nothing}`
        : this.error ? nothing : html`<p aria-busy="true">${t('loading')}</p>`}
      <p role="status">${this.message}</p>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
    </section>`;
  }
}
customElements.define('gl-gradebook-settings', GlGradebookSettings);
