// The HTML shell around each widget page: one module script from the Vite build, the session token
// on the page element (never in the URL, so it stays out of history, logs and Referer headers).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type PageName = 'student' | 'teacher' | 'picker' | 'admin';

const TAGS: Record<PageName, string> = { student: 'gl-student-page', teacher: 'gl-teacher-page', picker: 'gl-picker-page', admin: 'gl-admin-page' };

const here = path.dirname(fileURLToPath(import.meta.url));
/** Built widgets live in dist/widgets whether the server runs from source (tsx) or from dist. */
export const WIDGETS_DIR = [path.resolve(here, '../../dist/widgets'), path.resolve(here, '../../widgets')]
  .find((d) => existsSync(path.join(d, '.vite', 'manifest.json'))) ?? path.resolve(here, '../../dist/widgets');

interface ManifestEntry { file: string; css?: string[]; imports?: string[] }
let manifest: Record<string, ManifestEntry> | undefined;

function loadManifest(): Record<string, ManifestEntry> {
  if (manifest) return manifest;
  const file = path.join(WIDGETS_DIR, '.vite', 'manifest.json');
  if (!existsSync(file)) throw new Error(`Widgets are not built (${file} is missing): run \`npm run build\`.`);
  manifest = JSON.parse(readFileSync(file, 'utf8')) as Record<string, ManifestEntry>;
  return manifest;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** `token` is a launch's session; the admin page has none (the administrator types a token), only `attrs`. */
export async function renderWidgetPage(page: PageName, o: { token?: string; title: string; locale: string; attrs?: Record<string, string>; noscript?: string }): Promise<string> {
  const m = loadManifest();
  const entry = m[`widgets/src/pages/${page}.ts`];
  if (!entry) throw new Error(`No built widget entry for page "${page}"`);
  const preloads = (entry.imports ?? []).map((k) => m[k]?.file).filter(Boolean).map((f) => `<link rel="modulepreload" href="/assets/${f!.replace(/^assets\//, '')}">`).join('');
  const css = (entry.css ?? []).map((f) => `<link rel="stylesheet" href="/assets/${f.replace(/^assets\//, '')}">`).join('');
  const tag = TAGS[page];
  const attrs = [...(o.token === undefined ? [] : [`session="${esc(o.token)}"`]), ...Object.entries(o.attrs ?? {}).map(([k, v]) => `${esc(k)}="${esc(v)}"`)].map((a) => `${a} `).join('');
  return `<!doctype html>
<html lang="${esc(o.locale)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(o.title)} — Growthline</title>
<link rel="stylesheet" href="/static/theme.css">${css}${preloads}
<script type="module" src="/assets/${esc(entry.file.replace(/^assets\//, ''))}"></script>
</head><body>
<${tag} ${attrs}locale="${esc(o.locale)}" page-title="${esc(o.title)}"></${tag}>
<noscript><p>${esc(o.noscript ?? 'Growthline needs JavaScript to run your assessment. Ask your teacher for help.')}</p></noscript>
</body></html>`;
}
