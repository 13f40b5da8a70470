import { css, html } from 'lit';
import { GlInteraction } from './interaction.js';
import { sharedStyles } from './shared.styles.js';
import type { ResponseValue } from './types.js';

type Numeric = Extract<ResponseValue, { type: 'numeric' }>;

const styles = css`
  .row { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem; }
  input { width: 12ch; }
  .unit { font-weight: 600; }
  label { display: block; font-weight: 600; margin-bottom: .25rem; }
`;

/**
 * A number typed in a text box (decimal keyboard on touch devices), with the unit shown after it.
 * The text is sent as typed: the server decides what counts as the number (fractions, commas).
 *
 * @tag gl-numeric-entry
 * @property item - the StudentItem (type "numeric"); `unit` is shown after the box.
 * @property value - `{ type: 'numeric', text }` or undefined.
 * @property locale - "en" | "es".
 * @property disabled - read only.
 * @event gl-answer - `{ value, commit: false }` as the student types.
 * @csspart input - the text box.
 */
export class GlNumericEntry extends GlInteraction<Numeric> {
  static override styles = [sharedStyles, styles];
  protected override render() {
    const unit = this.item.unit;
    return html`<fieldset>
      ${this.stem()}
      <label for="answer">${this.t('yourAnswer')}</label>
      <p class="hint" id="hint">${this.t('numberHint')}</p>
      <span class="row">
        <input id="answer" part="input" type="text" inputmode="decimal" autocomplete="off" spellcheck="false" maxlength="40"
          aria-describedby=${unit ? 'hint unit' : 'hint'} .value=${this.value?.text ?? ''} ?disabled=${this.disabled}
          @input=${(e: Event) => this.emit({ type: 'numeric', text: (e.target as HTMLInputElement).value }, false)}>
        ${unit ? html`<span class="unit" id="unit">${unit}</span>` : null}
      </span>
    </fieldset>`;
  }
}
customElements.define('gl-numeric-entry', GlNumericEntry);
