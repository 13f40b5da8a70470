// Section 5b: what each widget page costs to download. Per entry in the Vite manifest: its own JS plus
// every chunk it imports statically (what the browser must fetch before the page runs), each file
// gzipped on its own at the default level, as a server or CDN would send it.
import { existsSync, readFileSync } from 'node:fs';
import { get } from 'node:http';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { ROOT } from './harness.js';

interface ManifestEntry { file: string; name?: string; isEntry?: boolean; imports?: string[]; dynamicImports?: string[]; css?: string[] }

export interface BundleSize { page: string; files: string[]; rawBytes: number; gzipBytes: number; lazyGzipBytes: number }

export const MANIFEST = path.join(ROOT, 'dist/widgets/.vite/manifest.json');

export function bundleSizes(manifestPath = MANIFEST): BundleSize[] | { skipped: string } {
  if (!existsSync(manifestPath)) return { skipped: `${path.relative(ROOT, manifestPath)} is missing (the widget build did not run)` };
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, ManifestEntry>;
  const dir = path.dirname(path.dirname(manifestPath));
  const gz = new Map<string, { raw: number; gzip: number }>();
  const sizeOf = (file: string) => {
    let s = gz.get(file);
    if (!s) {
      const bytes = readFileSync(path.join(dir, file));
      s = { raw: bytes.length, gzip: gzipSync(bytes).length };
      gz.set(file, s);
    }
    return s;
  };
  /** The entry and its static imports, transitively, each once. */
  const closure = (key: string, seen = new Set<string>()): Set<string> => {
    if (seen.has(key)) return seen;
    seen.add(key);
    for (const k of manifest[key]?.imports ?? []) closure(k, seen);
    return seen;
  };
  return Object.entries(manifest)
    .filter(([, e]) => e.isEntry)
    .map(([key, e]) => {
      const keys = closure(key);
      const files = [...keys].map((k) => manifest[k]!.file).filter((f) => f.endsWith('.js'));
      const lazy = [...new Set([...keys].flatMap((k) => manifest[k]?.dynamicImports ?? []))]
        .filter((k) => !keys.has(k)).flatMap((k) => [...closure(k)]).filter((k) => !keys.has(k));
      return {
        page: e.name ?? path.basename(key, path.extname(key)),
        files,
        rawBytes: files.reduce((n, f) => n + sizeOf(f).raw, 0),
        gzipBytes: files.reduce((n, f) => n + sizeOf(f).gzip, 0),
        lazyGzipBytes: [...new Set(lazy.map((k) => manifest[k]!.file))].reduce((n, f) => n + sizeOf(f).gzip, 0),
      };
    })
    .sort((a, b) => a.page.localeCompare(b.page));
}

/**
 * What the tool itself sends for these files to a browser that accepts compression: bytes on the wire
 * and the Content-Encoding used (none when it serves them uncompressed).
 */
export async function servedSize(toolUrl: string, files: string[]): Promise<{ bytes: number; encodings: string[] }> {
  let bytes = 0;
  const encodings = new Set<string>();
  for (const file of files) {
    const url = `${toolUrl}/assets/${file.replace(/^assets\//, '')}`;
    await new Promise<void>((resolve, reject) => {
      get(url, { headers: { 'accept-encoding': 'br, gzip, deflate' } }, (res) => {
        if (res.statusCode !== 200) { res.resume(); return reject(new Error(`${url} answered ${res.statusCode}`)); }
        encodings.add(String(res.headers['content-encoding'] ?? 'none'));
        res.on('data', (chunk: Buffer) => { bytes += chunk.length; });
        res.on('end', () => resolve());
      }).on('error', reject);
    });
  }
  return { bytes, encodings: [...encodings] };
}
