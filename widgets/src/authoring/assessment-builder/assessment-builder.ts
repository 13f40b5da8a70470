// Builds an assessment from a blueprint (standards × items per form) and settings; the server assembles
// the forms. Afterwards it shows, in plain words, how evenly difficult the forms came out per standard;
// when the bank cannot fill the blueprint it shows the server's reasons.
import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import type { Api } from '../../shared/api.js';
import { idrefs } from '../aria.js';
import { difficultyKey, formatLogits } from '../difficulty.js';
import { summarizeProblem } from '../problems.js';
import { assessable, gradeLabel, gradesOf, loadStandards } from '../standards.js';
import { authoringTranslator, KIND_LABEL, type AuthoringTranslate } from '../strings.js';
import { formStyles } from '../styles.js';
import type { AssessmentDetail, AssessmentSummary, StandardView } from '../types.js';
import type { PlanNote } from '../../../../server/adaptive/plan-notes.js';
import { assessmentBuilderStyles } from './assessment-builder.styles.js';
import {
  combineDifficulty, emptyBuilderForm, fieldForAssessmentPath, MAX_ITEMS_PER_STANDARD, newRow, toNewAssessment, validateBuilder,
  type BuilderForm, type BlueprintRow,
} from './blueprint.js';

interface Shown { field: string; message: string }

/**
 * `<gl-assessment-builder>` — title, grade, kind, blueprint rows and settings → POST /api/assessments.
 *
 * @property api - API client (from the page).
 * @property locale - "en" | "es".
 * @fires gl-assessments-created - `{ assessments: AssessmentSummary[] }` (two for pre/post, pre first).
 * @cssprop --gl-border, --gl-warn, --gl-bad, --gl-radius
 */
export class GlAssessmentBuilder extends LitElement {
  static override styles = [formStyles, assessmentBuilderStyles];
  static override properties = {
    api: { attribute: false },
    locale: { type: String },
    form: { state: true },
    standards: { state: true },
    showErrors: { state: true },
    serverErrors: { state: true },
    reasons: { state: true },
    generalError: { state: true },
    saving: { state: true },
    created: { state: true },
    details: { state: true },
    planNotes: { state: true },
  };
  api?: Api;
  locale = 'en';
  form: BuilderForm = emptyBuilderForm();
  standards: StandardView[] = [];
  showErrors = false;
  serverErrors: Shown[] = [];
  reasons: string[] = [];
  generalError = '';
  saving = false;
  created: AssessmentSummary[] = [];
  details: AssessmentDetail[] = [];
  /** An adaptive assessment's plan notes from the save (what the bank could not fill as wanted). */
  planNotes: PlanNote[] = [];
  private t: AuthoringTranslate = authoringTranslator('en');

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('locale')) this.t = authoringTranslator(this.locale);
    if (changed.has('api') && this.api) {
      loadStandards(this.api).then((s) => {
        this.standards = s;
        if (!this.form.grade) this.form = { ...this.form, grade: gradesOf(s)[0] ?? '' };
      }, (err: Error) => { this.generalError = err.message; });
    }
  }

  /** Clears the form and the last result, to build another assessment. */
  reset(): void {
    this.form = emptyBuilderForm(this.form.grade);
    this.created = [];
    this.details = [];
    this.planNotes = [];
    this.showErrors = false;
    this.serverErrors = [];
    this.reasons = [];
    this.generalError = '';
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('#a-title')?.focus());
  }

  private set(patch: Partial<BuilderForm>): void {
    this.form = { ...this.form, ...patch };
    this.serverErrors = [];
    this.reasons = [];
    this.generalError = '';
  }

  private setRow(key: number, patch: Partial<BlueprintRow>): void {
    this.set({ rows: this.form.rows.map((r) => (r.key === key ? { ...r, ...patch } : r)) });
  }

  private problems(): Shown[] {
    if (!this.showErrors) return [];
    return [...validateBuilder(this.form).map((p) => ({ field: p.field, message: this.t(p.key, p.vars) })), ...this.serverErrors];
  }

  private async submit(e: Event): Promise<void> {
    e.preventDefault();
    if (this.saving || !this.api) return;
    this.showErrors = true;
    this.serverErrors = [];
    this.reasons = [];
    this.generalError = '';
    if (validateBuilder(this.form).length) return this.focusSummary();
    this.saving = true;
    try {
      const { assessments, planNotes } = await this.api.post<{ assessments: AssessmentSummary[]; planNotes?: PlanNote[] }>('/assessments', toNewAssessment(this.form));
      this.planNotes = planNotes ?? [];
      this.created = assessments;
      this.details = await Promise.all(assessments.map((a) => this.api!.get<AssessmentDetail>(`/assessments/${encodeURIComponent(a.id)}`))).catch(() => []);
      this.showErrors = false;
      this.dispatchEvent(new CustomEvent('gl-assessments-created', { detail: { assessments }, bubbles: true, composed: true }));
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('#report-h')?.focus();
    } catch (err) {
      const p = summarizeProblem(err);
      const mapped = p.fields.map((f) => ({ field: fieldForAssessmentPath(f.field, this.form), message: f.message }));
      this.serverErrors = mapped.filter((m) => m.field && m.field !== 'blueprint');
      this.reasons = [...mapped.filter((m) => !m.field || m.field === 'blueprint').map((m) => m.message), ...p.reasons];
      if (!this.serverErrors.length && !this.reasons.length) this.reasons = [p.message];
      this.generalError = p.message;
      this.focusSummary();
    } finally {
      this.saving = false;
    }
  }

  private focusSummary(): void {
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('#a-summary')?.focus());
  }

  private focusField(e: Event, field: string): void {
    e.preventDefault();
    this.renderRoot.querySelector<HTMLElement>(`#${CSS.escape(field)}`)?.focus();
  }

  private err(field: string, all: Shown[]) {
    const mine = all.filter((p) => p.field === field);
    return {
      invalid: mine.length ? 'true' : 'false',
      id: mine.length ? `err-${field}` : '',
      message: mine.length ? html`<p class="field-error" id=${`err-${field}`}>${mine.map((m) => m.message).join(' ')}</p>` : nothing,
    };
  }

  private renderSummary(all: Shown[]) {
    const t = this.t;
    if (!all.length && !this.reasons.length) return nothing;
    return html`<div class="summary" id="a-summary" role="alert" tabindex="-1">
      <h3>${this.reasons.length || this.serverErrors.length ? t('couldNotBuild') : t('fixBeforeBuilding')}</h3>
      <ul>
        ${all.map((p) => html`<li><a href=${`#${p.field}`} @click=${(e: Event) => this.focusField(e, p.field)}>${p.message}</a></li>`)}
        ${this.reasons.map((r) => html`<li>${r}</li>`)}
      </ul>
      ${this.reasons.length || this.serverErrors.length ? html`<p>${t('couldNotBuildHint')}</p>` : nothing}
    </div>`;
  }

  private renderRows(all: Shown[]) {
    const t = this.t;
    const f = this.form;
    const options = assessable(this.standards, f.grade);
    const group = this.err('blueprint', all);
    return html`<fieldset id="blueprint" tabindex="-1" aria-describedby=${idrefs('blueprint-hint', group.id)}>
      <legend>${t('blueprintLegend')}</legend>
      <p class="hint" id="blueprint-hint">${f.kind === 'pre-post' ? t('blueprintHintPair') : t('blueprintHint')}</p>
      ${group.message}
      <ol class="rows">
        ${f.rows.map((r, n) => {
          const std = this.err(`row-std-${r.key}`, all);
          const items = this.err(`row-items-${r.key}`, all);
          return html`<li>
            <div class="field std">
              <label for=${`row-std-${r.key}`}>${t('rowStandard', { n: n + 1 })}</label>
              <select id=${`row-std-${r.key}`} aria-invalid=${std.invalid} aria-describedby=${idrefs(std.id)}
                @change=${(e: Event) => this.setRow(r.key, { standard: (e.target as HTMLSelectElement).value })}>
                <option value="" ?selected=${!r.standard}>${t('chooseStandard')}</option>
                ${options.map((s) => html`<option value=${s.code} ?selected=${s.code === r.standard}>${s.code} — ${truncate(s.description, 70)}</option>`)}
              </select>
              ${std.message}
            </div>
            <div class="field count">
              <label for=${`row-items-${r.key}`}>${t('rowItems')}</label>
              <input type="number" id=${`row-items-${r.key}`} min="1" max=${MAX_ITEMS_PER_STANDARD} step="1" .value=${live(r.items)}
                aria-invalid=${items.invalid} aria-describedby=${idrefs(items.id)}
                @input=${(e: Event) => this.setRow(r.key, { items: (e.target as HTMLInputElement).value })}>
              ${items.message}
            </div>
            <button type="button" ?disabled=${f.rows.length <= 1} @click=${() => this.removeRow(r.key, n)}>${t('remove')}<span class="vh"> ${t('rowStandard', { n: n + 1 })}</span></button>
          </li>`;
        })}
      </ol>
      <div class="actions"><button type="button" id="add-row" @click=${this.addRow}>${t('addStandardRow')}</button></div>
    </fieldset>`;
  }

  private addRow(): void {
    const row = newRow();
    this.set({ rows: [...this.form.rows, row] });
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`#row-std-${row.key}`)?.focus());
  }

  private removeRow(key: number, n: number): void {
    this.set({ rows: this.form.rows.filter((r) => r.key !== key) });
    void this.updateComplete.then(() => {
      const next = this.form.rows[Math.min(n, this.form.rows.length - 1)];
      this.renderRoot.querySelector<HTMLElement>(next ? `#row-std-${next.key}` : '#add-row')?.focus();
    });
  }

  private noteText(n: PlanNote): string {
    const t = this.t;
    switch (n.kind) {
      case 'few-routing-modules': return t('planNoteFewRouting', { standard: n.standard, count: n.count, wanted: n.wanted });
      case 'items-left-out': return t('planNoteLeftOut', { standard: n.standard, count: n.count, size: n.moduleItems });
      default: return n.message;
    }
  }

  /** The plan's notes as a warning list, announced with the report (the save worked; these are advice). */
  private renderPlanNotes() {
    const t = this.t;
    if (!this.planNotes.length) return nothing;
    return html`<div class="plan-notes" role="status" aria-labelledby="plan-notes-h">
      <h3 id="plan-notes-h"><span aria-hidden="true">⚠ </span>${t('planNotesTitle')}</h3>
      <p class="hint">${t('planNotesHint')}</p>
      <ul>${this.planNotes.map((n) => html`<li>${this.noteText(n)}</li>`)}</ul>
    </div>`;
  }

  private renderReport(): TemplateResult {
    const t = this.t;
    const report = combineDifficulty(this.details);
    const pair = report.columns.length > 1;
    const colName = (c: { kind: string; form: number }) => (c.kind === 'diagnostic' && pair ? t('formN', { n: c.form }) : t(KIND_LABEL[c.kind as 'pre']));
    return html`<section class="report" aria-labelledby="report-h">
      <h2 id="report-h" tabindex="-1">${t('builtTitle', { count: this.created.length })}</h2>
      <ul class="created">${this.created.map((a) => html`<li><strong>${a.title}</strong> — ${t(KIND_LABEL[a.kind])}, ${t('itemCount', { count: a.itemCount })}</li>`)}</ul>
      ${this.renderPlanNotes()}
      ${report.rows.length ? html`
        <h3>${t('difficultyReportTitle')}</h3>
        <p class="hint">${pair ? t('difficultyReportHintPair') : t('difficultyReportHint')}</p>
        <div class="scroll" tabindex="0" role="region" aria-labelledby="report-caption"><table>
          <caption class="vh" id="report-caption">${t('difficultyReportTitle')}</caption>
          <thead><tr><th scope="col">${t('standardLabel')}</th>${report.columns.map((c) => html`<th scope="col">${colName(c)}</th>`)}${pair ? html`<th scope="col">${t('balance')}</th>` : nothing}</tr></thead>
          <tbody>${report.rows.map((r) => html`<tr>
            <th scope="row">${r.standard}</th>
            ${r.means.map((m) => html`<td>${m === null ? t('noItemsShort') : html`${t(difficultyKey(m))} <span class="hint">(${formatLogits(m)})</span>`}</td>`)}
            ${pair ? html`<td class=${r.balanced ? 'balanced' : 'uneven'}>${r.balanced ? t('balanced', { gap: formatLogits(r.gap) }) : t('uneven', { gap: formatLogits(r.gap) })}</td>` : nothing}
          </tr>`)}</tbody>
        </table></div>
        ${pair && report.rows.some((r) => !r.balanced) ? html`<p>${t('unevenAdvice')}</p>` : nothing}` : nothing}
      <div class="actions"><button type="button" @click=${() => this.reset()}>${t('buildAnother')}</button></div>
    </section>`;
  }

  protected override render() {
    const t = this.t;
    const f = this.form;
    const all = this.problems();
    const title = this.err('a-title', all);
    const grade = this.err('a-grade', all);
    const attempts = this.err('a-attempts', all);
    const time = this.err('a-time', all);
    if (this.created.length) return this.renderReport();
    return html`<form novalidate aria-labelledby="builder-h" @submit=${this.submit}>
      <h2 id="builder-h">${t('builderTitle')}</h2>
      ${this.renderSummary(all)}
      ${this.generalError && !all.length && !this.reasons.length ? html`<p class="summary" role="alert">${this.generalError}</p>` : nothing}
      <div class="row">
        <div class="field">
          <label for="a-title">${t('assessmentTitle')}</label>
          <input type="text" id="a-title" .value=${live(f.title)} aria-invalid=${title.invalid} aria-describedby=${idrefs(title.id)}
            @input=${(e: Event) => this.set({ title: (e.target as HTMLInputElement).value })}>
          ${title.message}
        </div>
        <div class="field">
          <label for="a-grade">${t('gradeLabel')}</label>
          <select id="a-grade" aria-invalid=${grade.invalid} aria-describedby=${idrefs(grade.id)}
            @change=${(e: Event) => this.set({ grade: (e.target as HTMLSelectElement).value, rows: f.rows.map((r) => ({ ...r, standard: '' })) })}>
            ${gradesOf(this.standards).map((g) => html`<option value=${g} ?selected=${g === f.grade}>${gradeLabel(t, g)}</option>`)}
          </select>
          ${grade.message}
        </div>
      </div>
      <fieldset id="a-kind" tabindex="-1">
        <legend>${t('kindLegend')}</legend>
        <label class="check"><input type="radio" name="kind" value="pre-post" .checked=${live(f.kind === 'pre-post')}
          @change=${() => this.set({ kind: 'pre-post' })}><span>${t('kindPrePost')}<span class="hint"> — ${t('kindPrePostHint')}</span></span></label>
        <label class="check"><input type="radio" name="kind" value="diagnostic" .checked=${live(f.kind === 'diagnostic')}
          @change=${() => this.set({ kind: 'diagnostic' })}><span>${t('kindDiagnostic')}<span class="hint"> — ${t('kindDiagnosticHint')}</span></span></label>
      </fieldset>
      ${this.renderRows(all)}
      <fieldset>
        <legend>${t('settingsLegend')}</legend>
        <div class="row">
          <div class="field">
            <label for="a-attempts">${t('attemptsAllowed')}</label>
            <input type="number" id="a-attempts" min="1" max="20" step="1" .value=${live(f.attempts)} aria-invalid=${attempts.invalid}
              aria-describedby=${idrefs(attempts.id)} @input=${(e: Event) => this.set({ attempts: (e.target as HTMLInputElement).value })}>
            ${attempts.message}
          </div>
          <div class="field">
            <label for="a-time">${t('timeLimit')}</label>
            <input type="number" id="a-time" min="1" max="600" step="1" .value=${live(f.timeLimit)} aria-invalid=${time.invalid}
              aria-describedby=${idrefs('a-time-hint', time.id)}
              @input=${(e: Event) => this.set({ timeLimit: (e.target as HTMLInputElement).value })}>
            <p class="hint" id="a-time-hint">${t('timeLimitHint')}</p>
            ${time.message}
          </div>
        </div>
        <label class="check"><input type="checkbox" id="a-show" .checked=${live(f.showCorrect)}
          @change=${(e: Event) => this.set({ showCorrect: (e.target as HTMLInputElement).checked })}>${t('showCorrectAnswers')}</label>
        <label class="check"><input type="checkbox" id="a-adaptive" .checked=${live(!!f.adaptive)} aria-describedby="a-adaptive-hint"
          @change=${(e: Event) => this.set({ adaptive: (e.target as HTMLInputElement).checked })}>${t('adaptiveMode')}</label>
        <p class="hint" id="a-adaptive-hint">${t('adaptiveModeHint')}</p>
      </fieldset>
      <div class="actions"><button type="submit" class="primary" ?disabled=${this.saving}>${this.saving ? t('building') : t('buildAssessment')}</button></div>
    </form>`;
  }
}

function truncate(s: string, n: number): string { return s.length > n ? `${s.slice(0, n - 1)}…` : s; }

customElements.define('gl-assessment-builder', GlAssessmentBuilder);
