// The district administrator's page (/admin), opened directly in a browser, never in an LMS frame: sign in
// with ADMIN_TOKEN (kept in this tab's sessionStorage only), then connect an LMS, manage registered LMSs,
// rotate the signing key, and answer a student's access or deletion request. One live region for results.
import { LitElement, css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { createAdminApi, forgetToken, rememberToken, storedToken, type AdminApi } from '../admin/admin-api.js';
import { ANNOUNCE, UNAUTHORIZED } from '../admin/events.js';
import '../admin/index.js';
import { adminStyles } from '../admin/styles.js';
import { adminTranslator, type AdminTranslate } from '../admin/strings.js';
import type { AnnounceEvent, PlatformRow } from '../admin/types.js';
import { ApiError } from '../shared/api.js';

const pageOwn = css`
  :host { display: block; max-width: 72rem; margin: 0 auto; padding: var(--gl-space, 1rem); }
  header { display: flex; flex-wrap: wrap; justify-content: space-between; align-items: center; gap: .5rem; border-bottom: 2px solid var(--gl-border, #8a8f98); margin-bottom: 1rem; }
  h1 { font-size: 1.6rem; margin: .5rem 0; }
  .live { position: sticky; top: 0; z-index: 1; min-height: 0; }
  .live p { border-left: 6px solid var(--gl-ok, #1d6b35); padding: .35rem .75rem; margin: .5rem 0; background: var(--gl-surface, #f5f6f8); }
  .sign-in { max-width: 32rem; }
  ol li { margin: .35rem 0; }
`;

/**
 * `<gl-admin-page admin-api="on|off" locale="en">` — the admin page.
 *
 * @property adminApi - "off" when the server has no ADMIN_TOKEN: the page explains how to turn it on.
 * @property locale - "en" | "es".
 */
export class GlAdminPage extends LitElement {
  static override styles = [...adminStyles, pageOwn];
  static override properties = {
    adminApi: { type: String, attribute: 'admin-api' }, locale: { type: String },
    api: { state: true }, tokenDraft: { state: true }, signInError: { state: true }, busy: { state: true }, message: { state: true }, platforms: { state: true },
  };
  adminApi: 'on' | 'off' = 'on';
  locale = 'en';
  api?: AdminApi;
  tokenDraft = '';
  signInError = '';
  busy = false;
  message = '';
  platforms: PlatformRow[] = [];
  private t: AdminTranslate = adminTranslator('en');

  constructor() {
    super();
    this.addEventListener(ANNOUNCE, (e) => { void this.say((e as AnnounceEvent).detail.message); });
    this.addEventListener(UNAUTHORIZED, () => { void this.signOut(this.t('tokenExpired')); });
  }

  override connectedCallback(): void {
    super.connectedCallback();
    const token = storedToken();
    if (token) this.api = createAdminApi(token);
  }

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('locale')) this.t = adminTranslator(this.locale);
  }

  private async say(message: string): Promise<void> {
    // Render the region empty first, so the same words twice are still announced.
    this.message = '';
    await this.updateComplete;
    this.message = message;
  }

  private async signIn(e: Event): Promise<void> {
    e.preventDefault();
    if (this.busy) return;
    const token = this.tokenDraft.trim();
    if (!token) {
      await this.showSignInError(this.t('tokenMissing'));
      return;
    }
    this.busy = true;
    try {
      const api = createAdminApi(token);
      await api.get('/tool'); // proves the token before anything is kept
      rememberToken(token);
      this.tokenDraft = '';
      this.signInError = '';
      this.api = api;
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('h1')?.focus();
    } catch (err) {
      const wrong = err instanceof ApiError && err.status === 401;
      await this.showSignInError(wrong ? this.t('tokenWrong') : this.t('requestFailed', { detail: err instanceof Error ? err.message : String(err) }));
    } finally {
      this.busy = false;
    }
  }

  private async showSignInError(message: string): Promise<void> {
    this.signInError = message;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('#token')?.focus();
  }

  private async signOut(reason?: string): Promise<void> {
    forgetToken();
    this.api = undefined;
    this.platforms = [];
    this.signInError = reason ?? '';
    if (!reason) void this.say(this.t('signedOut'));
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('#token')?.focus();
  }

  private renderApiOff(): TemplateResult {
    const t = this.t;
    return html`<main aria-labelledby="off-h">
      <h2 id="off-h">${t('apiOffTitle')}</h2>
      <p>${t('apiOffIntro')}</p>
      <ol><li>${t('apiOffStep1')}</li><li>${t('apiOffStep2')}</li><li>${t('apiOffStep3')}</li></ol>
      <p>${t('apiOffCli')}</p>
    </main>`;
  }

  private renderSignIn(): TemplateResult {
    const t = this.t;
    const error = this.signInError;
    return html`<main class="sign-in" aria-labelledby="signin-h">
      <h2 id="signin-h">${t('signInTitle')}</h2>
      <p id="token-hint">${t('signInIntro')}</p>
      <form novalidate @submit=${this.signIn}>
        <div class="field">
          <label for="token">${t('tokenLabel')}</label>
          <input id="token" type="password" autocomplete="off" spellcheck="false" .value=${this.tokenDraft}
            aria-invalid=${error ? 'true' : 'false'} aria-describedby=${error ? 'token-hint token-error' : 'token-hint'}
            @input=${(e: InputEvent) => { this.tokenDraft = (e.target as HTMLInputElement).value; }}>
          ${error ? html`<p id="token-error" class="field-error" role="alert">${error}</p>` : nothing}
        </div>
        <button type="submit" class="primary" aria-disabled=${this.busy ? 'true' : 'false'}>${this.busy ? t('signingIn') : t('signIn')}</button>
      </form>
    </main>`;
  }

  private renderSections(api: AdminApi): TemplateResult {
    return html`<main aria-labelledby="page-h">
      <gl-admin-connect .api=${api} locale=${this.locale}></gl-admin-connect>
      <gl-admin-platforms .api=${api} locale=${this.locale}
        @gl-admin-platforms-changed=${(e: CustomEvent<{ platforms: PlatformRow[] }>) => { this.platforms = e.detail.platforms; }}></gl-admin-platforms>
      <gl-admin-signing-keys .api=${api} locale=${this.locale}></gl-admin-signing-keys>
      <gl-admin-student-data .api=${api} .platforms=${this.platforms} locale=${this.locale}></gl-admin-student-data>
    </main>`;
  }

  protected override render(): TemplateResult {
    const t = this.t;
    return html`<header>
        <h1 id="page-h" tabindex="-1">${t('pageTitle')}</h1>
        ${this.api ? html`<button type="button" @click=${() => this.signOut()}>${t('signOut')}</button>` : nothing}
      </header>
      <div class="live" role="status" aria-live="polite">${this.message ? html`<p>${this.message}</p>` : nothing}</div>
      ${this.adminApi === 'off' ? this.renderApiOff() : this.api ? this.renderSections(this.api) : this.renderSignIn()}`;
  }
}
customElements.define('gl-admin-page', GlAdminPage);
