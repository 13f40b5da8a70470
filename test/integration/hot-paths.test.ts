// The hot paths look records up by _id (derived from natural keys), skip writes that change nothing and
// cache registrations (docs/performance.md). These tests pin what that must not change: records and
// attempts stored before ids were derived are still found, a launch still stores what the LMS changed,
// a login state works once, and a registration or removal takes effect at once.
import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CourseModel, PersonModel } from '../../server/courses/course.model.js';
import { upsertCourse, upsertPerson } from '../../server/courses/course.service.js';
import { AttemptModel } from '../../server/delivery/attempt.model.js';
import { consumeLoginState, LoginStateModel, recordLoginState } from '../../server/lti/login-state.js';
import type { RunningTool } from '../../server/main.js';
import { PlacementModel } from '../../server/placements/placement.model.js';
import { upsertPlacement } from '../../server/placements/placement.service.js';
import { removePlatform } from '../../server/admin/platform-removal.js';
import { findPlatform } from '../../server/tenants/tenant.service.js';
import { createPlatform, type Platform } from '../platform/index.js';
import { launchWithCookies, registerSimulator } from '../support/lti.js';
import { createTestTenant, sessionFor, type TestTenant } from '../support/session.js';
import { startTestTool } from '../support/tool.js';
import { apiCaller, seedAssessment } from './delivery.fixtures.js';

let tool: RunningTool;
let tenant: TestTenant;
const platforms: Platform[] = [];
const api = apiCaller(() => tool);

beforeAll(async () => {
  tool = await startTestTool();
  tenant = await createTestTenant();
});
afterAll(async () => {
  for (const p of platforms) await p.stop();
  await tool?.stop();
});

/** Gives a stored record a random ObjectId, as every record had before ids were derived from natural keys. */
async function makeLegacy(model: mongoose.Model<any>, id: string): Promise<string> {
  const doc = await model.collection.findOne({ _id: new mongoose.Types.ObjectId(id) });
  const legacyId = new mongoose.Types.ObjectId();
  await model.collection.deleteOne({ _id: new mongoose.Types.ObjectId(id) });
  await model.collection.insertOne({ ...doc, _id: legacyId });
  return String(legacyId);
}

describe('attempts stored before attempt ids were derived', () => {
  it('resumes such an attempt, counts it toward the limit, and starts the next one after it', async () => {
    const assessmentId = await seedAssessment(tenant.tenantId, { attemptsAllowed: 2 });
    const resourceLinkId = `legacy-attempts-${randomBytes(3).toString('hex')}`;
    await sessionFor(tool, { tenant, roles: ['instructor'], resourceLinkId, assessmentId });
    const me = await sessionFor(tool, { tenant, roles: ['learner'], resourceLinkId });

    const first = await api(me, 'POST', '/attempts', {});
    expect(first.status).toBe(201);
    const legacyId = await makeLegacy(AttemptModel, first.body.id);

    const resumed = await api(me, 'POST', '/attempts', {});
    expect(resumed.status).toBe(200);
    expect(resumed.body.id).toBe(legacyId);
    expect((await api(me, 'PUT', `/attempts/${legacyId}/responses/3`, { value: { type: 'numeric', text: '4' }, seq: 1 })).status).toBe(200);
    expect((await api(me, 'POST', `/attempts/${legacyId}/submit`, {})).status).toBe(200);

    const second = await api(me, 'POST', '/attempts', {});
    expect(second.status).toBe(201);
    expect(second.body.id).not.toBe(legacyId);
    expect((await api(me, 'POST', '/attempts', {})).body.id).toBe(second.body.id);
    expect((await api(me, 'POST', `/attempts/${second.body.id}/submit`, {})).status).toBe(200);

    const refused = await api(me, 'POST', '/attempts', {});
    expect(refused.status).toBe(409);
    expect(refused.body.attemptId).toBe(second.body.id);
    const numbers = (await AttemptModel.find({ tenantId: tenant.tenantId, personId: me.ctx.userId }, { number: 1 }).lean()).map((a) => a.number).sort();
    expect(numbers).toEqual([1, 2]);
  });
});

describe('what a launch records', () => {
  it('finds courses, people and activities stored before ids were derived, without making a second one', async () => {
    const contextId = `legacy-course-${randomBytes(3).toString('hex')}`;
    const course = await upsertCourse({ tenantId: tenant.tenantId, contextId, title: 'Grade 6 Math' });
    const person = await upsertPerson({ tenantId: tenant.tenantId, sub: `legacy-${contextId}`, name: 'Ada' });
    const placement = await upsertPlacement({ tenantId: tenant.tenantId, courseId: course.id, resourceLinkId: `link-${contextId}`, title: 'Unit 1' });
    const legacy = {
      course: await makeLegacy(CourseModel, course.id),
      person: await makeLegacy(PersonModel, person.id),
      placement: await makeLegacy(PlacementModel, placement.id),
    };

    expect((await upsertCourse({ tenantId: tenant.tenantId, contextId, title: 'Grade 6 Math (renamed)' })).id).toBe(legacy.course);
    expect((await upsertPerson({ tenantId: tenant.tenantId, sub: `legacy-${contextId}`, name: 'Ada' })).id).toBe(legacy.person);
    expect((await upsertPlacement({ tenantId: tenant.tenantId, courseId: course.id, resourceLinkId: `link-${contextId}`, title: 'Unit 1' })).id).toBe(legacy.placement);
    expect(await CourseModel.countDocuments({ tenantId: tenant.tenantId, contextId })).toBe(1);
    expect((await CourseModel.findById(legacy.course).lean())?.title).toBe('Grade 6 Math (renamed)');
  });

  it('stores what the LMS changed, and leaves an unchanged record as it was', async () => {
    const contextId = `changes-${randomBytes(3).toString('hex')}`;
    const c1 = await upsertCourse({ tenantId: tenant.tenantId, contextId, title: 'Algebra', agsScopes: ['a', 'b'] });
    const stored = await CourseModel.findById(c1.id).lean();
    await new Promise((r) => setTimeout(r, 5));
    await upsertCourse({ tenantId: tenant.tenantId, contextId, title: 'Algebra', agsScopes: ['a', 'b'] });
    expect((await CourseModel.findById(c1.id).lean())?.updatedAt).toEqual(stored?.updatedAt);

    const c2 = await upsertCourse({ tenantId: tenant.tenantId, contextId, title: 'Algebra I', lineItemsUrl: 'https://lms.example/li' });
    expect(c2).toEqual({ id: c1.id, title: 'Algebra I' });
    expect(await CourseModel.findById(c1.id).lean()).toMatchObject({ title: 'Algebra I', lineItemsUrl: 'https://lms.example/li', agsScopes: ['a', 'b'] });

    const p1 = await upsertPerson({ tenantId: tenant.tenantId, sub: `s-${contextId}` });
    expect(p1.displayName).toMatch(/^Student /);
    expect(await upsertPerson({ tenantId: tenant.tenantId, sub: `s-${contextId}`, name: 'Grace' })).toEqual({ id: p1.id, displayName: 'Grace' });
    expect(await upsertPerson({ tenantId: tenant.tenantId, sub: `s-${contextId}` })).toEqual({ id: p1.id, displayName: 'Grace' });

    const l1 = await upsertPlacement({ tenantId: tenant.tenantId, courseId: c1.id, resourceLinkId: `l-${contextId}`, title: 'Quiz', assessmentId: 'starter-g7-rp-pre' });
    const l2 = await upsertPlacement({ tenantId: tenant.tenantId, courseId: c1.id, resourceLinkId: `l-${contextId}`, title: 'Quiz 1', lineItemUrl: 'https://lms.example/li/1' });
    expect(l2).toEqual({ id: l1.id, title: 'Quiz 1', assessmentId: 'starter-g7-rp-pre' });
    expect(await PlacementModel.findById(l1.id).lean()).toMatchObject({ title: 'Quiz 1', lineItemUrl: 'https://lms.example/li/1' });
  });

  it('records a person once when two first launches arrive at the same moment', async () => {
    const sub = `race-${randomBytes(3).toString('hex')}`;
    const ids = await Promise.all(Array.from({ length: 5 }, () => upsertPerson({ tenantId: tenant.tenantId, sub, name: 'Lin' })));
    expect(new Set(ids.map((p) => p.id)).size).toBe(1);
    expect(await PersonModel.countDocuments({ tenantId: tenant.tenantId, sub })).toBe(1);
  });
});

describe('login states', () => {
  it('lets a state be used once, including one recorded before states were stored by their own value', async () => {
    const state = randomBytes(12).toString('hex');
    await recordLoginState({ state, nonce: 'n1', issuer: 'https://lms.example', clientId: 'c' });
    expect(await consumeLoginState(state)).toMatchObject({ ok: true, nonce: 'n1' });
    expect(await consumeLoginState(state)).toEqual({ ok: false, reason: 'replayed-state' });

    const old = randomBytes(12).toString('hex');
    const now = new Date();
    await LoginStateModel.collection.insertOne({
      state: old, nonce: 'n2', issuer: 'https://lms.example', clientId: 'c', createdAt: now, expiresAt: new Date(now.getTime() + 60_000), usedAt: null,
    });
    expect(await consumeLoginState(old)).toMatchObject({ ok: true, nonce: 'n2' });
    expect(await consumeLoginState(old)).toEqual({ ok: false, reason: 'replayed-state' });
    expect(await consumeLoginState(randomBytes(12).toString('hex'))).toEqual({ ok: false, reason: 'unknown-state' });
  });
});

describe('registrations', () => {
  it('launches from an LMS as soon as it is registered, and refuses it as soon as it is removed', async () => {
    const p = createPlatform({ toolUrl: tool.url, productFamily: 'moodle' });
    platforms.push(p);
    await p.start();
    const student = p.state.users.find((u) => u.roles.some((r) => r.endsWith('#Learner')))!;
    const login = () => fetch(p.loginInitiationUrl({ userId: student.id }), { redirect: 'manual' });

    expect((await login()).status).toBe(403);
    await registerSimulator(tool, p);
    expect((await launchWithCookies(p, { userId: student.id })).toolResponse.status).toBe(200);

    const r = p.registration();
    expect(await findPlatform(r.issuer, r.clientId)).not.toBeNull();
    await removePlatform(tool.app.lti, r.issuer, r.clientId);
    expect(await findPlatform(r.issuer, r.clientId)).toBeNull();
    expect((await login()).status).toBe(403);
  });
});
