import { LitElement, css, html, svg, type PropertyValues } from 'lit';
import { letter } from './interaction.js';
import { sharedStyles } from './shared.styles.js';
import { testTranslator, type TestTranslate } from './strings.js';
import type { StudentItem } from './types.js';

// A speaker drawn here rather than an emoji: school Chromebooks and Linux lack colour-emoji fonts.
const speaker = svg`<path d="M3 9v6h4l5 5V4L7 9H3zm13.5 3A4.5 4.5 0 0 0 14 8v8a4.5 4.5 0 0 0 2.5-4zM14 3.2v2.1a7 7 0 0 1 0 13.4v2.1a9 9 0 0 0 0-17.6z"/>`;

const styles = css`
  :host { display: flex; flex-wrap: wrap; gap: .5rem; }
`;

const WORDS: Record<string, Record<string, string>> = {
  en: { '+': 'plus', '−': 'minus', '-': 'minus', '=': 'equals', '×': 'times', '·': 'times', '÷': 'divided by', '<': 'is less than', '>': 'is greater than', '≤': 'is less than or equal to', '≥': 'is greater than or equal to', '≠': 'is not equal to', over: 'over', power: 'to the power of', squared: 'squared', cubed: 'cubed', root: 'the square root of', sub: 'sub', '%': 'percent', end: ',' },
  es: { '+': 'más', '−': 'menos', '-': 'menos', '=': 'es igual a', '×': 'por', '·': 'por', '÷': 'dividido entre', '<': 'es menor que', '>': 'es mayor que', '≤': 'es menor o igual que', '≥': 'es mayor o igual que', '≠': 'no es igual a', over: 'sobre', power: 'elevado a', squared: 'al cuadrado', cubed: 'al cubo', root: 'la raíz cuadrada de', sub: 'sub', '%': 'por ciento', end: ',' },
};

/** MathML read the way a teacher would say it: "3 over 4", "x squared", "the square root of 2". */
function speakMath(el: Element, w: Record<string, string>): string {
  const kids = [...el.children];
  const say = (i: number) => (kids[i] ? speakMath(kids[i]!, w) : '');
  switch (el.localName) {
    case 'mfrac': return `${say(0)} ${w.over} ${say(1)}${w.end}`;
    case 'msup': {
      const exp = kids[1]?.textContent?.trim();
      return exp === '2' ? `${say(0)} ${w.squared}` : exp === '3' ? `${say(0)} ${w.cubed}` : `${say(0)} ${w.power} ${say(1)}${w.end}`;
    }
    case 'msub': return `${say(0)} ${w.sub} ${say(1)}`;
    case 'msqrt': return `${w.root} ${kids.map((k) => speakMath(k, w)).join(' ')}${w.end}`;
    case 'mo': { const t = el.textContent?.trim() ?? ''; return w[t] ?? t; }
    case 'mn': case 'mi': case 'mtext': case 'ms': return el.textContent?.trim() ?? '';
    case 'annotation': case 'annotation-xml': return '';
    default: return kids.length ? kids.map((k) => speakMath(k, w)).join(' ') : (el.textContent ?? '');
  }
}

/** What speech synthesis should say for a piece of server HTML. */
export function speakable(htmlText: string, locale: string): string {
  const w = WORDS[locale] ?? WORDS.en!;
  const t = document.createElement('template');
  t.innerHTML = htmlText;
  const out: string[] = [];
  const walk = (n: Node) => {
    if (n.nodeType === Node.TEXT_NODE) { out.push(n.textContent ?? ''); return; }
    if (!(n instanceof Element)) { n.childNodes.forEach(walk); return; }
    if (n.localName === 'math') { out.push(` ${speakMath(n, w)} `); return; }
    if (n.localName === 'img') { out.push(` ${n.getAttribute('alt') ?? ''} `); return; }
    n.childNodes.forEach(walk);
    if (n.localName === 'p' || n.localName === 'br') out.push('. ');
  };
  t.content.childNodes.forEach(walk);
  return out.join('').replace(/\s+/g, ' ').replace(/\s+([.,?!:;])/g, '$1').replace(/,+([.,?!:;])/g, '$1').replace(/\.\.+/g, '.').trim();
}

/**
 * Reads the question and its choices aloud with the browser's own speech synthesis (no download,
 * no server). A toggle the student controls; on by default when the attempt grants read-aloud.
 * While on, each question is read when the student moves to it, and "Listen" reads it again.
 * Renders nothing where the browser has no speech synthesis.
 *
 * @tag gl-read-aloud
 * @property item - the StudentItem to read.
 * @property enabled - the toggle (reflected as an attribute).
 * @property locale - "en" | "es": the words and the voice's language.
 * @event gl-read-aloud-change - `{ enabled }` when the student turns it on or off.
 * @csspart toggle - the on/off button.
 */
export class GlReadAloud extends LitElement {
  static override styles = [sharedStyles, styles];
  static override properties = { item: { attribute: false }, enabled: { type: Boolean, reflect: true }, locale: { type: String }, speaking: { state: true } };
  item?: StudentItem;
  enabled = false;
  locale = 'en';
  speaking = false;
  private t: TestTranslate = testTranslator('en');
  private synth = typeof speechSynthesis === 'undefined' ? undefined : speechSynthesis;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('locale')) this.t = testTranslator(this.locale);
  }

  protected override updated(changed: PropertyValues<this>): void {
    // A new question while read-aloud is on is read at once (the click that got here allows speech).
    if (changed.has('item') && changed.get('item') !== undefined && this.enabled) this.read();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stop();
  }

  text(): string {
    const item = this.item;
    if (!item) return '';
    const parts = [speakable(item.stemHtml, this.locale)];
    // A pause after each choice: the sentence end does it in every voice.
    const sentence = (t: string) => (/[.?!]$/.test(t) ? t : `${t}.`);
    (item.choices ?? []).forEach((c, i) => parts.push(sentence(`${this.t('choiceN', { n: letter(i) })} ${speakable(c.html, this.locale)}`)));
    if (item.unit) parts.push(item.unit);
    return parts.join(' ');
  }

  read(): void {
    const synth = this.synth;
    if (!synth || !this.item) return;
    synth.cancel();
    const u = new SpeechSynthesisUtterance(this.text());
    u.lang = this.locale === 'es' ? 'es' : 'en';
    u.rate = 0.95;
    u.onend = u.onerror = () => { this.speaking = false; };
    this.speaking = true;
    synth.speak(u);
  }

  stop(): void {
    this.synth?.cancel();
    this.speaking = false;
  }

  private toggle() {
    this.enabled = !this.enabled;
    if (this.enabled) this.read(); else this.stop();
    this.dispatchEvent(new CustomEvent('gl-read-aloud-change', { detail: { enabled: this.enabled }, bubbles: true, composed: true }));
  }

  protected override render() {
    if (!this.synth) return null;
    return html`<button type="button" part="toggle" aria-pressed=${this.enabled ? 'true' : 'false'} @click=${this.toggle}>
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">${speaker}</svg> ${this.t('readAloud')}</button>
      ${this.enabled ? html`<button type="button" @click=${() => (this.speaking ? this.stop() : this.read())}>
        ${this.speaking ? this.t('stop') : this.t('listen')}</button>` : null}`;
  }
}
customElements.define('gl-read-aloud', GlReadAloud);
