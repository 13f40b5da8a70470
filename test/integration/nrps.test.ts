// LMS services against the simulator: service tokens (cached, shared through the database, renewed
// after a 401), scopes an administrator removed (the teacher is told which feature is off and why),
// and the course roster from NRPS (every page, each member once, Schoology's page cap, no NRPS).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RosterCacheModel } from '../../server/roster/roster.model.js';
import { getRoster } from '../../server/roster/roster.service.js';
import type { LaunchContext } from '../../server/auth/session.js';
import { registerLmsPlatform, SCOPES, TOOL_SCOPES } from '../../server/lti/registration.js';
import {
  forgetServiceTokenMemory, getServiceGrant, getServiceToken, PlatformServicesModel, serviceStatus, ServiceTokenModel,
} from '../../server/lti/service-token.js';
import type { RunningTool } from '../../server/main.js';
import { createPlatform, driveLaunch, type DemoUser, type Platform } from '../platform/index.js';
import { startTestTool } from '../support/tool.js';

let tool: RunningTool;

const sessionIn = (html: string) => /session="([^"]+)"/.exec(html)?.[1];

interface Rig { platform: Platform; teacher: LaunchContext; token: string }

async function rig(family: 'moodle' | 'canvas' | 'schoology', o: { extraStudents?: number; includeNrps?: boolean; courseTitle?: string } = {}): Promise<Rig> {
  const platform = createPlatform({ toolUrl: tool.url, productFamily: family, courseTitle: o.courseTitle });
  for (let i = 0; i < (o.extraStudents ?? 0); i++) {
    platform.users.push({
      id: `x${3000 + i}`, name: `Student ${i}`, givenName: 'Student', familyName: String(i), email: `s${i}@example.edu`,
      roles: ['http://purl.imsglobal.org/vocab/lis/v2/membership#Learner'], roleLabel: 'Student',
    } satisfies DemoUser);
  }
  await platform.start();
  const r = platform.registration();
  await registerLmsPlatform(tool.app.lti, {
    issuer: r.issuer, clientId: r.clientId, deploymentIds: [r.deploymentId], authEndpoint: r.authenticationEndpoint,
    tokenEndpoint: r.accesstokenEndpoint, jwksUrl: r.keysetUrl, productFamily: family, scopes: TOOL_SCOPES, registeredVia: 'manual',
  });
  const teacherUser = platform.users.find((u) => u.roleLabel === 'Teacher')!;
  const { toolResponse } = await driveLaunch(platform, { userId: teacherUser.id, includeNrps: o.includeNrps ?? true });
  expect(toolResponse.status).toBe(200);
  const token = sessionIn(await toolResponse.text())!;
  return { platform, token, teacher: await tool.app.sessions.verify(token) };
}

/** Counts the roster page requests the LMS receives (each queued pass-through fault is used by one request). */
function countMembershipRequests(platform: Platform): () => number {
  const queued = 500;
  platform.faults.set('memberships', Array.from({ length: queued }, () => ({ delayMs: 1 })));
  return () => queued - (platform.state.faults.get('memberships')?.length ?? 0);
}

const platforms: Platform[] = [];
beforeAll(async () => { tool = await startTestTool(); });
afterAll(async () => {
  await Promise.all(platforms.map((p) => p.stop()));
  await tool?.stop();
});

describe('service tokens', () => {
  let moodle: Rig;
  beforeAll(async () => { moodle = await rig('moodle'); platforms.push(moodle.platform); });

  it('asks the LMS for a token once, then reuses it — also from another tool process through the database', async () => {
    const before = moodle.platform.received.tokenRequests.length;
    const first = await getServiceToken(moodle.teacher.tenantId, [SCOPES.score, SCOPES.lineItem]);
    const second = await getServiceToken(moodle.teacher.tenantId, [SCOPES.lineItem, SCOPES.score]);
    expect(second).toBe(first);
    expect(moodle.platform.received.tokenRequests.length).toBe(before + 1);
    const request = moodle.platform.received.tokenRequests.at(-1)!;
    expect(request.outcome).toBe('granted');
    expect(request.requestedScopes.sort()).toEqual([SCOPES.lineItem, SCOPES.score].sort());

    forgetServiceTokenMemory(); // as a second process would start: nothing in memory
    expect(await getServiceToken(moodle.teacher.tenantId, [SCOPES.score, SCOPES.lineItem])).toBe(first);
    expect(moodle.platform.received.tokenRequests.length).toBe(before + 1);
    // Stored sealed, never as the bearer token itself.
    const stored = await ServiceTokenModel.collection.find({}).toArray();
    expect(JSON.stringify(stored)).not.toContain(first);
  });

  it('gets a new token and retries once when the LMS answers 401 (a revoked token)', async () => {
    await getRoster(moodle.teacher.tenantId, moodle.teacher.courseId, { refresh: true });
    const before = moodle.platform.received.tokenRequests.length;
    moodle.platform.state.accessTokens.clear(); // the LMS forgets every token it issued
    const roster = await getRoster(moodle.teacher.tenantId, moodle.teacher.courseId, { refresh: true });
    expect(roster.available).toBe(true);
    expect(moodle.platform.received.tokenRequests.length).toBe(before + 1);
  });

  it('tells the teacher roster reading is off, and why, when an administrator removed its scope; grade passback stays on', async () => {
    const reg = moodle.platform.state.registrations.find((r) => r.clientId === moodle.platform.registration().clientId)!;
    const saved = [...reg.scopes];
    reg.scopes = reg.scopes.filter((s) => s !== SCOPES.membership);
    moodle.platform.state.accessTokens.clear(); // tokens issued before the change stop working too
    try {
      const roster = await getRoster(moodle.teacher.tenantId, moodle.teacher.courseId, { refresh: true });
      expect(roster.available).toBe(false);
      if (!roster.available) expect(roster.reason).toMatch(/roster/i);
      expect(moodle.platform.received.tokenRequests.at(-1)).toMatchObject({ outcome: 'refused', error: expect.stringContaining('none of the requested scopes') });

      const status = await serviceStatus(moodle.teacher.tenantId);
      expect(status.roster).toBe('off');
      expect(status.gradePassback).toBe('on');
      expect(status.reason).toMatch(/Reading the course roster is off/);
      expect(status.reason).toMatch(/Names and Role Provisioning/); // Moodle's own words for the setting

      // The teacher's page gets the same answer from the API.
      const api = await fetch(`${tool.url}/api/lms/services`, { headers: { authorization: `Bearer ${moodle.token}` } });
      expect(await api.json()).toMatchObject({ roster: 'off', gradePassback: 'on' });
      const rosterApi = await (await fetch(`${tool.url}/api/roster`, { headers: { authorization: `Bearer ${moodle.token}` } })).json();
      expect(rosterApi).toMatchObject({ available: false, members: [] });

      // No new token request while the refusal is fresh.
      const count = moodle.platform.received.tokenRequests.length;
      await getRoster(moodle.teacher.tenantId, moodle.teacher.courseId, { refresh: true });
      expect(moodle.platform.received.tokenRequests.length).toBe(count);
    } finally {
      reg.scopes = saved;
    }
    // The administrator allows it again: seen at the next check.
    for (const d of await PlatformServicesModel.find({}).lean()) {
      await PlatformServicesModel.updateOne({ _id: d._id }, { $set: { refused: d.refused.map((r) => ({ ...r, checkedAt: new Date(0) })) } });
    }
    const again = await getRoster(moodle.teacher.tenantId, moodle.teacher.courseId, { refresh: true });
    expect(again.available).toBe(true);
    expect((await serviceStatus(moodle.teacher.tenantId)).roster).toBe('on');
  });

  it('records a scope missing from a partly granted token as refused', async () => {
    const reg = moodle.platform.state.registrations.find((r) => r.clientId === moodle.platform.registration().clientId)!;
    const saved = [...reg.scopes];
    reg.scopes = reg.scopes.filter((s) => s !== SCOPES.score);
    try {
      const grant = await getServiceGrant(moodle.teacher.tenantId, [SCOPES.score, SCOPES.resultRead]);
      expect(grant.grantedScopes).toEqual([SCOPES.resultRead]);
      const status = await serviceStatus(moodle.teacher.tenantId);
      expect(status.gradePassback).toBe('off');
      expect(status.roster).toBe('on');
      expect(status.details.gradePassback?.why).toMatch(/without this permission/);
    } finally {
      reg.scopes = saved;
    }
  });
});

describe('course roster (NRPS)', () => {
  it('follows every page and lists each member once, with names and roles but no email', async () => {
    const m = await rig('moodle', { extraStudents: 4, courseTitle: 'Paged course' });
    platforms.push(m.platform);
    const count = countMembershipRequests(m.platform);
    const roster = await getRoster(m.teacher.tenantId, m.teacher.courseId, { pageSize: 2, refresh: true });
    expect(roster.available).toBe(true);
    if (!roster.available) return;
    const subs = roster.members.map((x) => x.sub);
    expect(subs.sort()).toEqual(m.platform.users.map((u) => u.id).sort());
    expect(new Set(subs).size).toBe(subs.length);
    expect(count()).toBe(Math.ceil(m.platform.users.length / 2));
    const diego = roster.members.find((x) => x.sub === 'u2002')!;
    expect(diego).toMatchObject({ name: 'Diego Hernández', roles: ['learner'], status: 'active' });
    expect(roster.members.find((x) => x.sub === 'u1001')!.roles).toContain('instructor');

    // Stored for a few minutes, without email addresses.
    const cached = await RosterCacheModel.collection.find({}).toArray();
    expect(JSON.stringify(cached)).not.toMatch(/@example\.edu|email/);
    const again = await getRoster(m.teacher.tenantId, m.teacher.courseId, { pageSize: 2 });
    expect(again.available && again.members).toHaveLength(m.platform.users.length);
    expect(count()).toBe(Math.ceil(m.platform.users.length / 2)); // from the cache: no new request

    // The teacher's API: display names and our person ids for those who launched.
    const api = await (await fetch(`${tool.url}/api/roster`, { headers: { authorization: `Bearer ${m.token}` } })).json();
    expect(api.available).toBe(true);
    expect(api.members).toHaveLength(m.platform.users.length);
    const me = api.members.find((x: { lmsUserId: string }) => x.lmsUserId === 'u1001');
    expect(me.personId).toBe(m.teacher.userId);
    expect(JSON.stringify(api)).not.toContain('@example.edu');
  });

  it('asks Schoology for at most 100 members per page and still gets everyone', async () => {
    const s = await rig('schoology', { extraStudents: 145 });
    platforms.push(s.platform);
    const count = countMembershipRequests(s.platform);
    const roster = await getRoster(s.teacher.tenantId, s.teacher.courseId, { pageSize: 1000, refresh: true });
    expect(roster.available && roster.members).toHaveLength(150);
    expect(count()).toBe(2);
  });

  it('takes a large course in one page from an LMS without that cap', async () => {
    const m = await rig('moodle', { extraStudents: 145, courseTitle: 'Big course' });
    platforms.push(m.platform);
    const count = countMembershipRequests(m.platform);
    const roster = await getRoster(m.teacher.tenantId, m.teacher.courseId, { refresh: true });
    expect(roster.available && roster.members).toHaveLength(150);
    expect(count()).toBe(1);
  });

  it('says the roster is unavailable, and why, when the LMS offers no NRPS for the course', async () => {
    const n = await rig('moodle', { includeNrps: false });
    platforms.push(n.platform);
    const roster = await getRoster(n.teacher.tenantId, n.teacher.courseId);
    expect(roster).toMatchObject({ available: false, reason: expect.stringMatching(/only students who have opened an assessment/i) });
    const api = await (await fetch(`${tool.url}/api/roster`, { headers: { authorization: `Bearer ${n.token}` } })).json();
    expect(api).toMatchObject({ available: false, members: [] });
  });

  it('keeps the roster from students', async () => {
    const m = platforms[0]!;
    const learner = m.users.find((u) => u.roleLabel === 'Student')!;
    const { toolResponse } = await driveLaunch(m, { userId: learner.id });
    const res = await fetch(`${tool.url}/api/roster`, { headers: { authorization: `Bearer ${sessionIn(await toolResponse.text())}` } });
    expect(res.status).toBe(403);
  });
});
