// The page a student sees when opening a Growthline activity from the LMS.
import { html } from 'lit';
import { GlPage, pageStyles, type SessionInfo } from '../components/page-base.js';

export class GlStudentPage extends GlPage {
  static override styles = pageStyles;
  protected renderPage(info: SessionInfo) {
    return html`<main>
      <h1>${this.t('welcomeStudent', { name: info.user.displayName })}</h1>
      <p>${this.t('studentIntro', { course: info.course.title })}</p>
      <p>${this.t('studentNoAssessment')}</p>
    </main>`;
  }
}
customElements.define('gl-student-page', GlStudentPage);
