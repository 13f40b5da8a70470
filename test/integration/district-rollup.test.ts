// The district roll-up end to end: an LMS administrator's launch sees their own district's aggregates only (two
// classes of one district, a second district beside it), small cells say "fewer than 5" and carry no numbers,
// no student id or name is in the answer, teachers and students are refused; the admin API gives any district's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertCourse, upsertPerson } from '../../server/courses/course.service.js';
import type { RunningTool } from '../../server/main.js';
import { MasteryEstimateModel, masteryKey } from '../../server/mastery/mastery.model.js';
import { forgetRollups } from '../../server/mastery/rollup.service.js';
import type { Level } from '../../server/mastery/model.js';
import { parseCsv } from '../../server/mastery/csv.js';
import { createTestTenant, sessionFor, type TestSession, type TestTenant } from '../support/session.js';
import { startTestTool } from '../support/tool.js';

const ADMIN_TOKEN = 'rollup-admin-token-0123456789abcdef';
const ENV = { ADMIN_TOKEN, GRADES_WORKER: 'off', RATE_LIMIT_API_PER_IP: '0', RATE_LIMIT_API_PER_TENANT: '0', RATE_LIMIT_API_PER_USER: '0' };
const PRE = 'starter-g7-rp-pre';
const POST = 'starter-g7-rp-post';
let tool: RunningTool;
let home: TestTenant;
let away: TestTenant;
let admin: TestSession;
let teacher: TestSession;
let learner: TestSession;
const personIds: string[] = [];
const names: string[] = [];

interface Seed { course: string; student: number; code: string; level: Level; p: number; growth?: [number, number] }

async function seed(tenant: TestTenant, contextId: string, rows: Seed[]): Promise<void> {
  const course = await upsertCourse({ tenantId: tenant.tenantId, contextId, title: `Math 7 ${contextId}` });
  const people = new Map<number, string>();
  for (const r of rows) {
    if (!people.has(r.student)) {
      const name = `Rollupstudent ${contextId} ${r.student}`;
      const p = await upsertPerson({ tenantId: tenant.tenantId, sub: `${contextId}-s${r.student}`, name });
      people.set(r.student, p.id);
      personIds.push(p.id);
      names.push(name);
    }
    const personId = people.get(r.student)!;
    const items = (n: number) => [0, 1, 2].map((k) => ({ c: k < n ? 1 : 0, d: 0 }));
    const attempts = r.growth ? [
      { attemptId: `a-pre-${personId}`, placementId: 'p1', assessmentId: PRE, kind: 'pre', at: new Date('2026-09-01'), points: r.growth[0], maxPoints: 3, items: items(r.growth[0]) },
      { attemptId: `a-post-${personId}`, placementId: 'p2', assessmentId: POST, kind: 'post', at: new Date('2026-12-01'), points: r.growth[1], maxPoints: 3, items: items(r.growth[1]) },
    ] : [{ attemptId: `a-${personId}`, placementId: 'p1', assessmentId: 'diag', kind: 'diagnostic', at: new Date('2026-09-01'), points: 1, maxPoints: 3, items: [] }];
    await MasteryEstimateModel.create({
      _id: masteryKey(tenant.tenantId, course.id, personId, 'CCSS.Math', r.code), tenantId: tenant.tenantId, courseId: course.id, personId,
      framework: 'CCSS.Math', code: r.code, model: 'rasch-grid', state: { model: 'rasch-grid', version: 1 }, pMastery: r.p, level: r.level,
      evidence: 3, attempts, appliedAttemptIds: attempts.map((a) => a.attemptId), rev: 1,
    });
  }
}

async function get(auth: Record<string, string>, path: string) {
  const res = await fetch(`${tool.url}${path}`, { headers: auth });
  const text = await res.text();
  return { status: res.status, text, body: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : undefined, headers: res.headers };
}

beforeAll(async () => {
  // The admin API reads ADMIN_TOKEN from the process environment when the app is built.
  Object.assign(process.env, ENV);
  tool = await startTestTool();
  home = await createTestTenant();
  away = await createTestTenant();
  admin = await sessionFor(tool, { tenant: home, roles: ['administrator'], contextId: 'district-office' });
  teacher = await sessionFor(tool, { tenant: home, roles: ['instructor'], contextId: 'class-a' });
  learner = await sessionFor(tool, { tenant: home, roles: ['learner'], contextId: 'class-a' });
  // Class A: 6 students on 7.RP.A.1 (pre 1/3 → post 2 or 3 of 3), 3 of them also on 7.RP.A.2.
  const levels: Level[] = ['beginning', 'developing', 'developing', 'proficient', 'mastered', 'mastered'];
  await seed(home, 'class-a', [
    ...levels.map((level, i): Seed => ({ course: 'a', student: i, code: '7.RP.A.1', level, p: 0.1 + i * 0.15, growth: [1, i < 3 ? 3 : 2] })),
    ...[0, 1, 2].map((i): Seed => ({ course: 'a', student: i, code: '7.RP.A.2', level: 'developing', p: 0.4 })),
  ]);
  // Class B: 2 students on 7.RP.A.1, both Proficient.
  await seed(home, 'class-b', [0, 1].map((i): Seed => ({ course: 'b', student: i, code: '7.RP.A.1', level: 'proficient', p: 0.8 })));
  // Another district: 7 students Mastered on 7.RP.A.1 and 7.RP.A.3 — none of it may show at home.
  await seed(away, 'class-z', [0, 1, 2, 3, 4, 5, 6].flatMap((i): Seed[] => [
    { course: 'z', student: i, code: '7.RP.A.1', level: 'mastered', p: 0.99 }, { course: 'z', student: i, code: '7.RP.A.3', level: 'mastered', p: 0.99 }]));
  forgetRollups();
}, 120_000);

afterAll(async () => {
  await tool?.stop();
  for (const k of Object.keys(ENV)) delete process.env[k];
});

describe('the district roll-up for an LMS administrator', () => {
  it('counts the district\'s students per standard across its classes, and nothing of another district', async () => {
    const r = await get(admin.auth, '/api/district/rollup');
    expect(r.status, r.text).toBe(200);
    expect(r.headers.get('cache-control')).toContain('no-store');
    expect(r.body.minCell).toBe(5);
    expect(r.body.students).toBe(8);
    expect(r.body.courses).toBe(2);
    expect(r.body.standards.map((s: { code: string }) => s.code)).toEqual(['7.RP.A.1', '7.RP.A.2']);
    const rp1 = r.body.standards[0];
    expect(rp1.grade).toBe('7');
    expect(rp1.description).not.toBe('');
    expect(rp1.cell).toEqual({
      suppressed: false, students: 8, levels: { beginning: 1, developing: 2, proficient: 3, mastered: 2 },
      proficientShare: 5 / 8, meanPMastery: expect.closeTo((0.1 + 0.25 + 0.4 + 0.55 + 0.7 + 0.85 + 0.8 + 0.8) / 8, 9),
    });
  });

  it('says "fewer than 5" instead of numbers for a standard or class with fewer than five students', async () => {
    const r = await get(admin.auth, '/api/district/rollup?by=course,grade');
    expect(r.status, r.text).toBe(200);
    expect(r.body.standards[1].cell).toEqual({ suppressed: true });
    const classB = r.body.byCourse.find((c: { title: string }) => c.title === 'Math 7 class-b');
    expect(classB).toMatchObject({ students: null, standards: [{ code: '7.RP.A.1', cell: { suppressed: true } }] });
    const classA = r.body.byCourse.find((c: { title: string }) => c.title === 'Math 7 class-a');
    expect(classA.students).toBe(6);
    expect(r.body.byGrade).toEqual([expect.objectContaining({ grade: '7', students: 8, estimates: 11 })]);

    const csv = await get(admin.auth, '/api/district/rollup.csv?by=course');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename="growthline-district-roll-up-\d{4}-\d{2}-\d{2}\.csv"$/);
    const rows = parseCsv(csv.text);
    const rp2 = rows.find((row) => row[0] === 'district' && row[3] === '7.RP.A.2')!;
    expect(rp2[5]).toBe('fewer than 5');
    expect(rp2.slice(6)).toEqual(['', '', '', '', '', '']);
    expect(rows.find((row) => row[0] === 'course' && row[1] === 'Math 7 class-b')![5]).toBe('fewer than 5');
  });

  it('summarises pre→post growth for the paired starter tests', async () => {
    const r = await get(admin.auth, '/api/district/rollup');
    expect(r.body.growth).toHaveLength(1);
    const g = r.body.growth[0];
    // 6 students: pre 1/3 each; post 3/3 for three, 2/3 for three → mean gain (3·2/3 + 3·1/3)/6 = 0.5
    expect(g).toMatchObject({ pre: PRE, post: POST, suppressed: false, students: 6 });
    expect(g.meanPre).toBeCloseTo(1 / 3, 9);
    expect(g.meanGain).toBeCloseTo(0.5, 9);
    expect(g.movedUpShare).toBeGreaterThan(0);
    expect(g.postTitle).not.toBe('');
  });

  it('carries no student id or name, in JSON or CSV', async () => {
    for (const path of ['/api/district/rollup?by=course,grade', '/api/district/rollup.csv?by=course,grade']) {
      const r = await get(admin.auth, path);
      for (const id of personIds) expect(r.text).not.toContain(id);
      for (const name of names) expect(r.text).not.toContain(name);
      expect(r.text).not.toContain('Rollupstudent');
    }
  });

  it('refuses teachers and students', async () => {
    for (const s of [teacher, learner]) {
      for (const path of ['/api/district/rollup', '/api/district/rollup.csv']) {
        const r = await get(s.auth, path);
        expect(r.status, `${path}: ${r.text}`).toBe(403);
        expect(r.text).not.toContain('7.RP.A.1');
      }
    }
    expect((await get({}, '/api/district/rollup')).status).toBe(401);
  });

  it('rejects an unknown breakdown with a problem the caller can act on', async () => {
    const r = await get(admin.auth, '/api/district/rollup?by=school');
    expect(r.status).toBe(400);
    expect(r.text).toContain('course');
  });

  it('answers from the last pass for a minute, so new evidence shows up on a later pass', async () => {
    const before = await get(admin.auth, '/api/district/rollup');
    // Two more students on 7.RP.A.2 make its cell 5 students: big enough to show, but not before the next pass.
    await seed(home, 'class-c', [0, 1].map((i): Seed => ({ course: 'c', student: i, code: '7.RP.A.2', level: 'mastered', p: 0.9 })));
    const cached = await get(admin.auth, '/api/district/rollup');
    expect(cached.body.generatedAt).toBe(before.body.generatedAt);
    expect(cached.body.standards[1].cell).toEqual({ suppressed: true });
    forgetRollups(home.tenantId); // what the minute passing does
    const fresh = await get(admin.auth, '/api/district/rollup');
    expect(fresh.body.standards[1].cell).toMatchObject({ suppressed: false, students: 5, levels: { developing: 3, mastered: 2 } });
    expect(fresh.body.students).toBe(10);
  });

  it('gives the administrator API any district\'s roll-up, behind ADMIN_TOKEN', async () => {
    const bearer = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const r = await get(bearer, `/api/admin/tenants/${away.tenantId}/rollup?by=grade`);
    expect(r.status, r.text).toBe(200);
    expect(r.body.students).toBe(7);
    expect(r.body.standards.map((s: { code: string }) => s.code)).toEqual(['7.RP.A.1', '7.RP.A.3']);
    expect(r.body.standards[0].cell).toMatchObject({ students: 7, levels: { mastered: 7 } });
    const csv = await get(bearer, `/api/admin/tenants/${away.tenantId}/rollup?format=csv`);
    expect(csv.status).toBe(200);
    expect(parseCsv(csv.text)[1]!.slice(0, 6)).toEqual(['district', '', '7', '7.RP.A.1', expect.any(String), '7']);
    expect((await get(bearer, '/api/admin/tenants/0123456789abcdef01234567/rollup')).status).toBe(404);
    expect((await get(admin.auth, `/api/admin/tenants/${home.tenantId}/rollup`)).status).toBe(401);
  });
});
