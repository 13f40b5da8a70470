// The page a teacher sees when opening a Growthline activity from the LMS: the activity's dashboard (first, and
// selected when the launch is on an activity), an overview, the item bank (with the item editor), and the
// assessment builder, as ARIA tabs (arrow keys move between tabs).
import { css, html, nothing, type PropertyValues } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
import '../authoring/index.js';
import type { GlItemBank } from '../authoring/item-bank/item-bank.js';
import type { GlItemEditor } from '../authoring/item-editor/item-editor.js';
import { authoringTranslator, type AuthoringKey, type AuthoringTranslate } from '../authoring/strings.js';
import { formStyles } from '../authoring/styles.js';
import type { ItemView } from '../authoring/types.js';
import { GlPage, pageStyles, type SessionInfo } from '../components/page-base.js';
import '../calibration/index.js';
import { calibrationTranslator } from '../calibration/strings.js';
import '../dashboard/index.js';
import { dashboardTranslator, type DashboardTranslate } from '../dashboard/strings.js';

const TABS = ['dashboard', 'overview', 'bank', 'build', 'quality', 'district'] as const;
type Tab = (typeof TABS)[number];
// The district roll-up is for the LMS's administrators only (the API refuses anyone else too).
const isDistrictAdmin = (info?: SessionInfo) => !!info?.user.roles.includes('administrator');
const TAB_LABEL: Record<Exclude<Tab, 'dashboard' | 'district' | 'quality'>, AuthoringKey> = { overview: 'tabOverview', bank: 'tabBank', build: 'tabBuild' };

const tabStyles = css`
  [role='tablist'] { display: flex; flex-wrap: wrap; gap: .25rem; border-bottom: 2px solid var(--gl-border, #8a8f98); margin: 1rem 0; }
  [role='tab'] { border: 1px solid var(--gl-border, #8a8f98); border-bottom: none; border-radius: var(--gl-radius, 6px) var(--gl-radius, 6px) 0 0;
    background: var(--gl-surface, #f5f6f8); color: var(--gl-text, #1a1a1a); padding: .5rem 1rem; margin-bottom: -2px; }
  [role='tab'][aria-selected='true'] { background: var(--gl-bg, #fff); border: 2px solid var(--gl-accent, #1f5fbf); border-bottom: 2px solid var(--gl-bg, #fff);
    font-weight: 700; text-decoration: underline; text-underline-offset: .3rem; }
  [role='tabpanel'] { padding: .25rem 0; }
  [role='tabpanel']:focus-visible { outline-offset: 4px; }
`;

export class GlTeacherPage extends GlPage {
  static override styles = [formStyles, pageStyles, tabStyles];
  static override properties = {
    ...GlPage.properties,
    tab: { state: true },
    editing: { state: true },
    editorItem: { state: true },
  };
  tab: Tab = 'overview';
  editing = false;
  editorItem?: ItemView;
  private at: AuthoringTranslate = authoringTranslator('en');
  private dt: DashboardTranslate = dashboardTranslator('en');
  private visited = new Set<Tab>(['overview']);
  private editorRun = 0;

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (changed.has('locale')) {
      this.at = authoringTranslator(this.locale);
      this.dt = dashboardTranslator(this.locale);
    }
  }

  /** A launch on an activity opens on its dashboard; any other launch on the overview. */
  protected override async load(): Promise<void> {
    await super.load();
    if (this.info?.placement && this.tab === 'overview' && this.visited.size === 1) this.select('dashboard');
  }

  private tabLabel(tab: Tab): string {
    if (tab === 'quality') return calibrationTranslator(this.locale)('tabQuality');
    return tab === 'dashboard' ? this.dt('tabDashboard') : tab === 'district' ? this.dt('tabDistrict') : this.at(TAB_LABEL[tab]);
  }

  private select(tab: Tab, focus = false): void {
    this.tab = tab;
    this.visited.add(tab);
    if (focus) void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`#tab-${tab}`)?.focus());
  }

  private onTabKey(e: KeyboardEvent): void {
    // Relative to the tab that has the focus (normally the selected one, with roving tabindex).
    const focused = (e.target as HTMLElement).id?.replace(/^tab-/, '') as Tab;
    const tabs = this.shownTabs();
    const i = tabs.includes(focused) ? tabs.indexOf(focused) : tabs.indexOf(this.tab);
    const next = ({ ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 } as Record<string, number>)[e.key];
    if (next === undefined) return;
    e.preventDefault();
    this.select(tabs[(next + tabs.length) % tabs.length]!, true);
  }

  private shownTabs(): Tab[] {
    return TABS.filter((tab) => tab !== 'district' || isDistrictAdmin(this.info));
  }

  private openEditor(item?: ItemView): void {
    this.editorItem = item;
    this.editorRun += 1;
    this.editing = true;
    void this.updateComplete.then(() => this.renderRoot.querySelector<GlItemEditor>('gl-item-editor')?.focus());
  }

  private closeEditor(): void {
    this.editing = false;
    void this.updateComplete.then(() => {
      const bank = this.renderRoot.querySelector<GlItemBank>('gl-item-bank');
      void bank?.refresh();
      bank?.renderRoot.querySelector<HTMLElement>('#results-h')?.focus();
    });
  }

  private panel(tab: Tab, content: () => unknown) {
    return html`<section role="tabpanel" id=${`panel-${tab}`} aria-labelledby=${`tab-${tab}`} tabindex="0" ?hidden=${this.tab !== tab}>
      ${this.visited.has(tab) ? content() : nothing}
    </section>`;
  }

  protected renderPage(info: SessionInfo) {
    const at = this.at;
    return html`<main>
      <h1>${this.t('teacherTitle', { course: info.course.title })}</h1>
      <div role="tablist" aria-label=${at('tabsLabel')} @keydown=${this.onTabKey}>
        ${this.shownTabs().map((tab) => html`<button type="button" role="tab" id=${`tab-${tab}`} aria-controls=${`panel-${tab}`}
          aria-selected=${this.tab === tab ? 'true' : 'false'} tabindex=${this.tab === tab ? 0 : -1}
          @click=${() => this.select(tab)}>${this.tabLabel(tab)}</button>`)}
      </div>
      ${this.panel('dashboard', () => (info.placement
        ? html`<gl-dashboard .api=${this.api} placementId=${info.placement.id} .token=${this.session} locale=${this.locale}></gl-dashboard>`
        : html`<p>${this.dt('dashboardNoPlacement')}</p>`))}
      ${this.panel('overview', () => html`<p>${this.t('teacherIntro', { placement: info.placement?.title ?? '' })}</p>`)}
      ${this.panel('bank', () => html`
        <gl-item-bank .api=${this.api} locale=${this.locale} ?hidden=${this.editing}
          @gl-item-new=${() => this.openEditor()}
          @gl-item-edit=${(e: CustomEvent<{ item: ItemView }>) => this.openEditor(e.detail.item)}
          @gl-item-duplicate=${(e: CustomEvent<{ item: ItemView }>) => this.openEditor(e.detail.item)}></gl-item-bank>
        ${this.editing ? keyed(this.editorRun, html`<gl-item-editor .api=${this.api} locale=${this.locale} .item=${this.editorItem}
          @gl-editor-close=${this.closeEditor}></gl-item-editor>`) : nothing}`)}
      ${this.panel('build', () => html`<gl-assessment-builder .api=${this.api} locale=${this.locale}></gl-assessment-builder>`)}
      ${this.panel('quality', () => html`<gl-calibration-report .api=${this.api} locale=${this.locale}></gl-calibration-report>`)}
      ${isDistrictAdmin(info) ? this.panel('district', () => html`<gl-district-rollup .api=${this.api} .token=${this.session} locale=${this.locale}></gl-district-rollup>`) : nothing}
    </main>`;
  }
}
customElements.define('gl-teacher-page', GlTeacherPage);
