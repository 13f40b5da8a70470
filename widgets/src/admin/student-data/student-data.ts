// "A student's data": for an access request, everything Growthline stores about one student as a JSON file;
// for a deletion request, all of it deleted, behind a dialog that asks for the student id again.
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import type { AdminApi } from '../admin-api.js';
import type { GlAdminConfirmDialog } from '../confirm-dialog/confirm-dialog.js';
import '../confirm-dialog/confirm-dialog.js';
import { announce, failure } from '../events.js';
import { platformLabel } from '../platforms/platforms.js';
import { adminStyles } from '../styles.js';
import { adminTranslator, type AdminTranslate } from '../strings.js';
import type { DeletionReport, PlatformRow } from '../types.js';

interface Choice { value: string; platformId: string; deploymentId: string; label: string }

/**
 * `<gl-admin-student-data>` — export or delete one student's data in one deployment.
 *
 * @property api - the admin API client.
 * @property platforms - the registered LMSs (from `<gl-admin-platforms>`), to choose the deployment.
 * @property locale - "en" | "es".
 * @fires gl-admin-announce - `{ message }` after an export or a deletion.
 */
export class GlAdminStudentData extends LitElement {
  static override styles = adminStyles;
  static override properties = {
    api: { attribute: false }, platforms: { attribute: false }, locale: { type: String },
    where: { state: true }, student: { state: true }, studentError: { state: true }, busy: { state: true }, download: { state: true }, pending: { state: true },
  };
  api?: AdminApi;
  platforms: PlatformRow[] = [];
  locale = 'en';
  where = '';
  student = '';
  studentError = '';
  busy = false;
  download?: { url: string; file: string };
  /** The student and deployment the open deletion dialog is about. */
  pending?: { choice: Choice; student: string };
  private t: AdminTranslate = adminTranslator('en');

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('locale')) this.t = adminTranslator(this.locale);
    if (changed.has('platforms') && !this.choices().some((c) => c.value === this.where)) this.where = this.choices()[0]?.value ?? '';
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.download) URL.revokeObjectURL(this.download.url);
  }

  private choices(): Choice[] {
    return this.platforms.flatMap((p) => p.deploymentIds.map((d) => ({
      value: `${p.id} ${d}`, platformId: p.id, deploymentId: d, label: `${platformLabel(p)} — ${d}`,
    })));
  }

  private chosen(): Choice | undefined { return this.choices().find((c) => c.value === this.where); }

  private async showError(err: unknown): Promise<void> {
    const p = failure(this, err);
    this.studentError = p.fields.find((f) => f.field === 'student')?.message ?? p.message;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('#sd-student')?.focus();
  }

  private async exportData(e: Event): Promise<void> {
    e.preventDefault();
    const c = this.chosen();
    if (this.busy || !c) return;
    this.busy = true;
    try {
      const data = await this.api!.post<unknown>('/privacy/student-export', { platformId: c.platformId, deploymentId: c.deploymentId, student: this.student.trim() });
      if (this.download) URL.revokeObjectURL(this.download.url);
      const file = `growthline-student-${this.student.trim().replace(/[^\w.-]+/g, '_')}.json`;
      this.download = { url: URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' })), file };
      this.studentError = '';
      announce(this, this.t('exported', { student: this.student.trim(), file }));
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('#sd-download')?.focus();
    } catch (err) {
      await this.showError(err);
    } finally {
      this.busy = false;
    }
  }

  private async askDelete(e: Event): Promise<void> {
    const c = this.chosen();
    if (!c) return;
    if (!this.student.trim()) { await this.showError(new Error(this.t('privacyStudentMissing'))); return; }
    this.pending = { choice: c, student: this.student.trim() };
    await this.updateComplete;
    await this.renderRoot.querySelector<GlAdminConfirmDialog>('gl-admin-confirm-dialog')!.open(e.currentTarget as HTMLElement);
  }

  private async deleteData(): Promise<void> {
    const dialog = this.renderRoot.querySelector<GlAdminConfirmDialog>('gl-admin-confirm-dialog')!;
    const p = this.pending;
    if (!p) return;
    try {
      const report = await this.api!.post<DeletionReport>('/privacy/student-deletion', {
        platformId: p.choice.platformId, deploymentId: p.choice.deploymentId, student: p.student, confirm: p.student,
      });
      const n = Object.values(report.deleted).reduce((a, b) => a + b, 0) + Object.values(report.scrubbed).reduce((a, b) => a + b, 0);
      dialog.done();
      this.student = '';
      this.studentError = '';
      announce(this, this.t('deleted', { student: p.student, n }));
    } catch (err) {
      await dialog.fail(this.t('requestFailed', { detail: failure(this, err).message }));
    }
  }

  protected override render() {
    const t = this.t;
    const choices = this.choices();
    const p = this.pending;
    return html`<section aria-labelledby="sd-h">
      <h2 id="sd-h">${t('privacyTitle')}</h2>
      <p>${t('privacyIntro')}</p>
      ${!choices.length ? html`<p class="muted">${t('privacyNoPlatforms')}</p>` : html`<form novalidate @submit=${this.exportData}>
        <div class="field">
          <label for="sd-where">${t('privacyDeployment')}</label>
          <select id="sd-where" .value=${this.where} @change=${(e: Event) => { this.where = (e.target as HTMLSelectElement).value; }}>
            ${choices.map((c) => html`<option value=${c.value} ?selected=${c.value === this.where}>${c.label}</option>`)}
          </select>
        </div>
        <div class="field">
          <label for="sd-student">${t('privacyStudent')}</label>
          <p id="sd-student-hint" class="hint">${t('privacyStudentHint')}</p>
          <input id="sd-student" type="text" autocomplete="off" spellcheck="false" .value=${this.student}
            aria-invalid=${this.studentError ? 'true' : 'false'} aria-describedby=${this.studentError ? 'sd-student-hint sd-student-error' : 'sd-student-hint'}
            @input=${(e: InputEvent) => { this.student = (e.target as HTMLInputElement).value; }}>
          ${this.studentError ? html`<p id="sd-student-error" class="field-error">${this.studentError}</p>` : nothing}
        </div>
        <div class="actions">
          <button type="submit" aria-disabled=${this.busy ? 'true' : 'false'}>${this.busy ? t('exporting') : t('exportStudent')}</button>
          <button type="button" class="danger" @click=${this.askDelete}>${t('deleteStudent')}</button>
        </div>
        ${this.download ? html`<p><a id="sd-download" href=${this.download.url} download=${this.download.file}>${this.download.file}</a></p>` : nothing}
      </form>`}
      <gl-admin-confirm-dialog locale=${this.locale} @gl-confirm=${this.deleteData}
        heading=${p ? t('deleteTitle', { student: p.student }) : ''}
        .description=${p ? [t('deleteWhat', { deployment: p.choice.label })] : []}
        confirmValue=${p?.student ?? ''} confirmLabel=${p ? t('deleteConfirmLabel', { student: p.student }) : ''}
        wrongMessage=${p ? t('deleteConfirmWrong', { student: p.student }) : ''}
        actionLabel=${t('deleteConfirm')} busyLabel=${t('deleting')}></gl-admin-confirm-dialog>
    </section>`;
  }
}
customElements.define('gl-admin-student-data', GlAdminStudentData);
