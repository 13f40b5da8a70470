// The page a teacher sees when opening a Growthline activity from the LMS.
import { html } from 'lit';
import { GlPage, pageStyles, type SessionInfo } from '../components/page-base.js';

export class GlTeacherPage extends GlPage {
  static override styles = pageStyles;
  protected renderPage(info: SessionInfo) {
    return html`<main>
      <h1>${this.t('teacherTitle', { course: info.course.title })}</h1>
      <p>${this.t('teacherIntro', { placement: info.placement?.title ?? '' })}</p>
    </main>`;
  }
}
customElements.define('gl-teacher-page', GlTeacherPage);
