// The page a student sees when opening a Growthline activity from the LMS: starts (or resumes) the
// attempt, runs the test, then shows the results followed by the student's progress across the course;
// outside a running test, a "My progress" view shows that progress on its own.
// Only the test itself is in the first download: results and progress come after (both need the network anyway).
import { css, html, nothing, type TemplateResult } from 'lit';
import { GlPage, pageStyles, type SessionInfo } from '../components/page-base.js';
import { ApiError } from '../shared/api.js';
import { createAttemptClient, type AttemptClient } from '../test-taking/attempt-client.js';
import { loadTestStrings, testTranslator, type TestTranslate } from '../test-taking/strings.js';
import type { AttemptView, ResultView } from '../test-taking/types.js';
import '../test-taking/test-runner.js';

/** Each a chunk of its own; a failed fetch is forgotten so that "Try again" fetches again. */
function lazy(load: () => Promise<unknown>): () => Promise<unknown> {
  let p: Promise<unknown> | undefined;
  return () => (p ??= load().catch((err: unknown) => { p = undefined; throw err; }));
}
const loadResults = lazy(() => import('../test-taking/results.js'));
const loadProgress = lazy(() => import('../dashboard/my-progress/my-progress.js'));

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
  static override properties = { ...GlPage.properties, stage: { state: true }, view: { state: true }, ready: { state: true }, lazyError: { state: true } };
  stage: Stage = { kind: 'starting' };
  /** The activity (test or results) or the student's progress across the course. */
  view: 'activity' | 'progress' = 'activity';
  /** The page's strings are here (a Spanish launch fetches them first). */
  ready = false;
  /** Results or progress could not be fetched: said, with a way to try again. */
  lazyError = false;
  private client?: AttemptClient;
  private tt: TestTranslate = testTranslator('en');

  protected override async load(): Promise<void> {
    this.client = createAttemptClient(this.session);
    const strings = loadTestStrings(this.locale).then(() => { this.tt = testTranslator(this.locale); this.ready = true; });
    await Promise.all([super.load(), this.start(), strings]);
  }

  /**
   * Results and progress come after the test, but the network may be gone by then: fetch them while the
   * student works (after the first question is on screen), so they never wait on a slow connection later.
   */
  private prefetch() {
    void this.updateComplete.then(() => setTimeout(() => { loadResults().catch(() => undefined); loadProgress().catch(() => undefined); }));
  }

  /** Fetches what a view shows; on failure the page says so and offers to try again. */
  private async fetched(load: () => Promise<unknown>): Promise<void> {
    try {
      await load();
      this.lazyError = false;
    } catch {
      this.lazyError = true;
    }
  }

  /** The results screen: gl-results and, below it, gl-my-progress. */
  private resultsReady(): Promise<void> {
    return this.fetched(() => Promise.all([loadResults(), loadProgress()]));
  }

  private async start(): Promise<void> {
    this.stage = { kind: 'starting' };
    try {
      const { attempt, receivedAt } = await this.client!.start();
      if (attempt.status === 'submitted') {
        const [results] = await Promise.all([this.client!.results(attempt.id), this.resultsReady()]);
        this.stage = { kind: 'results', attempt, results };
      } else {
        this.stage = { kind: 'testing', attempt, receivedAt };
        this.prefetch();
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
        const [attempt, results] = await Promise.all([this.client!.attempt(last), this.client!.results(last), this.resultsReady()]);
        this.stage = { kind: 'results', attempt, results };
        return;
      } catch { /* fall through to the message */ }
    }
    this.stage = { kind: 'no-attempts', detail: err.message };
  }

  private async submitted(attempt: AttemptView, results: ResultView) {
    this.stage = { kind: 'results', attempt, results };
    await this.showResults();
  }

  /** Results (fetched if they are not here yet), then focus on their title; or the error, focused likewise. */
  private async showResults(): Promise<void> {
    await this.resultsReady();
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(this.lazyError ? '.lazy-error' : 'gl-results')?.focus();
  }

  private async show(view: 'activity' | 'progress'): Promise<void> {
    this.view = view;
    if (view === 'progress') await this.fetched(loadProgress);
    else if (this.stage.kind === 'results') await this.resultsReady();
    await this.updateComplete;
    if (view === 'progress') this.renderRoot.querySelector<HTMLElement>(this.lazyError ? '.lazy-error' : 'gl-my-progress')?.focus();
  }

  private lazyFailed(retry: () => void) {
    return html`<p class="error lazy-error" role="alert" tabindex="-1">${this.tt('viewFailed')}</p>
      <button type="button" @click=${retry}>${this.tt('tryAgain')}</button>`;
  }

  /** The view switch, everywhere but during a running test (where it would only distract). */
  private views() {
    if (this.stage.kind === 'testing') return nothing;
    const t = this.tt;
    return html`<nav class="views" aria-label=${t('viewsLabel')}>
      <button type="button" aria-pressed=${this.view === 'activity' ? 'true' : 'false'} @click=${() => void this.show('activity')}>${t('viewActivity')}</button>
      <button type="button" aria-pressed=${this.view === 'progress' ? 'true' : 'false'} @click=${() => void this.show('progress')}>${t('viewProgress')}</button>
    </nav>`;
  }

  protected renderPage(info: SessionInfo): TemplateResult {
    if (!this.ready) return html`<main aria-busy="true"><p role="status">${this.t('loading')}</p></main>`;
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
      case 'results': body = this.lazyError ? this.lazyFailed(() => void this.showResults()) : html`<gl-results .results=${s.results} .items=${s.attempt.items} locale=${this.locale}></gl-results>
        <gl-my-progress class="after" .api=${this.api} locale=${this.locale} heading="2"></gl-my-progress>`; break;
    }
    if (this.view === 'progress' && s.kind !== 'testing') {
      body = this.lazyError ? this.lazyFailed(() => void this.show('progress')) : html`<gl-my-progress .api=${this.api} locale=${this.locale} heading="2"></gl-my-progress>`;
    }
    return html`<main><h1>${title}</h1>${this.views()}${body}</main>`;
  }
}
customElements.define('gl-student-page', GlStudentPage);
