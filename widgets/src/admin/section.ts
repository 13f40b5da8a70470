// What every admin section that shows data from the API shares: the client and locale the page gives it,
// its strings, and reading its data once the client is there, with a failure shown as the section's
// error (a 401 also signs the page out, see events.ts).
import { LitElement, type PropertyDeclarations, type PropertyValues } from 'lit';
import type { AdminApi } from './admin-api.js';
import { failure } from './events.js';
import { adminStyles } from './styles.js';
import { adminTranslator, type AdminTranslate } from './strings.js';

export abstract class AdminSection extends LitElement {
  static override styles = adminStyles;
  // Subclasses list only their own; Lit adds these inherited ones.
  static override properties: PropertyDeclarations = { api: { attribute: false }, locale: { type: String }, error: { state: true } };
  api?: AdminApi;
  locale = 'en';
  error = '';
  protected t: AdminTranslate = adminTranslator('en');

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('locale')) this.t = adminTranslator(this.locale);
    if (changed.has('api') && this.api) void this.load();
  }

  /** Reads the section's data with the client (set by the time this runs). */
  protected abstract read(api: AdminApi): Promise<void>;

  protected async load(): Promise<void> {
    try {
      await this.read(this.api!);
      this.error = '';
    } catch (err) {
      this.error = this.t('requestFailed', { detail: failure(this, err).message });
    }
  }
}
