// Two LMSs registered side by side whose courses and people carry the very same LMS ids (same
// context id, same user ids): nothing one district stores is visible through the other's sessions —
// items, assessments, placements, attempts, roster, LMS service tokens.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LaunchContext } from '../../server/auth/session.js';
import { registerLmsPlatform, SCOPES, TOOL_SCOPES } from '../../server/lti/registration.js';
import { getServiceToken, serviceStatus } from '../../server/lti/service-token.js';
import type { RunningTool } from '../../server/main.js';
import { createPlatform, driveLaunch, type Platform } from '../platform/index.js';
import { startTestTool } from '../support/tool.js';

let tool: RunningTool;
let a: District;
let b: District;

interface Person { token: string; ctx: LaunchContext }
interface District { platform: Platform; teacher: Person; student: Person }

const sessionIn = (html: string) => /session="([^"]+)"/.exec(html)?.[1];

async function launch(p: Platform, role: 'Teacher' | 'Student'): Promise<Person> {
  const { toolResponse } = await driveLaunch(p, { userId: p.users.find((u) => u.roleLabel === role)!.id });
  expect(toolResponse.status).toBe(200);
  const token = sessionIn(await toolResponse.text())!;
  return { token, ctx: await tool.app.sessions.verify(token) };
}

async function district(family: 'moodle' | 'schoology', courseTitle: string): Promise<District> {
  const platform = createPlatform({ toolUrl: tool.url, productFamily: family, courseTitle });
  await platform.start();
  const r = platform.registration();
  await registerLmsPlatform(tool.app.lti, {
    issuer: r.issuer, clientId: r.clientId, deploymentIds: [r.deploymentId], authEndpoint: r.authenticationEndpoint,
    tokenEndpoint: r.accesstokenEndpoint, jwksUrl: r.keysetUrl, productFamily: family, scopes: TOOL_SCOPES, registeredVia: 'manual',
  });
  return { platform, teacher: await launch(platform, 'Teacher'), student: await launch(platform, 'Student') };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function call(who: Person, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${tool.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${who.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

beforeAll(async () => {
  tool = await startTestTool();
  a = await district('moodle', 'District A — Grade 7');
  b = await district('schoology', 'District B — Grade 7');
});
afterAll(async () => {
  await Promise.all([a?.platform.stop(), b?.platform.stop()]);
  await tool?.stop();
});

describe('two districts with the same LMS ids', () => {
  it('gives the same LMS user and course in each district records of its own', async () => {
    expect(a.platform.course.id).toBe(b.platform.course.id);
    expect(a.student.ctx.tenantId).not.toBe(b.student.ctx.tenantId);
    expect(a.student.ctx.userId).not.toBe(b.student.ctx.userId);
    expect(a.student.ctx.courseId).not.toBe(b.student.ctx.courseId);
    expect((await call(a.student, 'GET', '/api/session')).body.course.title).toBe('District A — Grade 7');
    expect((await call(b.student, 'GET', '/api/session')).body.course.title).toBe('District B — Grade 7');
  });

  it('never shows one district\'s items and assessments to the other', async () => {
    const item = await call(a.teacher, 'POST', '/api/items', {
      standards: ['7.RP.A.1'], difficulty: 0.1, stem: 'District A only: what is 6 ÷ 3?',
      interaction: { type: 'numeric', key: { value: 2 } }, feedback: { explanation: 'Six split into three groups is two.' }, shared: true,
    });
    expect(item.status, JSON.stringify(item.body)).toBe(201);
    expect((await call(a.teacher, 'GET', `/api/items/${item.body.id}`)).status).toBe(200);
    expect((await call(b.teacher, 'GET', `/api/items/${item.body.id}`)).status).toBe(404);
    expect((await call(b.teacher, 'PUT', `/api/items/${item.body.id}`, { standards: ['7.RP.A.1'], difficulty: 0.1, stem: 'taken over', interaction: { type: 'numeric', key: { value: 1 } }, feedback: { explanation: 'x' } })).status).toBe(404);
    const mine = await call(b.teacher, 'GET', '/api/items?owner=mine&limit=100');
    expect(mine.status).toBe(200);
    expect(JSON.stringify(mine.body)).not.toContain('District A only');

    const made = await call(a.teacher, 'POST', '/api/assessments', { title: 'District A diagnostic', grade: '7', kind: 'diagnostic', blueprint: [{ standard: '7.RP.A.1', items: 2 }] });
    expect(made.status).toBe(201);
    const id = made.body.assessments[0].id as string;
    expect((await call(b.teacher, 'GET', `/api/assessments/${id}`)).status).toBe(404);
    expect(JSON.stringify((await call(b.teacher, 'GET', '/api/assessments')).body)).not.toContain('District A diagnostic');
  });

  it('never lets the other district see or change a placement or its attempts', async () => {
    const made = await call(a.teacher, 'POST', '/api/assessments', { title: 'A placement test', grade: '7', kind: 'diagnostic', blueprint: [{ standard: '7.RP.A.2', items: 2 }] });
    const assessmentId = made.body.assessments[0].id as string;
    const placementId = a.teacher.ctx.placementId!;
    expect((await call(b.teacher, 'PUT', `/api/placements/${placementId}`, { assessmentId })).status).toBe(404);
    expect((await call(a.teacher, 'PUT', `/api/placements/${placementId}`, { assessmentId })).status).toBe(200);

    const attempt = await call(a.student, 'POST', '/api/attempts', {});
    expect([200, 201]).toContain(attempt.status);
    const attemptId = attempt.body.id as string;
    expect((await call(b.student, 'GET', `/api/attempts/${attemptId}`)).status).toBe(404);
    expect((await call(b.student, 'PUT', `/api/attempts/${attemptId}/flags`, { flags: [1] })).status).toBe(404);
    expect((await call(b.teacher, 'GET', `/api/attempts/${attemptId}/results`)).status).toBe(404);
    expect((await call(b.teacher, 'GET', `/api/placements/${placementId}/attempts`)).status).toBe(404);
    const own = await call(a.teacher, 'GET', `/api/placements/${placementId}/attempts`);
    expect(own.body.attempts.map((x: { id: string }) => x.id)).toContain(attemptId);
    // District B's own placement (same resource link id in its LMS) has none of them.
    const other = await call(b.teacher, 'GET', `/api/placements/${b.teacher.ctx.placementId}/attempts`);
    expect(other.status).toBe(200);
    expect(other.body.attempts).toEqual([]);
  });

  it('reads each district\'s roster from its own LMS, matched to its own people', async () => {
    const ra = await call(a.teacher, 'GET', '/api/roster');
    const rb = await call(b.teacher, 'GET', '/api/roster');
    expect(ra.body.available && rb.body.available).toBe(true);
    const personA = ra.body.members.find((m: { lmsUserId: string }) => m.lmsUserId === a.platform.users.find((u) => u.roleLabel === 'Student')!.id);
    const personB = rb.body.members.find((m: { lmsUserId: string }) => m.lmsUserId === b.platform.users.find((u) => u.roleLabel === 'Student')!.id);
    expect(personA.personId).toBe(a.student.ctx.userId);
    expect(personB.personId).toBe(b.student.ctx.userId);
  });

  it('asks each LMS for its own service tokens and keeps each LMS\'s refusals to itself', async () => {
    const [beforeA, beforeB] = [a.platform.received.tokenRequests.length, b.platform.received.tokenRequests.length];
    const ta = await getServiceToken(a.teacher.ctx.tenantId, [SCOPES.score]);
    expect(a.platform.received.tokenRequests.length).toBe(beforeA + 1);
    expect(b.platform.received.tokenRequests.length).toBe(beforeB);
    const tb = await getServiceToken(b.teacher.ctx.tenantId, [SCOPES.score]);
    expect(tb).not.toBe(ta);
    expect(b.platform.received.tokenRequests.length).toBe(beforeB + 1);

    const reg = b.platform.state.registrations[0]!;
    reg.scopes = reg.scopes.filter((s) => s !== SCOPES.resultRead);
    await expect(getServiceToken(b.teacher.ctx.tenantId, [SCOPES.resultRead])).rejects.toThrow(/refused/);
    const statusB = await serviceStatus(b.teacher.ctx.tenantId);
    expect(statusB.gradePassback).toBe('on'); // reading results is not what passback needs
    expect(await getServiceToken(a.teacher.ctx.tenantId, [SCOPES.resultRead])).toBeTruthy();
  });
});
