// "Connect an LMS": the values an LMS administrator pastes into the LMS (from GET /api/admin/tool), each in a
// read-only box they can select, with a copy button that says what it copied.
import { html, nothing } from 'lit';
import type { AdminApi } from '../admin-api.js';
import { announce } from '../events.js';
import { AdminSection } from '../section.js';
import type { AdminKey } from '../strings.js';
import type { ToolUrls } from '../types.js';

const VALUES: { key: keyof ToolUrls; label: AdminKey }[] = [
  { key: 'dynamicRegistrationUrl', label: 'dynamicRegistrationUrl' },
  { key: 'canvasConfigUrl', label: 'canvasConfigUrl' },
  { key: 'loginUrl', label: 'loginUrl' },
  { key: 'launchUrl', label: 'launchUrl' },
  { key: 'jwksUrl', label: 'jwksUrl' },
  { key: 'domain', label: 'domain' },
];

/**
 * `<gl-admin-connect>` — the tool's URLs to paste into an LMS.
 *
 * @property api - the admin API client.
 * @property locale - "en" | "es".
 * @fires gl-admin-announce - `{ message }` after a copy.
 */
export class GlAdminConnect extends AdminSection {
  static override properties = { tool: { state: true } };
  tool?: ToolUrls;

  protected async read(api: AdminApi): Promise<void> {
    this.tool = await api.get<ToolUrls>('/tool');
  }

  private async copy(key: keyof ToolUrls, label: string): Promise<void> {
    const value = this.tool?.[key] ?? '';
    try {
      await navigator.clipboard.writeText(value);
      announce(this, this.t('copied', { name: label }));
    } catch {
      // No clipboard (permissions, an old browser): select the text so the keyboard shortcut copies it.
      const input = this.renderRoot.querySelector<HTMLInputElement>(`#v-${key}`);
      input?.focus();
      input?.select();
      announce(this, this.t('copyFailed', { name: label }));
    }
  }

  protected override render() {
    const t = this.t;
    return html`<section aria-labelledby="connect-h">
      <h2 id="connect-h">${t('connectTitle')}</h2>
      <p>${t('connectIntro')}</p>
      ${this.error ? html`<p class="error" role="alert">${this.error} <button type="button" class="small" @click=${this.load}>${t('tryAgain')}</button></p>` : nothing}
      ${this.tool ? VALUES.map(({ key, label }) => html`<div class="copy-row">
        <div class="field"><label for="v-${key}">${t(label)}</label><input id="v-${key}" type="text" readonly .value=${this.tool![key]}></div>
        <button type="button" aria-label=${t('copyNamed', { name: t(label) })} @click=${() => this.copy(key, t(label))}>${t('copy')}</button>
      </div>`) : this.error ? nothing : html`<p role="status">${t('loading')}</p>`}
    </section>`;
  }
}
customElements.define('gl-admin-connect', GlAdminConnect);
