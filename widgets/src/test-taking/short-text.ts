import { css, html } from 'lit';
import { GlInteraction } from './interaction.js';
import { sharedStyles } from './shared.styles.js';
import type { ResponseValue } from './types.js';

type Text = Extract<ResponseValue, { type: 'text' }>;

const styles = css`
  label { display: block; font-weight: 600; margin-bottom: .25rem; }
  input { width: 100%; }
`;

/**
 * A word or short phrase typed in a text box sized to the expected answer.
 *
 * @tag gl-short-text
 * @property item - the StudentItem (type "text"); `expectedLength` sizes the box.
 * @property value - `{ type: 'text', text }` or undefined.
 * @property locale - "en" | "es".
 * @property disabled - read only.
 * @event gl-answer - `{ value, commit: false }` as the student types.
 * @csspart input - the text box.
 * @cssprop --gl-short-text-width - the box's width (default: the expected length, at most the line).
 */
export class GlShortText extends GlInteraction<Text> {
  static override styles = [sharedStyles, styles];
  protected override render() {
    const chars = Math.min(Math.max(this.item.expectedLength ?? 20, 8), 60) + 2;
    return html`<fieldset>
      ${this.stem()}
      <label for="answer">${this.t('yourAnswer')}</label>
      <input id="answer" part="input" type="text" autocomplete="off" maxlength="200" style="max-width: var(--gl-short-text-width, ${chars}ch)"
        .value=${this.value?.text ?? ''} ?disabled=${this.disabled}
        @input=${(e: Event) => this.emit({ type: 'text', text: (e.target as HTMLInputElement).value }, false)}>
    </fieldset>`;
  }
}
customElements.define('gl-short-text', GlShortText);
