// Live student view of an item draft: asks the server to render it (POST /api/items/preview, the same
// sanitizer and MathML students get), debounced while the teacher types, and lists its problems.
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import type { Api } from '../../shared/api.js';
import { summarizeProblem } from '../problems.js';
import { authoringTranslator, type AuthoringTranslate } from '../strings.js';
import { formStyles } from '../styles.js';
import type { ItemDraft, PreviewAnswer, StudentItem } from '../types.js';
import { itemPreviewStyles } from './item-preview.styles.js';

/**
 * `<gl-item-preview>` — what a student will see for an item draft.
 *
 * @property api - API client (from the page).
 * @property locale - "en" | "es".
 * @property draft - The ItemDraft to preview; each change is previewed after `delay` ms of quiet.
 * @property delay - Debounce in milliseconds (default 400).
 * @fires gl-preview-change - `{ problems: string[] }` after each preview answer.
 * @cssprop --gl-border, --gl-bg, --gl-radius
 */
export class GlItemPreview extends LitElement {
  static override styles = [formStyles, itemPreviewStyles];
  static override properties = {
    api: { attribute: false },
    locale: { type: String },
    draft: { attribute: false },
    delay: { type: Number },
    answer: { state: true },
    problems: { state: true },
    busy: { state: true },
  };
  api?: Api;
  locale = 'en';
  draft?: ItemDraft;
  delay = 400;
  answer?: PreviewAnswer;
  problems: string[] = [];
  busy = false;
  private t: AuthoringTranslate = authoringTranslator('en');
  private timer?: ReturnType<typeof setTimeout>;
  private seq = 0;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.timer);
  }

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('locale')) this.t = authoringTranslator(this.locale);
    if ((changed.has('draft') || changed.has('api')) && this.draft && this.api) {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => void this.refresh(), this.delay);
    }
  }

  /** Previews the current draft now (skipping the debounce). */
  async refresh(): Promise<void> {
    clearTimeout(this.timer);
    if (!this.draft || !this.api) return;
    const seq = ++this.seq;
    this.busy = true;
    let problems: string[];
    try {
      const answer = await this.api.post<PreviewAnswer>('/items/preview', this.draft);
      if (seq !== this.seq) return;
      this.answer = answer;
      problems = answer.problems ?? [];
    } catch (err) {
      if (seq !== this.seq) return;
      const p = summarizeProblem(err);
      problems = p.fields.length ? p.fields.map((f) => (f.field ? `${f.field}: ${f.message}` : f.message)) : [p.message];
    }
    this.problems = problems;
    this.busy = false;
    this.dispatchEvent(new CustomEvent('gl-preview-change', { detail: { problems }, bubbles: true, composed: true }));
  }

  private renderInteraction(item: StudentItem) {
    const t = this.t;
    const name = `preview-${item.itemId || 'draft'}`;
    switch (item.type) {
      case 'single':
      case 'multiple':
        return html`<fieldset>
          <legend>${item.type === 'single' ? t('previewPickOne') : t('previewPickAll')}</legend>
          ${(item.choices ?? []).map((c, n) => html`<label class="choice">
            <input type=${item.type === 'single' ? 'radio' : 'checkbox'} name=${name} value=${c.id}><span>${unsafeHTML(c.html)}</span>
            ${readsAsEmpty(c.html) ? html`<span class="hint">${t('previewEmptyChoice', { n: n + 1 })}</span>` : nothing}
          </label>`)}
        </fieldset>`;
      case 'order':
        return html`<p class="hint">${t('previewOrderHint')}</p>
          <ol class="order">${(item.choices ?? []).map((c) => html`<li>${unsafeHTML(c.html)}</li>`)}</ol>`;
      case 'numeric':
      case 'text':
        return html`<div class="answer">
          <label for="answer">${t('previewYourAnswer')}</label>
          <input id="answer" type="text" inputmode=${item.type === 'numeric' ? 'decimal' : 'text'} autocomplete="off"
            size=${item.type === 'text' ? Math.min(item.expectedLength ?? 20, 40) : 10}>
          ${item.unit ? html`<span>${item.unit}</span>` : nothing}
        </div>`;
    }
  }

  protected override render() {
    const t = this.t;
    const item = this.answer?.item;
    return html`<section aria-labelledby="preview-h" aria-busy=${this.busy ? 'true' : 'false'}>
      <h3 id="preview-h">${t('previewTitle')}</h3>
      ${item
        ? html`<div class="paper" part="paper">
            <div class="stem">${unsafeHTML(item.stemHtml)}</div>
            ${this.renderInteraction(item)}
          </div>`
        : html`<p class="hint">${this.busy ? t('loading') : t('previewEmpty')}</p>`}
      <div class="problems">
        <h4 class="vh">${t('previewProblemsTitle')}</h4>
        <p role="status" class=${this.problems.length ? 'field-error' : this.answer ? 'ok' : ''}>${this.answer || this.problems.length
          ? this.problems.length ? t('previewProblemCount', { count: this.problems.length }) : t('previewNoProblems')
          : ''}</p>
        ${this.problems.length ? html`<ul>${this.problems.map((p) => html`<li>${p}</li>`)}</ul>` : nothing}
      </div>
    </section>`;
  }
}
/** True when rendered choice HTML gives a screen reader nothing to read (no text, no alt text, no math). */
function readsAsEmpty(h: string): boolean {
  return !h.replace(/<[^>]*>/g, '').trim() && !/\balt="[^"]*\S/.test(h) && !/<math\b/.test(h);
}

customElements.define('gl-item-preview', GlItemPreview);
