// Browses the item bank the teacher can use: starter items and the course's (and school's) own.
// Filters by grade, standard, interaction type, owner and text; pages through the results.
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import type { Api } from '../../shared/api.js';
import { difficultyKey, formatLogits } from '../difficulty.js';
import { INTERACTION_TYPES } from '../item-editor/draft.js';
import { assessable, gradeLabel, gradesOf, loadStandards } from '../standards.js';
import { authoringTranslator, OWNER_LABEL, TYPE_LABEL, type AuthoringTranslate } from '../strings.js';
import { formStyles } from '../styles.js';
import type { InteractionType, ItemView, StandardView } from '../types.js';
import { itemBankStyles } from './item-bank.styles.js';

export interface ItemBankFilters { grade: string; standard: string; type: '' | InteractionType; q: string; owner: 'all' | 'starter' | 'mine' }

/**
 * `<gl-item-bank>` — filterable, paged list of items with "Edit" (editable items) or "Duplicate to edit".
 *
 * @property api - API client (from the page).
 * @property locale - "en" | "es".
 * @property pageSize - Items per page (default 20).
 * @fires gl-item-new - the teacher wants a new, empty item.
 * @fires gl-item-edit - `{ item: ItemView }` for an editable item.
 * @fires gl-item-duplicate - `{ item: ItemView }` for an item to copy (starter or not editable).
 * @cssprop --gl-border, --gl-bg, --gl-radius, --gl-accent
 */
export class GlItemBank extends LitElement {
  static override styles = [formStyles, itemBankStyles];
  static override properties = {
    api: { attribute: false },
    locale: { type: String },
    pageSize: { type: Number, attribute: 'page-size' },
    filters: { state: true },
    page: { state: true },
    items: { state: true },
    total: { state: true },
    loading: { state: true },
    error: { state: true },
    standards: { state: true },
  };
  api?: Api;
  locale = 'en';
  pageSize = 20;
  filters: ItemBankFilters = { grade: '', standard: '', type: '', q: '', owner: 'all' };
  page = 1;
  items: ItemView[] = [];
  total = 0;
  loading = false;
  error = '';
  standards: StandardView[] = [];
  private t: AuthoringTranslate = authoringTranslator('en');
  private seq = 0;
  private typing?: ReturnType<typeof setTimeout>;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.typing);
  }

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('locale')) this.t = authoringTranslator(this.locale);
    if (changed.has('api') && this.api) {
      loadStandards(this.api).then((s) => { this.standards = s; }, () => undefined);
      void this.refresh();
    }
  }

  /** Loads the current page again (e.g. after an item was saved). */
  async refresh(): Promise<void> {
    if (!this.api) return;
    const seq = ++this.seq;
    const f = this.filters;
    const q = new URLSearchParams({ page: String(this.page), limit: String(this.pageSize), owner: f.owner });
    if (f.grade) q.set('grade', f.grade);
    if (f.standard) q.set('standard', f.standard);
    if (f.type) q.set('type', f.type);
    if (f.q.trim()) q.set('q', f.q.trim());
    this.loading = true;
    try {
      const r = await this.api.get<{ items: ItemView[]; total: number }>(`/items?${q}`);
      if (seq !== this.seq) return;
      this.items = r.items;
      this.total = r.total;
      this.error = '';
    } catch (err) {
      if (seq !== this.seq) return;
      this.error = (err as Error).message;
    } finally {
      if (seq === this.seq) this.loading = false;
    }
  }

  private filter(patch: Partial<ItemBankFilters>, now = true): void {
    this.filters = { ...this.filters, ...patch };
    this.page = 1;
    clearTimeout(this.typing);
    if (now) void this.refresh();
    else this.typing = setTimeout(() => void this.refresh(), 350);
  }

  private goTo(page: number): void {
    this.page = page;
    void this.refresh().then(() => this.renderRoot.querySelector<HTMLElement>('#results-h')?.focus());
  }

  private emit(name: 'gl-item-new' | 'gl-item-edit' | 'gl-item-duplicate', item?: ItemView): void {
    this.dispatchEvent(new CustomEvent(name, { detail: item ? { item } : {}, bubbles: true, composed: true }));
  }

  private renderFilters() {
    const t = this.t;
    const f = this.filters;
    return html`<form class="filters" role="search" aria-label=${t('bankFilters')}
        @submit=${(e: Event) => { e.preventDefault(); this.filter({}); }}>
      <div class="field">
        <label for="f-grade">${t('gradeLabel')}</label>
        <select id="f-grade" @change=${(e: Event) => this.filter({ grade: (e.target as HTMLSelectElement).value, standard: '' })}>
          <option value="" ?selected=${!f.grade}>${t('allGrades')}</option>
          ${gradesOf(this.standards).map((g) => html`<option value=${g} ?selected=${g === f.grade}>${gradeLabel(t, g)}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="f-standard">${t('standardLabel')}</label>
        <select id="f-standard" @change=${(e: Event) => this.filter({ standard: (e.target as HTMLSelectElement).value })}>
          <option value="" ?selected=${!f.standard}>${t('allStandards')}</option>
          ${assessable(this.standards, f.grade).map((s) => html`<option value=${s.code} ?selected=${s.code === f.standard}>${s.code}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="f-type">${t('typeLabel')}</label>
        <select id="f-type" @change=${(e: Event) => this.filter({ type: (e.target as HTMLSelectElement).value as ItemBankFilters['type'] })}>
          <option value="" ?selected=${!f.type}>${t('allTypes')}</option>
          ${INTERACTION_TYPES.map((ty) => html`<option value=${ty} ?selected=${ty === f.type}>${t(TYPE_LABEL[ty])}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="f-owner">${t('ownerLabel')}</label>
        <select id="f-owner" @change=${(e: Event) => this.filter({ owner: (e.target as HTMLSelectElement).value as ItemBankFilters['owner'] })}>
          <option value="all" ?selected=${f.owner === 'all'}>${t('ownerAll')}</option>
          <option value="starter" ?selected=${f.owner === 'starter'}>${t('ownerStarterFilter')}</option>
          <option value="mine" ?selected=${f.owner === 'mine'}>${t('ownerMine')}</option>
        </select>
      </div>
      <div class="search">
        <div class="field">
          <label for="f-q">${t('searchText')}</label>
          <input type="search" id="f-q" .value=${f.q} @input=${(e: Event) => this.filter({ q: (e.target as HTMLInputElement).value }, false)}>
        </div>
        <button type="submit">${t('search')}</button>
      </div>
    </form>`;
  }

  private renderItem(item: ItemView) {
    const t = this.t;
    const stemId = `stem-${item.id}`;
    return html`<li>
      <article aria-labelledby=${stemId}>
        <div class="stem" id=${stemId}>${unsafeHTML(item.html?.stem ?? item.stem)}</div>
        <dl class="meta">
          <div><dt>${t('standardsShort')}</dt><dd>${item.standards.join(', ')}</dd></div>
          <div><dt>${t('typeLabel')}</dt><dd>${t(TYPE_LABEL[item.interaction.type])}</dd></div>
          <div><dt>${t('difficultyShort')}</dt><dd>${t(difficultyKey(item.difficulty))} (${formatLogits(item.difficulty)})</dd></div>
          <div><dt>${t('ownerLabel')}</dt><dd>${t(OWNER_LABEL[item.owner])}</dd></div>
          <div><dt>${t('versionLabel')}</dt><dd>${item.version}</dd></div>
        </dl>
        ${item.editable
          ? html`<button type="button" aria-describedby=${stemId} @click=${() => this.emit('gl-item-edit', item)}>${t('edit')}</button>`
          : html`<button type="button" aria-describedby=${stemId} @click=${() => this.emit('gl-item-duplicate', item)}>${t('duplicateToEdit')}</button>`}
      </article>
    </li>`;
  }

  protected override render() {
    const t = this.t;
    const pages = Math.max(1, Math.ceil(this.total / this.pageSize));
    const from = this.total ? (this.page - 1) * this.pageSize + 1 : 0;
    const to = Math.min(this.total, this.page * this.pageSize);
    return html`<section aria-labelledby="bank-h">
      <div class="head">
        <h2 id="bank-h">${t('bankTitle')}</h2>
        <button type="button" class="primary" @click=${() => this.emit('gl-item-new')}>${t('newItem')}</button>
      </div>
      ${this.renderFilters()}
      <h3 id="results-h" tabindex="-1">${t('results')}</h3>
      <p role="status">${this.loading ? t('loading') : this.total ? t('showingRange', { from, to, total: this.total, count: this.total }) : t('noItems')}</p>
      ${this.error ? html`<p class="summary" role="alert">${this.error}</p>` : nothing}
      <ul class="items" aria-labelledby="results-h">${this.items.map((i) => this.renderItem(i))}</ul>
      ${pages > 1 ? html`<nav class="pager" aria-label=${t('pages')}>
        <button type="button" ?disabled=${this.page <= 1} @click=${() => this.goTo(this.page - 1)}>${t('previousPage')}</button>
        <span>${t('pageOf', { page: this.page, pages })}</span>
        <button type="button" ?disabled=${this.page >= pages} @click=${() => this.goTo(this.page + 1)}>${t('nextPage')}</button>
      </nav>` : nothing}
    </section>`;
  }
}
customElements.define('gl-item-bank', GlItemBank);
