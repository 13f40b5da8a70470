import { LitElement, css, html, type PropertyValues } from 'lit';
import { sharedStyles } from './shared.styles.js';
import { testTranslator, type TestTranslate } from './strings.js';

const styles = css`
  h2 { font-size: 1.25rem; margin: 0 0 .5rem; }
  ul { list-style: none; margin: 1rem 0; padding: 0; display: grid; gap: .5rem; }
  li { display: flex; flex-wrap: wrap; gap: .25rem 1rem; align-items: center; padding: .5rem .75rem; border: 1px solid var(--gl-border, #8a8f98); border-radius: var(--gl-radius, 6px); }
  li.unanswered { border-left: 6px solid var(--gl-warn, #8a5a00); }
  .state { display: inline-flex; gap: .5rem; flex-wrap: wrap; }
  .flag { font-weight: 600; }
  a { color: var(--gl-accent, #1f5fbf); font-weight: 600; text-underline-offset: .2em; padding: .5rem 0; display: inline-block; min-width: 6rem; }
`;

/**
 * The list of every question with its state in words (answered / not answered / flagged), a link
 * to each, and the Submit button.
 *
 * @tag gl-review
 * @property total - number of questions.
 * @property answered - positions (1-based) with an answer.
 * @property flags - positions flagged for review.
 * @property positions - the questions' positions when they are not 1…total (a part of an adaptive test).
 * @property finishPart - label the button "Finish this part" (adaptive tests) instead of "Submit answers".
 * @property locale - "en" | "es".
 * @event gl-go-to - `{ position }` when the student picks a question.
 * @event gl-submit-request - the Submit button.
 * @csspart row - each question's row.
 */
export class GlReview extends LitElement {
  static override styles = [sharedStyles, styles];
  static override properties = {
    total: { type: Number }, answered: { attribute: false }, flags: { attribute: false }, locale: { type: String }, busy: { type: Boolean },
    positions: { attribute: false }, finishPart: { type: Boolean },
  };
  positions?: readonly number[];
  finishPart = false;
  total = 0;
  answered: ReadonlySet<number> = new Set();
  flags: readonly number[] = [];
  locale = 'en';
  busy = false;
  private t: TestTranslate = testTranslator('en');

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('locale')) this.t = testTranslator(this.locale);
  }

  /** Moves focus to the heading (the runner calls this when the review opens). */
  override focus(): void {
    this.renderRoot.querySelector<HTMLElement>('h2')?.focus();
  }

  private go(e: Event, position: number) {
    e.preventDefault();
    this.dispatchEvent(new CustomEvent('gl-go-to', { detail: { position }, bubbles: true, composed: true }));
  }

  protected override render() {
    const positions = this.positions ? [...this.positions] : Array.from({ length: this.total }, (_, i) => i + 1);
    const flagged = new Set(this.flags);
    const answered = positions.filter((p) => this.answered.has(p)).length;
    return html`<section aria-labelledby="title">
      <h2 id="title" tabindex="-1">${this.t('reviewTitle')}</h2>
      <p>${this.t(this.finishPart ? 'reviewPartIntro' : 'reviewIntro')}</p>
      <p>${this.t('reviewSummary', { answered, unanswered: this.total - answered, flagged: flagged.size })}</p>
      <ul>
        ${positions.map((p, n) => {
          const done = this.answered.has(p);
          return html`<li part="row" class=${done ? 'answered' : 'unanswered'}>
            <a href=${`#question-${p}`} @click=${(e: Event) => this.go(e, p)}>${this.t('goTo', { n: n + 1 })}</a>
            <span class="state">
              <span><span aria-hidden="true">${done ? '✓' : '○'} </span>${done ? this.t('statusAnswered') : this.t('statusUnanswered')}</span>
              ${flagged.has(p) ? html`<span class="flag"><span aria-hidden="true">⚑ </span>${this.t('statusFlagged')}</span>` : null}
            </span>
          </li>`;
        })}
      </ul>
      <button type="button" class="primary" ?disabled=${this.busy} @click=${(e: Event) => e.currentTarget!.dispatchEvent(new CustomEvent('gl-submit-request', { bubbles: true, composed: true }))}>${this.t(this.finishPart ? 'finishPart' : 'submit')}</button>
    </section>`;
  }
}
customElements.define('gl-review', GlReview);
