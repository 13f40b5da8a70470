// What every interaction component (single choice, multiple select, numeric entry, short text,
// ordering) shares: its inputs, the stem as the fieldset's legend, and the `gl-answer` event.
// The stem and choice HTML arrive sanitized from the server (server/content/rich-text.ts).
import { LitElement, html, type CSSResultGroup, type PropertyValues } from 'lit';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import { sharedStyles } from './shared.styles.js';
import { testTranslator, type TestTranslate } from './strings.js';
import type { AnswerDetail, ResponseValue, StudentItem } from './types.js';

export abstract class GlInteraction<V extends ResponseValue> extends LitElement {
  static override styles: CSSResultGroup = sharedStyles;
  static override properties = {
    item: { attribute: false },
    value: { attribute: false },
    locale: { type: String },
    disabled: { type: Boolean, reflect: true },
  };
  item!: StudentItem;
  value?: V;
  locale = 'en';
  disabled = false;
  protected t: TestTranslate = testTranslator('en');

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('locale')) this.t = testTranslator(this.locale);
  }

  /** `commit: false` while typing: the runner then waits for a pause before sending. */
  protected emit(value: V, commit = true): void {
    this.value = value;
    this.dispatchEvent(new CustomEvent<AnswerDetail>('gl-answer', { detail: { value, commit }, bubbles: true, composed: true }));
  }

  protected stem() {
    return html`<legend class="rich stem">${unsafeHTML(this.item.stemHtml)}</legend>`;
  }

  protected rich(htmlText: string) {
    return html`<span class="rich">${unsafeHTML(htmlText)}</span>`;
  }
}

/** A, B, C … for choice labels a student and a teacher can both refer to. */
export const letter = (i: number) => String.fromCharCode(65 + i);

/** The words in a bit of server HTML (for labels and announcements), images by their alt text. */
export function plainText(htmlText: string): string {
  const t = document.createElement('template');
  t.innerHTML = htmlText;
  for (const img of t.content.querySelectorAll('img')) img.replaceWith(img.getAttribute('alt') ?? '');
  return (t.content.textContent ?? '').replace(/\s+/g, ' ').trim();
}
