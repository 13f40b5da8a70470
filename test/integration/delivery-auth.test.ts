// Who may do what with an attempt: only its owner reads and writes it; teachers of the course read
// results but never answer for a student; everyone else (another student, another course, another
// LMS) is told it does not exist; learners cannot use the teacher's placement routes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningTool } from '../../server/main.js';
import { createTestTenant, sessionFor, type TestSession, type TestTenant } from '../support/session.js';
import { startTestTool } from '../support/tool.js';
import { apiCaller, leakedSecrets, RIGHT, seedAssessment } from './delivery.fixtures.js';

let tool: RunningTool;
let home: TestTenant;
let away: TestTenant;
const api = apiCaller(() => tool);

// One activity in course-1 of the home LMS; an owner with an attempt, and everyone else.
let owner: TestSession;
let classmate: TestSession;
let teacher: TestSession;
let otherCourseTeacher: TestSession;
let otherCourseStudent: TestSession;
let otherTenantStudent: TestSession;
let otherTenantTeacher: TestSession;
let attemptId: string;
let placementId: string;

beforeAll(async () => {
  tool = await startTestTool();
  home = await createTestTenant();
  away = await createTestTenant();
  const assessmentId = await seedAssessment(home.tenantId, { showCorrectAnswers: true });
  const link = { resourceLinkId: 'auth-link', contextId: 'course-1' };
  teacher = await sessionFor(tool, { tenant: home, roles: ['instructor'], assessmentId, ...link });
  owner = await sessionFor(tool, { tenant: home, roles: ['learner'], userName: 'Owner', ...link });
  classmate = await sessionFor(tool, { tenant: home, roles: ['learner'], ...link });
  otherCourseTeacher = await sessionFor(tool, { tenant: home, roles: ['instructor'], contextId: 'course-2', resourceLinkId: 'auth-link-2', assessmentId });
  otherCourseStudent = await sessionFor(tool, { tenant: home, roles: ['learner'], contextId: 'course-2', resourceLinkId: 'auth-link-2' });
  const awayAssessment = await seedAssessment(away.tenantId);
  otherTenantTeacher = await sessionFor(tool, { tenant: away, roles: ['instructor'], assessmentId: awayAssessment, ...link });
  otherTenantStudent = await sessionFor(tool, { tenant: away, roles: ['learner'], ...link });
  placementId = teacher.ctx.placementId!;
  const started = await api(owner, 'POST', '/attempts', {});
  expect(started.status).toBe(201);
  attemptId = started.body.id;
  expect((await api(owner, 'PUT', `/attempts/${attemptId}/responses/1`, { value: RIGHT[1], seq: 1 })).status).toBe(200);
});
afterAll(async () => { await tool?.stop(); });

const writes = (id: string) => [
  ['PUT', `/attempts/${id}/responses/1`, { value: { type: 'single', choice: 'c' }, seq: 9 }],
  ['PUT', `/attempts/${id}/flags`, { flags: [1] }],
  ['POST', `/attempts/${id}/submit`, {}],
] as const;
const reads = (id: string) => [['GET', `/attempts/${id}`], ['GET', `/attempts/${id}/results`]] as const;

describe('an attempt id guessed by someone else', () => {
  it('does not exist for another student of the same course, another course or another LMS', async () => {
    for (const who of [classmate, otherCourseStudent, otherTenantStudent, otherCourseTeacher, otherTenantTeacher]) {
      for (const [method, path, body] of [...writes(attemptId), ...reads(attemptId)]) {
        const r = await api(who, method, path, body);
        expect(r.status, `${method} ${path}`).toBe(404);
        expect(r.text).not.toContain('Owner');
      }
    }
    // Nothing they sent reached the attempt.
    const mine = await api(owner, 'GET', `/attempts/${attemptId}`);
    expect(mine.body.status).toBe('in-progress');
    expect(mine.body.responses).toEqual({ 1: { value: RIGHT[1], seq: 1 } });
    expect(mine.body.flags).toEqual([]);
  });

  it('treats malformed and unknown ids the same way', async () => {
    for (const id of ['nope', '000000000000000000000000', `${attemptId}x`]) {
      expect((await api(owner, 'GET', `/attempts/${id}`)).status).toBe(404);
      expect((await api(owner, 'PUT', `/attempts/${id}/responses/1`, { value: RIGHT[1], seq: 2 })).status).toBe(404);
    }
  });

  it('needs a session at all', async () => {
    expect((await api(undefined, 'POST', '/attempts', {})).status).toBe(401);
    expect((await api(undefined, 'GET', `/attempts/${attemptId}`)).status).toBe(401);
    expect((await api(undefined, 'GET', `/placements/${placementId}/attempts`)).status).toBe(401);
  });
});

describe('the teacher of the course', () => {
  it('cannot answer, flag or submit for a student, nor read the attempt in progress', async () => {
    for (const [method, path, body] of writes(attemptId)) {
      const r = await api(teacher, method, path, body);
      expect(r.status, `${method} ${path}`).toBe(403);
      expect(r.body.detail).toMatch(/cannot answer or submit/);
    }
    expect((await api(teacher, 'GET', `/attempts/${attemptId}`)).status).toBe(403);
    expect((await api(teacher, 'GET', `/attempts/${attemptId}/results`)).status).toBe(409);
  });
});

describe('results', () => {
  it('are not readable by the owner before submitting, and then readable by the owner and the teacher only', async () => {
    const early = await api(owner, 'GET', `/attempts/${attemptId}/results`);
    expect(early.status).toBe(409);
    expect(early.body.detail).toMatch(/once the attempt is submitted/);
    expect(leakedSecrets([early, await api(owner, 'GET', `/attempts/${attemptId}`)])).toEqual([]);

    const done = await api(owner, 'POST', `/attempts/${attemptId}/submit`, {});
    expect(done.status).toBe(200);
    expect(done.body.results.items).toHaveLength(5); // this assessment shows answers after submitting
    const byTeacher = await api(teacher, 'GET', `/attempts/${attemptId}/results`);
    expect(byTeacher.status).toBe(200);
    expect(byTeacher.body.score).toBe(done.body.results.score);
    for (const who of [classmate, otherCourseTeacher, otherTenantTeacher, otherTenantStudent]) {
      expect((await api(who, 'GET', `/attempts/${attemptId}/results`)).status).toBe(404);
    }
  });
});

describe('teacher routes', () => {
  it('refuse learners with 403', async () => {
    const r = [
      await api(owner, 'GET', `/placements/${placementId}/attempts`),
      await api(owner, 'PUT', `/placements/${placementId}`, { assessmentId: 'x' }),
      await api(owner, 'PUT', `/placements/${placementId}/accommodations/${owner.ctx.userId}`, { timeMultiplier: null, readAloud: true }),
    ];
    expect(r.map((x) => x.status)).toEqual([403, 403, 403]);
  });

  it('do not find another course\'s or another LMS\'s placement', async () => {
    for (const who of [otherCourseTeacher, otherTenantTeacher]) {
      const r = [
        await api(who, 'GET', `/placements/${placementId}/attempts`),
        await api(who, 'PUT', `/placements/${placementId}`, { assessmentId: 'x' }),
        await api(who, 'PUT', `/placements/${placementId}/accommodations/${owner.ctx.userId}`, { timeMultiplier: 2, readAloud: false }),
      ];
      expect(r.map((x) => x.status)).toEqual([404, 404, 404]);
    }
    expect((await api(teacher, 'GET', '/placements/not-an-id/attempts')).status).toBe(404);
  });

  it('do not set accommodations for a person of another LMS', async () => {
    const r = await api(teacher, 'PUT', `/placements/${placementId}/accommodations/${otherTenantStudent.ctx.userId}`, { timeMultiplier: 2, readAloud: false });
    expect(r.status).toBe(404);
  });

  it('list the course\'s attempts for its teacher', async () => {
    const r = await api(teacher, 'GET', `/placements/${placementId}/attempts`);
    expect(r.status).toBe(200);
    expect(r.body.attempts).toEqual([expect.objectContaining({ id: attemptId, student: { id: owner.ctx.userId, displayName: 'Owner' }, status: 'submitted', score: 1 })]);
  });
});
