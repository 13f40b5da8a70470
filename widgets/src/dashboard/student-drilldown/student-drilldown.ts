// One student's sitting, question by question: what they answered, right or wrong, the right answer, and the
// misconception a wrong choice signals; with their mastery per standard and their growth. An adaptive attempt shows
// its scale score, the chance of mastery per standard and one table per part, with only the questions given. Loads itself.
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import type { Api } from '../../shared/api.js';
import { percent, points, scalePoints } from '../format.js';
import { levelBadge } from '../levels.js';
import { dashboardStyles } from '../styles.js';
import { dashboardTranslator, type DashboardKey, type DashboardTranslate } from '../strings.js';
import type { CompletionStatus, DrilldownView, StandardRef } from '../types.js';
import { drilldownStyles } from './student-drilldown.styles.js';

const STATUS: Record<CompletionStatus, DashboardKey> = { 'not-started': 'statusNotStarted', 'in-progress': 'statusInProgress', submitted: 'statusSubmitted' };

/**
 * `<gl-student-drilldown>` — GET /api/placements/:placementId/students/:personId, shown as tables.
 *
 * @property api - API client (from the page).
 * @property placementId - the placement.
 * @property personId - the student.
 * @property standards - `StandardRef[]` (the activity's standards, in order).
 * @property locale - "en" | "es".
 * @fires gl-drilldown-close - when the teacher goes back to the class.
 * @cssprop --gl-ok, --gl-bad, --gl-border
 */
export class GlStudentDrilldown extends LitElement {
  static override styles = [...dashboardStyles, drilldownStyles];
  static override properties = {
    api: { attribute: false },
    placementId: { type: String },
    personId: { type: String },
    standards: { attribute: false },
    locale: { type: String },
    data: { state: true },
    error: { state: true },
  };
  api?: Api;
  placementId = '';
  personId = '';
  standards: StandardRef[] = [];
  locale = 'en';
  data?: DrilldownView;
  error = '';
  private t: DashboardTranslate = dashboardTranslator('en');
  private seq = 0;

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('locale')) this.t = dashboardTranslator(this.locale);
    if ((changed.has('api') || changed.has('placementId') || changed.has('personId')) && this.api && this.placementId && this.personId) void this.load();
  }

  private async load(): Promise<void> {
    const seq = ++this.seq;
    this.data = undefined;
    this.error = '';
    try {
      const d = await this.api!.get<DrilldownView>(`/placements/${encodeURIComponent(this.placementId)}/students/${encodeURIComponent(this.personId)}`);
      if (seq !== this.seq) return;
      this.data = d;
      await this.updateComplete;
      this.focus();
    } catch (err) {
      if (seq === this.seq) this.error = (err as Error).message;
    }
  }

  override focus(): void {
    this.renderRoot.querySelector<HTMLElement>('h2')?.focus();
  }

  /** One table of answers: the whole test, or one part of an adaptive test. */
  private answersTable(items: NonNullable<DrilldownView['attempt']>['items'], id: string, caption: string) {
    const t = this.t;
    return html`<div class="scroll" tabindex="0" role="region" aria-labelledby=${id}><table>
        <caption id=${id}>${caption}</caption>
        <thead><tr>
          <th scope="col">${t('questionColumn')}</th><th scope="col">${t('standardColumn')}</th><th scope="col">${t('answerColumn')}</th>
          <th scope="col">${t('resultColumn')}</th><th scope="col">${t('correctAnswerColumn')}</th><th scope="col">${t('misconceptionColumn')}</th>
        </tr></thead>
        <tbody>${items.map((i) => html`<tr>
          <th scope="row">${t('questionN', { n: i.position })}: <span class="title">${i.title}</span></th>
          <td>${i.standard}</td>
          <td>${i.answered ? i.response : html`<span class="muted">${t('noAnswer')}</span>`}</td>
          <td>${i.correct ? html`<span class="good"><span aria-hidden="true">✓ </span>${t('correct')}</span>`
            : html`<span class="bad"><span aria-hidden="true">✕ </span>${t('incorrect')}</span>`}</td>
          <td>${i.correct ? '' : i.correctAnswer}</td>
          <td>${i.misconceptions.join(' ')}</td>
        </tr>`)}</tbody>
      </table></div>`;
  }

  /** An adaptive attempt: its scale score, the chance of mastery per standard, then its parts in the order given. */
  private adaptiveAnswers(d: DrilldownView) {
    const t = this.t;
    const l = this.locale;
    const a = d.attempt!;
    const parts = a.parts ?? [];
    const name = d.student.displayName;
    return html`
      <h3>${t('onThisTest')}</h3>
      ${a.scale ? html`<p>${t('scaleScoreLine', { score: scalePoints(a.scale.score, l), se: scalePoints(a.scale.se, l) })}
        ${a.scale.extreme === 'ceiling' ? t('scaleCeiling') : a.scale.extreme === 'floor' ? t('scaleFloor') : nothing}</p>` : nothing}
      <ul class="plain">${a.standards.map((s) => html`<li>${t('standardChance', { code: s.code, p: percent(s.pMastery ?? null, l), correct: s.correct, total: s.total })}</li>`)}</ul>
      <p>${t('partsIntro', { name, n: parts.length })}</p>
      ${parts.map((p) => this.answersTable(a.items.filter((i) => i.part === p.part), `answers-part-${p.part}`, t('partCaption', { part: p.part, name })))}`;
  }

  private close(): void {
    this.dispatchEvent(new CustomEvent('gl-drilldown-close', { bubbles: true, composed: true }));
  }

  protected override render() {
    const t = this.t;
    const l = this.locale;
    const back = html`<button type="button" @click=${this.close}><span aria-hidden="true">← </span>${t('backToClass')}</button>`;
    if (this.error) return html`${back}<p class="error" role="alert">${this.error}</p>`;
    const d = this.data;
    if (!d) return html`${back}<p role="status" aria-busy="true">${t('loading')}</p>`;
    const a = d.attempt;
    return html`<section aria-labelledby="student-h">
      ${back}
      <h2 id="student-h" tabindex="-1">${t('drilldownTitle', { name: d.student.displayName })}</h2>
      <p>${!a ? t(STATUS[d.status]) : a.design === 'adaptive' ? t('statusSubmittedAdaptive', { score: a.score, max: a.maxScore })
        : t('statusSubmittedScore', { score: a.score, max: a.maxScore, percent: a.percent })}</p>

      <h3>${t('masteryNow')}</h3>
      <ul class="plain mastery">${this.standards.map((s) => {
        const g = d.growth?.standards.find((x) => x.code === s.code);
        return html`<li><span class="code">${s.code}</span> ${levelBadge(t, d.mastery[s.code]?.level)}
          ${g ? html`<span class="muted">${t('beforeAfterChange', { before: percent(g.pre.score, l), after: percent(g.post.score, l), change: points(g.change, l) })}</span>` : nothing}</li>`;
      })}</ul>

      ${!a ? html`<p>${t('noAttemptYet')}</p>`
        : a.design === 'adaptive' && a.parts?.length ? this.adaptiveAnswers(d)
        : html`${a.scale ? html`<p>${t('scaleScoreLine', { score: scalePoints(a.scale.score, l), se: scalePoints(a.scale.se, l) })}</p>` : nothing}
          ${this.answersTable(a.items, 'answers-caption', t('answersCaption', { name: d.student.displayName }))}`}
    </section>`;
  }
}
customElements.define('gl-student-drilldown', GlStudentDrilldown);
