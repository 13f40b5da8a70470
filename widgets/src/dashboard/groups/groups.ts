// Small groups for reteaching: the teacher asks for groups of a size (or a number of groups), gets students who
// need the same standards grouped together, each group labelled with what to reteach and a few practice items;
// moves students between groups with a select (keyboard friendly, and the move is announced), then saves.
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import type { Api } from '../../shared/api.js';
import { groupOf, moveStudent, saveBody, type GroupsDraft } from '../groups-edit.js';
import { LEVEL_VIEW } from '../levels.js';
import { dashboardStyles } from '../styles.js';
import { dashboardTranslator, type DashboardTranslate } from '../strings.js';
import type { Group, GroupsView, Level } from '../types.js';
import { groupsStyles } from './groups.styles.js';

/**
 * `<gl-groups>` — suggest (POST), edit, and save (PUT) a placement's small groups.
 *
 * @property api - API client (from the page).
 * @property placementId - the placement.
 * @property initial - the saved `GroupsView` from the dashboard, or null.
 * @property locale - "en" | "es".
 * @fires gl-groups-saved - `{ groups: GroupsView }` after a save.
 * @cssprop --gl-border, --gl-surface, --gl-accent, --gl-warn
 */
export class GlGroups extends LitElement {
  static override styles = [...dashboardStyles, groupsStyles];
  static override properties = {
    api: { attribute: false },
    placementId: { type: String },
    initial: { attribute: false },
    locale: { type: String },
    mode: { state: true },
    size: { state: true },
    draft: { state: true },
    view: { state: true },
    dirty: { state: true },
    busy: { state: true },
    status: { state: true },
    error: { state: true },
  };
  api?: Api;
  placementId = '';
  initial: GroupsView | null = null;
  locale = 'en';
  mode: 'size' | 'count' = 'size';
  size = 4;
  draft: GroupsDraft | null = null;
  /** The last answer from the server (suggested or saved): its revision and reteach levels. */
  view: GroupsView | null = null;
  dirty = false;
  busy = false;
  status = '';
  error = '';
  private t: DashboardTranslate = dashboardTranslator('en');
  private focusAfter?: string;

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('locale')) this.t = dashboardTranslator(this.locale);
    if (changed.has('initial') && this.initial && !this.dirty) this.show(this.initial);
  }

  protected override updated(): void {
    if (this.focusAfter) {
      this.renderRoot.querySelector<HTMLElement>(`#${this.focusAfter}`)?.focus();
      this.focusAfter = undefined;
    }
  }

  private show(v: GroupsView): void {
    this.view = v;
    this.draft = { groups: v.groups, ungrouped: v.ungrouped };
    this.dirty = false;
  }

  private async suggest(): Promise<void> {
    if (!this.api || this.busy) return;
    const n = Math.max(1, Math.min(this.mode === 'size' ? 40 : 20, Math.round(this.size) || 1));
    this.busy = true;
    this.error = '';
    this.status = this.t('suggesting');
    try {
      const v = await this.api.post<GroupsView>(`/placements/${encodeURIComponent(this.placementId)}/groups`, this.mode === 'size' ? { groupSize: n } : { groupCount: n });
      // A suggestion replaces the groups on screen but keeps the saved revision, so saving it overwrites the saved ones.
      this.show({ ...v, rev: this.view?.saved ? this.view.rev : 0 });
      this.dirty = v.groups.length > 0;
      this.status = v.groups.length ? this.t('suggested', { n: v.groups.length }) : this.t('noGroupsYet');
      this.focusAfter = 'groups-h';
    } catch (err) {
      this.error = (err as Error).message;
      this.status = '';
    } finally {
      this.busy = false;
    }
  }

  private move(personId: string, name: string, to: number): void {
    if (!this.draft) return;
    this.draft = moveStudent(this.draft, personId, to);
    this.dirty = true;
    this.status = to === 0 ? this.t('movedOut', { name }) : this.t('movedTo', { name, group: this.groupLabel(this.draft.groups.find((g) => g.number === to)!) });
    this.focusAfter = `move-${personId}`;
  }

  private async save(): Promise<void> {
    if (!this.api || !this.draft || this.busy) return;
    this.busy = true;
    this.error = '';
    this.status = this.t('saving');
    try {
      const v = await this.api.put<GroupsView>(`/placements/${encodeURIComponent(this.placementId)}/groups`, saveBody(this.draft, this.view?.rev ?? 0));
      this.show(v);
      this.status = this.t('savedGroups');
      this.dispatchEvent(new CustomEvent('gl-groups-saved', { detail: { groups: v }, bubbles: true, composed: true }));
    } catch (err) {
      this.error = (err as Error).message;
      this.status = '';
    } finally {
      this.busy = false;
    }
  }

  private groupLabel(g: Group): string {
    return g.name ? this.t('groupNamed', { n: g.number, name: g.name }) : this.t('groupN', { n: g.number });
  }

  private mover(personId: string, name: string) {
    const t = this.t;
    const current = groupOf(this.draft!, personId);
    return html`<label class="vh" for=${`move-${personId}`}>${t('moveLabel', { name })}</label>
      <select id=${`move-${personId}`} class="move" @change=${(e: Event) => this.move(personId, name, Number((e.target as HTMLSelectElement).value))}>
        ${this.draft!.groups.map((g) => html`<option value=${g.number} ?selected=${g.number === current}>${this.groupLabel(g)}</option>`)}
        <option value="0" ?selected=${current === 0}>${t('noGroup')}</option>
      </select>`;
  }

  private group(g: Group) {
    const t = this.t;
    const focus = g.reteach.length ? g.reteach : g.extend;
    return html`<li class="group">
      <h3 id=${`g-${g.number}`}>${this.groupLabel(g)} <span class="muted">· ${t('studentsCount', { n: g.students.length })}</span></h3>
      <p><strong>${g.reteach.length ? t('reteachLabel') : t('extendLabel')}</strong></p>
      ${focus.length ? html`<ul>${focus.map((r) => html`<li><strong>${r.code}</strong> — ${r.description}
        <span class="muted">(${t('needCount', { n: r.students, total: g.students.length })})</span></li>`)}</ul>` : html`<p class="muted">${t('nothingToReteach')}</p>`}
      ${g.practiceItems.length ? html`<p><strong>${t('practiceLabel')}</strong></p>
        <ul>${g.practiceItems.map((p) => html`<li>${p.title} <span class="muted">(${p.standard} · ${p.id})</span></li>`)}</ul>` : nothing}
      <p><strong>${t('membersLabel')}</strong></p>
      ${g.students.length ? html`<ul class="plain members">${g.students.map((s) => html`<li>
        <span class="name">${s.displayName}</span>
        <span class="muted needs">${s.needs.length ? t('needsList', { codes: s.needs.join(', ') }) : t('needsNothing')}</span>
        ${this.mover(s.personId, s.displayName)}
      </li>`)}</ul>` : html`<p class="muted">${t('emptyGroup')}</p>`}
    </li>`;
  }

  protected override render() {
    const t = this.t;
    const levels = (this.view?.reteachLevels ?? ['beginning', 'developing']) as Level[];
    const d = this.draft;
    return html`<section aria-labelledby="groups-title">
      <h2 id="groups-title">${t('groupsTitle')}</h2>
      <p>${t('groupsIntro', { levels: levels.map((l) => t(LEVEL_VIEW[l].key)).join(` ${t('or')} `) })}</p>
      <fieldset>
        <legend>${t('groupBy')}</legend>
        <label class="check"><input type="radio" name="mode" value="size" .checked=${this.mode === 'size'} @change=${() => { this.mode = 'size'; }}>${t('bySize')}</label>
        <label class="check"><input type="radio" name="mode" value="count" .checked=${this.mode === 'count'} @change=${() => { this.mode = 'count'; }}>${t('byCount')}</label>
        <div class="field narrow">
          <label for="g-n">${this.mode === 'size' ? t('sizeLabel') : t('countLabel')}</label>
          <input id="g-n" type="number" min="1" max=${this.mode === 'size' ? 40 : 20} .value=${String(this.size)}
            @input=${(e: Event) => { this.size = Number((e.target as HTMLInputElement).value); }}>
        </div>
      </fieldset>
      <div class="actions">
        <button type="button" class="primary" ?disabled=${this.busy} @click=${() => void this.suggest()}>${t('suggestGroups')}</button>
        ${d?.groups.length ? html`<button type="button" ?disabled=${this.busy || !this.dirty} @click=${() => void this.save()}>${t('saveGroups')}</button>` : nothing}
      </div>
      <p class="status" role="status">${this.status}</p>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${d ? html`
        <h3 id="groups-h" tabindex="-1">${this.view?.saved && !this.dirty ? t('savedTitle', { when: this.when(this.view.savedAt) }) : t('draftTitle')}</h3>
        ${this.dirty ? html`<p class="note">${t('unsaved')}</p>` : nothing}
        ${d.groups.length ? html`<ol class="plain groups">${d.groups.map((g) => this.group(g))}</ol>` : html`<p>${t('noGroupsYet')}</p>`}
        ${d.ungrouped.length ? html`<h3>${t('ungroupedTitle')}</h3>
          <p class="muted">${t('ungroupedHelp')}</p>
          <ul class="plain members">${d.ungrouped.map((s) => html`<li><span class="name">${s.displayName}</span>
            ${s.personId && d.groups.length ? this.mover(s.personId, s.displayName) : nothing}</li>`)}</ul>` : nothing}
      ` : nothing}
    </section>`;
  }

  private when(iso: string | null): string {
    return iso ? new Intl.DateTimeFormat(this.locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso)) : '';
  }
}
customElements.define('gl-groups', GlGroups);
