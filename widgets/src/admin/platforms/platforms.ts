// "Registered LMSs": every registered platform with its deployments and which LMS services work, a form to
// add a deployment to one, its choice of progress reports to the gradebook, removal (with all its data) behind a dialog that asks for the client id, and
// the form to register an LMS by hand.
import { html, nothing } from 'lit';
import type { AdminApi } from '../admin-api.js';
import type { GlAdminConfirmDialog } from '../confirm-dialog/confirm-dialog.js';
import '../confirm-dialog/confirm-dialog.js';
import { announce, failure } from '../events.js';
import '../platform-form/platform-form.js';
import { AdminSection } from '../section.js';
import type { AdminKey } from '../strings.js';
import type { PlatformRow, ProgressScoresSetting, RemovalReport } from '../types.js';

type ProgressChoice = 'default' | 'on' | 'off';
const PROGRESS_CHOICES: { value: ProgressChoice; label: AdminKey }[] = [
  { value: 'default', label: 'progressDefault' }, { value: 'on', label: 'progressOn' }, { value: 'off', label: 'progressOff' },
];
/** The choice as stored: "default" when the administrator never chose (or went back to the default). */
const progressChoice = (p: Pick<PlatformRow, 'progressScores' | 'progressScoresSource'>): ProgressChoice =>
  p.progressScoresSource === 'default' ? 'default' : p.progressScores ? 'on' : 'off';

const FAMILY: Record<string, AdminKey> = { canvas: 'familyCanvas', schoology: 'familySchoology', moodle: 'familyMoodle' };

/** What the page calls a platform: its name, else its issuer. */
export const platformLabel = (p: Pick<PlatformRow, 'name' | 'issuer'>) => p.name || p.issuer;

/**
 * `<gl-admin-platforms>` — the registered LMSs and what can be done to them.
 *
 * @property api - the admin API client.
 * @property locale - "en" | "es".
 * @fires gl-admin-platforms-changed - `{ platforms }` after every load (the student-data section lists them).
 * @fires gl-admin-announce - `{ message }` after each change.
 */
export class GlAdminPlatforms extends AdminSection {
  static override properties = {
    platforms: { state: true }, deploymentDrafts: { state: true }, deploymentErrors: { state: true }, removing: { state: true },
    progressDrafts: { state: true }, progressErrors: { state: true }, savingProgress: { state: true },
  };
  platforms?: PlatformRow[];
  deploymentDrafts: Record<string, string> = {};
  deploymentErrors: Record<string, string> = {};
  removing?: PlatformRow;
  progressDrafts: Record<string, ProgressChoice> = {};
  progressErrors: Record<string, string> = {};
  savingProgress = '';

  protected async read(api: AdminApi): Promise<void> {
    this.platforms = (await api.get<{ platforms: PlatformRow[] }>('/platforms')).platforms;
    this.dispatchEvent(new CustomEvent('gl-admin-platforms-changed', { detail: { platforms: this.platforms }, bubbles: true, composed: true }));
  }

  private async addDeployment(e: Event, p: PlatformRow): Promise<void> {
    e.preventDefault();
    const deploymentId = (this.deploymentDrafts[p.id] ?? '').trim();
    try {
      await this.api!.post(`/platforms/${p.id}/deployments`, { deploymentId });
      this.deploymentDrafts = { ...this.deploymentDrafts, [p.id]: '' };
      this.deploymentErrors = { ...this.deploymentErrors, [p.id]: '' };
      announce(this, this.t('deploymentAdded', { deployment: deploymentId, name: platformLabel(p) }));
      await this.load();
    } catch (err) {
      const problem = failure(this, err);
      this.deploymentErrors = { ...this.deploymentErrors, [p.id]: problem.fields[0]?.message ?? problem.message };
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>(`#dep-${p.id}`)?.focus();
    }
  }

  private async saveProgress(e: Event, p: PlatformRow): Promise<void> {
    e.preventDefault();
    if (this.savingProgress) return;
    const choice = this.progressDrafts[p.id] ?? progressChoice(p);
    this.savingProgress = p.id;
    try {
      const now = await this.api!.put<ProgressScoresSetting>(`/platforms/${p.id}/progress-scores`, { progressScores: choice === 'default' ? null : choice === 'on' });
      const drafts = { ...this.progressDrafts };
      delete drafts[p.id]; // the saved choice now comes from the list
      this.progressDrafts = drafts;
      this.progressErrors = { ...this.progressErrors, [p.id]: '' };
      const state = this.t(now.progressScores ? 'serviceOn' : 'serviceOff');
      announce(this, this.t(now.source === 'default' ? 'progressSavedDefault' : 'progressSaved', { name: platformLabel(p), state }));
      await this.load();
    } catch (err) {
      const problem = failure(this, err);
      this.progressErrors = { ...this.progressErrors, [p.id]: problem.fields[0]?.message ?? problem.message };
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>(`#progress-${p.id}`)?.focus();
    } finally {
      this.savingProgress = '';
    }
  }

  private async askRemove(e: Event, p: PlatformRow): Promise<void> {
    this.removing = p;
    await this.updateComplete;
    await this.renderRoot.querySelector<GlAdminConfirmDialog>('gl-admin-confirm-dialog')!.open(e.currentTarget as HTMLElement);
  }

  private async removePlatform(): Promise<void> {
    const p = this.removing;
    const dialog = this.renderRoot.querySelector<GlAdminConfirmDialog>('gl-admin-confirm-dialog')!;
    if (!p) return;
    try {
      const report = await this.api!.del<RemovalReport>(`/platforms/${p.id}?confirm=${encodeURIComponent(p.clientId)}`);
      const n = Object.values(report.deleted).reduce((a, b) => a + b, 0);
      // Its row (and the button that opened the dialog) is gone: focus the section's heading instead.
      dialog.done(this.renderRoot.querySelector<HTMLElement>('#platforms-h')!);
      announce(this, this.t('removed', { name: platformLabel(p), n }));
      await this.load();
    } catch (err) {
      await dialog.fail(this.t('requestFailed', { detail: failure(this, err).message }));
    }
  }

  private renderServices(p: PlatformRow) {
    const t = this.t;
    const s = p.services;
    return html`<ul class="plain">
      <li>${t('gradePassback')}: <span class=${s.gradePassback}>${s.gradePassback === 'on' ? `✓ ${t('serviceOn')}` : `✗ ${t('serviceOff')}`}</span></li>
      <li>${t('roster')}: <span class=${s.roster}>${s.roster === 'on' ? `✓ ${t('serviceOn')}` : `✗ ${t('serviceOff')}`}</span></li>
      ${s.reason ? html`<li class="hint">${s.reason}</li>` : nothing}
    </ul>
    ${this.renderProgress(p)}`;
  }

  private renderProgress(p: PlatformRow) {
    const t = this.t;
    const id = `progress-${p.id}`;
    const label = platformLabel(p);
    const error = this.progressErrors[p.id];
    const draft = this.progressDrafts[p.id] ?? progressChoice(p);
    const state = t(p.progressScores ? 'serviceOn' : 'serviceOff');
    const busy = this.savingProgress === p.id;
    return html`<form class="progress-form" novalidate @submit=${(e: Event) => this.saveProgress(e, p)}>
      <label for=${id}>${t('progressTitle')}<span class="vh"> ${t('progressFor', { name: label })}</span></label>
      <p id="${id}-now" class="hint">${t(p.progressScoresSource === 'default' ? 'progressNowDefault' : 'progressNowSetting', { state })}</p>
      <div class="inline-form">
        <select id=${id} aria-invalid=${error ? 'true' : 'false'} aria-describedby=${[`${id}-now`, 'progress-hint', error ? `${id}-error` : ''].filter(Boolean).join(' ')}
          .value=${draft} @change=${(e: Event) => { this.progressDrafts = { ...this.progressDrafts, [p.id]: (e.target as HTMLSelectElement).value as ProgressChoice }; }}>
          ${PROGRESS_CHOICES.map((c) => html`<option value=${c.value} ?selected=${draft === c.value}>${t(c.label)}</option>`)}
        </select>
        <button type="submit" class="small" aria-disabled=${busy ? 'true' : 'false'}>${t('progressSave')}<span class="vh"> ${t('progressSaveFor', { name: label })}</span></button>
      </div>
      ${error ? html`<p id="${id}-error" class="field-error">${error}</p>` : nothing}
    </form>`;
  }

  private renderRow(p: PlatformRow) {
    const t = this.t;
    const label = platformLabel(p);
    const error = this.deploymentErrors[p.id];
    return html`<tr>
      <th scope="row">${label}<br><span class="hint">${t(FAMILY[p.productFamily] ?? 'familyUnknown')}, ${t(p.registeredVia === 'dynamic' ? 'viaDynamic' : 'viaManual')}</span></th>
      <td class="mono">${p.issuer}</td>
      <td class="mono">${p.clientId}</td>
      <td>
        ${p.deploymentIds.length ? html`<ul class="plain mono">${p.deploymentIds.map((d) => html`<li>${d}</li>`)}</ul>` : html`<span class="muted">${t('noDeployments')}</span>`}
        <form class="inline-form" novalidate @submit=${(e: Event) => this.addDeployment(e, p)}>
          <label class="vh" for="dep-${p.id}">${t('newDeploymentLabel', { name: label })}</label>
          <input id="dep-${p.id}" type="text" autocomplete="off" spellcheck="false" .value=${this.deploymentDrafts[p.id] ?? ''}
            aria-invalid=${error ? 'true' : 'false'} aria-describedby=${error ? `dep-${p.id}-error` : nothing}
            @input=${(e: InputEvent) => { this.deploymentDrafts = { ...this.deploymentDrafts, [p.id]: (e.target as HTMLInputElement).value }; }}>
          <button type="submit" class="small">${t('addDeployment')}</button>
          ${error ? html`<p id="dep-${p.id}-error" class="field-error">${error}</p>` : nothing}
        </form>
      </td>
      <td>${this.renderServices(p)}</td>
      <td><button type="button" class="danger small" aria-label=${t('removeNamed', { name: label })} @click=${(e: Event) => this.askRemove(e, p)}>${t('remove')}</button></td>
    </tr>`;
  }

  protected override render() {
    const t = this.t;
    const r = this.removing;
    return html`<section aria-labelledby="platforms-h">
      <h2 id="platforms-h" tabindex="-1">${t('platformsTitle')}</h2>
      ${this.error ? html`<p class="error" role="alert">${this.error} <button type="button" class="small" @click=${this.load}>${t('tryAgain')}</button></p>` : nothing}
      ${!this.platforms ? (this.error ? nothing : html`<p role="status">${t('loading')}</p>`)
        : !this.platforms.length ? html`<p>${t('platformsNone')}</p>`
          : html`<p id="progress-hint" class="hint"><strong>${t('progressTitle')}:</strong> ${t('progressHint')}</p>
            <div class="scroll" tabindex="0" role="region" aria-labelledby="platforms-caption"><table>
              <caption id="platforms-caption">${t('platformsCaption', { n: this.platforms.length })}</caption>
              <thead><tr>
                <th scope="col">${t('colLms')}</th><th scope="col">${t('colIssuer')}</th><th scope="col">${t('colClientId')}</th>
                <th scope="col">${t('colDeployments')}</th><th scope="col">${t('colServices')}</th><th scope="col">${t('colActions')}</th>
              </tr></thead>
              <tbody>${this.platforms.map((p) => this.renderRow(p))}</tbody>
            </table></div>`}
      <gl-admin-confirm-dialog locale=${this.locale} @gl-confirm=${this.removePlatform}
        heading=${r ? t('removeTitle', { name: platformLabel(r) }) : ''}
        .description=${r ? [t('removeWhat', { name: platformLabel(r), issuer: r.issuer, deployments: r.deploymentIds.join(', ') || '—' }), t('removeKeep')] : []}
        confirmValue=${r?.clientId ?? ''} confirmLabel=${r ? t('removeConfirmLabel', { clientId: r.clientId }) : ''}
        wrongMessage=${r ? t('removeConfirmWrong', { clientId: r.clientId }) : ''}
        actionLabel=${t('removeConfirm')} busyLabel=${t('removing')}></gl-admin-confirm-dialog>
      <gl-admin-platform-form .api=${this.api} locale=${this.locale} @gl-admin-platform-added=${() => this.load()}></gl-admin-platform-form>
    </section>`;
  }
}
customElements.define('gl-admin-platforms', GlAdminPlatforms);
