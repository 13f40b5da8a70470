// The assessments a teacher can add to the course, filtered by grade and standard; one or several can
// be selected (the picker decides which, from what the LMS accepts).
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import type { Api } from '../../shared/api.js';
import { assessable, gradeLabel, gradesOf, loadStandards } from '../standards.js';
import { authoringTranslator, KIND_LABEL, OWNER_LABEL, type AuthoringTranslate } from '../strings.js';
import { formStyles } from '../styles.js';
import type { AssessmentSummary, StandardView } from '../types.js';
import { assessmentListStyles } from './assessment-list.styles.js';

/**
 * `<gl-assessment-list>` — filterable list of assessments with radio (one) or checkbox (several) selection.
 *
 * @property api - API client (from the page).
 * @property locale - "en" | "es".
 * @property multiple - Allow selecting several (default false: exactly one).
 * @property selected - Ids of the selected assessments; set it to select programmatically.
 * @property grade - Grade filter ('' = all); also settable by the teacher.
 * @property standard - Standard filter ('' = all); also settable by the teacher.
 * @fires gl-selection-change - `{ ids: string[], assessments: AssessmentSummary[] }` when the teacher changes the selection.
 * @cssprop --gl-accent, --gl-border, --gl-bg, --gl-radius
 */
export class GlAssessmentList extends LitElement {
  static override styles = [formStyles, assessmentListStyles];
  static override properties = {
    api: { attribute: false },
    locale: { type: String },
    multiple: { type: Boolean },
    selected: { attribute: false },
    grade: { type: String },
    standard: { type: String },
    assessments: { state: true },
    standards: { state: true },
    loading: { state: true },
    error: { state: true },
  };
  api?: Api;
  locale = 'en';
  multiple = false;
  selected: string[] = [];
  grade = '';
  standard = '';
  assessments: AssessmentSummary[] = [];
  standards: StandardView[] = [];
  loading = false;
  error = '';
  private t: AuthoringTranslate = authoringTranslator('en');
  private seq = 0;

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('locale')) this.t = authoringTranslator(this.locale);
    if (changed.has('api') && this.api) loadStandards(this.api).then((s) => { this.standards = s; }, () => undefined);
    if ((changed.has('api') || changed.has('grade') || changed.has('standard')) && this.api) void this.refresh();
  }

  /** Reloads the list with the current filters (e.g. after the builder created an assessment). */
  async refresh(): Promise<void> {
    if (!this.api) return;
    const seq = ++this.seq;
    const q = new URLSearchParams();
    if (this.grade) q.set('grade', this.grade);
    if (this.standard) q.set('standard', this.standard);
    this.loading = true;
    try {
      const r = await this.api.get<{ assessments: AssessmentSummary[] }>(`/assessments${q.toString() ? `?${q}` : ''}`);
      if (seq !== this.seq) return;
      this.assessments = r.assessments;
      this.error = '';
    } catch (err) {
      if (seq === this.seq) this.error = (err as Error).message;
    } finally {
      if (seq === this.seq) this.loading = false;
    }
  }

  private choose(id: string, on: boolean): void {
    this.selected = this.multiple ? (on ? [...this.selected.filter((x) => x !== id), id] : this.selected.filter((x) => x !== id)) : on ? [id] : [];
    const assessments = this.assessments.filter((a) => this.selected.includes(a.id));
    this.dispatchEvent(new CustomEvent('gl-selection-change', { detail: { ids: [...this.selected], assessments }, bubbles: true, composed: true }));
  }

  private describe(a: AssessmentSummary): string {
    const t = this.t;
    const parts = [t(KIND_LABEL[a.kind]), gradeLabel(t, a.grade), t('itemCount', { count: a.itemCount }), a.standards.join(', '), t(OWNER_LABEL[a.owner])];
    return parts.filter(Boolean).join(' · ');
  }

  protected override render() {
    const t = this.t;
    const picked = this.assessments.filter((a) => this.selected.includes(a.id));
    return html`<section aria-labelledby="list-h">
      <h2 id="list-h">${t('listTitle')}</h2>
      <div class="filters" role="search" aria-label=${t('listFilters')}>
        <div class="field">
          <label for="l-grade">${t('gradeLabel')}</label>
          <select id="l-grade" @change=${(e: Event) => { this.grade = (e.target as HTMLSelectElement).value; this.standard = ''; }}>
            <option value="" ?selected=${!this.grade}>${t('allGrades')}</option>
            ${gradesOf(this.standards).map((g) => html`<option value=${g} ?selected=${g === this.grade}>${gradeLabel(t, g)}</option>`)}
          </select>
        </div>
        <div class="field">
          <label for="l-standard">${t('standardLabel')}</label>
          <select id="l-standard" @change=${(e: Event) => { this.standard = (e.target as HTMLSelectElement).value; }}>
            <option value="" ?selected=${!this.standard}>${t('allStandards')}</option>
            ${assessable(this.standards, this.grade).map((s) => html`<option value=${s.code} ?selected=${s.code === this.standard}>${s.code}</option>`)}
          </select>
        </div>
      </div>
      <p role="status">${this.loading ? t('loading') : this.assessments.length ? t('assessmentCount', { count: this.assessments.length }) : t('noAssessments')}</p>
      ${this.error ? html`<p class="summary" role="alert">${this.error}</p>` : nothing}
      ${this.assessments.length ? html`<fieldset>
        <legend>${this.multiple ? t('chooseSome') : t('chooseOne')}</legend>
        <ul class="list">${this.assessments.map((a) => {
          const on = this.selected.includes(a.id);
          return html`<li class=${on ? 'selected' : ''}>
            <label>
              <input type=${this.multiple ? 'checkbox' : 'radio'} name="assessment" value=${a.id} .checked=${on}
                aria-labelledby=${`title-${a.id}`} aria-describedby=${`meta-${a.id}`}
                @change=${(e: Event) => this.choose(a.id, (e.target as HTMLInputElement).checked)}>
              <span><span class="title" id=${`title-${a.id}`}>${a.title}</span><span class="meta" id=${`meta-${a.id}`}>${this.describe(a)}</span></span>
            </label>
          </li>`;
        })}</ul>
      </fieldset>` : nothing}
      <p class="picked" aria-live="polite">${picked.length ? t('selectedNames', { names: picked.map((a) => a.title).join(', ') }) : ''}</p>
    </section>`;
  }
}
customElements.define('gl-assessment-list', GlAssessmentList);
