// A student's own progress across the course: each skill with its level in words (and a symbol and colour) and
// one next step, how their scores changed from pre-test to post-test, and the tests they have taken.
// Only ever the signed-in student's data: GET /api/me/mastery takes no student id.
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import type { Api } from '../../shared/api.js';
import { percent, points } from '../format.js';
import { levelBadge } from '../levels.js';
import { dashboardStyles } from '../styles.js';
import { dashboardTranslator, type DashboardTranslate } from '../strings.js';
import type { MyMasteryView } from '../types.js';
import { myProgressStyles } from './my-progress.styles.js';

/**
 * `<gl-my-progress>` — the student's profile.
 *
 * @property api - API client (from the page).
 * @property locale - "en" | "es".
 * @property heading - heading level for the title (2 on its own view, 3 under the results); default 2.
 * @cssprop --gl-level-beginning, --gl-level-developing, --gl-level-proficient, --gl-level-mastered
 */
export class GlMyProgress extends LitElement {
  static override styles = [...dashboardStyles, myProgressStyles];
  static override properties = {
    api: { attribute: false },
    locale: { type: String },
    heading: { type: Number },
    data: { state: true },
    error: { state: true },
  };
  api?: Api;
  locale = 'en';
  heading = 2;
  data?: MyMasteryView;
  error = '';
  private t: DashboardTranslate = dashboardTranslator('en');
  private focusWhenLoaded = false;

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('locale')) this.t = dashboardTranslator(this.locale);
    if (changed.has('api') && this.api) void this.load();
  }

  /** Reloads (after a new submission). */
  async load(): Promise<void> {
    try {
      this.data = await this.api!.get<MyMasteryView>('/me/mastery');
      this.error = '';
    } catch (err) {
      this.error = (err as Error).message;
    }
    if (this.focusWhenLoaded) {
      this.focusWhenLoaded = false;
      await this.updateComplete;
      this.focus();
    }
  }

  /** Moves focus to the title (once it is there: a call while loading takes effect when the data arrives). */
  override focus(): void {
    const title = this.renderRoot.querySelector<HTMLElement>('.title');
    if (title) title.focus();
    else this.focusWhenLoaded = true;
  }

  private h(level: number, text: unknown, o: { id?: string; focusable?: boolean } = {}) {
    const n = Math.min(6, Math.max(2, level));
    return html`<div role="heading" aria-level=${n} class=${`title h${n}`} id=${o.id ?? nothing} tabindex=${o.focusable ? -1 : nothing}>${text}</div>`;
  }

  protected override render() {
    const t = this.t;
    const l = this.locale;
    const top = this.heading;
    if (this.error) return html`<p class="error" role="alert">${t('progressFailed', { detail: this.error })}</p>`;
    const d = this.data;
    if (!d) return html`<p role="status" aria-busy="true">${t('loading')}</p>`;
    const strong = d.standards.filter((s) => s.level === 'proficient' || s.level === 'mastered').length;
    return html`<section aria-labelledby="progress-h">
      ${this.h(top, t('myProgressTitle'), { id: 'progress-h', focusable: true })}
      ${d.standards.length === 0 ? html`<p>${t('myProgressEmpty')}</p>` : html`
        <p>${t('myProgressSummary', { n: strong, total: d.standards.length })}</p>
        <ul class="plain skills">${d.standards.map((s) => html`<li>
          ${this.h(top + 1, html`<span class="code">${s.code}</span>: ${s.description}`)}
          <p>${levelBadge(t, s.level)}</p>
          <p><strong>${t('nextStepLabel')}</strong> ${s.nextStep}</p>
        </li>`)}</ul>`}
      ${d.growth.map((g) => html`
        <div class="scroll" tabindex="0" role="region" aria-labelledby=${`grow-${g.post.id}`}><table>
          <caption id=${`grow-${g.post.id}`}>${t('myGrowthCaption', { pre: g.pre.title, post: g.post.title })}</caption>
          <thead><tr><th scope="col">${t('skillColumn')}</th><th scope="col">${t('beforeColumn')}</th><th scope="col">${t('afterColumn')}</th><th scope="col" class="num">${t('changeColumn')}</th></tr></thead>
          <tbody>${g.standards.map((s) => html`<tr>
            <th scope="row">${s.code}</th>
            <td>${percent(s.before, l)} ${levelBadge(t, s.levelBefore)}</td>
            <td>${percent(s.after, l)} ${levelBadge(t, s.levelAfter)}</td>
            <td class="num">${points(s.change, l)}</td>
          </tr>`)}</tbody>
        </table></div>`)}
      ${d.assessments.length ? html`
        ${this.h(top + 1, t('myTestsTitle'))}
        <ul class="tests">${d.assessments.map((a) => html`<li>${t('myTestLine', {
          title: a.title, date: new Intl.DateTimeFormat(l, { dateStyle: 'medium' }).format(new Date(a.submittedAt)), score: a.score, max: a.maxScore, percent: a.percent,
        })}</li>`)}</ul>` : nothing}
    </section>`;
  }
}
customElements.define('gl-my-progress', GlMyProgress);
