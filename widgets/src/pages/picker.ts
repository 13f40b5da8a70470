// The deep-linking picker: a teacher chooses the assessment to add to the course.
import { html } from 'lit';
import { GlPage, pageStyles, type SessionInfo } from '../components/page-base.js';

export class GlPickerPage extends GlPage {
  static override styles = pageStyles;
  protected renderPage(info: SessionInfo) {
    return html`<main>
      <h1>${this.t('pickerTitle')}</h1>
      <p>${this.t('pickerIntro', { course: info.course.title })}</p>
    </main>`;
  }
}
customElements.define('gl-picker-page', GlPickerPage);
