// Who may see the dashboard: staff of the placement's course only. Learners are refused every teacher route; a
// teacher of another course or another LMS (tenant) finds nothing there; a teacher never sees another course's
// students; a student sees only their own progress.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningTool } from '../../server/main.js';
import { createTestTenant, sessionFor, type TestSession, type TestTenant } from '../support/session.js';
import { startTestTool } from '../support/tool.js';
import { apiCaller, RIGHT, seedAssessment, WRONG } from './delivery.fixtures.js';

let tool: RunningTool;
let tenant: TestTenant;
let otherTenant: TestTenant;
const api = apiCaller(() => tool);

let teacher: TestSession;
let learner: TestSession;
let otherTeacher: TestSession;      // same tenant, another course
let otherLearner: TestSession;      // a student of that other course
let foreignTeacher: TestSession;    // another tenant, a course with the same LMS context id
let placementId: string;

async function submit(s: TestSession, answers: Record<number, unknown>): Promise<void> {
  const { body: a } = await api(s, 'POST', '/attempts', {});
  for (const [p, value] of Object.entries(answers)) await api(s, 'PUT', `/attempts/${a.id}/responses/${p}`, { value, seq: 1 });
  expect((await api(s, 'POST', `/attempts/${a.id}/submit`, {})).status).toBe(200);
}

beforeAll(async () => {
  tool = await startTestTool();
  tenant = await createTestTenant();
  otherTenant = await createTestTenant();
  const assessmentId = await seedAssessment(tenant.tenantId);
  teacher = await sessionFor(tool, { tenant, roles: ['instructor'], contextId: 'authz-course', resourceLinkId: 'authz-link', assessmentId, userName: 'Ms Rivera' });
  placementId = teacher.ctx.placementId!;
  learner = await sessionFor(tool, { tenant, roles: ['learner'], contextId: 'authz-course', resourceLinkId: 'authz-link', userSub: 'authz-ana', userName: 'Ana Course-One' });
  await submit(learner, RIGHT);

  const otherAssessment = await seedAssessment(tenant.tenantId);
  otherTeacher = await sessionFor(tool, { tenant, roles: ['instructor'], contextId: 'authz-other-course', resourceLinkId: 'authz-other-link', assessmentId: otherAssessment });
  otherLearner = await sessionFor(tool, { tenant, roles: ['learner'], contextId: 'authz-other-course', resourceLinkId: 'authz-other-link', userName: 'Oscar Course-Two' });
  await submit(otherLearner, WRONG);

  foreignTeacher = await sessionFor(tool, { tenant: otherTenant, roles: ['instructor'], contextId: 'authz-course', resourceLinkId: 'authz-link' });
}, 120_000);
afterAll(async () => { await tool?.stop(); });

/** Every teacher route of a placement, with a valid body. */
function teacherRoutes(placement: string, personId: string): [string, string, unknown?][] {
  return [
    ['GET', `/placements/${placement}/dashboard`],
    ['GET', `/placements/${placement}/students/${personId}`],
    ['GET', `/placements/${placement}/export.csv`],
    ['POST', `/placements/${placement}/groups`, { groupSize: 2 }],
    ['PUT', `/placements/${placement}/groups`, { groups: [{ studentIds: [personId], reteach: [], practiceItemIds: [] }] }],
  ];
}

async function call(s: TestSession | undefined, [method, path, body]: [string, string, unknown?]) {
  const res = await fetch(`${tool.url}/api${path}`, {
    method, headers: { ...(s?.auth ?? {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, text: await res.text() };
}

describe('teacher routes', () => {
  it('answer the course\'s teacher (and a teaching assistant)', async () => {
    const ta = await sessionFor(tool, { tenant, roles: ['teaching-assistant'], contextId: 'authz-course', resourceLinkId: 'authz-link' });
    for (const s of [teacher, ta]) {
      for (const route of teacherRoutes(placementId, learner.ctx.userId)) {
        const r = await call(s, route);
        expect(r.status, `${route[0]} ${route[1]}: ${r.text}`).toBe(200);
      }
    }
  });

  it('refuse a learner with 403 on every one, even in their own course', async () => {
    for (const route of teacherRoutes(placementId, learner.ctx.userId)) {
      const r = await call(learner, route);
      expect(r.status, `${route[0]} ${route[1]}`).toBe(403);
      expect(r.text).not.toContain('Ana Course-One');
    }
    const mentor = await sessionFor(tool, { tenant, roles: ['mentor'], contextId: 'authz-course', resourceLinkId: 'authz-link' });
    expect((await call(mentor, teacherRoutes(placementId, learner.ctx.userId)[0]!)).status).toBe(403);
  });

  it('ask for a session first', async () => {
    for (const route of teacherRoutes(placementId, learner.ctx.userId)) expect((await call(undefined, route)).status, route[1]).toBe(401);
  });

  it('find nothing for a teacher of another course or another LMS, and say nothing about what exists', async () => {
    for (const s of [otherTeacher, foreignTeacher]) {
      for (const route of teacherRoutes(placementId, learner.ctx.userId)) {
        const r = await call(s, route);
        expect(r.status, `${route[0]} ${route[1]}`).toBe(404);
        expect(r.text).not.toContain('Ana Course-One');
      }
    }
    const bogus = await call(teacher, ['GET', '/placements/not-an-id/dashboard']);
    expect(bogus.status).toBe(404);
    const unknown = await call(teacher, ['GET', '/placements/0123456789abcdef01234567/dashboard']);
    expect(unknown.status).toBe(404);
  });
});

describe('a teacher sees only their own course\'s students', () => {
  it('lists no student of another course on the dashboard, in the export or in groups', async () => {
    const d = await api(teacher, 'GET', `/placements/${placementId}/dashboard`);
    expect(d.body.completion.students.map((s: { displayName: string }) => s.displayName)).toEqual(['Ana Course-One']);
    expect(d.text).not.toContain(otherLearner.ctx.userId);
    const csv = await call(teacher, ['GET', `/placements/${placementId}/export.csv`]);
    expect(csv.text).toContain('Ana Course-One');
    expect(csv.text).not.toContain('Oscar');
    const groups = await api(teacher, 'POST', `/placements/${placementId}/groups`, {});
    expect(groups.text).not.toContain(otherLearner.ctx.userId);
  });

  it('cannot open another course\'s student, nor put one in a group', async () => {
    const r = await api(teacher, 'GET', `/placements/${placementId}/students/${otherLearner.ctx.userId}`);
    expect(r.status).toBe(404);
    expect(r.text).not.toContain('Oscar');
    const save = await api(teacher, 'PUT', `/placements/${placementId}/groups`, { groups: [{ studentIds: [otherLearner.ctx.userId], reteach: [], practiceItemIds: [] }] });
    expect(save.status).toBe(400);
    expect(save.body.errors[0]).toEqual({ field: 'groups.0.studentIds.0', message: 'not a student of this course' });
  });

  it('the other course\'s teacher sees their own student, not ours', async () => {
    const d = await api(otherTeacher, 'GET', `/placements/${otherTeacher.ctx.placementId}/dashboard`);
    expect(d.status).toBe(200);
    expect(d.body.completion.students.map((s: { displayName: string }) => s.displayName)).toEqual(['Oscar Course-Two']);
  });
});

describe('a student\'s own progress', () => {
  it('shows each student only their own mastery in their own course', async () => {
    const mine = await api(learner, 'GET', '/me/mastery');
    expect(mine.status).toBe(200);
    expect(mine.body.student.id).toBe(learner.ctx.userId);
    expect(mine.body.standards.length).toBeGreaterThan(0);
    expect(mine.text).not.toContain(otherLearner.ctx.userId);
    expect(mine.text).not.toContain('Oscar');

    const theirs = await api(otherLearner, 'GET', '/me/mastery');
    expect(theirs.body.student.id).toBe(otherLearner.ctx.userId);
    expect(theirs.text).not.toContain(learner.ctx.userId);
    expect(theirs.text).not.toContain('Ana Course-One');
    // The same person in another course of the same LMS has no progress there.
    const elsewhere = await sessionFor(tool, { tenant, roles: ['learner'], contextId: 'authz-third-course', resourceLinkId: 'authz-third-link', userSub: 'authz-ana' });
    expect((await api(elsewhere, 'GET', '/me/mastery')).body.standards).toEqual([]);
  });

  it('takes no student id, so no one can ask for someone else\'s', async () => {
    const r = await api(learner, 'GET', `/me/mastery?personId=${otherLearner.ctx.userId}`);
    expect(r.body.student.id).toBe(learner.ctx.userId);
  });
});
