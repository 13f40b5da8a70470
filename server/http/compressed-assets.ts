// Serves the built widget bundles gzip-compressed to browsers that accept it: a student's page is
// a third of the bytes on a congested school network. Bundles are content-hashed and immutable, so
// each is compressed once, on first request, and kept in memory (a few hundred KB in all).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { RequestHandler } from 'express';

const COMPRESSIBLE = /\.(js|mjs|css|svg|json|html)$/;

export function compressedAssets(dir: string): RequestHandler {
  const root = path.resolve(dir);
  const cache = new Map<string, Buffer | null>();
  return (req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) return next();
    let rel: string;
    try { rel = decodeURIComponent(req.path); } catch { return next(); }
    const file = path.resolve(root, `.${path.posix.normalize(rel)}`);
    if (!file.startsWith(root + path.sep) || !COMPRESSIBLE.test(file)) return next();
    let gz = cache.get(file);
    if (gz === undefined) {
      try { gz = gzipSync(readFileSync(file), { level: 9 }); } catch { gz = null; }
      cache.set(file, gz);
    }
    if (!gz) return next();
    res.setHeader('Content-Encoding', 'gzip');
    res.setHeader('Vary', 'Accept-Encoding');
    res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    res.setHeader('Content-Length', String(gz.length));
    res.type(path.extname(file));
    res.end(req.method === 'HEAD' ? undefined : gz);
  };
}
