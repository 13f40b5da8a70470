import { LitElement, css, html, type PropertyValues } from 'lit';
import { formatRemaining, warningsDue } from './clock.js';
import { sharedStyles } from './shared.styles.js';
import { testTranslator, type TestTranslate } from './strings.js';

const styles = css`
  p { margin: 0; font-weight: 600; font-variant-numeric: tabular-nums; }
  .low { color: var(--gl-bad, #a1262b); }
`;

/**
 * Time left in a timed attempt. The deadline is given in this device's clock (the runner corrects
 * the server's `deadline` by the difference between `serverTime` and the device clock). Announces
 * 5 and 1 minutes left, and fires `gl-time-up` once at zero.
 *
 * @tag gl-time-remaining
 * @property deadline - epoch ms on this device's clock.
 * @property locale - "en" | "es".
 * @event gl-time-up - once, when the time runs out.
 * @csspart time - the visible clock.
 */
export class GlTimeRemaining extends LitElement {
  static override styles = [sharedStyles, styles];
  static override properties = { deadline: { type: Number }, locale: { type: String }, now: { state: true }, announcement: { state: true } };
  deadline = 0;
  locale = 'en';
  now = Date.now();
  announcement = '';
  private t: TestTranslate = testTranslator('en');
  private tick?: ReturnType<typeof setInterval>;
  private announced = new Set<number>();
  private fired = false;

  override connectedCallback(): void {
    super.connectedCallback();
    this.tick = setInterval(() => { this.now = Date.now(); }, 1000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.tick);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('locale')) this.t = testTranslator(this.locale);
    const left = this.deadline - this.now;
    if (changed.has('deadline')) {
      // Thresholds already passed when the page opened are not announced late.
      this.announced = new Set([5, 1].filter((m) => left <= m * 60_000));
    }
    for (const m of warningsDue(left, this.announced)) {
      this.announced.add(m);
      this.announcement = this.t(m === 5 ? 'minutesLeft5' : 'minutesLeft1');
    }
    if (left <= 0 && !this.fired && this.deadline > 0) {
      this.fired = true;
      this.announcement = this.t('timeUp');
      clearInterval(this.tick);
      this.dispatchEvent(new CustomEvent('gl-time-up', { bubbles: true, composed: true }));
    }
  }

  protected override render() {
    const left = this.deadline - this.now;
    return html`<p part="time" role="timer" class=${left <= 5 * 60_000 ? 'low' : ''}>
        ${left <= 5 * 60_000 ? html`<span aria-hidden="true">⚠ </span>` : null}${this.t('timeLeft', { time: formatRemaining(left) })}
      </p>
      <p class="vh" role="alert">${this.announcement}</p>`;
  }
}
customElements.define('gl-time-remaining', GlTimeRemaining);
