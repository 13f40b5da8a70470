// "Signing keys": the tool's keys with their status and how long each stays published, and rotation with
// a grace period during which the previous key is still served at the JWKS URL (launches and grade
// passback keep working while LMSs refresh their copy of the keyset).
import { html, nothing } from 'lit';
import type { AdminApi } from '../admin-api.js';
import { announce, failure } from '../events.js';
import { AdminSection } from '../section.js';
import type { KeyRow } from '../types.js';

const DEFAULT_GRACE_HOURS = 168;

/**
 * `<gl-admin-signing-keys>` — list and rotate the tool's signing keys.
 *
 * @property api - the admin API client.
 * @property locale - "en" | "es".
 * @fires gl-admin-announce - `{ message }` after a rotation.
 */
export class GlAdminSigningKeys extends AdminSection {
  static override properties = { keys: { state: true }, grace: { state: true }, graceError: { state: true }, busy: { state: true } };
  keys?: KeyRow[];
  grace = String(DEFAULT_GRACE_HOURS);
  graceError = '';
  busy = false;

  protected async read(api: AdminApi): Promise<void> {
    this.keys = (await api.get<{ keys: KeyRow[] }>('/keys')).keys;
  }

  private async rotate(e: Event): Promise<void> {
    e.preventDefault();
    if (this.busy) return;
    this.busy = true;
    // A blank box means the default; anything else goes to the API as typed, so it says what is wrong.
    const graceHours = this.grace.trim() === '' ? DEFAULT_GRACE_HOURS : Number(this.grace);
    try {
      const r = await this.api!.post<{ kid: string }>('/keys/rotate', { graceHours: Number.isFinite(graceHours) ? graceHours : this.grace });
      this.graceError = '';
      announce(this, this.t('rotated', { kid: r.kid, hours: graceHours }));
      await this.load();
    } catch (err) {
      const p = failure(this, err);
      this.graceError = p.fields[0]?.message ?? p.message;
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('#grace')?.focus();
    } finally {
      this.busy = false;
    }
  }

  private date(s: string | null): string {
    return s ? new Intl.DateTimeFormat(this.locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(s)) : this.t('noDate');
  }

  protected override render() {
    const t = this.t;
    return html`<section aria-labelledby="keys-h">
      <h2 id="keys-h">${t('keysTitle')}</h2>
      <p>${t('keysIntro')}</p>
      ${this.error ? html`<p class="error" role="alert">${this.error} <button type="button" class="small" @click=${this.load}>${t('tryAgain')}</button></p>` : nothing}
      ${!this.keys ? (this.error ? nothing : html`<p role="status">${t('loading')}</p>`)
        : !this.keys.length ? html`<p>${t('noKeys')}</p>`
          : html`<div class="scroll" tabindex="0" role="region" aria-labelledby="keys-caption"><table>
            <caption id="keys-caption">${t('keysCaption')}</caption>
            <thead><tr><th scope="col">${t('colKid')}</th><th scope="col">${t('colStatus')}</th><th scope="col" class="num">${t('colGeneration')}</th>
              <th scope="col">${t('colPublished')}</th><th scope="col">${t('colCreated')}</th><th scope="col">${t('colPublishUntil')}</th></tr></thead>
            <tbody>${this.keys.map((k) => html`<tr>
              <th scope="row" class="mono">${k.kid}</th>
              <td>${k.status === 'current' ? html`<strong>${t('keyCurrent')}</strong>` : t('keyPrevious')}</td>
              <td class="num">${k.generation}</td>
              <td>${k.published ? t('yes') : t('no')}</td>
              <td>${this.date(k.createdAt)}</td>
              <td>${k.status === 'current' ? t('noDate') : this.date(k.publishUntil)}</td>
            </tr>`)}</tbody>
          </table></div>`}
      <form class="inline-form" novalidate @submit=${this.rotate}>
        <div class="field">
          <label for="grace">${t('graceLabel')}</label>
          <p id="grace-hint" class="hint">${t('graceHint')}</p>
          <input id="grace" type="number" min="0" max="8760" step="1" inputmode="numeric" .value=${this.grace}
            aria-invalid=${this.graceError ? 'true' : 'false'} aria-describedby=${this.graceError ? 'grace-hint grace-error' : 'grace-hint'}
            @input=${(e: InputEvent) => { this.grace = (e.target as HTMLInputElement).value; }}>
          ${this.graceError ? html`<p id="grace-error" class="field-error">${this.graceError}</p>` : nothing}
        </div>
        <button type="submit" class="primary" aria-disabled=${this.busy ? 'true' : 'false'}>${this.busy ? t('rotating') : t('rotate')}</button>
      </form>
    </section>`;
  }
}
customElements.define('gl-admin-signing-keys', GlAdminSigningKeys);
