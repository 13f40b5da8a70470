// Who may call what, for every API route the running app has: the routes are read from the app's
// router at test time, so a new route fails this file until its roles are declared below. Every
// role not declared is refused (403, or 404 where the contract hides that a record exists); people
// of another course or another LMS (tenant) are refused on every route that names a record, and
// never get a byte of the record; everyone declared gets through. Ids are real, made through the API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../server/lti/roles.js';
import type { RunningTool } from '../../server/main.js';
import { createPlatform, driveLaunch, type Platform } from '../platform/index.js';
import { createTestTenant, sessionFor, type TestSession, type TestTenant } from '../support/session.js';
import { apiRoutes } from '../support/integration-api-routes.js';
import { startTestTool } from '../support/tool.js';

const ROLES: readonly Role[] = ['learner', 'instructor', 'teaching-assistant', 'content-developer', 'administrator'];
const STAFF: readonly Role[] = ['instructor', 'teaching-assistant', 'content-developer', 'administrator'];
const ADMIN_TOKEN = 'matrix-admin-token-0123456789abcdef';

/** What a path parameter stands for; the test fills it with a real id of the home course. */
type Param = 'attempt' | 'item' | 'assessment' | 'placement' | 'student' | 'position' | 'platform' | 'tenant';

interface Declared {
  /** Roles that may call it; 'admin-token' = only the district administrator's ADMIN_TOKEN, never a launch session. */
  roles: readonly Role[] | 'admin-token';
  /** Learners only reach their own record (attempt routes): a classmate is told it does not exist. */
  ownerOnly?: boolean;
  params?: Record<string, Param>;
  body?: (f: Fixture) => unknown;
  /** Needs the session of a deep linking launch (the LMS's "add content" screen). */
  deepLinking?: boolean;
}

const draft = (stem: string) => ({
  standards: ['7.RP.A.1'], difficulty: 0, stem,
  interaction: { type: 'single', choices: [{ id: 'a', content: 'Two' }, { id: 'b', content: 'Three' }], key: { correct: 'b' } },
  feedback: { explanation: 'Count them.' },
});

// The declaration: one line per route. A route the app has and this table lacks fails the test.
const DECLARED: Record<string, Declared> = {
  'GET /api/session': { roles: ROLES },
  'GET /api/standards': { roles: ROLES },
  'GET /api/items': { roles: STAFF },
  'POST /api/items/preview': { roles: STAFF, body: () => draft('How many?') },
  'POST /api/items': { roles: STAFF, body: () => draft('How many sides?') },
  'GET /api/items/:id': { roles: STAFF, params: { id: 'item' } },
  'PUT /api/items/:id': { roles: STAFF, params: { id: 'item' }, body: () => draft('How many sides now?') },
  'GET /api/assessments': { roles: STAFF },
  'GET /api/assessments/:id': { roles: STAFF, params: { id: 'assessment' } },
  'POST /api/assessments': { roles: STAFF, body: () => ({ title: 'Rates check', grade: '7', kind: 'diagnostic', blueprint: [{ standard: '7.RP.A.1', items: 2 }] }) },
  'POST /api/attempts': { roles: ROLES, body: () => ({}) },
  'GET /api/attempts/:id': { roles: ['learner'], ownerOnly: true, params: { id: 'attempt' } },
  'PUT /api/attempts/:id/responses/:position': { roles: ['learner'], ownerOnly: true, params: { id: 'attempt', position: 'position' }, body: (f) => ({ value: f.answer, seq: 99 }) },
  'PUT /api/attempts/:id/flags': { roles: ['learner'], ownerOnly: true, params: { id: 'attempt' }, body: () => ({ flags: [1] }) },
  'POST /api/attempts/:id/submit': { roles: ['learner'], ownerOnly: true, params: { id: 'attempt' }, body: () => ({}) },
  // The fixture attempt is a fixed form: its owner is told it has no parts (409), everyone else that it does not exist.
  'POST /api/attempts/:id/parts/:part/submit': { roles: ['learner'], ownerOnly: true, params: { id: 'attempt', part: 'position' }, body: () => ({}) },
  'GET /api/attempts/:id/results': { roles: ROLES, ownerOnly: true, params: { id: 'attempt' } },
  'GET /api/placements/:id/attempts': { roles: STAFF, params: { id: 'placement' } },
  'PUT /api/placements/:id': { roles: STAFF, params: { id: 'placement' }, body: (f) => ({ assessmentId: f.ids.assessment }) },
  'PUT /api/placements/:id/accommodations/:personId': { roles: STAFF, params: { id: 'placement', personId: 'student' }, body: () => ({ timeMultiplier: 1.5, readAloud: false }) },
  'GET /api/placements/:id/grades': { roles: STAFF, params: { id: 'placement' } },
  'POST /api/placements/:id/grades/:personId/resend': { roles: STAFF, params: { id: 'placement', personId: 'student' }, body: () => ({}) },
  'GET /api/placements/:id/grade-settings': { roles: STAFF, params: { id: 'placement' } },
  'PUT /api/placements/:id/grade-settings': { roles: STAFF, params: { id: 'placement' }, body: () => ({ standardLineItems: true }) },
  'GET /api/placements/:id/dashboard': { roles: STAFF, params: { id: 'placement' } },
  'GET /api/placements/:id/students/:personId': { roles: STAFF, params: { id: 'placement', personId: 'student' } },
  'GET /api/placements/:id/export.csv': { roles: STAFF, params: { id: 'placement' } },
  'POST /api/placements/:id/groups': { roles: STAFF, params: { id: 'placement' }, body: () => ({}) },
  'PUT /api/placements/:id/groups': { roles: STAFF, params: { id: 'placement' }, body: (f) => ({ groups: [{ name: 'Ratios', studentIds: [f.ids.student], reteach: [] }] }) },
  'GET /api/me/mastery': { roles: ROLES },
  'GET /api/calibration': { roles: STAFF },
  'POST /api/calibration/run': { roles: ['instructor', 'administrator'], body: () => ({}) },
  'GET /api/district/rollup': { roles: ['administrator'] },
  'GET /api/district/rollup.csv': { roles: ['administrator'] },
  'POST /api/deep-linking/response': { roles: STAFF, deepLinking: true, body: (f) => ({ assessmentIds: [f.starterAssessment] }) },
  'GET /api/roster': { roles: STAFF },
  'GET /api/lms/services': { roles: STAFF },
  'GET /api/admin/tool': { roles: 'admin-token' },
  'GET /api/admin/platforms': { roles: 'admin-token' },
  'POST /api/admin/platforms': { roles: 'admin-token', body: () => ({ issuer: 'https://matrix.example.edu', clientId: 'm1', deploymentIds: ['d1'], authEndpoint: 'https://matrix.example.edu/auth', tokenEndpoint: 'https://matrix.example.edu/token', jwksUrl: 'https://matrix.example.edu/jwks' }) },
  'POST /api/admin/platforms/:id/deployments': { roles: 'admin-token', params: { id: 'platform' }, body: () => ({ deploymentId: 'matrix-extra' }) },
  'PUT /api/admin/platforms/:id/progress-scores': { roles: 'admin-token', params: { id: 'platform' }, body: () => ({ progressScores: true }) },
  // With a confirmation that does not match: the administrator is let in and told so (400), nothing is removed.
  'DELETE /api/admin/platforms/:id': { roles: 'admin-token', params: { id: 'platform' } },
  'GET /api/admin/tenants/:tenantId/rollup': { roles: 'admin-token', params: { tenantId: 'tenant' } },
  'GET /api/admin/keys': { roles: 'admin-token' },
  'POST /api/admin/keys/rotate': { roles: 'admin-token', body: () => ({ graceHours: 1 }) },
  'POST /api/admin/privacy/student-export': { roles: 'admin-token', body: (f) => ({ platformId: home.platformId, deploymentId: 'dep-1', student: f.ids.student }) },
  // With a confirmation that does not match: nothing is deleted.
  'POST /api/admin/privacy/student-deletion': { roles: 'admin-token', body: (f) => ({ platformId: home.platformId, deploymentId: 'dep-1', student: f.ids.student, confirm: 'someone else' }) },
};

interface Fixture {
  ids: Record<Param, string>;
  answer: unknown;
  starterAssessment: string;
}

// ---------------------------------------------------------------------------------------------
// Fixture: one course with a teacher's item, assessment, activity, and one student's submitted attempt

let tool: RunningTool;
let platform: Platform;
let home: TestTenant;
let away: TestTenant;
let fixture: Fixture;
const inCourse = {} as Record<Role, TestSession>;
const otherCourse = {} as Record<Role, TestSession>;
const otherTenant = {} as Record<Role, TestSession>;
let owner: TestSession;
let classmate: TestSession;
const OWNER_NAME = 'Quillfeather Matrixowner';
const ENV = { ADMIN_TOKEN, GRADES_WORKER: 'off', RATE_LIMIT_API_PER_IP: '0', RATE_LIMIT_API_PER_TENANT: '0', RATE_LIMIT_API_PER_USER: '0', RATE_LIMIT_LTI_PER_IP: '0', RATE_LIMIT_LTI_PER_TENANT: '0' };

interface Answer { status: number; body: any; text: string }

async function call(auth: Record<string, string>, method: string, path: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`${tool.url}${path}`, {
    method, headers: { ...auth, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown;
  try { parsed = text ? JSON.parse(text) : undefined; } catch { parsed = undefined; }
  return { status: res.status, body: parsed, text };
}
const asSession = (s: TestSession) => s.auth;
const asAdmin = { authorization: `Bearer ${ADMIN_TOKEN}` };

function answerFor(item: { type: string; choices?: { id: string }[] }): unknown {
  switch (item.type) {
    case 'single': return { type: 'single', choice: item.choices![0]!.id };
    case 'multiple': return { type: 'multiple', choices: [item.choices![0]!.id] };
    case 'order': return { type: 'order', order: item.choices!.map((c) => c.id) };
    case 'numeric': return { type: 'numeric', text: '4' };
    default: return { type: 'text', text: 'four' };
  }
}

beforeAll(async () => {
  Object.assign(process.env, ENV);
  tool = await startTestTool();
  home = await createTestTenant();
  away = await createTestTenant();
  const link = { contextId: 'course-1', resourceLinkId: 'matrix-link' };
  // One at a time: the first launch in a course creates it.
  for (const r of ROLES) inCourse[r] = await sessionFor(tool, { tenant: home, roles: [r], ...link });
  for (const r of ROLES) otherCourse[r] = await sessionFor(tool, { tenant: home, roles: [r], contextId: 'course-2', resourceLinkId: 'matrix-link-2' });
  for (const r of ROLES) otherTenant[r] = await sessionFor(tool, { tenant: away, roles: [r], ...link });
  owner = await sessionFor(tool, { tenant: home, roles: ['learner'], userName: OWNER_NAME, ...link });
  classmate = await sessionFor(tool, { tenant: home, roles: ['learner'], ...link });
  const teacher = inCourse.instructor;

  const item = await call(teacher.auth, 'POST', '/api/items', draft('How many legs has a tripod?'));
  expect(item.status).toBe(201);
  const made = await call(teacher.auth, 'POST', '/api/assessments', { title: 'Matrix check', grade: '7', kind: 'diagnostic', blueprint: [{ standard: '7.RP.A.1', items: 2 }] });
  expect(made.status).toBe(201);
  const assessment = made.body.assessments[0].id as string;
  const placement = teacher.ctx.placementId!;
  expect((await call(teacher.auth, 'PUT', `/api/placements/${placement}`, { assessmentId: assessment })).status).toBe(200);
  const started = await call(owner.auth, 'POST', '/api/attempts', {});
  expect(started.status).toBe(201);
  const answer = answerFor(started.body.items[0]);
  expect((await call(owner.auth, 'PUT', `/api/attempts/${started.body.id}/responses/1`, { value: answer, seq: 1 })).status).toBe(200);
  expect((await call(owner.auth, 'POST', `/api/attempts/${started.body.id}/submit`, {})).status).toBe(200);
  const registered = await call(asAdmin, 'POST', '/api/admin/platforms', { issuer: 'https://matrix-home.example.edu', clientId: 'mh', deploymentIds: ['d1'], authEndpoint: 'https://matrix-home.example.edu/auth', tokenEndpoint: 'https://matrix-home.example.edu/token', jwksUrl: 'https://matrix-home.example.edu/jwks' });
  expect(registered.status).toBe(201);
  const starter = await call(teacher.auth, 'GET', '/api/assessments');
  fixture = {
    ids: { attempt: started.body.id, item: item.body.id, assessment, placement, student: owner.ctx.userId, position: '1', platform: registered.body.id, tenant: home.tenantId },
    answer,
    starterAssessment: (starter.body.assessments as { id: string; owner: string }[]).find((a) => a.owner === 'starter')!.id,
  };

  // Deep linking sessions come from real "add content" launches of a registered LMS.
  platform = createPlatform({ toolUrl: tool.url, productFamily: 'moodle' });
  await platform.start();
  const start = await (await fetch(platform.dynamicRegistrationUrl())).text();
  const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(start)?.[1]?.replace(/&amp;/g, '&') ?? '';
  const reg = await fetch(`${tool.url}/lti/register`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ openid_configuration: field('openid_configuration'), registration_token: field('registration_token') }),
  });
  expect(reg.status).toBe(200);
}, 120_000);

afterAll(async () => {
  await platform?.stop();
  await tool?.stop();
  for (const k of Object.keys(ENV)) delete process.env[k];
});

/** A fresh "add content" launch by the LMS's teacher, with the session re-issued for the given role. */
async function deepLinkingSession(role: Role): Promise<Record<string, string>> {
  const teacher = platform.users.find((u) => u.roleLabel === 'Teacher')!;
  const { toolResponse } = await driveLaunch(platform, { userId: teacher.id, messageType: 'LtiDeepLinkingRequest' });
  const token = /session="([^"]+)"/.exec(await toolResponse.text())?.[1];
  if (!token) throw new Error('the deep linking launch gave no session');
  const ctx = await tool.app.sessions.verify(token);
  return { authorization: `Bearer ${await tool.app.sessions.issue({ ...ctx, roles: [role] })}` };
}

function pathFor(route: string, d: Declared): { method: string; path: string } {
  const [method, pattern] = route.split(' ') as [string, string];
  const path = pattern.replace(/:(\w+)/g, (_m, name: string) => {
    const what = d.params?.[name];
    if (!what) throw new Error(`${route}: say what :${name} stands for in DECLARED[...].params`);
    return encodeURIComponent(fixture.ids[what]);
  });
  return { method, path: method === 'DELETE' ? `${path}?confirm=not-the-client-id` : path };
}

const PROBLEM_KEYS = new Set(['type', 'title', 'status', 'detail', 'instance', 'errors']);

/** A refusal: the status, and a body that is only a problem report — no record, no name. */
function expectRefused(a: Answer, allowed: number[], what: string) {
  expect(allowed, `${what} answered ${a.status}: ${a.text.slice(0, 300)}`).toContain(a.status);
  expect(a.body && typeof a.body === 'object', `${what}: problem+json body`).toBe(true);
  for (const k of Object.keys(a.body)) expect(PROBLEM_KEYS.has(k), `${what}: unexpected field "${k}" in a refusal`).toBe(true);
  expect(a.text, what).not.toContain(OWNER_NAME);
}

/** Things only people of the home course may see, for routes whose answer is about the caller's own course. */
const homeSecrets = () => [OWNER_NAME, fixture.ids.attempt, fixture.ids.item, fixture.ids.assessment, fixture.ids.student];

describe('the authorization matrix', () => {
  it('covers every API route the app has', () => {
    const routes = apiRoutes(tool.app.app);
    expect(routes.length).toBeGreaterThan(20);
    const undeclared = routes.filter((r) => !DECLARED[r]);
    expect(undeclared, `Declare these routes in DECLARED (test/integration/authz-matrix.test.ts) with the roles that may call them: ${undeclared.join(', ')}`).toEqual([]);
    const stale = Object.keys(DECLARED).filter((r) => !routes.includes(r));
    expect(stale, `DECLARED lists routes the app no longer has: ${stale.join(', ')}`).toEqual([]);
  });

  // One test per route, generated from the app itself (declared routes the app lacks are reported above).
  const routes = Object.keys(DECLARED);
  for (const route of routes) {
    it(`${route}: only the declared roles, only in their own course and LMS`, async () => {
      if (!apiRoutes(tool.app.app).includes(route)) return;
      const d = DECLARED[route]!;
      const { method, path } = pathFor(route, d);
      const body = d.body?.(fixture);
      const hasIds = /:\w+/.test(route.split(' ')[1]!);

      if (d.roles === 'admin-token') {
        for (const s of [...Object.values(inCourse), owner, ...Object.values(otherTenant)]) {
          expectRefused(await call(asSession(s), method, path, body), [401, 403, 404], `${route} with an LTI session`);
        }
        expectRefused(await call({}, method, path, body), [401, 404], `${route} with no token`);
        const a = await call(asAdmin, method, path, body);
        expect(a.status, `${route} as the administrator: ${a.text.slice(0, 300)}`).toBeLessThan(500);
        expect([401, 403, 404]).not.toContain(a.status);
        return;
      }

      // Refusals first (all at once: they must change nothing), then the allowed calls.
      const sessionOf = async (role: Role, from: Record<Role, TestSession>) => (d.deepLinking ? deepLinkingSession(role) : asSession(from[role]));
      const refusals: Promise<void>[] = [];
      const refused = (auth: Promise<Record<string, string>> | Record<string, string>, statuses: number[], what: string) =>
        refusals.push(Promise.resolve(auth).then((a) => call(a, method, path, body)).then((a) => expectRefused(a, statuses, what)));
      for (const role of ROLES.filter((r) => !(d.roles as readonly Role[]).includes(r))) refused(sessionOf(role, inCourse), [403, 404], `${route} as ${role}`);
      refused({}, [401], `${route} with no session`);
      if (d.ownerOnly && (d.roles as readonly Role[]).includes('learner')) refused(asSession(classmate), [403, 404], `${route} as a classmate`);
      if (hasIds) {
        for (const [where, group] of [['another course', otherCourse], ['another LMS', otherTenant]] as const) {
          for (const role of ROLES) refused(asSession(group[role]), [403, 404], `${route} as ${role} of ${where}`);
        }
      } else if (method === 'GET') {
        // Nothing names a record: each caller sees their own course, and nothing of the home course.
        for (const group of [otherCourse, otherTenant]) {
          for (const role of (d.roles as readonly Role[])) {
            refusals.push(call(asSession(group[role]), method, path).then((a) => {
              expect(a.status).toBeLessThan(500);
              for (const secret of homeSecrets()) expect(a.text, `${route} as ${role} elsewhere`).not.toContain(secret);
            }));
          }
        }
      }
      await Promise.all(refusals);

      for (const role of d.roles as readonly Role[]) {
        const auth = d.ownerOnly && role === 'learner' ? asSession(owner) : await sessionOf(role, inCourse);
        const a = await call(auth, method, path, body);
        expect(a.status, `${route} as ${role}: ${a.text.slice(0, 300)}`).toBeLessThan(500);
        expect([401, 403, 404], `${route} as ${role} was refused: ${a.text.slice(0, 300)}`).not.toContain(a.status);
      }
    });
  }
});
