// Downloads the dashboard as CSV without cookies: fetches the export with the session token in the Authorization
// header (a plain link could not carry it), then offers the file as a Blob link, which takes the focus. The teacher
// follows that link: browsers refuse a download started by script after a fetch inside an LMS's cross-site frame.
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { dashboardStyles } from '../styles.js';
import { dashboardTranslator, type DashboardTranslate } from '../strings.js';

/** The file name from a Content-Disposition header, or the fallback. */
function fileNameFrom(header: string | null, fallback: string): string {
  const m = header ? /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(header) : null;
  return m?.[1] ? decodeURIComponent(m[1]) : fallback;
}

/**
 * Fetches a CSV export at `url` with the session token and makes it a Blob URL (the caller revokes it).
 * Throws with the server's problem detail (or the status) when the export fails.
 */
export async function fetchCsvFile(url: string, token: string, fallbackName: string): Promise<{ href: string; fileName: string; size: number }> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: 'text/csv' }, credentials: 'omit' });
  if (!res.ok) {
    const body = await res.json().catch(() => null) as { detail?: string } | null;
    throw new Error(body?.detail ?? `${res.status}`);
  }
  const blob = await res.blob();
  return { href: URL.createObjectURL(blob), fileName: fileNameFrom(res.headers.get('content-disposition'), fallbackName), size: blob.size };
}

/**
 * `<gl-csv-download>` — a button that fetches GET /api/placements/:placementId/export.csv, then a link to save it.
 *
 * @property placementId - the placement.
 * @property token - the session token (sent as `Authorization: Bearer …`).
 * @property locale - "en" | "es".
 * @fires gl-csv-ready - `{ fileName, size }` once the file is ready.
 * @cssprop --gl-accent, --gl-accent-text
 */
export class GlCsvDownload extends LitElement {
  static override styles = dashboardStyles;
  static override properties = {
    placementId: { type: String },
    token: { attribute: false },
    locale: { type: String },
    href: { state: true },
    fileName: { state: true },
    busy: { state: true },
    error: { state: true },
  };
  placementId = '';
  token = '';
  locale = 'en';
  href = '';
  fileName = '';
  busy = false;
  error = '';
  private t: DashboardTranslate = dashboardTranslator('en');

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('locale')) this.t = dashboardTranslator(this.locale);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.href) URL.revokeObjectURL(this.href);
    this.href = '';
  }

  private async download(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.error = '';
    try {
      const file = await fetchCsvFile(`/api/placements/${encodeURIComponent(this.placementId)}/export.csv`, this.token, 'growthline.csv');
      if (this.href) URL.revokeObjectURL(this.href);
      this.fileName = file.fileName;
      this.href = file.href;
      this.busy = false;
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLAnchorElement>('a.file')?.focus();
      this.dispatchEvent(new CustomEvent('gl-csv-ready', { detail: { fileName: this.fileName, size: file.size }, bubbles: true, composed: true }));
    } catch (err) {
      this.error = this.t('csvFailed', { detail: (err as Error).message });
    } finally {
      this.busy = false;
    }
  }

  protected override render() {
    const t = this.t;
    return html`<section aria-labelledby="csv-h">
      <h2 id="csv-h">${t('exportTitle')}</h2>
      <p>${t('exportIntro')}</p>
      <button type="button" class="primary" aria-disabled=${this.busy ? 'true' : 'false'} @click=${() => void this.download()}>${t('downloadCsv')}</button>
      <p role="status">${this.busy ? t('preparingCsv') : this.href ? html`${t('csvReady')} <a class="file" href=${this.href} download=${this.fileName}>${t('saveCsv', { name: this.fileName })}</a>` : nothing}</p>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
    </section>`;
  }
}
customElements.define('gl-csv-download', GlCsvDownload);
