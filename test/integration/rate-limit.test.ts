// Abuse resistance: too many calls from one address, one district (tenant) or one user are answered
// 429 with Retry-After and a problem+json body, while other addresses, districts and users carry on;
// oversized bodies get 413 before they are read. Limits are tiny here (RATE_LIMIT_* env) so a few
// calls trip them; clients come from different loopback addresses (127.0.0.x) to act as schools.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rateLimitSettings, clientAddressKey } from '../../server/http/rate-limit.js';
import type { RunningTool } from '../../server/main.js';
import { createTestTenant, sessionFor, type TestSession, type TestTenant } from '../support/session.js';
import { startTestTool } from '../support/tool.js';

const LIMITS = {
  RATE_LIMIT_API_PER_IP: '30', RATE_LIMIT_API_PER_TENANT: '12', RATE_LIMIT_API_PER_USER: '5',
  RATE_LIMIT_LTI_PER_IP: '10', RATE_LIMIT_LTI_PER_TENANT: '4', RATE_LIMIT_WINDOW_SECONDS: '60',
};

let tool: RunningTool;
let tenantA: TestTenant;
let tenantB: TestTenant;
let tenantC: TestTenant;

beforeAll(async () => {
  tool = await startTestTool(LIMITS);
  [tenantA, tenantB, tenantC] = await Promise.all([createTestTenant(), createTestTenant(), createTestTenant()]);
});
afterAll(async () => {
  await tool?.stop();
});

interface Answer { status: number; headers: Record<string, string | string[] | undefined>; text: string; json(): any }

/** One HTTP call from a chosen loopback address (a "school"), so per-address limits can be told apart. */
function call(from: string, method: string, path: string, o: { headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  const url = new URL(path, tool.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: url.pathname + url.search, method, localAddress: from, headers: o.headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text, json: () => JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(o.body);
  });
}

const asUser = (s: TestSession) => ({ headers: s.auth });

function expectTooMany(a: Answer) {
  expect(a.status).toBe(429);
  const retry = Number(a.headers['retry-after']);
  expect(Number.isInteger(retry)).toBe(true);
  expect(retry).toBeGreaterThanOrEqual(1);
  expect(retry).toBeLessThanOrEqual(60);
  expect(a.headers['content-type']).toContain('application/problem+json');
  const body = a.json();
  expect(body).toMatchObject({ status: 429, title: 'Too many requests' });
  expect(body.detail).toMatch(/try again/);
}

describe('the defaults', () => {
  it('let a school of 1,000 students behind one address take a test and open activities at once', () => {
    const d = rateLimitSettings({});
    expect(d.windowMs).toBe(60_000);
    // ~20 API calls a student a minute at peak (a save every few seconds), ~3 LTI requests a launch.
    expect(d.apiPerIp).toBeGreaterThanOrEqual(1000 * 20);
    expect(d.ltiPerIp).toBeGreaterThanOrEqual(1000 * 3);
    // The tenant limit is above any one school's address; a user's far above what a page does.
    expect(d.apiPerTenant).toBeGreaterThan(d.apiPerIp);
    expect(d.apiPerUser).toBeGreaterThanOrEqual(600);
  });

  it('are set by RATE_LIMIT_* variables, 0 turns one off, and a typo is refused by name', () => {
    expect(rateLimitSettings({ RATE_LIMIT_API_PER_TENANT: '0', RATE_LIMIT_WINDOW_SECONDS: '10' })).toMatchObject({ apiPerTenant: 0, windowMs: 10_000 });
    expect(() => rateLimitSettings({ RATE_LIMIT_API_PER_IP: 'lots' })).toThrow(/RATE_LIMIT_API_PER_IP/);
  });

  it('count an IPv6 client by its /64, which it controls whole', () => {
    expect(clientAddressKey('2001:db8:1:2:aaaa::1')).toBe(clientAddressKey('2001:db8:1:2:bbbb:cccc:dddd:eeee'));
    expect(clientAddressKey('2001:db8:1:2::1')).not.toBe(clientAddressKey('2001:db8:1:3::1'));
    expect(clientAddressKey('::ffff:10.0.0.1')).toBe(clientAddressKey('10.0.0.1'));
  });
});

describe('the JSON API', () => {
  it('stops one user who calls too often, and only that user', async () => {
    const me = await sessionFor(tool, { tenant: tenantA, roles: ['learner'] });
    const classmate = await sessionFor(tool, { tenant: tenantA, roles: ['learner'] });
    for (let i = 0; i < 5; i++) expect((await call('127.0.0.2', 'GET', '/api/session', asUser(me))).status).toBe(200);
    expectTooMany(await call('127.0.0.2', 'GET', '/api/session', asUser(me)));
    expect((await call('127.0.0.2', 'GET', '/api/session', asUser(classmate))).status).toBe(200);
  });

  it('stops a district that exceeds its budget without slowing another district on the same address', async () => {
    const users: TestSession[] = [];
    for (let i = 0; i < 4; i++) users.push(await sessionFor(tool, { tenant: tenantB, roles: ['learner'] }));
    for (const u of users.slice(0, 3)) for (let i = 0; i < 4; i++) expect((await call('127.0.0.3', 'GET', '/api/session', asUser(u))).status).toBe(200);
    // Twelve calls used the district's budget: its next user, fresh as they are, waits.
    expectTooMany(await call('127.0.0.3', 'GET', '/api/session', asUser(users[3]!)));
    const neighbour = await sessionFor(tool, { tenant: tenantC, roles: ['instructor'] });
    expect((await call('127.0.0.3', 'GET', '/api/session', asUser(neighbour))).status).toBe(200);
  });

  it('stops one address that floods, with or without a session, and nobody else', async () => {
    for (let i = 0; i < 30; i++) expect((await call('127.0.0.4', 'GET', '/api/session')).status).toBe(401);
    const someone = await sessionFor(tool, { tenant: tenantC, roles: ['learner'] });
    expectTooMany(await call('127.0.0.4', 'GET', '/api/session', asUser(someone)));
    expect((await call('127.0.0.5', 'GET', '/api/session', asUser(someone))).status).toBe(200);
  });

  it('refuses a body larger than BODY_LIMIT before reading it', async () => {
    const teacher = await sessionFor(tool, { tenant: tenantC, roles: ['instructor'] });
    const big = JSON.stringify({ stem: 'x'.repeat(200 * 1024) });
    const a = await call('127.0.0.9', 'POST', '/api/items', { headers: { ...teacher.auth, 'content-type': 'application/json' }, body: big });
    expect(a.status).toBe(413);
    expect(a.headers['content-type']).toContain('application/problem+json');
    expect(a.json()).toMatchObject({ status: 413 });
    // Any content type: the declared length alone is enough.
    const blob = await call('127.0.0.9', 'PUT', '/api/attempts/x/flags', { headers: { ...teacher.auth, 'content-type': 'application/octet-stream', 'content-length': String(50 * 1024 * 1024) } });
    expect(blob.status).toBe(413);
  });

  it('refuses query operators in a query string or a JSON body', async () => {
    const teacher = await sessionFor(tool, { tenant: tenantC, roles: ['instructor'] });
    const q = await call('127.0.0.9', 'GET', '/api/standards?framework[$ne]=nothing', asUser(teacher));
    expect(q.status).toBe(400);
    expect(q.json().errors[0].field).toBe('query.framework.$ne');
    const b = await call('127.0.0.9', 'PUT', `/api/placements/${teacher.ctx.placementId}`, {
      headers: { ...teacher.auth, 'content-type': 'application/json' }, body: JSON.stringify({ assessmentId: { $gt: '' } }),
    });
    expect(b.status).toBe(400);
    const proto = await call('127.0.0.9', 'POST', '/api/items/preview', {
      headers: { ...teacher.auth, 'content-type': 'application/json' }, body: '{"__proto__":{"admin":true}}',
    });
    expect(proto.status).toBe(400);
  });
});

describe('the LTI launch routes', () => {
  it('stop one address that floods them; a browser gets a page that says when to try again', async () => {
    for (let i = 0; i < 10; i++) expect((await call('127.0.0.6', 'GET', '/lti/keys')).status).toBe(200);
    expectTooMany(await call('127.0.0.6', 'GET', '/lti/keys'));
    const page = await call('127.0.0.6', 'POST', '/lti/launch', { headers: { accept: 'text/html,application/xhtml+xml', 'content-type': 'application/x-www-form-urlencoded' }, body: 'id_token=x' });
    expect(page.status).toBe(429);
    expect(Number(page.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.text).toContain('try again');
    expect((await call('127.0.0.7', 'GET', '/lti/keys')).status).toBe(200);
  });

  it('cap logins naming one LMS across addresses, without touching another LMS', async () => {
    const login = (from: string, iss: string) => call(from, 'POST', '/lti/login', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ iss, login_hint: 'u1', target_link_uri: `${tool.url}/lti/launch`, client_id: 'c1' }).toString(),
    });
    const iss = 'https://flooded.example.edu';
    for (const from of ['127.0.0.10', '127.0.0.11', '127.0.0.12', '127.0.0.13']) expect((await login(from, iss)).status).not.toBe(429);
    expectTooMany(await login('127.0.0.14', iss));
    expect((await login('127.0.0.14', 'https://calm.example.edu')).status).not.toBe(429);
  });
});
