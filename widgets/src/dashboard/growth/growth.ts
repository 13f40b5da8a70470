// Pre→post growth in plain words: the class's average change with its confidence interval, how big that change
// is, who moved up a level, the change on the one ability scale (the fair comparison when a test is adaptive), which
// standards did not grow (and why), then each student's before and after per standard, and who took only one test.
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { decimal, effectWord, percent, points, scaleChange, scalePoints } from '../format.js';
import { levelBadge } from '../levels.js';
import { dashboardStyles } from '../styles.js';
import { dashboardTranslator, type DashboardKey, type DashboardTranslate } from '../strings.js';
import type { GainSummary, GrowthView, NotGrowingReason, ScaleGrowth } from '../types.js';
import { growthStyles } from './growth.styles.js';

const REASON: Record<NotGrowingReason, DashboardKey> = {
  'no-paired-students': 'notGrowingNoPairs',
  'too-few-students': 'notGrowingTooFew',
  'mean-change-not-positive': 'notGrowingNotUp',
  'interval-includes-zero': 'notGrowingMaybeChance',
};
const EFFECT: Record<ReturnType<typeof effectWord>, DashboardKey> = { negligible: 'effectNegligible', small: 'effectSmall', medium: 'effectMedium', large: 'effectLarge' };

/**
 * `<gl-growth>` — growth from the paired pre-test to this post-test.
 *
 * @property growth - `GrowthView` from the dashboard.
 * @property locale - "en" | "es".
 * @fires gl-student-select - `{ personId }` when the teacher opens a student.
 * @cssprop --gl-ok, --gl-bad, --gl-border
 */
export class GlGrowth extends LitElement {
  static override styles = [...dashboardStyles, growthStyles];
  static override properties = { growth: { attribute: false }, locale: { type: String } };
  growth?: GrowthView;
  locale = 'en';
  private t: DashboardTranslate = dashboardTranslator('en');

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('locale')) this.t = dashboardTranslator(this.locale);
  }

  /** The class statistics as sentences a teacher can read aloud to a colleague. */
  private summary(s: GainSummary, confidence: number) {
    const t = this.t;
    const l = this.locale;
    if (s.students === 0) return html`<p>${t('growthNoPairs')}</p>`;
    const conf = percent(confidence, l);
    const iv = s.gainInterval.value;
    const d = s.effectSize.d;
    return html`<ul class="sentences">
      <li>${t('growthStudents', { n: s.students })}</li>
      <li>${t('growthMeans', { before: percent(s.meanPre, l), after: percent(s.meanPost, l), change: points(s.meanGain, l) })}</li>
      <li>${iv ? t(iv[0] > 0 ? 'growthIntervalAbove' : 'growthIntervalIncludesZero', { conf, low: points(iv[0], l), high: points(iv[1], l) }) : t('growthIntervalNone', { conf })}</li>
      ${d !== null ? html`<li>${t('growthEffect', { d: decimal(d, l), size: t(EFFECT[effectWord(d)]) })}</li>` : nothing}
      ${s.normalizedGain.value !== null ? html`<li>${t('growthNormalized', { g: percent(s.normalizedGain.value, l) })}</li>` : nothing}
      ${s.movedUpShare !== null ? html`<li>${t('growthMovedUp', { share: percent(s.movedUpShare, l) })}</li>` : nothing}
    </ul>`;
  }

  /**
   * Growth on the one ability scale, in sentences: the fair comparison when the pre-test and the post-test differ in
   * design (an adaptive test gives stronger students harder questions, so its percent correct is not comparable).
   */
  private scaleSummary(s: ScaleGrowth | undefined, confidence: number) {
    if (!s) return nothing;
    const t = this.t;
    const l = this.locale;
    const heading = html`<h3>${t('scaleTitle')}</h3><p class="muted">${t('scaleIntro')}</p>`;
    if (s.students === 0 || s.meanChange === null) return html`${heading}<p>${t('scaleNone')}</p>`;
    const conf = percent(confidence, l);
    const moved = Math.round(s.meanChange);
    const change = scalePoints(Math.abs(s.meanChange), l);
    const iv = s.changeInterval.value;
    const way = moved > 0 ? 'Up' : moved < 0 ? 'Down' : 'Same';
    const headline = iv
      ? t(`scale${way}` as DashboardKey, { change, conf, low: scalePoints(iv[0], l), high: scalePoints(iv[1], l) })
      : t(`scale${way}NoRange` as DashboardKey, { change });
    const range = !iv ? null : iv[0] > 0 ? t('scaleRangeAbove') : iv[1] < 0 ? t('scaleRangeBelow') : t('scaleRangeIncludesZero');
    return html`${heading}<ul class="sentences scale-summary">
      <li><strong>${headline}</strong>${range ? html` ${range}` : nothing}</li>
      <li>${t('scaleMeans', { before: scalePoints(s.meanPre, l), after: scalePoints(s.meanPost, l) })}</li>
      <li>${t('scaleStudents', { n: s.students })}</li>
    </ul>`;
  }

  private open(personId: string): void {
    this.dispatchEvent(new CustomEvent('gl-student-select', { detail: { personId }, bubbles: true, composed: true }));
  }

  protected override render() {
    const g = this.growth;
    if (!g) return nothing;
    const t = this.t;
    const l = this.locale;
    const conf = percent(g.confidence, l);
    const codes = g.standards.map((s) => s.code);
    const hasScale = g.students.some((s) => s.scale);
    return html`<section aria-labelledby="growth-h">
      <h2 id="growth-h">${t('growthTitle')}</h2>
      <p class="muted">${t('growthFrom', { pre: g.pre.title, post: g.post.title })}</p>
      <h3>${t('growthClass')}</h3>
      ${this.summary(g.overall, g.confidence)}
      ${this.scaleSummary(g.scale, g.confidence)}

      <div class="scroll" tabindex="0" role="region" aria-labelledby="by-standard-caption">
        <table>
          <caption id="by-standard-caption">${t('growthByStandard')}</caption>
          <thead><tr>
            <th scope="col">${t('standardColumn')}</th><th scope="col" class="num">${t('studentsColumn')}</th>
            <th scope="col" class="num">${t('beforeColumn')}</th><th scope="col" class="num">${t('afterColumn')}</th>
            <th scope="col" class="num">${t('changeColumn')}</th><th scope="col">${t('intervalColumn', { conf })}</th><th scope="col">${t('establishedColumn')}</th>
          </tr></thead>
          <tbody>${g.standards.map((s) => {
            const ng = g.notGrowing.find((n) => n.code === s.code);
            const iv = s.gainInterval.value;
            return html`<tr>
              <th scope="row">${s.code}</th><td class="num">${s.students}</td>
              <td class="num">${percent(s.meanPre, l)}</td><td class="num">${percent(s.meanPost, l)}</td><td class="num">${points(s.meanGain, l)}</td>
              <td>${iv ? t('intervalPoints', { low: points(iv[0], l), high: points(iv[1], l) }) : '—'}</td>
              <td>${ng ? html`<span class="bad"><span aria-hidden="true">✕ </span>${t('notEstablished')}</span> ${t(REASON[ng.reason], { conf })}`
                : html`<span class="good"><span aria-hidden="true">✓ </span>${t('established')}</span>`}</td>
            </tr>`;
          })}</tbody>
        </table>
      </div>

      <div class="scroll" tabindex="0" role="region" aria-labelledby="by-student-caption">
        <table>
          <caption id="by-student-caption">${t('growthByStudent')}</caption>
          <thead><tr>
            <th scope="col">${t('studentColumn')}</th>
            ${codes.map((c) => html`<th scope="col">${c}</th>`)}
            ${hasScale ? html`<th scope="col" class="num">${t('scaleColumn')}</th>` : nothing}
            <th scope="col" class="num">${t('overallColumn')}</th>
          </tr></thead>
          <tbody>${g.students.map((s) => html`<tr>
            <th scope="row"><button type="button" class="linklike" @click=${() => this.open(s.personId)}>${s.displayName}</button></th>
            ${codes.map((c) => {
              const x = s.standards.find((y) => y.code === c);
              if (!x) return html`<td class="muted">—</td>`;
              return html`<td>
                <span class="pair">${levelBadge(t, x.pre.level)}<span aria-hidden="true"> → </span><span class="vh">${t('then')}</span>${levelBadge(t, x.post.level)}</span>
                <span class="detail">${t('beforeAfterChange', { before: percent(x.pre.score, l), after: percent(x.post.score, l), change: points(x.change, l) })}</span>
              </td>`;
            })}
            ${hasScale ? html`<td class="num">${s.scale ? t('beforeAfterChange', { before: scalePoints(s.scale.pre, l), after: scalePoints(s.scale.post, l), change: scaleChange(s.scale.change, l) }) : '—'}</td>` : nothing}
            <td class="num">${t('beforeAfterChange', { before: percent(s.pre.score, l), after: percent(s.post.score, l), change: points(s.change, l) })}</td>
          </tr>`)}</tbody>
        </table>
      </div>

      ${g.onlyPre.length ? html`<h3>${t('onlyPreTitle', { n: g.onlyPre.length })}</h3><ul>${g.onlyPre.map((s) => html`<li>${s.displayName}</li>`)}</ul>` : nothing}
      ${g.onlyPost.length ? html`<h3>${t('onlyPostTitle', { n: g.onlyPost.length })}</h3><ul>${g.onlyPost.map((s) => html`<li>${s.displayName}</li>`)}</ul>` : nothing}
    </section>`;
  }
}
customElements.define('gl-growth', GlGrowth);
