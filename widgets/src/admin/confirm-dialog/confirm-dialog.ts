// A modal that asks the administrator to type a value (a client id, a student id) before something is
// deleted: a real <dialog> opened with showModal(), so the rest of the page is inert; Tab wraps inside it,
// Escape cancels, and focus goes back to the button that opened it.
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { adminStyles } from '../styles.js';
import { adminTranslator, type AdminTranslate } from '../strings.js';

/**
 * `<gl-admin-confirm-dialog>` — "type X to confirm", then the caller does the work.
 *
 * @property heading - the dialog's title (a question).
 * @property description - paragraphs saying exactly what will be deleted.
 * @property confirmValue - what must be typed; confirmLabel labels the box, wrongMessage says it does not match.
 * @property actionLabel / busyLabel - the destructive button, idle and while working.
 * @method open(opener) - shows the dialog; focus returns to `opener` when it closes.
 * @method fail(message) - shows why the work failed and keeps the dialog open.
 * @method done(focusTarget?) - closes the dialog, focusing `focusTarget` (when the opener is gone) or the opener.
 * @fires gl-confirm - when the typed value matches and the administrator presses the action button.
 */
export class GlAdminConfirmDialog extends LitElement {
  static override styles = adminStyles;
  static override properties = {
    heading: { type: String }, description: { attribute: false }, confirmValue: { type: String }, confirmLabel: { type: String },
    wrongMessage: { type: String }, actionLabel: { type: String }, busyLabel: { type: String }, locale: { type: String },
    typed: { state: true }, error: { state: true }, busy: { state: true },
  };
  heading = '';
  description: string[] = [];
  confirmValue = '';
  confirmLabel = '';
  wrongMessage = '';
  actionLabel = '';
  busyLabel = '';
  locale = 'en';
  typed = '';
  error = '';
  busy = false;
  private t: AdminTranslate = adminTranslator('en');
  private opener?: HTMLElement;
  private focusAfter?: HTMLElement;

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('locale')) this.t = adminTranslator(this.locale);
  }

  private get dialog(): HTMLDialogElement { return this.renderRoot.querySelector('dialog')!; }

  async open(opener: HTMLElement): Promise<void> {
    this.opener = opener;
    this.focusAfter = undefined;
    this.typed = '';
    this.error = '';
    this.busy = false;
    await this.updateComplete;
    this.dialog.showModal();
    this.renderRoot.querySelector<HTMLInputElement>('input')!.focus();
  }

  async fail(message: string): Promise<void> {
    this.busy = false;
    this.error = message;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLInputElement>('input')?.focus();
  }

  done(focusTarget?: HTMLElement): void {
    this.busy = false;
    this.focusAfter = focusTarget;
    this.dialog.close();
  }

  private closed(): void {
    const target = this.focusAfter ?? this.opener;
    if (target?.isConnected) target.focus();
  }

  private async submit(e: Event): Promise<void> {
    e.preventDefault();
    if (this.busy) return;
    if (this.typed.trim() !== this.confirmValue) {
      await this.fail(this.wrongMessage);
      return;
    }
    this.error = '';
    this.busy = true;
    this.dispatchEvent(new CustomEvent('gl-confirm', { bubbles: true, composed: true }));
  }

  // showModal() makes the page inert but lets Tab leave for the browser's own controls; keep it inside.
  private keepFocusInside(e: KeyboardEvent): void {
    if (e.key !== 'Tab') return;
    const focusable = [...this.renderRoot.querySelectorAll<HTMLElement>('dialog input, dialog button:not([disabled])')];
    if (!focusable.length) return;
    const first = focusable[0]!;
    const last = focusable[focusable.length - 1]!;
    const active = this.renderRoot instanceof ShadowRoot ? this.renderRoot.activeElement : document.activeElement;
    if (e.shiftKey && active === first) { e.preventDefault(); last.focus(); }
    else if (!e.shiftKey && active === last) { e.preventDefault(); first.focus(); }
  }

  protected override render() {
    const t = this.t;
    return html`<dialog aria-labelledby="dlg-h" aria-describedby="dlg-d" @close=${this.closed} @keydown=${this.keepFocusInside}
      @cancel=${(e: Event) => { if (this.busy) e.preventDefault(); }}>
      <h2 id="dlg-h">${this.heading}</h2>
      <div id="dlg-d">${this.description.map((p) => html`<p>${p}</p>`)}</div>
      <form novalidate @submit=${this.submit}>
        <div class="field">
          <label for="dlg-confirm">${this.confirmLabel}</label>
          <input id="dlg-confirm" type="text" autocomplete="off" spellcheck="false" .value=${this.typed}
            aria-invalid=${this.error ? 'true' : 'false'} aria-describedby=${this.error ? 'dlg-error' : nothing}
            @input=${(e: InputEvent) => { this.typed = (e.target as HTMLInputElement).value; }}>
          ${this.error ? html`<p id="dlg-error" class="field-error" role="alert">${this.error}</p>` : nothing}
        </div>
        <div class="actions">
          <button type="submit" class="danger primary" ?disabled=${this.busy}>${this.busy ? this.busyLabel : this.actionLabel}</button>
          <button type="button" ?disabled=${this.busy} @click=${() => this.dialog.close()}>${t('cancel')}</button>
        </div>
      </form>
    </dialog>`;
  }
}
customElements.define('gl-admin-confirm-dialog', GlAdminConfirmDialog);
