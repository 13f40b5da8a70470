import { css, html, type PropertyValues } from 'lit';
import { GlInteraction, plainText } from './interaction.js';
import { sharedStyles } from './shared.styles.js';
import type { ResponseValue } from './types.js';

type Order = Extract<ResponseValue, { type: 'order' }>;

const styles = css`
  ol { list-style: none; margin: 0; padding: 0; display: grid; gap: .5rem; }
  li {
    display: flex; flex-wrap: wrap; align-items: center; gap: .5rem .75rem; padding: .5rem .75rem;
    border: 1px solid var(--gl-border, #8a8f98); border-radius: var(--gl-radius, 6px); background: var(--gl-bg, #fff);
  }
  .pos { font-weight: 700; min-width: 1.5rem; }
  .content { flex: 1 1 10rem; min-width: 0; }
  .moves { display: flex; gap: .5rem; flex-wrap: wrap; }
  .moves button { padding: .25rem .75rem; }
  .keep { margin-top: .75rem; }
`;

/**
 * Put choices in order, fully by keyboard: each row has Move up / Move down buttons; every move
 * is announced ("Moved ‘x’ to position 2 of 4") and focus stays on the moved row's button.
 * Until the student moves something (or chooses "Use this order") the question counts as unanswered.
 *
 * @tag gl-ordering
 * @property item - the StudentItem (type "order"): choices in their starting order.
 * @property value - `{ type: 'order', order: choiceId[] }` or undefined.
 * @property locale - "en" | "es".
 * @property disabled - read only.
 * @event gl-answer - `{ value, commit: true }` after each move.
 * @csspart row - each item in the list.
 */
export class GlOrdering extends GlInteraction<Order> {
  static override styles = [sharedStyles, styles];
  static override properties = { ...GlInteraction.properties, announcement: { state: true } };
  announcement = '';
  private refocus?: { id: string; dir: 'up' | 'down' };

  private order(): string[] {
    const ids = (this.item.choices ?? []).map((c) => c.id);
    const saved = this.value?.order;
    // A saved order wins when it lists exactly the item's choices.
    return saved && saved.length === ids.length && ids.every((id) => saved.includes(id)) ? [...saved] : ids;
  }

  private move(id: string, dir: 'up' | 'down') {
    const order = this.order();
    const from = order.indexOf(id);
    const to = dir === 'up' ? from - 1 : from + 1;
    if (from < 0 || to < 0 || to >= order.length) return;
    order.splice(from, 1);
    order.splice(to, 0, id);
    const choice = this.item.choices?.find((c) => c.id === id);
    this.announcement = this.t('moved', { item: plainText(choice?.html ?? ''), pos: to + 1, total: order.length });
    this.refocus = { id, dir };
    this.emit({ type: 'order', order });
  }

  private keep(order: string[]) {
    this.announcement = this.t('orderKept');
    // The button goes away once answered: keep focus in the list rather than losing it to the page.
    this.refocus = { id: order[0]!, dir: 'down' };
    this.emit({ type: 'order', order });
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    if (!this.refocus) return;
    const { id, dir } = this.refocus;
    this.refocus = undefined;
    const row = [...this.renderRoot.querySelectorAll<HTMLElement>('li')].find((li) => li.dataset.id === id);
    const same = row?.querySelector<HTMLButtonElement>(`button[data-dir="${dir}"]`);
    const other = row?.querySelector<HTMLButtonElement>(`button[data-dir="${dir === 'up' ? 'down' : 'up'}"]`);
    (same && !same.disabled ? same : other)?.focus();
  }

  protected override render() {
    const order = this.order();
    const byId = new Map((this.item.choices ?? []).map((c) => [c.id, c]));
    return html`<fieldset aria-describedby="hint">
      ${this.stem()}
      <p class="hint" id="hint">${this.t('orderHint')}</p>
      <ol>
        ${order.map((id, i) => {
          const c = byId.get(id)!;
          const name = plainText(c.html);
          return html`<li part="row" data-id=${id}>
            <span class="pos" aria-hidden="true">${i + 1}.</span>
            <span class="content">${this.rich(c.html)}</span>
            <span class="moves">
              <button type="button" data-dir="up" aria-label=${`${this.t('moveUp')}: ${name}`} ?disabled=${this.disabled || i === 0}
                @click=${() => this.move(id, 'up')}>${this.t('moveUp')} <span aria-hidden="true">↑</span></button>
              <button type="button" data-dir="down" aria-label=${`${this.t('moveDown')}: ${name}`} ?disabled=${this.disabled || i === order.length - 1}
                @click=${() => this.move(id, 'down')}>${this.t('moveDown')} <span aria-hidden="true">↓</span></button>
            </span>
          </li>`;
        })}
      </ol>
      ${this.value ? html`<p class="hint keep">${this.t('orderKept')}</p>` : html`<button type="button" class="keep" ?disabled=${this.disabled}
        @click=${() => this.keep(order)}>${this.t('keepOrder')}</button>`}
      <p class="vh" role="status">${this.announcement}</p>
    </fieldset>`;
  }
}
customElements.define('gl-ordering', GlOrdering);
