// The whole LTI 1.3 flow through the platform simulator: Dynamic Registration, then OIDC login
// initiation → authorization redirect → id_token POST → the widget page for each role; and
// tampered launches refused with a 4xx and no session.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningTool } from '../../server/main.js';
import { CookieJar, createPlatform, driveLaunch, parseLaunchForm, type Platform } from '../platform/index.js';
import { startTestTool } from '../support/tool.js';

let tool: RunningTool;
let platform: Platform;

const sessionIn = (html: string) => /session="([^"]+)"/.exec(html)?.[1];

async function registerDynamically(p: Platform) {
  const start = await fetch(p.dynamicRegistrationUrl());
  expect(start.status).toBe(200);
  const page = await start.text();
  expect(page).toContain('Register Growthline');
  const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(page)?.[1]?.replace(/&amp;/g, '&') ?? '';
  const done = await fetch(`${tool.url}/lti/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ openid_configuration: field('openid_configuration'), registration_token: field('registration_token') }),
  });
  return done;
}

beforeAll(async () => {
  tool = await startTestTool();
  platform = createPlatform({ toolUrl: tool.url, productFamily: 'moodle' });
  await platform.start();
});
afterAll(async () => {
  await platform?.stop();
  await tool?.stop();
});

describe('Dynamic Registration', () => {
  it('shows the administrator what will be registered, then registers with the scopes and messages the tool uses', async () => {
    const done = await registerDynamically(platform);
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('Growthline is registered');
    const reg = platform.received.registrations.find((r) => r.kind === 'dynamic')!;
    expect(reg).toBeDefined();
    expect([...reg.scopes].sort()).toEqual([
      'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem',
      'https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly',
      'https://purl.imsglobal.org/spec/lti-ags/scope/score',
      'https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly',
    ]);
    expect(reg.messages.map((m) => m.type).sort()).toEqual(['LtiDeepLinkingRequest', 'LtiResourceLinkRequest']);
    expect(reg.initiateLoginUri).toBe(`${tool.url}/lti/login`);
    expect(reg.jwksUri).toBe(`${tool.url}/lti/keys`);
    // Students' names for teachers, never email.
    expect(reg.claims).not.toContain('email');
  });

  it('refuses a registration whose configuration URL is not on the platform issuer\'s host', async () => {
    const res = await fetch(`${tool.url}/lti/register?openid_configuration=${encodeURIComponent('http://localhost:1/nothing')}`);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(600);
    expect(res.headers.get('content-type')).toContain('text/html');
  });
});

describe('launching from the LMS', () => {
  const student = () => platform.users.find((u) => u.roleLabel === 'Student')!;
  const teacher = () => platform.users.find((u) => u.roleLabel === 'Teacher')!;

  it('shows a student the student page, with a session that works without cookies', async () => {
    const { toolResponse } = await driveLaunch(platform, { userId: student().id });
    expect(toolResponse.status).toBe(200);
    const html = await toolResponse.text();
    expect(html).toContain('<gl-student-page');
    const token = sessionIn(html)!;
    const me = await fetch(`${tool.url}/api/session`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
    const body = await me.json();
    expect(body.user.roles).toEqual(['learner']);
    expect(body.user.displayName).toBe(student().name);
    expect(body.course.title).toBe(platform.course.title);
  });

  it('lets the registered LMS frame the tool, and nobody else', async () => {
    const { toolResponse } = await driveLaunch(platform, { userId: student().id });
    const csp = toolResponse.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(new RegExp(`frame-ancestors 'self'[^;]*${new URL(platform.url).origin.replace(/[.:/]/g, '\\$&')}`));
    expect(csp).not.toContain('frame-ancestors *');
    expect(toolResponse.headers.get('x-frame-options')).toBeNull();
  });

  it('shows the teacher the teacher page', async () => {
    const { toolResponse } = await driveLaunch(platform, { userId: teacher().id });
    expect(toolResponse.status).toBe(200);
    const html = await toolResponse.text();
    expect(html).toContain('<gl-teacher-page');
    const me = await fetch(`${tool.url}/api/session`, { headers: { authorization: `Bearer ${sessionIn(html)}` } });
    expect((await me.json()).user.roles).toContain('instructor');
  });

  it('shows a teaching assistant the teacher page too', async () => {
    const ta = platform.users.find((u) => u.roleLabel === 'Teaching assistant');
    if (!ta) throw new Error('the simulator course has no teaching assistant');
    const { toolResponse } = await driveLaunch(platform, { userId: ta.id });
    expect(await toolResponse.text()).toContain('<gl-teacher-page');
  });

  it('opens the picker for a deep linking launch', async () => {
    const { toolResponse } = await driveLaunch(platform, { userId: teacher().id, messageType: 'LtiDeepLinkingRequest', deepLinking: { data: 'opaque-123' } });
    expect(toolResponse.status).toBe(200);
    expect(await toolResponse.text()).toContain('<gl-picker-page');
  });

  it('refuses a deep linking launch by a student', async () => {
    const { toolResponse } = await driveLaunch(platform, { userId: student().id, messageType: 'LtiDeepLinkingRequest' });
    expect(toolResponse.status).toBe(403);
    expect(await toolResponse.text()).not.toContain('session=');
  });

  it('opens a brand-new activity for a whole class launching at the same moment', async () => {
    // Each person twice (two tabs): ten launches racing to create the same course, people and activity.
    const launches = [...platform.users, ...platform.users].map((u) => driveLaunch(platform, { userId: u.id, resourceLinkId: 'rl-brand-new', resourceLinkTitle: 'New quiz' }));
    const statuses = (await Promise.all(launches)).map((r) => r.toolResponse.status);
    expect(statuses).toEqual(statuses.map(() => 200));
  });

  it('answers in Spanish when the LMS launches in Spanish', async () => {
    const { toolResponse } = await driveLaunch(platform, { userId: student().id, locale: 'es-MX' });
    expect(await toolResponse.text()).toContain('<html lang="es">');
  });
});

describe('tampered launches are refused with a 4xx and no session', () => {
  const student = () => platform.users.find((u) => u.roleLabel === 'Student')!;

  async function expectRefused(res: Response) {
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    const html = await res.text();
    expect(html).not.toContain('session=');
    expect(html).not.toMatch(/<gl-(student|teacher|picker)-page/);
    return html;
  }

  it('refuses a token signed with a key the platform does not publish', async () => {
    platform.tamper.next({ signWith: 'unknown-key' });
    await expectRefused((await driveLaunch(platform, { userId: student().id })).toolResponse);
  });

  it('refuses a token whose signature was altered', async () => {
    platform.tamper.next({ signWith: 'corrupt-signature' });
    await expectRefused((await driveLaunch(platform, { userId: student().id })).toolResponse);
  });

  it('refuses a token addressed to another tool (wrong audience)', async () => {
    platform.tamper.next({ claims: { aud: 'some-other-tool' } });
    const html = await expectRefused((await driveLaunch(platform, { userId: student().id })).toolResponse);
    expect(html).toContain('not addressed to this tool');
  });

  it('refuses a replayed id_token (same state and nonce)', async () => {
    const first = await driveLaunch(platform, { userId: student().id });
    expect(first.toolResponse.status).toBe(200);
    const replay = await fetch(first.form.action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...first.jar.header() },
      body: new URLSearchParams({ id_token: first.form.idToken, state: first.form.state ?? '' }),
      redirect: 'manual',
    });
    await expectRefused(replay);
  });

  it('lets exactly one of five simultaneous posts of the same launch through', async () => {
    const jar = new CookieJar();
    const login = await fetch(platform.loginInitiationUrl({ userId: student().id }), { redirect: 'manual' });
    jar.store(login);
    const page = await (await fetch(new URL(login.headers.get('location')!, tool.url))).text();
    const form = parseLaunchForm(page);
    const post = () => fetch(form.action, {
      method: 'POST', redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...jar.header() },
      body: new URLSearchParams({ id_token: form.idToken, state: form.state ?? '' }),
    }).then(async (r) => ({ status: r.status, session: (await r.text()).includes('session=') }));
    const results = await Promise.all([post(), post(), post(), post(), post()]);
    expect(results.filter((r) => r.session)).toHaveLength(1);
    expect(results.filter((r) => r.status >= 400 && r.status < 500)).toHaveLength(4);
  });

  it('refuses a launch from a deployment that was never registered', async () => {
    platform.tamper.next({ claims: { 'https://purl.imsglobal.org/spec/lti/claim/deployment_id': 'deployment-nobody-registered' } });
    const html = await expectRefused((await driveLaunch(platform, { userId: student().id })).toolResponse);
    expect(html).toContain('deployment');
  });

  it('refuses an id_token posted without the login that should precede it', async () => {
    platform.tamper.clear();
    const res = await fetch(`${tool.url}/lti/launch`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ id_token: 'eyJhbGciOiJSUzI1NiIsImtpZCI6ImsifQ.eyJpc3MiOiJ4In0.c2ln', state: 'made-up' }),
    });
    await expectRefused(res);
  });

  it('refuses a login initiation from an unregistered issuer', async () => {
    const res = await fetch(`${tool.url}/lti/login?iss=${encodeURIComponent('https://unknown.example')}&login_hint=x&target_link_uri=${encodeURIComponent(`${tool.url}/lti/launch`)}`, { redirect: 'manual' });
    await expectRefused(res);
  });
});
