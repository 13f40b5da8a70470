// "Register an LMS by hand": the issuer, client id, deployment ids and endpoints an administrator copies from
// the LMS's developer key. The API validates; its field problems appear beside each field and in a summary
// that takes focus, each entry a link to its field. Optional: other LMS addresses that may frame Growthline, and
// whether progress reports go to the gradebook.
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import type { AdminApi } from '../admin-api.js';
import { announce, failure } from '../events.js';
import { formErrors } from '../field-errors.js';
import { adminStyles } from '../styles.js';
import { adminTranslator, type AdminKey, type AdminTranslate } from '../strings.js';
import { registrationBody, type FieldName, type FormValues } from './registration-body.js';

interface Choice { value: string; label: AdminKey }
interface FieldSpec { name: FieldName; label: AdminKey; hint?: AdminKey; required: boolean; type: 'text' | 'url' | 'lines' | 'select'; options?: Choice[] }

const FAMILIES: Choice[] = [
  { value: '', label: 'fieldFamilyOther' }, { value: 'canvas', label: 'familyCanvas' }, { value: 'schoology', label: 'familySchoology' }, { value: 'moodle', label: 'familyMoodle' },
];
// '' leaves progressScores out of the body: the product family's default applies.
const PROGRESS: Choice[] = [{ value: '', label: 'progressDefault' }, { value: 'on', label: 'progressOn' }, { value: 'off', label: 'progressOff' }];

const FIELDS: FieldSpec[] = [
  { name: 'name', label: 'fieldName', hint: 'fieldNameHint', required: false, type: 'text' },
  { name: 'productFamily', label: 'fieldFamily', required: false, type: 'select', options: FAMILIES },
  { name: 'issuer', label: 'fieldIssuer', hint: 'fieldIssuerHint', required: true, type: 'url' },
  { name: 'clientId', label: 'fieldClientId', required: true, type: 'text' },
  { name: 'deploymentIds', label: 'fieldDeployments', hint: 'fieldDeploymentsHint', required: true, type: 'lines' },
  { name: 'authEndpoint', label: 'fieldAuth', required: true, type: 'url' },
  { name: 'tokenEndpoint', label: 'fieldToken', required: true, type: 'url' },
  { name: 'jwksUrl', label: 'fieldJwks', required: true, type: 'url' },
  { name: 'frameOrigins', label: 'fieldFrameOrigins', hint: 'fieldFrameOriginsHint', required: false, type: 'lines' },
  { name: 'progressScores', label: 'progressTitle', hint: 'progressHint', required: false, type: 'select', options: PROGRESS },
];

const empty = (): FormValues => Object.fromEntries(FIELDS.map((f) => [f.name, ''])) as FormValues;

/**
 * `<gl-admin-platform-form>` — registers an LMS through POST /api/admin/platforms.
 *
 * @property api - the admin API client.
 * @property locale - "en" | "es".
 * @fires gl-admin-platform-added - `{ id }` after a registration.
 * @fires gl-admin-announce - `{ message }` after a registration.
 */
export class GlAdminPlatformForm extends LitElement {
  static override styles = adminStyles;
  static override properties = {
    api: { attribute: false }, locale: { type: String },
    values: { state: true }, fieldErrors: { state: true }, general: { state: true }, busy: { state: true },
  };
  api?: AdminApi;
  locale = 'en';
  values = empty();
  fieldErrors: Partial<Record<FieldName, string>> = {};
  general: string[] = [];
  busy = false;
  private t: AdminTranslate = adminTranslator('en');

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('locale')) this.t = adminTranslator(this.locale);
  }

  private async submit(e: Event): Promise<void> {
    e.preventDefault();
    if (this.busy || !this.api) return;
    this.busy = true;
    const body = registrationBody(this.values);
    try {
      const created = await this.api.post<{ id: string; name: string; deploymentIds: string[] }>('/platforms', body);
      this.values = empty();
      this.fieldErrors = {};
      this.general = [];
      announce(this, this.t('registered', { name: created.name, n: created.deploymentIds.length }));
      this.dispatchEvent(new CustomEvent('gl-admin-platform-added', { detail: { id: created.id }, bubbles: true, composed: true }));
    } catch (err) {
      const p = failure(this, err);
      // "frameOrigins.1" is the second URL sent, not the second line typed (blank lines are dropped): name it by its text.
      const errors = formErrors(p.message, p.fields, FIELDS.map((f) => f.name), (field, i, message) => {
        const item = (body[field] as unknown[] | undefined)?.[i];
        return typeof item === 'string' ? this.t('fieldItemProblem', { item, message }) : undefined;
      });
      this.fieldErrors = errors.byField;
      this.general = errors.general;
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('#pf-summary')?.focus();
    } finally {
      this.busy = false;
    }
  }

  private focusField(e: Event, name: FieldName): void {
    e.preventDefault(); // the link's #id cannot reach into a shadow root
    this.renderRoot.querySelector<HTMLElement>(`#pf-${name}`)?.focus();
  }

  private renderSummary() {
    const t = this.t;
    const invalid = FIELDS.filter((f) => this.fieldErrors[f.name]);
    if (!invalid.length && !this.general.length) return nothing;
    return html`<div id="pf-summary" class="summary" tabindex="-1" aria-labelledby="pf-summary-h">
      <h3 id="pf-summary-h">${t('errorSummaryTitle')}</h3>
      ${invalid.length ? html`<p>${t(invalid.length === 1 ? 'errorSummaryOne' : 'errorSummaryMany', { n: invalid.length })}</p>` : nothing}
      <ul>
        ${invalid.map((f) => html`<li><a href="#pf-${f.name}" @click=${(e: Event) => this.focusField(e, f.name)}>${t(f.label)}: ${this.fieldErrors[f.name]}</a></li>`)}
        ${this.general.map((g) => html`<li>${g}</li>`)}
      </ul>
    </div>`;
  }

  private renderField(f: FieldSpec) {
    const t = this.t;
    const id = `pf-${f.name}`;
    const error = this.fieldErrors[f.name];
    const described = [f.hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
    const set = (e: Event) => { this.values = { ...this.values, [f.name]: (e.target as HTMLInputElement).value }; };
    const common = { id, invalid: error ? 'true' : 'false', described: described || nothing };
    const control = f.type === 'select'
      ? html`<select id=${common.id} aria-invalid=${common.invalid} aria-describedby=${common.described} .value=${this.values[f.name]} @change=${set}>
          ${(f.options ?? []).map((o) => html`<option value=${o.value} ?selected=${this.values[f.name] === o.value}>${t(o.label)}</option>`)}</select>`
      : f.type === 'lines'
        ? html`<textarea id=${common.id} rows="3" aria-required=${f.required ? 'true' : 'false'} aria-invalid=${common.invalid} aria-describedby=${common.described} spellcheck="false" .value=${this.values[f.name]} @input=${set}></textarea>`
        : html`<input id=${common.id} type=${f.type === 'url' ? 'url' : 'text'} autocomplete="off" spellcheck="false" aria-required=${f.required ? 'true' : 'false'}
            aria-invalid=${common.invalid} aria-describedby=${common.described} .value=${this.values[f.name]} @input=${set}>`;
    return html`<div class="field">
      <label for=${id}>${t(f.label)}${f.required ? html` <span class="req">(${t('required')})</span>` : nothing}</label>
      ${f.hint ? html`<p id="${id}-hint" class="hint">${t(f.hint)}</p>` : nothing}
      ${control}
      ${error ? html`<p id="${id}-error" class="field-error">${error}</p>` : nothing}
    </div>`;
  }

  protected override render() {
    const t = this.t;
    return html`<h3 id="pf-h">${t('addTitle')}</h3>
      <p>${t('addIntro')}</p>
      ${this.renderSummary()}
      <form novalidate aria-labelledby="pf-h" @submit=${this.submit}>
        ${FIELDS.map((f) => this.renderField(f))}
        <button type="submit" class="primary" aria-disabled=${this.busy ? 'true' : 'false'}>${this.busy ? t('registering') : t('register')}</button>
      </form>`;
  }
}
customElements.define('gl-admin-platform-form', GlAdminPlatformForm);
