import { html } from 'lit';
import { GlInteraction, letter } from './interaction.js';
import type { ResponseValue } from './types.js';

type Multiple = Extract<ResponseValue, { type: 'multiple' }>;

/**
 * Every answer that applies: a checkbox group whose legend is the question.
 *
 * @tag gl-multiple-select
 * @property item - the StudentItem (type "multiple").
 * @property value - `{ type: 'multiple', choices }` or undefined.
 * @property locale - "en" | "es".
 * @property disabled - read only.
 * @event gl-answer - `{ value, commit: true }` on every tick or untick (choices kept in the item's order).
 * @csspart choice - each choice row.
 */
export class GlMultipleSelect extends GlInteraction<Multiple> {
  private toggle(id: string, on: boolean) {
    const now = new Set(this.value?.choices ?? []);
    if (on) now.add(id); else now.delete(id);
    this.emit({ type: 'multiple', choices: (this.item.choices ?? []).map((c) => c.id).filter((c) => now.has(c)) });
  }

  protected override render() {
    const chosen = new Set(this.value?.choices ?? []);
    return html`<fieldset aria-describedby="hint">
      ${this.stem()}
      <p class="hint" id="hint">${this.t('selectAll')}</p>
      <div class="choices">
        ${(this.item.choices ?? []).map((c, i) => html`<label class="choice" part="choice">
          <input type="checkbox" .value=${c.id} .checked=${chosen.has(c.id)} ?disabled=${this.disabled}
            @change=${(e: Event) => this.toggle(c.id, (e.target as HTMLInputElement).checked)}>
          <span class="letter" aria-hidden="true">${letter(i)}</span>${this.rich(c.html)}
        </label>`)}
      </div>
    </fieldset>`;
  }
}
customElements.define('gl-multiple-select', GlMultipleSelect);
