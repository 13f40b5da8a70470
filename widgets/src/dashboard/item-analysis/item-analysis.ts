// Item analysis: per question, the share of students who got it right and, for choice questions, how many picked
// each choice — with the misconception the item's author ties to each wrong choice — so a teacher sees not just
// who is wrong but what they are thinking. Typed answers show the most common wrong ones. On an adaptive test each
// question says how many students were given it, since each student got different ones.
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { dashboardStyles } from '../styles.js';
import { dashboardTranslator, type DashboardTranslate } from '../strings.js';
import type { ItemStat } from '../types.js';
import { itemAnalysisStyles } from './item-analysis.styles.js';

/**
 * `<gl-item-analysis>` — one block per question, in test order.
 *
 * @property items - `ItemStat[]`.
 * @property students - how many students' attempts are counted.
 * @property design - "fixed" | "adaptive": on an adaptive test each question counts only the students given it.
 * @property locale - "en" | "es".
 * @cssprop --gl-ok, --gl-accent, --gl-border, --gl-surface
 */
export class GlItemAnalysis extends LitElement {
  static override styles = [...dashboardStyles, itemAnalysisStyles];
  static override properties = { items: { attribute: false }, students: { type: Number }, design: { type: String }, locale: { type: String } };
  items: ItemStat[] = [];
  students = 0;
  design: 'fixed' | 'adaptive' = 'fixed';
  locale = 'en';
  private t: DashboardTranslate = dashboardTranslator('en');

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('locale')) this.t = dashboardTranslator(this.locale);
  }

  private pct(n: number | null): string {
    return n === null ? '—' : `${new Intl.NumberFormat(this.locale, { maximumFractionDigits: 1 }).format(n)}%`;
  }

  protected override render() {
    const t = this.t;
    const adaptive = this.design === 'adaptive';
    return html`<section aria-labelledby="items-h">
      <h2 id="items-h">${t('itemsTitle')}</h2>
      <p>${!this.students ? t('itemsNone') : adaptive ? t('itemsIntroAdaptive', { n: this.students }) : t('itemsIntro', { n: this.students })}</p>
      <ol class="plain items">${this.items.map((it) => html`<li>
        <h3 id=${`q-${it.position}`}>${t('questionN', { n: it.position })}: ${it.title}</h3>
        <p><span class="muted">${it.standard}</span> ·
          ${adaptive ? html`${t('givenTo', { n: it.students, total: this.students })} ·` : nothing}
          <strong>${it.percentCorrect === null ? t('noAnswersYet') : t('percentCorrect', { percent: this.pct(it.percentCorrect), correct: it.correct, total: it.students })}</strong>
          ${it.omitted ? html` · ${t('omitted', { n: it.omitted })}` : nothing}
          ${it.meanScorePercent !== null && it.meanScorePercent !== it.percentCorrect ? html` · ${t('meanScore', { percent: this.pct(it.meanScorePercent) })}` : nothing}</p>
        ${it.percentCorrect !== null ? html`<div class="bar" aria-hidden="true"><span style=${`width:${Math.max(0, Math.min(100, it.percentCorrect))}%`}></span></div>` : nothing}
        ${it.choices ? html`<div class="scroll" tabindex="0" role="region" aria-labelledby=${`cap-${it.position}`}><table>
          <caption id=${`cap-${it.position}`}>${t('choicesCaption', { n: it.position })}</caption>
          <thead><tr><th scope="col">${t('choiceColumn')}</th><th scope="col" class="num">${t('pickedColumn')}</th><th scope="col">${t('misconceptionColumn')}</th></tr></thead>
          <tbody>${it.choices.map((c) => html`<tr class=${c.isKey ? 'key' : ''}>
            <th scope="row">${c.label}${c.isKey ? html` <span class="good"><span aria-hidden="true">✓ </span>${t('correctAnswer')}</span>` : nothing}</th>
            <td class="num">${t('pickedBy', { n: c.chosen, percent: this.pct(c.percent) })}</td>
            <td>${c.isKey ? '' : c.misconception ?? html`<span class="muted">${t('noRationale')}</span>`}</td>
          </tr>`)}</tbody>
        </table></div>` : nothing}
        ${it.commonWrongAnswers?.length ? html`<p>${t('commonWrong')}</p><ul>${it.commonWrongAnswers.map((w) => html`<li>${t('wrongAnswerCount', { answer: w.answer, n: w.count })}</li>`)}</ul>` : nothing}
      </li>`)}</ol>
    </section>`;
  }
}
customElements.define('gl-item-analysis', GlItemAnalysis);
