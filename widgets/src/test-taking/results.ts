import { LitElement, css, html, type PropertyValues } from 'lit';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import { letter } from './interaction.js';
import { sharedStyles } from './shared.styles.js';
import { testTranslator, type TestStringKey, type TestTranslate } from './strings.js';
import type { MasteryLevel, ResponseValue, ResultView, StudentItem } from './types.js';

const styles = css`
  h2 { font-size: 1.375rem; margin: 0 0 .5rem; }
  h3 { font-size: 1.125rem; margin: 1.5rem 0 .5rem; }
  h4 { font-size: 1rem; margin: 0; }
  ul { list-style: none; margin: 0; padding: 0; display: grid; gap: .75rem; }
  li { border: 1px solid var(--gl-border, #8a8f98); border-radius: var(--gl-radius, 6px); padding: .75rem 1rem; }
  .level { display: inline-flex; gap: .375rem; align-items: center; font-weight: 700; padding: .125rem .625rem; border-radius: 999px; border: 2px solid currentColor; margin: .25rem 0; }
  .got-it { color: var(--gl-ok, #1d6b35); }
  .almost { color: var(--gl-warn, #8a5a00); border-style: dashed; }
  .not-yet { color: var(--gl-bad, #a1262b); border-style: dotted; }
  .code { font-weight: 700; }
  p { margin: .25rem 0; }
  .answer { display: inline; }
`;

const LEVELS: Record<MasteryLevel, { key: TestStringKey; symbol: string }> = {
  'got-it': { key: 'levelGotIt', symbol: '●' },
  almost: { key: 'levelAlmost', symbol: '◐' },
  'not-yet': { key: 'levelNotYet', symbol: '○' },
};

/**
 * What the student showed, after submit: the score, and per standard a plain-language level
 * (Not yet / Almost / Got it — a word and a symbol, never colour alone) with the next step.
 * Correct answers and explanations appear only when the assessment shows them (`results.items`).
 * Every test also reports a scale score (same scale for fixed and adaptive tests) and, per standard, the chance
 * the student has mastered it; an adaptive test's score line counts skills mastered, not questions right.
 *
 * @tag gl-results
 * @property results - the ResultView.
 * @property items - the attempt's StudentItems (to show choices as the student saw them).
 * @property locale - "en" | "es".
 * @csspart standard - each standard's card.
 * @csspart level - the level badge.
 */
export class GlResults extends LitElement {
  static override styles = [sharedStyles, styles];
  static override properties = { results: { attribute: false }, items: { attribute: false }, locale: { type: String } };
  results?: ResultView;
  items: StudentItem[] = [];
  locale = 'en';
  private t: TestTranslate = testTranslator('en');

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('locale')) this.t = testTranslator(this.locale);
  }

  override focus(): void {
    this.renderRoot.querySelector<HTMLElement>('h2')?.focus();
  }

  /** A response or key in the student's terms: choice letters and text, typed text, or the order. */
  private answer(position: number, v: unknown) {
    const item = this.items.find((i) => i.position === position);
    const choice = (id: unknown) => {
      const i = item?.choices?.findIndex((c) => c.id === id) ?? -1;
      return i < 0 ? html`${String(id)}` : html`${letter(i)}. <span class="rich">${unsafeHTML(item!.choices![i]!.html)}</span>`;
    };
    if (v === null || v === undefined) return html`${this.t('noResponse')}`;
    if (typeof v === 'string' || typeof v === 'number') return html`${String(v)}`;
    const r = v as Partial<ResponseValue> & { choice?: unknown; choices?: unknown[]; order?: unknown[]; text?: string; value?: unknown; accepted?: unknown[]; correct?: unknown };
    if (r.choice !== undefined && r.choice !== null) return choice(r.choice);
    if (typeof r.correct === 'string') return choice(r.correct);
    const list = r.choices ?? r.order ?? (Array.isArray(r.correct) ? r.correct : undefined);
    if (Array.isArray(list)) return list.length ? html`${list.map((id, i) => html`${i ? '; ' : ''}${choice(id)}`)}` : html`${this.t('noResponse')}`;
    if (typeof r.text === 'string') return r.text.trim() ? html`${r.text}${item?.unit ? ` ${item.unit}` : ''}` : html`${this.t('noResponse')}`;
    if (r.value !== undefined) return html`${String(r.value)}${item?.unit ? ` ${item.unit}` : ''}`;
    if (Array.isArray(r.accepted)) return html`${r.accepted.join(' / ')}`;
    return html`${JSON.stringify(v)}`;
  }

  protected override render() {
    const r = this.results;
    if (!r) return null;
    const chance = new Map(r.scale?.standards.map((s) => [s.code, Math.round(s.pMastery * 100)]) ?? []);
    const p = (code: string) => chance.get(code) ?? null;
    return html`<section aria-labelledby="title">
      <h2 id="title" tabindex="-1">${this.t('resultsTitle')}</h2>
      <p>${r.adaptive
        ? html`${this.t('masteredLine', { n: r.score, total: r.maxScore })} ${this.t('adaptiveLength', { items: r.adaptive.items, parts: r.adaptive.parts })}`
        : this.t('scoreLine', { score: r.score, max: r.maxScore, percent: Math.round(r.percent) })}</p>
      ${r.scale ? html`<p part="scale"><strong>${this.t('scaleScore', { score: r.scale.score, se: Math.round(r.scale.se) })}</strong></p>
        <p>${this.t('scaleHint', { min: r.scale.range[0], max: r.scale.range[1] })}</p>` : null}
      <h3>${this.t('byStandard')}</h3>
      <ul>
        ${r.standards.map((s) => {
          const level = LEVELS[s.level] ?? LEVELS['not-yet'];
          return html`<li part="standard">
            <h4><span class="code">${s.code}</span>: ${s.description}</h4>
            <p><span part="level" class=${`level ${s.level}`}><span aria-hidden="true">${level.symbol}</span>${this.t(level.key)}</span>
              · ${this.t('correctOf', { correct: s.correct, total: s.total })}</p>
            ${p(s.code) !== null ? html`<p>${this.t('pMastery', { p: p(s.code)! })}</p>` : null}
            ${s.nextStep ? html`<p><strong>${this.t('nextStep')}</strong> ${s.nextStep}</p>` : null}
          </li>`;
        })}
      </ul>
      ${r.items?.length ? html`<h3>${this.t('answersTitle')}</h3>
        <ul>
          ${r.items.map((it) => html`<li>
            <h4>${this.t('goTo', { n: it.position })}: <span class=${it.correct ? 'got-it' : 'not-yet'}><span aria-hidden="true">${it.correct ? '✓' : '✕'} </span>${this.t(it.correct ? 'correct' : 'incorrect')}</span></h4>
            <p><strong>${this.t('yourResponse')}</strong> <span class="answer">${this.answer(it.position, it.response)}</span></p>
            ${it.correct ? null : html`<p><strong>${this.t('correctAnswer')}</strong> <span class="answer">${this.answer(it.position, it.correctAnswer)}</span></p>`}
            ${it.explanation ? html`<div><strong>${this.t('why')}</strong> <div class="rich">${unsafeHTML(it.explanation)}</div></div>` : null}
          </li>`)}
        </ul>` : null}
    </section>`;
  }
}
customElements.define('gl-results', GlResults);
