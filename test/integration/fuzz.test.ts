// Property-based fuzzing of the whole JSON API with real staff and learner sessions: random and
// malformed path ids, query strings and bodies (broken JSON, wrong types, query operators, deep
// nesting) on every route the app has. The tool never answers 5xx, never falls over, and stores
// nothing. Budget: FUZZ_RUNS (default 300) generated requests plus a fixed sweep of every route;
// FUZZ_SEED=<n> replays a run (fast-check prints the seed and the failing request when one fails).
import fc from 'fast-check';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningTool } from '../../server/main.js';
import { createTestTenant, sessionFor, type TestSession } from '../support/session.js';
import { apiRoutes } from '../support/integration-api-routes.js';
import { startTestTool } from '../support/tool.js';
import { journalPruned } from '../../server/delivery/answer-journal.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
const ENV = { GRADES_WORKER: 'off', RATE_LIMIT_API_PER_IP: '0', RATE_LIMIT_API_PER_TENANT: '0', RATE_LIMIT_API_PER_USER: '0' };

let tool: RunningTool;
let staff: TestSession;
let learner: TestSession;
let routes: string[];
/** Real ids of the course, by what a path parameter names. */
let pool: string[];
let before: Record<string, number>;
const crashes: unknown[] = [];
const onCrash = (e: unknown) => { crashes.push(e); };

/** Documents per collection: the fuzz must leave every count as it found it. */
async function countAll(): Promise<Record<string, number>> {
  const db = mongoose.connection.db!;
  const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).filter((n) => !n.startsWith('system.')).sort();
  return Object.fromEntries(await Promise.all(names.map(async (n) => [n, await db.collection(n).countDocuments()] as const)));
}

const draft = () => ({
  standards: ['7.RP.A.1'], difficulty: 0, stem: 'How many?', shared: false,
  interaction: { type: 'single', choices: [{ id: 'a', content: 'Two' }, { id: 'b', content: 'Three' }], key: { correct: 'b' } },
  feedback: { explanation: 'Count them.', choices: { a: 'Off by one.' } },
});

/** A valid body per route, for mutations that stay close to what the route accepts (so they reach past the first check). */
let templates: Record<string, unknown>;

beforeAll(async () => {
  Object.assign(process.env, ENV);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  tool = await startTestTool();
  routes = apiRoutes(tool.app.app);
  const tenant = await createTestTenant();
  const link = { contextId: 'course-1', resourceLinkId: 'fuzz-link' };
  staff = await sessionFor(tool, { tenant, roles: ['instructor'], ...link });
  learner = await sessionFor(tool, { tenant, roles: ['learner'], userName: 'Fuzz Student', ...link });
  const api = async (s: TestSession, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${tool.url}/api${path}`, { method, headers: { ...s.auth, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: await res.json() as any };
  };
  // Everything the routes can point at exists, and every "create" the fuzz could trigger by accident
  // has already happened: the learner's only attempt is submitted, the teacher's preview is open.
  const item = await api(staff, 'POST', '/items', draft());
  const made = await api(staff, 'POST', '/assessments', { title: 'Fuzz check', grade: '7', kind: 'diagnostic', blueprint: [{ standard: '7.RP.A.1', items: 2 }] });
  const assessment = made.body.assessments[0].id as string;
  const placement = staff.ctx.placementId!;
  expect((await api(staff, 'PUT', `/placements/${placement}`, { assessmentId: assessment })).status).toBe(200);
  const attempt = await api(learner, 'POST', '/attempts', {});
  expect(attempt.status).toBe(201);
  const first = attempt.body.items[0] as { type: string; choices?: { id: string }[] };
  const value = first.choices ? { type: first.type, ...(first.type === 'single' ? { choice: first.choices[0]!.id } : first.type === 'multiple' ? { choices: [first.choices[0]!.id] } : { order: first.choices.map((c) => c.id) }) } : { type: first.type, text: '4' };
  expect((await api(learner, 'PUT', `/attempts/${attempt.body.id}/responses/1`, { value, seq: 1 })).status).toBe(200);
  expect((await api(learner, 'POST', `/attempts/${attempt.body.id}/submit`, {})).status).toBe(200);
  expect((await api(staff, 'POST', '/attempts', {})).status).toBe(201);
  expect((await api(staff, 'PUT', `/placements/${placement}/accommodations/${learner.ctx.userId}`, { timeMultiplier: 2, readAloud: true })).status).toBe(200);
  const groups = { rev: 0, groups: [{ name: 'Ratios', studentIds: [learner.ctx.userId], reteach: ['7.RP.A.1'], extend: [], practiceItemIds: [] }] };
  expect((await api(staff, 'PUT', `/placements/${placement}/groups`, groups)).status).toBe(200);
  // A calibration on the same attempts stores nothing new, so a fuzzed "Recalculate" changes no count.
  expect((await api(staff, 'POST', '/calibration/run', {})).status).toBe(200);
  pool = [attempt.body.id, item.body.id, assessment, placement, learner.ctx.userId, staff.ctx.userId, staff.ctx.courseId, tenant.tenantId, '1', '2'];
  templates = {
    'POST /api/items': draft(), 'POST /api/items/preview': draft(), 'PUT /api/items/:id': draft(),
    'POST /api/assessments': { title: 'T', grade: '7', kind: 'diagnostic', blueprint: [{ standard: '7.RP.A.1', items: 1 }], settings: { attemptsAllowed: 2, timeLimitMinutes: null, showCorrectAnswers: true } },
    'PUT /api/attempts/:id/responses/:position': { value, seq: 2 },
    'PUT /api/attempts/:id/flags': { flags: [1, 2] },
    'PUT /api/placements/:id': { assessmentId: assessment },
    'PUT /api/placements/:id/accommodations/:personId': { timeMultiplier: 1.5, readAloud: false },
    'POST /api/deep-linking/response': { assessmentIds: [assessment] },
    'POST /api/placements/:id/groups': { groupSize: 3 },
    'PUT /api/placements/:id/groups': { ...groups, rev: 1 },
  };
  await journalPruned(); // the setup's submission deletes its folded answer-journal entries in the background
  before = await countAll();
}, 120_000);

afterAll(async () => {
  await tool?.stop();
  process.off('uncaughtException', onCrash);
  process.off('unhandledRejection', onCrash);
  for (const k of Object.keys(ENV)) delete process.env[k];
});

// ---------------------------------------------------------------------------------------------
// Generators

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const jsonType = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

const nastyStrings = fc.constantFrom(
  '', ' ', '$gt', '{"$gt":""}', '[object Object]', 'null', 'undefined', '0', '-1', '1e309', 'NaN', '000000000000000000000000',
  'ffffffffffffffffffffffff', 'a'.repeat(5000), '../../etc/passwd', '%00', '\u0000', '\uD800', 'é'.repeat(50), '<script>', "' OR 1=1 --", '__proto__',
);
const anyJson: fc.Arbitrary<Json> = fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<Json>;
const anyString = fc.oneof(fc.string({ maxLength: 60 }), fc.string({ unit: 'binary', maxLength: 30 }), nastyStrings);

/** encodeURIComponent, after replacing lone surrogates (which it refuses) as a browser would. */
const enc = (s: string) => encodeURIComponent(s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD'));

const segment = fc.oneof(
  { weight: 3, arbitrary: fc.nat().map((n) => enc(pool[n % pool.length]!)) },
  { weight: 3, arbitrary: anyString.map(enc) },
  // Raw, not encoded: broken percent-escapes and the like reach the router as they are.
  { weight: 1, arbitrary: fc.constantFrom('%', '%zz', '%E0%A4%A', '%C0%AF', '..', '.', 'a%2Fb', '%24gt') },
);

const queryString = fc.array(fc.tuple(
  fc.oneof(fc.constantFrom('framework', 'grade', 'q', 'standard', 'type', 'owner', 'page', 'limit', 'version', 'refresh', 'confirm', 'id'), fc.string({ maxLength: 12 })),
  fc.constantFrom('', '', '', '[]', '[0]', '[a]', '[$gt]', '[$where]', '[__proto__]', '[][x]', '[a][b][c][d][e][f]'),
  anyString,
), { maxLength: 5 }).map((parts) => parts.map(([k, suffix, v]) => `${enc(k)}${suffix}=${enc(v)}`).join('&'));

/** Every path into a JSON value, so a mutation can pick one. */
function pathsOf(v: unknown, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => pathsOf(x, [...at, i], out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) pathsOf(x, [...at, k], out);
  return out;
}
function setAt(v: unknown, path: (string | number)[], value: unknown): unknown {
  if (!path.length) return value;
  const copy = (Array.isArray(v) ? [...v] : { ...(v as object) }) as Record<string | number, unknown>;
  copy[path[0]!] = setAt(copy[path[0]!], path.slice(1), value);
  return copy;
}
function getAt(v: unknown, path: (string | number)[]): unknown {
  return path.reduce<unknown>((x, k) => (x as Record<string | number, unknown>)?.[k], v);
}

/**
 * A body near a valid one: one value swapped for a value of another JSON type (never null, which some
 * fields accept), or a query operator slipped in. Invalid by construction, so nothing may be stored.
 */
function nearValid(template: unknown): fc.Arbitrary<unknown> {
  const paths = pathsOf(template);
  return fc.tuple(fc.nat(), fc.oneof(anyJson, fc.constant({ $gt: '' }), fc.constant({ $where: 'sleep(1000)' })), fc.boolean()).map(([n, replacement, operatorKey]) => {
    const path = paths[n % paths.length]!;
    const original = getAt(template, path);
    if (operatorKey && original && typeof original === 'object' && !Array.isArray(original)) return setAt(template, path, { ...original, $set: { x: 1 } });
    const swapped = jsonType(replacement) === jsonType(original) || replacement === null ? { $ne: null } : replacement;
    return setAt(template, path, swapped);
  });
}

interface Body { contentType?: string; text?: string }
const bodyFor = (route: string): fc.Arbitrary<Body> => fc.oneof(
  { weight: 3, arbitrary: anyJson.map((j) => ({ contentType: 'application/json', text: JSON.stringify(j) })) },
  { weight: templates[route] ? 4 : 0, arbitrary: nearValid(templates[route] ?? {}).map((j) => ({ contentType: 'application/json', text: JSON.stringify(j) })) },
  { weight: 2, arbitrary: fc.constantFrom('', '{', '{"a":', '[1,', 'nul', '{"a":1}}', '\u0000', '{"value":}', '1e999999', '"\\ud800"', '['.repeat(3000), `${'{"a":'.repeat(100)}1${'}'.repeat(100)}`).map((text) => ({ contentType: 'application/json', text })) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-16', 'application/json; charset=klingon', 'multipart/form-data; boundary=x', 'application/xml'), anyString).map(([contentType, text]) => ({ contentType, text })) },
  { weight: 1, arbitrary: fc.constant({}) },
);

type Who = 'staff' | 'learner' | 'none' | 'forged';
const headersFor = (who: Who): Record<string, string> =>
  who === 'staff' ? staff.auth : who === 'learner' ? learner.auth : who === 'forged' ? { authorization: `Bearer ${staff.token.slice(0, -4)}AAAA` } : {};

interface FuzzRequest { route: string; who: Who; segments: string[]; query: string; body: Body }

const requestArb = (): fc.Arbitrary<FuzzRequest> => fc.constantFrom(...routes).chain((route) => fc.record({
  route: fc.constant(route),
  who: fc.oneof({ weight: 5, arbitrary: fc.constantFrom<Who>('staff', 'learner') }, { weight: 1, arbitrary: fc.constantFrom<Who>('none', 'forged') }),
  segments: fc.array(segment, { minLength: 3, maxLength: 3 }),
  query: fc.oneof(fc.constant(''), queryString),
  body: bodyFor(route),
}));

async function send(r: FuzzRequest): Promise<{ status: number; type: string; text: string }> {
  const [method, pattern] = r.route.split(' ') as [string, string];
  let n = 0;
  const path = pattern.replace(/:\w+/g, () => r.segments[n++ % r.segments.length] || 'x');
  const res = await fetch(`${tool.url}${path}${r.query ? `?${r.query}` : ''}`, {
    method, headers: { ...headersFor(r.who), ...(r.body.contentType ? { 'content-type': r.body.contentType } : {}) },
    body: method === 'GET' || method === 'HEAD' || r.body.text === undefined ? undefined : r.body.text,
  });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

function expectSane(r: FuzzRequest, a: { status: number; type: string; text: string }) {
  const where = `${r.route} as ${r.who}: ${a.status} ${a.text.slice(0, 300)}`;
  expect(a.status, where).toBeLessThan(500);
  if (a.status >= 400) expect(a.type, where).toContain('application/problem+json');
}

// ---------------------------------------------------------------------------------------------

describe('fuzzing every API route', () => {
  it('finds the routes to fuzz in the app', () => {
    expect(routes.length).toBeGreaterThan(20);
    expect(pool.length).toBeGreaterThan(5);
  });

  it('answers query operators in any query string or body with 400, on every route', async () => {
    const checks: Promise<void>[] = [];
    for (const route of routes) {
      const [method, pattern] = route.split(' ') as [string, string];
      const path = pattern.replace(/:\w+/g, () => pool[0]!);
      for (const who of ['staff', 'learner'] as const) {
        const headers = { ...headersFor(who), 'content-type': 'application/json' };
        checks.push((async () => {
          const q = await fetch(`${tool.url}${path}?id[$gt]=&assessmentId[$ne]=x`, { method, headers: headersFor(who) });
          expect(q.status, `${route} ?id[$gt]`).toBe(400);
          if (method === 'GET') return;
          const bodies = [{ $where: '1' }, ...pathsOf(templates[route] ?? { id: 'x' }).filter((p) => p.length).map((p) => setAt(templates[route] ?? { id: 'x' }, p, { $gt: '' }))];
          for (const body of bodies) {
            const b = await fetch(`${tool.url}${path}`, { method, headers, body: JSON.stringify(body) });
            expect(b.status, `${route} ${JSON.stringify(body).slice(0, 120)}`).toBe(400);
          }
        })());
      }
      // An operator spelled into a path id is only a strange string: never found, never data.
      if (pattern.includes(':')) {
        for (const who of ['staff', 'learner'] as const) {
          checks.push(fetch(`${tool.url}${pattern.replace(/:\w+/g, encodeURIComponent('{"$gt":""}'))}`, { method, headers: { ...headersFor(who), 'content-type': 'application/json' }, body: method === 'GET' ? undefined : '{}' })
            .then(async (res) => {
              const text = await res.text();
              expect([400, 401, 403, 404], `${route} with {"$gt":""} as the id: ${text.slice(0, 200)}`).toContain(res.status);
            }));
        }
      }
    }
    await Promise.all(checks);
  });

  it('sweeps every route with each kind of malformed input: never a 5xx', async () => {
    const fixed: Body[] = [
      { contentType: 'application/json', text: '{' }, { contentType: 'application/json', text: 'null' }, { contentType: 'application/json', text: '[]' },
      { contentType: 'application/json', text: '"x"' }, { contentType: 'application/json', text: '{"a":{"b":{"c":[1,{"d":null}]}}}' },
      { contentType: 'application/json', text: '['.repeat(3000) + ']'.repeat(3000) }, { contentType: 'text/plain', text: 'hello' }, {},
    ];
    const segments = [pool[0]!, 'zzz', '%E0%A4%A'];
    await Promise.all(routes.flatMap((route) => (['staff', 'learner'] as const).flatMap((who) => fixed.map(async (body) => {
      const r: FuzzRequest = { route, who, segments, query: 'page=-1&limit=abc&version=x&owner[]=all', body };
      expectSane(r, await send(r));
    }))));
  });

  it(`survives ${RUNS} random requests without a 5xx, a crash, or anything stored`, async () => {
    await fc.assert(fc.asyncProperty(requestArb(), async (r) => { expectSane(r, await send(r)); }), { numRuns: RUNS, seed: SEED, endOnFailure: true });
    expect(crashes).toEqual([]);
    const health = await fetch(`${tool.url}/healthz`);
    expect(health.status).toBe(200);
    // Every collection holds exactly what it held before the fuzz: no log-like collection is exempt.
    expect(await countAll()).toEqual(before);
  }, Math.max(60_000, RUNS * 60));
});
