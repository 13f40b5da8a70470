// The page a student sees when opening a Growthline activity from the LMS: starts (or resumes) the
// attempt, runs the test, then shows the results followed by the student's progress across the course;
// outside a running test, a "My progress" view shows that progress on its own.
import { css, html, nothing, type TemplateResult } from 'lit';
import { GlPage, pageStyles, type SessionInfo } from '../components/page-base.js';
import { ApiError } from '../shared/api.js';
import { createAttemptClient, type AttemptClient } from '../test-taking/attempt-client.js';
import { testTranslator, type TestTranslate } from '../test-taking/strings.js';
import type { AttemptView, ResultView } from '../test-taking/types.js';
import '../test-taking/test-runner.js';
import '../test-taking/results.js';
import '../dashboard/my-progress/my-progress.js';
import type { GlMyProgress } from '../dashboard/my-progress/my-progress.js';
import { dashboardTranslator, type DashboardTranslate } from '../dashboard/strings.js';

type Stage =
  | { kind: 'starting' }
  | { kind: 'no-assessment' }
  | { kind: 'no-attempts'; detail: string }
  | { kind: 'failed'; detail: string }
  | { kind: 'testing'; attempt: AttemptView; receivedAt: number }
  | { kind: 'results'; attempt: AttemptView; results: ResultView };

const viewStyles = css`
  nav.views { display: flex; flex-wrap: wrap; gap: .5rem; margin: 0 0 1rem; }
  nav.views button { font: inherit; min-height: 2.75rem; padding: .5rem 1rem; border-radius: var(--gl-radius, 6px); cursor: pointer;
    border: 2px solid var(--gl-accent, #1f5fbf); background: var(--gl-bg, #fff); color: var(--gl-accent, #1f5fbf); }
  nav.views button[aria-pressed='true'] { background: var(--gl-accent, #1f5fbf); color: var(--gl-accent-text, #fff); font-weight: 700; }
  gl-my-progress.after { margin-top: 2rem; border-top: 2px solid var(--gl-border, #8a8f98); padding-top: .5rem; }
`;

export class GlStudentPage extends GlPage {
  static override styles = [pageStyles, viewStyles];
  static override properties = { ...GlPage.properties, stage: { state: true }, view: { state: true } };
  stage: Stage = { kind: 'starting' };
  /** The activity (test or results) or the student's progress across the course. */
  view: 'activity' | 'progress' = 'activity';
  private client?: AttemptClient;
  private tt: TestTranslate = testTranslator('en');
  private dt: DashboardTranslate = dashboardTranslator('en');

  protected override async load(): Promise<void> {
    this.tt = testTranslator(this.locale);
    this.dt = dashboardTranslator(this.locale);
    this.client = createAttemptClient(this.session);
    await Promise.all([super.load(), this.start()]);
  }

  private async start(): Promise<void> {
    this.stage = { kind: 'starting' };
    try {
      const { attempt, receivedAt } = await this.client!.start();
      if (attempt.status === 'submitted') {
        this.stage = { kind: 'results', attempt, results: await this.client!.results(attempt.id) };
      } else {
        this.stage = { kind: 'testing', attempt, receivedAt };
      }
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) this.stage = { kind: 'no-assessment' };
      else if (err instanceof ApiError && err.status === 409) await this.showFinished(err);
      else this.stage = { kind: 'failed', detail: (err as Error).message };
    }
  }

  /** No attempts left: the problem names the last attempt, so the student sees those results again. */
  private async showFinished(err: ApiError): Promise<void> {
    const last = (err.body as { attemptId?: unknown } | undefined)?.attemptId;
    if (typeof last === 'string') {
      try {
        const [attempt, results] = await Promise.all([this.client!.attempt(last), this.client!.results(last)]);
        this.stage = { kind: 'results', attempt, results };
        return;
      } catch { /* fall through to the message */ }
    }
    this.stage = { kind: 'no-attempts', detail: err.message };
  }

  private async submitted(attempt: AttemptView, results: ResultView) {
    this.stage = { kind: 'results', attempt, results };
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('gl-results')?.focus();
  }

  private async show(view: 'activity' | 'progress'): Promise<void> {
    this.view = view;
    await this.updateComplete;
    if (view === 'progress') this.renderRoot.querySelector<GlMyProgress>('gl-my-progress')?.focus();
  }

  /** The view switch, everywhere but during a running test (where it would only distract). */
  private views() {
    if (this.stage.kind === 'testing') return nothing;
    const dt = this.dt;
    return html`<nav class="views" aria-label=${dt('viewsLabel')}>
      <button type="button" aria-pressed=${this.view === 'activity' ? 'true' : 'false'} @click=${() => void this.show('activity')}>${dt('viewActivity')}</button>
      <button type="button" aria-pressed=${this.view === 'progress' ? 'true' : 'false'} @click=${() => void this.show('progress')}>${dt('viewProgress')}</button>
    </nav>`;
  }

  protected renderPage(info: SessionInfo): TemplateResult {
    const s = this.stage;
    const t = this.tt;
    const title = s.kind === 'testing' || s.kind === 'results' ? s.attempt.assessment.title : info.placement?.title || this.t('welcomeStudent', { name: info.user.displayName });
    let body: TemplateResult;
    switch (s.kind) {
      case 'starting': body = html`<p role="status" aria-busy="true">${t('starting')}</p>`; break;
      case 'no-assessment': body = html`<p role="status">${t('noAssessment')}</p>`; break;
      case 'no-attempts': body = html`<p role="status">${t('noAttemptsLeft')}</p>`; break;
      case 'failed': body = html`<p class="error" role="alert">${t('startFailed', { detail: s.detail })}</p>
        <button type="button" @click=${() => void this.start()}>${t('tryAgain')}</button>`; break;
      case 'testing': body = html`<gl-test-runner .attempt=${s.attempt} .client=${this.client} .receivedAt=${s.receivedAt} locale=${this.locale}
        @gl-submitted=${(e: CustomEvent<{ results: ResultView }>) => void this.submitted(s.attempt, e.detail.results)}></gl-test-runner>`; break;
      case 'results': body = html`<gl-results .results=${s.results} .items=${s.attempt.items} locale=${this.locale}></gl-results>
        <gl-my-progress class="after" .api=${this.api} locale=${this.locale} heading="2"></gl-my-progress>`; break;
    }
    if (this.view === 'progress' && s.kind !== 'testing') body = html`<gl-my-progress .api=${this.api} locale=${this.locale} heading="2"></gl-my-progress>`;
    return html`<main><h1>${title}</h1>${this.views()}${body}</main>`;
  }
}
customElements.define('gl-student-page', GlStudentPage);
