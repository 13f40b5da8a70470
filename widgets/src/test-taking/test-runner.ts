import { LitElement, css, html, type PropertyValues } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
import { browserStorage, createAnswerQueue, backoffMs, QueueStopped, readQueue, type AnswerQueue, type KeyValueStorage, type QueueStatus } from './answer-queue.js';
import { isTransient, type AttemptClient } from './attempt-client.js';
import { deviceDeadline } from './clock.js';
import { sharedStyles } from './shared.styles.js';
import { testTranslator, type TestTranslate } from './strings.js';
import { isAnswered, type AnswerDetail, type AttemptView, type PartOutcome, type ResponseValue, type ResultView, type StudentItem } from './types.js';
import type { SaveState } from './save-status.js';
import './single-choice.js';
import './multiple-select.js';
import './numeric-entry.js';
import './short-text.js';
import './ordering.js';
import './save-status.js';
import './time-remaining.js';
import './read-aloud.js';
import './review.js';

const styles = css`
  .bar { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: center; justify-content: space-between; margin-bottom: 1rem; padding-bottom: .5rem; border-bottom: 1px solid var(--gl-border, #8a8f98); }
  .bar p { margin: 0; }
  h2 { font-size: 1.25rem; margin: 0 0 .75rem; }
  .progress { height: .5rem; background: var(--gl-surface, #f5f6f8); border: 1px solid var(--gl-border, #8a8f98); border-radius: 999px; overflow: hidden; margin-bottom: 1rem; }
  .progress > span { display: block; height: 100%; background: var(--gl-accent, #1f5fbf); }
  gl-read-aloud { margin-bottom: 1rem; }
  nav { display: flex; flex-wrap: wrap; gap: .5rem; margin-top: 1.5rem; }
  nav .spacer { flex: 1 1 0; min-width: 0; }
  .notice { border-left: 4px solid var(--gl-bad, #a1262b); padding: .5rem 1rem; background: var(--gl-surface, #f5f6f8); margin: 1rem 0; }
  .notice:empty, .phase:empty { display: none; }
  .phase { font-weight: 600; margin: 1rem 0; }
  .preview { border-left: 4px solid var(--gl-warn, #8a5a00); padding: .25rem .75rem; margin: 0 0 1rem; }
  dialog { max-width: min(30rem, calc(100vw - 2rem)); border: 2px solid var(--gl-text, #1a1a1a); border-radius: var(--gl-radius, 6px); padding: 1.25rem; color: inherit; background: var(--gl-bg, #fff); box-sizing: border-box; }
  dialog::backdrop { background: rgb(0 0 0 / .5); }
  dialog h2 { margin-top: 0; }
  .actions { display: flex; flex-wrap: wrap; gap: .5rem; justify-content: flex-end; margin-top: 1rem; }
`;

/**
 * Takes a student through an attempt: one question at a time with a progress indicator, previous /
 * next, flag for review, a review screen, and submit after a confirmation. Answers go through the
 * durable answer queue (answer-queue.ts): stored on the device first, sent in order, retried until
 * the server has them; submit waits until every answer is sent.
 * An adaptive test (`attempt.adaptive`) comes one part at a time: "Finish this part" sends the part's answers
 * (waiting, and saying so, while offline), then the next part replaces this one, or the results arrive.
 *
 * @tag gl-test-runner
 * @property attempt - the AttemptView from POST /api/attempts.
 * @property client - the AttemptClient (attempt-client.ts) for saves and submit.
 * @property receivedAt - this device's clock when the attempt arrived (corrects the deadline).
 * @property locale - "en" | "es".
 * @property storage - where queued answers live (default: localStorage, else memory).
 * @event gl-submitted - `{ results: ResultView }` once the server has the submitted attempt.
 * @csspart question - the current question's section.
 */
export class GlTestRunner extends LitElement {
  static override styles = [sharedStyles, styles];
  static override properties = {
    attempt: { attribute: false },
    client: { attribute: false },
    receivedAt: { type: Number },
    locale: { type: String },
    storage: { attribute: false },
    index: { state: true },
    view: { state: true },
    flags: { state: true },
    queueStatus: { state: true },
    phase: { state: true },
    error: { state: true },
    readAloud: { state: true },
    partNotice: { state: true },
  };
  /** Said (politely) when the next part of an adaptive test has arrived. */
  partNotice = '';
  attempt?: AttemptView;
  client?: AttemptClient;
  receivedAt = Date.now();
  locale = 'en';
  storage?: KeyValueStorage;
  index = 0;
  view: 'item' | 'review' = 'item';
  flags: number[] = [];
  queueStatus?: QueueStatus;
  phase: 'idle' | 'draining' | 'submitting' | 'waiting' | 'time-up' = 'idle';
  error = '';
  readAloud = false;
  private t: TestTranslate = testTranslator('en');
  private queue?: AnswerQueue;
  private answers = new Map<number, ResponseValue>();
  private moveFocus = false;
  private submitting = false;
  private wake?: () => void;

  private readonly onOnline = () => { this.queue?.resume(); this.wake?.(); this.requestUpdate(); };
  private readonly onOffline = () => { this.queueStatus = this.queue?.status(); this.requestUpdate(); };
  // Leaving or hiding the page: send what is typed now (keepalive), storage already holds it.
  private readonly onHide = () => { if (document.visibilityState === 'hidden') this.queue?.flush({ urgent: true }); };
  private readonly onPageHide = () => this.queue?.flush({ urgent: true });

  override connectedCallback(): void {
    super.connectedCallback();
    addEventListener('online', this.onOnline);
    addEventListener('offline', this.onOffline);
    addEventListener('pagehide', this.onPageHide);
    document.addEventListener('visibilitychange', this.onHide);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    removeEventListener('online', this.onOnline);
    removeEventListener('offline', this.onOffline);
    removeEventListener('pagehide', this.onPageHide);
    document.removeEventListener('visibilitychange', this.onHide);
    this.queue?.dispose();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('locale')) this.t = testTranslator(this.locale);
    if (changed.has('attempt') && this.attempt && this.client) this.open(this.attempt, this.client);
  }

  private open(a: AttemptView, client: AttemptClient) {
    this.queue?.dispose();
    const storage = this.storage ?? browserStorage();
    this.flags = readQueue(storage, a.id).flags ?? [...a.flags];
    this.queue = createAnswerQueue({
      attemptId: a.id, storage, send: client.sendAnswer(a.id), sendFlags: client.sendFlags(a.id),
      serverResponses: a.responses, isOnline: () => navigator.onLine,
      onChange: (s) => { this.queueStatus = s; if (s.closed && !this.submitting) void this.submit(); },
    });
    this.answers = this.queue.answers();
    this.queueStatus = this.queue.status();
    this.readAloud = a.readAloud;
    // Resume where the student left off: the first question without an answer.
    const first = a.items.findIndex((it) => !isAnswered(this.answers.get(it.position)));
    this.index = first < 0 ? 0 : first;
  }

  private get items(): StudentItem[] { return this.attempt?.items ?? []; }
  private get locked(): boolean { return this.phase !== 'idle' || !!this.queueStatus?.closed; }

  private go(index: number, view: 'item' | 'review' = 'item') {
    this.queue?.flush();
    this.index = Math.max(0, Math.min(index, this.items.length - 1));
    this.view = view;
    this.moveFocus = true;
  }

  private onAnswer(item: StudentItem, e: CustomEvent<AnswerDetail>) {
    if (this.locked || !this.queue) return;
    this.queue.answer(item.position, e.detail.value, { debounce: !e.detail.commit });
    this.answers.set(item.position, e.detail.value);
    this.requestUpdate();
  }

  private toggleFlag(position: number) {
    this.flags = this.flags.includes(position) ? this.flags.filter((p) => p !== position) : [...this.flags, position].sort((a, b) => a - b);
    this.queue?.setFlags(this.flags);
  }

  /**
   * Opens the confirmation beside the button that asked for it: inside an LMS frame sized to its
   * content, a dialog centred in the frame could sit far outside what the student can see.
   */
  private confirmSubmit(from?: Element) {
    const dialog = this.renderRoot.querySelector('dialog');
    if (!dialog) return;
    dialog.showModal();
    const at = from?.getBoundingClientRect();
    if (at && innerHeight > 0) {
      const h = dialog.offsetHeight;
      const top = Math.max(8, Math.min(at.top + at.height / 2 - h / 2, innerHeight - h - 8));
      Object.assign(dialog.style, { top: `${top}px`, bottom: 'auto', margin: '0 auto' });
    }
    dialog.scrollIntoView({ block: 'nearest' });
  }

  private closeDialog() {
    this.renderRoot.querySelector('dialog')?.close();
  }

  /** Sends every queued answer, then submits; waits (and says so) while offline. */
  async submit(o: { timeUp?: boolean } = {}): Promise<void> {
    const a = this.attempt;
    if (!a || !this.client || !this.queue || this.submitting) return;
    this.submitting = true;
    this.error = '';
    this.closeDialog();
    this.phase = o.timeUp ? 'time-up' : 'draining';
    try {
      this.queue.flush();
      try {
        await this.queue.drained();
      } catch (err) {
        // Closed (409: time over or already submitted) still lets the server hand back results.
        if (!(err instanceof QueueStopped) || !this.queue.status().closed) throw err;
      }
      let outcome: PartOutcome | undefined;
      for (let tries = 1; !outcome; tries++) {
        this.phase = 'submitting';
        try {
          // An adaptive part's submit is safe to repeat: a retry after a lost answer gets the same next part.
          outcome = a.adaptive ? await this.client.submitPart(a.id, a.adaptive.part) : { results: await this.client.submit(a.id) };
        } catch (err) {
          if (!isTransient(err)) throw err;
          this.phase = 'waiting';
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, navigator.onLine ? backoffMs(tries) : 30_000);
            this.wake = () => { clearTimeout(timer); resolve(); };
          });
        }
      }
      this.queue.forget();
      if (!outcome.results) {
        this.nextPart(outcome.attempt);
        return;
      }
      const results = outcome.results;
      this.dispatchEvent(new CustomEvent<{ results: ResultView }>('gl-submitted', { detail: { results }, bubbles: true, composed: true }));
    } catch (err) {
      this.phase = 'idle';
      this.submitting = false;
      const halted = this.queue.status().halted;
      this.error = halted ? this.t('halted', { detail: halted }) : this.t('submitFailed', { detail: (err as Error).message });
    }
  }

  /** The next part of an adaptive test: its questions replace the finished ones (a new answer queue opens for them). */
  private nextPart(next: AttemptView) {
    this.submitting = false;
    this.phase = 'idle';
    this.view = 'item';
    this.partNotice = next.adaptive ? this.t('partReady', { part: next.adaptive.part }) : '';
    this.attempt = next;
    this.moveFocus = true;
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    if (!this.moveFocus) return;
    this.moveFocus = false;
    // New question or screen: focus its heading so a screen reader says where the student is.
    if (this.view === 'review') this.renderRoot.querySelector<HTMLElement>('gl-review')?.focus();
    else this.renderRoot.querySelector<HTMLElement>('#question')?.focus();
  }

  private saveState(): SaveState {
    const s = this.queueStatus;
    if (!s) return 'saved';
    if (s.halted || s.closed) return 'stopped';
    if (s.offline || !navigator.onLine) return 'offline';
    return s.pending || s.flagsPending ? 'saving' : 'saved';
  }

  private renderInteraction(item: StudentItem) {
    const v = this.answers.get(item.position);
    const on = (e: CustomEvent<AnswerDetail>) => this.onAnswer(item, e);
    const d = this.locked;
    switch (item.type) {
      case 'single': return html`<gl-single-choice .item=${item} .value=${v} locale=${this.locale} ?disabled=${d} @gl-answer=${on}></gl-single-choice>`;
      case 'multiple': return html`<gl-multiple-select .item=${item} .value=${v} locale=${this.locale} ?disabled=${d} @gl-answer=${on}></gl-multiple-select>`;
      case 'numeric': return html`<gl-numeric-entry .item=${item} .value=${v} locale=${this.locale} ?disabled=${d} @gl-answer=${on}></gl-numeric-entry>`;
      case 'text': return html`<gl-short-text .item=${item} .value=${v} locale=${this.locale} ?disabled=${d} @gl-answer=${on}></gl-short-text>`;
      case 'order': return html`<gl-ordering .item=${item} .value=${v} locale=${this.locale} ?disabled=${d} @gl-answer=${on}></gl-ordering>`;
    }
  }

  private renderItem(item: StudentItem) {
    const total = this.items.length;
    const last = this.index === total - 1;
    const flagged = this.flags.includes(item.position);
    return html`<section part="question" aria-labelledby="question">
      <h2 id="question" tabindex="-1">${this.attempt?.adaptive
        ? this.t('partQuestionOf', { part: this.attempt.adaptive.part, n: this.index + 1, total })
        : this.t('questionOf', { n: this.index + 1, total })}</h2>
      <div class="progress" aria-hidden="true"><span style=${`width: ${((this.index + 1) / total) * 100}%`}></span></div>
      <gl-read-aloud .item=${item} ?enabled=${this.readAloud} locale=${this.locale}
        @gl-read-aloud-change=${(e: CustomEvent<{ enabled: boolean }>) => { this.readAloud = e.detail.enabled; }}></gl-read-aloud>
      <div @focusout=${() => this.queue?.flush()}>${keyed(item.position, this.renderInteraction(item))}</div>
      <nav aria-label=${this.t('questionNav')}>
        <button type="button" ?disabled=${this.index === 0} @click=${() => this.go(this.index - 1)}><span aria-hidden="true">← </span>${this.t('previous')}</button>
        <button type="button" aria-pressed=${flagged ? 'true' : 'false'} @click=${() => this.toggleFlag(item.position)}><span aria-hidden="true">${flagged ? '⚑ ' : '⚐ '}</span>${this.t('flag')}</button>
        <span class="spacer"></span>
        ${last ? null : html`<button type="button" @click=${() => this.go(this.index, 'review')}>${this.t('reviewAnswers')}</button>`}
        ${last
          ? html`<button type="button" class="primary" @click=${() => this.go(this.index, 'review')}>${this.t('reviewAnswers')}<span aria-hidden="true"> →</span></button>`
          : html`<button type="button" class="primary" @click=${() => this.go(this.index + 1)}>${this.t('next')}<span aria-hidden="true"> →</span></button>`}
      </nav>
    </section>`;
  }

  protected override render() {
    const a = this.attempt;
    if (!a) return null;
    const item = this.items[this.index];
    const answered = new Set(this.items.filter((it) => isAnswered(this.answers.get(it.position))).map((it) => it.position));
    const unanswered = this.items.length - answered.size;
    const s = this.queueStatus;
    const part = a.adaptive;
    const offlineText = part ? this.t('finishOffline') : this.t('submitOffline');
    const sendingText = part ? this.t('finishingPart') : this.t('submitting');
    const phaseText = this.phase === 'time-up' ? this.t('timeUp')
      : this.phase === 'draining' ? (s?.offline || !navigator.onLine ? offlineText : this.t('sendingLast'))
      : this.phase === 'waiting' ? (navigator.onLine ? sendingText : offlineText)
      : this.phase === 'submitting' ? sendingText : this.partNotice;
    const notice = this.error || (s?.closed ? this.t('closed', { detail: s.closed }) : s?.halted ? this.t('halted', { detail: s.halted }) : '');
    const deadline = deviceDeadline(a.deadline, a.serverTime, this.receivedAt);
    return html`
      ${a.preview ? html`<p class="preview">${this.t('preview')}</p>` : null}
      <div class="bar">
        ${part ? html`<p>${this.t('partOf', { part: part.part, max: part.maxParts })}</p>` : null}
        <p>${this.t('answeredOf', { n: answered.size, total: this.items.length })}</p>
        ${deadline ? html`<gl-time-remaining .deadline=${deadline} locale=${this.locale} @gl-time-up=${() => void this.submit({ timeUp: true })}></gl-time-remaining>` : null}
        <gl-save-status state=${this.saveState()} .pending=${s?.pending ?? 0} locale=${this.locale}></gl-save-status>
      </div>
      ${s && !s.durable ? html`<p class="notice">${this.t('notDurable')}</p>` : null}
      <div role="alert" class="notice">${notice}</div>
      <p role="status" class="phase">${phaseText}</p>
      ${this.view === 'review'
        ? html`<gl-review .total=${this.items.length} .positions=${this.items.map((it) => it.position)} .finishPart=${!!part}
            .answered=${answered} .flags=${this.flags} locale=${this.locale} ?busy=${this.phase !== 'idle'}
            @gl-go-to=${(e: CustomEvent<{ position: number }>) => this.go(this.items.findIndex((it) => it.position === e.detail.position))}
            @gl-submit-request=${(e: Event) => this.confirmSubmit(e.composedPath()[0] as Element)}></gl-review>`
        : item ? this.renderItem(item) : null}
      <dialog aria-labelledby="confirm-title" aria-describedby="confirm-body">
        <h2 id="confirm-title">${this.t(part ? 'finishPartTitle' : 'confirmTitle')}</h2>
        <div id="confirm-body">
          ${unanswered ? html`<p>${this.t('confirmUnanswered', { n: unanswered })}</p>` : null}
          <p>${this.t(part ? 'finishPartBody' : 'confirmBody')}</p>
        </div>
        <div class="actions">
          <button type="button" @click=${() => this.closeDialog()}>${this.t('cancel')}</button>
          <button type="button" class="primary" @click=${() => void this.submit()}>${this.t(part ? 'finishPart' : 'confirmSubmit')}</button>
        </div>
      </dialog>`;
  }
}
customElements.define('gl-test-runner', GlTestRunner);
