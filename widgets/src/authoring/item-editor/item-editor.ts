// Creates and edits items of every interaction type: stem, choices, key, standards, difficulty and
// feedback. Checks what it can before saving, ties every message to its field, and shows the server's
// verdict the same way. Saving an item the teacher may not edit (a starter item) saves a copy.
import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import type { Api } from '../../shared/api.js';
import { idrefs } from '../aria.js';
import { difficultyKey } from '../difficulty.js';
import '../item-preview/item-preview.js';
import { summarizeProblem } from '../problems.js';
import { assessable, gradeLabel, gradesOf, loadStandards } from '../standards.js';
import { authoringTranslator, TYPE_LABEL, type AuthoringTranslate } from '../strings.js';
import { formStyles } from '../styles.js';
import type { InteractionType, ItemDraft, ItemView, StandardView } from '../types.js';
import {
  addChoice, changeType, draftFromItem, emptyDraft, fieldForServerPath, INTERACTION_TYPES, MAX_CHOICES, MIN_CHOICES,
  moveChoice, parseDecimal, removeChoice, setCorrect, toItemDraft, validateDraft, type EditorDraft,
} from './draft.js';
import { itemEditorStyles } from './item-editor.styles.js';

interface Shown { field: string; message: string }

/**
 * `<gl-item-editor>` — form to create or edit one item, with a live student preview beside it.
 *
 * @property api - API client (from the page).
 * @property locale - "en" | "es".
 * @property item - The ItemView to edit. Unset: a new item. Not `editable` (starter items): edits a copy,
 *   saved as a new item. Setting it replaces the draft.
 * @fires gl-item-saved - `{ item: ItemView }` after a successful POST or PUT.
 * @fires gl-editor-close - the teacher chose "Back to the item bank".
 * @cssprop --gl-accent, --gl-bad, --gl-border, --gl-surface, --gl-focus, --gl-radius
 */
export class GlItemEditor extends LitElement {
  static override styles = [formStyles, itemEditorStyles];
  static override properties = {
    api: { attribute: false },
    locale: { type: String },
    item: { attribute: false },
    draft: { state: true },
    standards: { state: true },
    stdGrade: { state: true },
    showErrors: { state: true },
    serverErrors: { state: true },
    saving: { state: true },
    status: { state: true },
    generalError: { state: true },
  };
  api?: Api;
  locale = 'en';
  item?: ItemView;
  draft: EditorDraft = emptyDraft();
  standards: StandardView[] = [];
  stdGrade = '';
  showErrors = false;
  serverErrors: Shown[] = [];
  saving = false;
  status = '';
  generalError = '';
  private t: AuthoringTranslate = authoringTranslator('en');
  private previewDraft: ItemDraft = toItemDraft(this.draft);
  private isCopy = false;

  /** Moves focus to the editor's heading (after the page opens the editor). */
  override focus(): void {
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('#editor-h')?.focus());
  }

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('locale')) this.t = authoringTranslator(this.locale);
    if (changed.has('item')) {
      this.isCopy = !!this.item && !this.item.editable;
      this.draft = this.item ? draftFromItem(this.item, this.isCopy) : emptyDraft();
      this.showErrors = false;
      this.serverErrors = [];
      this.status = '';
      this.generalError = '';
      this.stdGrade = '';
    }
    if (changed.has('api') && this.api) {
      loadStandards(this.api).then((s) => { this.standards = s; }, (err: Error) => { this.generalError = err.message; });
    }
    if (!this.stdGrade && this.standards.length) {
      const first = this.standards.find((s) => s.code === this.draft.standards[0]);
      this.stdGrade = first?.grade ?? gradesOf(this.standards)[0] ?? '';
    }
    if (changed.has('draft')) this.previewDraft = toItemDraft(this.draft);
  }

  private set(patch: Partial<EditorDraft>): void {
    this.draft = { ...this.draft, ...patch };
    this.serverErrors = [];
    this.status = '';
  }

  private problems(): Shown[] {
    if (!this.showErrors) return [];
    const local = validateDraft(this.draft).map((p) => ({ field: p.field, message: this.t(p.key, p.vars) }));
    return [...local, ...this.serverErrors];
  }

  private async save(e: Event): Promise<void> {
    e.preventDefault();
    if (this.saving || !this.api) return;
    this.showErrors = true;
    this.serverErrors = [];
    this.generalError = '';
    this.status = '';
    if (validateDraft(this.draft).length) return this.focusSummary();
    this.saving = true;
    try {
      const body = toItemDraft(this.draft);
      const saved = this.draft.id
        ? await this.api.put<ItemView>(`/items/${encodeURIComponent(this.draft.id)}`, withoutId(body))
        : await this.api.post<ItemView>('/items', body);
      this.item = saved;
      // willUpdate resets the draft from `item`; keep the teacher's place and say what happened.
      await this.updateComplete;
      this.status = this.t('savedVersion', { version: saved.version });
      this.dispatchEvent(new CustomEvent('gl-item-saved', { detail: { item: saved }, bubbles: true, composed: true }));
    } catch (err) {
      const p = summarizeProblem(err);
      this.serverErrors = p.fields.map((f) => ({ field: fieldForServerPath(f.field, this.draft), message: f.message }));
      this.generalError = p.message;
      this.focusSummary();
    } finally {
      this.saving = false;
    }
  }

  private focusSummary(): void {
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('#summary')?.focus());
  }

  private focusField(e: Event, field: string): void {
    e.preventDefault();
    const el = this.renderRoot.querySelector<HTMLElement>(`#${CSS.escape(field)}`)
      ?? this.renderRoot.querySelector<HTMLElement>(`[data-field="${CSS.escape(field)}"]`);
    el?.focus();
  }

  private close(): void {
    this.dispatchEvent(new CustomEvent('gl-editor-close', { bubbles: true, composed: true }));
  }

  // ---- field helpers ------------------------------------------------------------------------

  /** aria attributes and the message element for one field. */
  private err(field: string, all: Shown[]): { invalid: 'true' | 'false'; describedBy: string; message: TemplateResult | typeof nothing } {
    const mine = all.filter((p) => p.field === field);
    return {
      invalid: mine.length ? 'true' : 'false',
      describedBy: mine.length ? `err-${field}` : '',
      message: mine.length ? html`<p class="field-error" id=${`err-${field}`}>${mine.map((m) => m.message).join(' ')}</p>` : nothing,
    };
  }

  private describedBy(...ids: string[]) { return idrefs(...ids); }

  private renderSummary(all: Shown[]) {
    const t = this.t;
    if (!all.length && !this.generalError) return nothing;
    return html`<div class="summary" id="summary" role="alert" tabindex="-1">
      <h3>${t('fixBeforeSaving')}</h3>
      ${this.generalError && !all.length ? html`<p>${this.generalError}</p>` : nothing}
      <ul>${all.map((p) => html`<li>${p.field
        ? html`<a href=${`#${p.field}`} @click=${(e: Event) => this.focusField(e, p.field)}>${p.message}</a>`
        : p.message}</li>`)}</ul>
    </div>`;
  }

  private renderChoices(all: Shown[]) {
    const t = this.t;
    const d = this.draft;
    const order = d.type === 'order';
    const keyed = d.type === 'single' || d.type === 'multiple';
    const group = this.err('choices', all);
    const correct = this.err('correct', all);
    return html`<fieldset id="choices" tabindex="-1" aria-describedby=${this.describedBy('choices-hint', group.describedBy, correct.describedBy)}>
      <legend>${order ? t('stepsLegend') : t('choicesLegend')}</legend>
      <p class="hint" id="choices-hint">${order ? t('orderHint') : d.type === 'single' ? t('singleHint') : t('multipleHint')}</p>
      ${group.message}${correct.message}
      <ol class="choices">
        ${d.choices.map((c, n) => {
          const label = order ? t('stepN', { n: n + 1 }) : t('choiceN', { n: n + 1 });
          const content = this.err(`choice-${c.id}`, all);
          const rationale = this.err(`rationale-${c.id}`, all);
          return html`<li>
            <div class="field">
              <label for=${`choice-${c.id}`}>${label}</label>
              <textarea id=${`choice-${c.id}`} rows="2" .value=${live(c.content)} aria-invalid=${content.invalid}
                aria-describedby=${idrefs(content.describedBy)}
                @input=${(e: Event) => this.set({ choices: d.choices.map((x) => (x.id === c.id ? { ...x, content: (e.target as HTMLTextAreaElement).value } : x)) })}></textarea>
              ${content.message}
            </div>
            ${keyed ? html`<div class="field">
              <label for=${`rationale-${c.id}`}>${t('rationaleLabel', { label })}</label>
              <input type="text" id=${`rationale-${c.id}`} .value=${live(c.rationale)} aria-invalid=${rationale.invalid}
                aria-describedby=${this.describedBy('rationale-hint', rationale.describedBy)}
                @input=${(e: Event) => this.set({ choices: d.choices.map((x) => (x.id === c.id ? { ...x, rationale: (e.target as HTMLInputElement).value } : x)) })}>
              ${rationale.message}
            </div>` : nothing}
            <div class="choice-tools">
              ${keyed ? html`<label class="check">
                <input type=${d.type === 'single' ? 'radio' : 'checkbox'} name="correct" id=${`correct-${c.id}`}
                  data-field=${n === 0 ? 'correct' : nothing} .checked=${live(d.correct.includes(c.id))}
                  aria-describedby=${idrefs(correct.describedBy)}
                  @change=${(e: Event) => this.set(setCorrect(d, c.id, (e.target as HTMLInputElement).checked))}>
                ${t('correctAnswer')}<span class="vh">: ${label}</span>
              </label>` : nothing}
              <button type="button" class="small" ?disabled=${n === 0} @click=${() => this.move(c.id, -1)}>${t('moveUp')}<span class="vh"> ${label}</span></button>
              <button type="button" class="small" ?disabled=${n === d.choices.length - 1} @click=${() => this.move(c.id, 1)}>${t('moveDown')}<span class="vh"> ${label}</span></button>
              <button type="button" class="small" ?disabled=${d.choices.length <= MIN_CHOICES} @click=${() => this.removeChoiceAt(c.id, n)}>${t('remove')}<span class="vh"> ${label}</span></button>
            </div>
          </li>`;
        })}
      </ol>
      ${keyed ? html`<p class="hint" id="rationale-hint">${t('rationaleHint')}</p>` : nothing}
      <button type="button" id="add-choice" ?disabled=${d.choices.length >= MAX_CHOICES}
        @click=${() => this.addChoice()}>${order ? t('addStep') : t('addChoice')}</button>
      ${d.type === 'multiple' ? html`<label class="check"><input type="checkbox" id="partial" .checked=${live(d.partialCredit)}
        @change=${(e: Event) => this.set({ partialCredit: (e.target as HTMLInputElement).checked })}>${t('partialCredit')}</label>` : nothing}
      ${keyed ? html`<label class="check"><input type="checkbox" id="shuffle" .checked=${live(d.shuffle)}
        @change=${(e: Event) => this.set({ shuffle: (e.target as HTMLInputElement).checked })}>${t('shuffleChoices')}</label>` : nothing}
    </fieldset>`;
  }

  private move(id: string, by: -1 | 1): void {
    this.set(moveChoice(this.draft, id, by));
    // Keep focus on the same button of the moved choice, so repeated presses keep moving it.
    const which = by < 0 ? 0 : 1;
    void this.updateComplete.then(() => {
      const n = this.draft.choices.findIndex((c) => c.id === id);
      const tools = this.renderRoot.querySelectorAll('ol.choices > li')[n]?.querySelectorAll<HTMLButtonElement>('.choice-tools button');
      const btn = tools?.[which];
      (btn && !btn.disabled ? btn : tools?.[1 - which])?.focus();
    });
  }

  private removeChoiceAt(id: string, n: number): void {
    this.set(removeChoice(this.draft, id));
    void this.updateComplete.then(() => {
      const ids = this.draft.choices.map((c) => c.id);
      const next = ids[Math.min(n, ids.length - 1)];
      this.renderRoot.querySelector<HTMLElement>(next ? `#choice-${CSS.escape(next)}` : '#add-choice')?.focus();
    });
  }

  private addChoice(): void {
    this.set(addChoice(this.draft));
    void this.updateComplete.then(() => {
      const last = this.draft.choices[this.draft.choices.length - 1];
      if (last) this.renderRoot.querySelector<HTMLElement>(`#choice-${CSS.escape(last.id)}`)?.focus();
    });
  }

  private renderNumeric(all: Shown[]) {
    const t = this.t;
    const n = this.draft.numeric;
    const setN = (patch: Partial<EditorDraft['numeric']>) => this.set({ numeric: { ...n, ...patch } });
    const value = this.err('numeric-value', all);
    const tol = this.err('numeric-tolerance', all);
    const unit = this.err('numeric-unit', all);
    return html`<fieldset>
      <legend>${t('answerKey')}</legend>
      <div class="row">
        <div class="field">
          <label for="numeric-value">${t('numericValue')}</label>
          <input type="text" inputmode="decimal" id="numeric-value" .value=${live(n.value)} aria-invalid=${value.invalid}
            aria-describedby=${idrefs(value.describedBy)} @input=${(e: Event) => setN({ value: (e.target as HTMLInputElement).value })}>
          ${value.message}
        </div>
        <div class="field">
          <label for="numeric-tolerance">${t('numericTolerance')}</label>
          <input type="text" inputmode="decimal" id="numeric-tolerance" .value=${live(n.tolerance)} aria-invalid=${tol.invalid}
            aria-describedby=${this.describedBy('tolerance-hint', tol.describedBy)} @input=${(e: Event) => setN({ tolerance: (e.target as HTMLInputElement).value })}>
          <p class="hint" id="tolerance-hint">${t('toleranceHint')}</p>
          ${tol.message}
        </div>
        <div class="field">
          <label for="numeric-unit">${t('numericUnit')}</label>
          <input type="text" id="numeric-unit" .value=${live(n.unit)} aria-invalid=${unit.invalid}
            aria-describedby=${idrefs(unit.describedBy)} @input=${(e: Event) => setN({ unit: (e.target as HTMLInputElement).value })}>
          ${unit.message}
        </div>
      </div>
      <label class="check"><input type="checkbox" id="allow-fractions" .checked=${live(n.allowFractions)}
        @change=${(e: Event) => setN({ allowFractions: (e.target as HTMLInputElement).checked })}>${t('allowFractions')}</label>
    </fieldset>`;
  }

  private renderText(all: Shown[]) {
    const t = this.t;
    const x = this.draft.text;
    const setX = (patch: Partial<EditorDraft['text']>) => this.set({ text: { ...x, ...patch } });
    const group = this.err('accepted', all);
    const len = this.err('expected-length', all);
    return html`<fieldset id="accepted" tabindex="-1" aria-describedby=${this.describedBy('accepted-hint', group.describedBy)}>
      <legend>${t('acceptedLegend')}</legend>
      <p class="hint" id="accepted-hint">${t('acceptedHint')}</p>
      ${group.message}
      ${x.accepted.map((a, n) => {
        const one = this.err(`accepted-${n}`, all);
        return html`<div class="accepted">
          <div class="field">
            <label for=${`accepted-${n}`}>${t('acceptedN', { n: n + 1 })}</label>
            <input type="text" id=${`accepted-${n}`} .value=${live(a)} aria-invalid=${one.invalid} aria-describedby=${idrefs(one.describedBy)}
              @input=${(e: Event) => setX({ accepted: x.accepted.map((v, i) => (i === n ? (e.target as HTMLInputElement).value : v)) })}>
            ${one.message}
          </div>
          <button type="button" class="small" ?disabled=${x.accepted.length <= 1}
            @click=${() => setX({ accepted: x.accepted.filter((_, i) => i !== n) })}>${t('remove')}<span class="vh"> ${t('acceptedN', { n: n + 1 })}</span></button>
        </div>`;
      })}
      <button type="button" @click=${() => setX({ accepted: [...x.accepted, ''] })}>${t('addAccepted')}</button>
      <label class="check"><input type="checkbox" id="case-sensitive" .checked=${live(x.caseSensitive)}
        @change=${(e: Event) => setX({ caseSensitive: (e.target as HTMLInputElement).checked })}>${t('caseSensitive')}</label>
      <div class="field">
        <label for="expected-length">${t('expectedLength')}</label>
        <input type="number" id="expected-length" min="1" max="200" step="1" .value=${live(x.expectedLength)} aria-invalid=${len.invalid}
          aria-describedby=${idrefs(len.describedBy)} @input=${(e: Event) => setX({ expectedLength: (e.target as HTMLInputElement).value })}>
        ${len.message}
      </div>
    </fieldset>`;
  }

  private renderStandards(all: Shown[]) {
    const t = this.t;
    const d = this.draft;
    const e = this.err('standards', all);
    const byCode = new Map(this.standards.map((s) => [s.code, s]));
    const toggle = (code: string, on: boolean) => this.set({ standards: on ? [...d.standards.filter((c) => c !== code), code] : d.standards.filter((c) => c !== code) });
    return html`<fieldset id="standards" tabindex="-1" aria-describedby=${this.describedBy('standards-hint', e.describedBy)}>
      <legend>${t('standardsLegend')}</legend>
      <p class="hint" id="standards-hint">${t('standardsHint')}</p>
      ${e.message}
      ${d.standards.length ? html`<p id="chosen-h">${t('chosenStandards')}</p>
        <ul class="chips" aria-labelledby="chosen-h">${d.standards.map((code) => html`<li>
          <span>${code}</span>
          <button type="button" class="small" @click=${() => toggle(code, false)}
            aria-label=${t('removeStandard', { code })} title=${byCode.get(code)?.description ?? code}>✕</button>
        </li>`)}</ul>` : nothing}
      <div class="field">
        <label for="std-grade">${t('gradeLabel')}</label>
        <select id="std-grade" @change=${(ev: Event) => { this.stdGrade = (ev.target as HTMLSelectElement).value; }}>
          ${gradesOf(this.standards).map((g) => html`<option value=${g} ?selected=${g === this.stdGrade}>${this.gradeName(g)}</option>`)}
        </select>
      </div>
      <div class="std-list" role="group" aria-label=${t('standardsOfGrade', { grade: this.gradeName(this.stdGrade) })}>
        ${assessable(this.standards, this.stdGrade).map((s) => html`<label class="check">
          <input type="checkbox" .checked=${live(d.standards.includes(s.code))}
            @change=${(ev: Event) => toggle(s.code, (ev.target as HTMLInputElement).checked)}>
          <span><span class="code">${s.code}</span> — ${s.description}</span>
        </label>`)}
      </div>
    </fieldset>`;
  }

  private gradeName(g: string): string { return gradeLabel(this.t, g); }

  protected override render() {
    const t = this.t;
    const d = this.draft;
    const all = this.problems();
    const stem = this.err('stem', all);
    const diff = this.err('difficulty', all);
    const expl = this.err('explanation', all);
    const diffNum = parseDecimal(d.difficulty);
    const heading = this.isCopy && !d.id ? t('editorCopyTitle') : d.id ? t('editorEditTitle', { id: d.id }) : t('editorNewTitle');
    return html`<form novalidate @submit=${this.save} aria-labelledby="editor-h">
      <h2 id="editor-h" tabindex="-1">${heading}</h2>
      ${this.isCopy && !d.id ? html`<p class="hint">${t('copyExplained')}</p>` : nothing}
      ${d.id && d.version ? html`<p><span class="badge">${t('versionN', { version: d.version })}</span></p>` : nothing}
      ${this.renderSummary(all)}
      <div class="layout">
        <div>
          <div class="field">
            <label for="type">${t('typeLabel')}</label>
            <select id="type" @change=${(e: Event) => this.set(changeType(d, (e.target as HTMLSelectElement).value as InteractionType))}>
              ${INTERACTION_TYPES.map((ty) => html`<option value=${ty} ?selected=${ty === d.type}>${t(TYPE_LABEL[ty])}</option>`)}
            </select>
          </div>
          <div class="field">
            <label for="stem">${t('stemLabel')}</label>
            <textarea id="stem" rows="4" .value=${live(d.stem)} aria-invalid=${stem.invalid}
              aria-describedby=${this.describedBy('stem-hint', stem.describedBy)}
              @input=${(e: Event) => this.set({ stem: (e.target as HTMLTextAreaElement).value })}></textarea>
            <p class="hint" id="stem-hint">${t('richTextHint')}</p>
            ${stem.message}
          </div>
          ${d.type === 'single' || d.type === 'multiple' || d.type === 'order' ? this.renderChoices(all) : nothing}
          ${d.type === 'numeric' ? this.renderNumeric(all) : nothing}
          ${d.type === 'text' ? this.renderText(all) : nothing}
          ${this.renderStandards(all)}
          <div class="field">
            <label for="difficulty">${t('difficultyLabel')}</label>
            <input type="number" id="difficulty" min="-5" max="5" step="0.1" .value=${live(d.difficulty)} aria-invalid=${diff.invalid}
              aria-describedby=${this.describedBy('difficulty-hint', diff.describedBy)}
              @input=${(e: Event) => this.set({ difficulty: (e.target as HTMLInputElement).value })}>
            <p class="hint" id="difficulty-hint">${t('difficultyHint')}${Number.isFinite(diffNum) ? html` <strong>${t('difficultyNow', { words: t(difficultyKey(diffNum)) })}</strong>` : nothing}</p>
            ${diff.message}
          </div>
          <div class="field">
            <label for="explanation">${t('explanationLabel')}</label>
            <textarea id="explanation" rows="3" .value=${live(d.explanation)} aria-invalid=${expl.invalid}
              aria-describedby=${this.describedBy('explanation-hint', expl.describedBy)}
              @input=${(e: Event) => this.set({ explanation: (e.target as HTMLTextAreaElement).value })}></textarea>
            <p class="hint" id="explanation-hint">${t('explanationHint')}</p>
            ${expl.message}
          </div>
          <label class="check"><input type="checkbox" id="shared" .checked=${live(d.shared)}
            @change=${(e: Event) => this.set({ shared: (e.target as HTMLInputElement).checked })}>${t('shareWithSchool')}</label>
          <div class="actions">
            <button type="submit" class="primary" ?disabled=${this.saving}>${this.saving ? t('saving') : t('saveItem')}</button>
            <button type="button" @click=${this.close}>${t('backToBank')}</button>
          </div>
          <p role="status" class="status">${this.status}</p>
        </div>
        <div class="preview">
          <gl-item-preview .api=${this.api} locale=${this.locale} .draft=${this.previewDraft}></gl-item-preview>
        </div>
      </div>
    </form>`;
  }
}
customElements.define('gl-item-editor', GlItemEditor);

function withoutId(body: ItemDraft): ItemDraft {
  const { id: _id, ...rest } = body;
  return rest;
}
