import http from 'node:http';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningTool } from '../../server/main.js';
import { startTestTool } from '../support/tool.js';

let tool: RunningTool;
beforeAll(async () => { tool = await startTestTool(); });
afterAll(async () => { await tool?.stop(); });

describe('a freshly started tool', () => {
  it('reports healthy with its database reachable', async () => {
    const res = await fetch(`${tool.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', db: 'ok' });
  });

  it('serves its public keys as a JWKS', async () => {
    const res = await fetch(`${tool.url}/lti/keys`);
    expect(res.status).toBe(200);
    expect(await res.json()).toHaveProperty('keys');
  });

  it('sends a frame-ancestors policy and no X-Frame-Options', async () => {
    const res = await fetch(`${tool.url}/healthz`);
    expect(res.headers.get('x-frame-options')).toBeNull();
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'self'");
  });

  it('sends the student page\'s bundles gzip-compressed to browsers that accept it', async () => {
    const { WIDGETS_DIR } = await import('../../server/pages/render.js');
    const manifest = JSON.parse(readFileSync(path.join(WIDGETS_DIR, '.vite', 'manifest.json'), 'utf8')) as Record<string, { file: string }>;
    const file = manifest['widgets/src/pages/student.ts']!.file.replace(/^assets\//, '');
    const raw = await fetch(`${tool.url}/assets/${file}`, { headers: { 'accept-encoding': 'identity' } });
    const original = Buffer.from(await raw.arrayBuffer());
    const res = await new Promise<{ encoding?: string; body: Buffer }>((resolve, reject) => {
      http.get(`${tool.url}/assets/${file}`, { headers: { 'accept-encoding': 'gzip, br' } }, (r) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => resolve({ encoding: r.headers['content-encoding'], body: Buffer.concat(chunks) }));
      }).on('error', reject);
    });
    expect(res.encoding).toBe('gzip');
    expect(res.body.length).toBeLessThan(original.length / 2);
    expect(gunzipSync(res.body).equals(original)).toBe(true);
    // No way out of the assets folder.
    expect((await fetch(`${tool.url}/assets/..%2f..%2fpackage.json`, { headers: { 'accept-encoding': 'gzip' } })).status).toBe(404);
  });

  it('answers unknown API routes with a problem+json 404', async () => {
    const res = await fetch(`${tool.url}/api/nope`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(await res.json()).toMatchObject({ status: 404, title: 'Not found' });
  });

  it('refuses API calls without a session token, saying what to do', async () => {
    const res = await fetch(`${tool.url}/api/session`);
    expect(res.status).toBe(401);
    expect((await res.json()).detail).toMatch(/Open the activity again/);
  });

  it('rejects a malformed JSON body with a 400 that says so', async () => {
    const res = await fetch(`${tool.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{oops' });
    expect(res.status).toBe(400);
    expect((await res.json()).detail).toMatch(/not valid JSON/);
  });
});
