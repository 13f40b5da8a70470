// Shared behaviour of every page element: reads the session token and locale the server put on
// it, creates the API client, loads who the user is, and keeps the LMS frame sized to the page.
import { LitElement, css, html, type PropertyValues, type TemplateResult } from 'lit';
import { createApi, type Api } from '../shared/api.js';
import { reportFrameHeight } from '../shared/frame.js';
import { translator, type Translate } from '../shared/i18n.js';

export interface SessionInfo {
  user: { id: string; displayName: string; roles: string[] };
  course: { id: string; title: string };
  placement: { id: string; title: string } | null;
  kind: 'resource-link' | 'deep-linking';
  locale: string;
  /** Deep-linking launches only: what the LMS screen accepts. */
  deepLinking?: { acceptMultiple: boolean; acceptsLinks: boolean };
}

export const pageStyles = css`
  :host { display: block; font-family: var(--gl-font, system-ui, sans-serif); color: var(--gl-text, #1a1a1a); padding: var(--gl-space, 1rem); max-width: 60rem; margin: 0 auto; }
  h1 { font-size: 1.5rem; margin: 0 0 .5rem; }
  p { margin: .5rem 0; }
  .error { border-left: 4px solid var(--gl-bad, #a1262b); padding: .5rem 1rem; background: var(--gl-surface, #f5f6f8); }
  :focus-visible { outline: 3px solid var(--gl-focus, #b3541e); outline-offset: 2px; }
`;

export abstract class GlPage extends LitElement {
  static override properties = {
    session: { type: String },
    locale: { type: String },
    info: { state: true },
    error: { state: true },
  };
  session = '';
  locale = 'en';
  info?: SessionInfo;
  error?: string;
  protected api!: Api;
  protected t: Translate = translator('en');
  private stopResize?: () => void;

  override connectedCallback(): void {
    super.connectedCallback();
    this.stopResize = reportFrameHeight();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stopResize?.();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('locale')) this.t = translator(this.locale);
    if (changed.has('session') && this.session) {
      this.api = createApi(this.session);
      this.load().catch((err: Error) => { this.error = err.message; });
    }
  }

  protected async load(): Promise<void> {
    this.info = await this.api.get<SessionInfo>('/session');
  }

  protected override render(): TemplateResult {
    if (this.error) return html`<main><h1>${this.t('errorTitle')}</h1><p class="error" role="alert">${this.error}</p></main>`;
    if (!this.info) return html`<main aria-busy="true"><p role="status">${this.t('loading')}</p></main>`;
    return this.renderPage(this.info);
  }

  protected abstract renderPage(info: SessionInfo): TemplateResult;
}
