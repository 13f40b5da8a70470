import { LitElement, css, html, type PropertyValues } from 'lit';
import { sharedStyles } from './shared.styles.js';
import { testTranslator, type TestTranslate } from './strings.js';

export type SaveState = 'saved' | 'saving' | 'offline' | 'stopped';

const styles = css`
  p { margin: 0; display: inline-flex; gap: .375rem; align-items: baseline; font-weight: 600; }
  .offline, .stopped { color: var(--gl-bad, #a1262b); }
  .saved { color: var(--gl-ok, #1d6b35); }
`;

/**
 * Whether the student's answers have reached the server, in words and a symbol (never colour
 * alone), in a polite live region. "Saving…" appears only when a save takes longer than a moment,
 * so fast saves do not make a screen reader chatter.
 *
 * @tag gl-save-status
 * @property state - "saved" | "saving" | "offline" | "stopped".
 * @property pending - answers waiting on this device (shown while offline).
 * @property locale - "en" | "es".
 * @property delay - ms a save must take before "Saving…" shows (default 800).
 * @csspart status - the text.
 */
export class GlSaveStatus extends LitElement {
  static override styles = [sharedStyles, styles];
  static override properties = {
    state: { type: String, reflect: true },
    pending: { type: Number },
    locale: { type: String },
    delay: { type: Number },
    shown: { state: true },
  };
  state: SaveState = 'saved';
  pending = 0;
  locale = 'en';
  delay = 800;
  shown: SaveState = 'saved';
  private t: TestTranslate = testTranslator('en');
  private timer?: ReturnType<typeof setTimeout>;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('locale')) this.t = testTranslator(this.locale);
    if (!changed.has('state')) return;
    clearTimeout(this.timer);
    if (this.state === 'saving' && this.shown === 'saved') this.timer = setTimeout(() => { this.shown = 'saving'; }, this.delay);
    else this.shown = this.state;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.timer);
  }

  protected override render() {
    const s = this.shown;
    const [symbol, text] = s === 'saved' ? ['✓', this.t('saved')]
      : s === 'saving' ? ['…', this.t('saving')]
      : s === 'offline' ? ['⚠', this.pending ? this.t('offline', { n: this.pending }) : this.t('offlineNone')]
      : ['✕', this.t('notSaved')];
    return html`<div role="status"><p part="status" class=${s}><span aria-hidden="true">${symbol}</span><span>${text}</span></p></div>`;
  }
}
customElements.define('gl-save-status', GlSaveStatus);
