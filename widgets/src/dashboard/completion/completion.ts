// Who has taken the activity: every student of the course with their status in words (not started, in progress,
// submitted with the score), from the LMS roster when it shares one, else the students who have launched.
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { dashboardStyles } from '../styles.js';
import { dashboardTranslator, type DashboardKey, type DashboardTranslate } from '../strings.js';
import type { CompletionRow, CompletionStatus, DashboardView } from '../types.js';
import { completionStyles } from './completion.styles.js';

const STATUS: Record<CompletionStatus, { key: DashboardKey; symbol: string }> = {
  'not-started': { key: 'statusNotStarted', symbol: '○' },
  'in-progress': { key: 'statusInProgress', symbol: '◐' },
  submitted: { key: 'statusSubmitted', symbol: '✓' },
};

/**
 * `<gl-completion>` — the class list with each student's status on this activity.
 *
 * @property completion - `DashboardView['completion']` (counts and one row per student).
 * @property roster - `DashboardView['roster']`: where the list comes from (and why, when not from the LMS).
 * @property locale - "en" | "es".
 * @fires gl-student-select - `{ personId }` when the teacher opens a student's answers.
 * @cssprop --gl-ok, --gl-warn, --gl-muted, --gl-border
 */
export class GlCompletion extends LitElement {
  static override styles = [...dashboardStyles, completionStyles];
  static override properties = { completion: { attribute: false }, roster: { attribute: false }, locale: { type: String } };
  completion?: DashboardView['completion'];
  roster?: DashboardView['roster'];
  locale = 'en';
  private t: DashboardTranslate = dashboardTranslator('en');

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('locale')) this.t = dashboardTranslator(this.locale);
  }

  private open(row: CompletionRow): void {
    this.dispatchEvent(new CustomEvent('gl-student-select', { detail: { personId: row.personId }, bubbles: true, composed: true }));
  }

  private statusText(r: CompletionRow): string {
    const t = this.t;
    if (r.status === 'submitted' && r.score !== undefined) return t('statusSubmittedScore', { score: r.score, max: r.maxScore ?? 0, percent: r.percent ?? 0 });
    return t(STATUS[r.status].key);
  }

  protected override render() {
    const c = this.completion;
    if (!c) return nothing;
    const t = this.t;
    return html`<section aria-labelledby="completion-h">
      <h2 id="completion-h">${t('completionTitle')}</h2>
      <p>${t('completionSummary', { submitted: c.counts.submitted, inProgress: c.counts['in-progress'], notStarted: c.counts['not-started'], total: c.counts.total })}</p>
      ${this.roster?.source === 'launches' ? html`<p class="note">${t('rosterUnavailable')}${this.roster.reason ? html` <span class="muted">${this.roster.reason}</span>` : nothing}</p>` : nothing}
      ${c.students.length === 0 ? html`<p>${t('noStudents')}</p>` : html`<ul class="plain students">
        ${c.students.map((r) => html`<li class=${r.status}>
          <span class="name">${r.displayName}${r.onRoster ? nothing : html` <span class="muted">(${t('notOnRoster')})</span>`}</span>
          <span class="status"><span aria-hidden="true">${STATUS[r.status].symbol}</span> ${this.statusText(r)}</span>
          ${r.personId && r.status !== 'not-started' ? html`<button type="button" class="small" aria-label=${t('seeAnswersOf', { name: r.displayName })}
            @click=${() => this.open(r)}>${t('seeAnswers')}</button>` : nothing}
        </li>`)}
      </ul>`}
    </section>`;
  }
}
customElements.define('gl-completion', GlCompletion);
