import { html } from 'lit';
import { GlInteraction, letter } from './interaction.js';
import type { ResponseValue } from './types.js';

type Single = Extract<ResponseValue, { type: 'single' }>;

/**
 * One answer from a list: a radio group whose legend is the question.
 *
 * @tag gl-single-choice
 * @property item - the StudentItem (type "single"): stemHtml, choices.
 * @property value - `{ type: 'single', choice }` or undefined.
 * @property locale - "en" | "es".
 * @property disabled - read only (after submit).
 * @event gl-answer - `{ value, commit: true }` when the student picks a choice.
 * @csspart choice - each choice row.
 */
export class GlSingleChoice extends GlInteraction<Single> {
  protected override render() {
    const chosen = this.value?.choice ?? null;
    return html`<fieldset role="radiogroup">
      ${this.stem()}
      <div class="choices">
        ${(this.item.choices ?? []).map((c, i) => html`<label class="choice" part="choice">
          <input type="radio" name="choice" .value=${c.id} .checked=${chosen === c.id} ?disabled=${this.disabled}
            @change=${() => this.emit({ type: 'single', choice: c.id })}>
          <span class="letter" aria-hidden="true">${letter(i)}</span>${this.rich(c.html)}
        </label>`)}
      </div>
    </fieldset>`;
  }
}
customElements.define('gl-single-choice', GlSingleChoice);
