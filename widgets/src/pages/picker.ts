// The deep-linking picker: a teacher chooses a ready assessment (or builds one) and adds it to the
// course; the signed answer goes back to the LMS as a form POST to its return URL.
import { css, html, nothing, type PropertyValues } from 'lit';
import '../authoring/index.js';
import type { GlAssessmentList } from '../authoring/assessment-list/assessment-list.js';
import { postToLms } from '../authoring/deep-link-return.js';
import { summarizeProblem } from '../authoring/problems.js';
import { authoringTranslator, type AuthoringTranslate } from '../authoring/strings.js';
import { formStyles } from '../authoring/styles.js';
import type { AssessmentSummary, DeepLinkingAnswer } from '../authoring/types.js';
import { GlPage, pageStyles, type SessionInfo } from '../components/page-base.js';

/**
 * GET /api/session does not say whether the LMS accepts several content items (accept_multiple), so the
 * picker always sends one. Once the session carries it, read it here.
 */
export function acceptsSeveral(info: SessionInfo): boolean {
  return info.deepLinking?.acceptMultiple === true;
}

const pickerStyles = css`
  .builder { border-top: 1px solid var(--gl-border, #8a8f98); margin-top: 1rem; padding-top: 1rem; }
  .finish { position: sticky; bottom: 0; background: var(--gl-bg, #fff); border-top: 1px solid var(--gl-border, #8a8f98); padding: .5rem 0; }
`;

export class GlPickerPage extends GlPage {
  static override styles = [formStyles, pageStyles, pickerStyles];
  static override properties = {
    ...GlPage.properties,
    selected: { state: true },
    building: { state: true },
    message: { state: true },
    addError: { state: true },
    adding: { state: true },
  };
  selected: string[] = [];
  building = false;
  message = '';
  addError = '';
  adding = false;
  private at: AuthoringTranslate = authoringTranslator('en');

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (changed.has('locale')) this.at = authoringTranslator(this.locale);
  }

  private async created(assessments: AssessmentSummary[]): Promise<void> {
    const multiple = this.info ? acceptsSeveral(this.info) : false;
    const chosen = multiple ? assessments : assessments.slice(0, 1);
    this.selected = chosen.map((a) => a.id);
    this.addError = '';
    const names = chosen.map((a) => a.title).join(', ');
    this.message = `${this.at('pickerCreatedSelected', { names })}${!multiple && assessments.length > 1 ? ` ${this.at('pickerOnlyOne')}` : ''}`;
    const list = this.renderRoot.querySelector<GlAssessmentList>('gl-assessment-list');
    if (list) {
      list.grade = assessments[0]?.grade ?? '';
      list.standard = '';
      await list.updateComplete;
      await list.refresh();
    }
  }

  private async add(): Promise<void> {
    if (this.adding) return;
    if (!this.selected.length) {
      this.addError = this.at('pickFirst');
      return;
    }
    this.adding = true;
    this.addError = '';
    try {
      const answer = await this.api.post<DeepLinkingAnswer>('/deep-linking/response', { assessmentIds: this.selected });
      this.message = this.at('returningToLms');
      postToLms(answer.returnUrl, answer.jwt);
    } catch (err) {
      this.addError = summarizeProblem(err).message;
      this.adding = false;
    }
  }

  protected renderPage(info: SessionInfo) {
    const at = this.at;
    return html`<main>
      <h1>${this.t('pickerTitle')}</h1>
      <p>${this.t('pickerIntro', { course: info.course.title })}</p>
      <gl-assessment-list .api=${this.api} locale=${this.locale} ?multiple=${acceptsSeveral(info)} .selected=${this.selected}
        @gl-selection-change=${(e: CustomEvent<{ ids: string[] }>) => { this.selected = e.detail.ids; this.addError = ''; }}></gl-assessment-list>
      <div class="builder">
        <button type="button" aria-expanded=${this.building ? 'true' : 'false'} aria-controls="builder-region"
          @click=${() => { this.building = !this.building; }}>${this.building ? at('pickerHideBuilder') : at('pickerBuildToggle')}</button>
        <div id="builder-region" ?hidden=${!this.building}>
          ${this.building ? html`<gl-assessment-builder .api=${this.api} locale=${this.locale}
            @gl-assessments-created=${(e: CustomEvent<{ assessments: AssessmentSummary[] }>) => void this.created(e.detail.assessments)}></gl-assessment-builder>` : nothing}
        </div>
      </div>
      <div class="finish">
        <p role="status">${this.message}</p>
        <p role="alert" class=${this.addError ? 'field-error' : ''}>${this.addError}</p>
        <button type="button" class="primary" ?disabled=${this.adding} @click=${this.add}>${this.adding ? at('adding') : at('addToCourse')}</button>
      </div>
    </main>`;
  }
}
customElements.define('gl-picker-page', GlPickerPage);
