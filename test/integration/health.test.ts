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
