// Grade passback against the LMS simulator (Moodle flavour: every AGS URL carries ?type_id=): the score
// of a submitted attempt reaches the gradebook with the right payload; a gradebook column is found or
// created when the launch named none; 500s, 429s and a hanging LMS delay scores but never lose or
// duplicate one; a newer score always wins; permanent refusals are shown to the teacher and can be
// resent. (A thousand queued scores: grades-volume.test.ts; a tool restart: grades-restart.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { upsertCourse, upsertPerson } from '../../server/courses/course.service.js';
import { queueScore, type ScoreToQueue } from '../../server/grades/outbox.service.js';
import { upsertPlacement } from '../../server/placements/placement.service.js';
import type { RunningTool } from '../../server/main.js';
import { createLineItem } from '../platform/ags.js';
import { createPlatform, type DemoUser, type Platform, type ScoreRecord } from '../platform/index.js';
import { apiCaller, RIGHT, seedAssessment, WRONG } from './delivery.fixtures.js';
import { extraStudent, FAST_GRADES_ENV, launch as launchAs, launchAll as launchAllAs, registerByHand, startToolWithGradebook, waitFor, type Launched } from './grades.fixtures.js';

Object.assign(process.env, FAST_GRADES_ENV);

let tool: RunningTool;
let platform: Platform;
const api = apiCaller(() => tool);

beforeAll(async () => {
  ({ tool, lms: platform } = await startToolWithGradebook('moodle'));
});
afterAll(async () => {
  await platform?.stop();
  await tool?.stop();
});

const launch = (userId: string, resourceLinkId?: string) => launchAs(platform, userId, resourceLinkId);
const launchAll = (users: DemoUser[], link: string) => launchAllAs(platform, users, link);
const students = () => platform.users.filter((u) => u.roleLabel === 'Student');
const teacher = () => platform.users.find((u) => u.roleLabel === 'Teacher')!;

let links = 0;
/** A new activity in the LMS course; graded ones get their own gradebook column, as a teacher ticking "graded" would. */
function activity(graded: boolean): string {
  const p = platform.addPlacement({ title: `Check ${++links}`, resourceLinkId: `grades-link-${links}`, ...(graded ? { lineItem: { scoreMaximum: 100 } } : {}) });
  return p.resourceLinkId;
}

function score(l: Launched, o: Partial<ScoreToQueue> & { at: Date }): ScoreToQueue {
  return {
    tenantId: l.tenantId, courseId: l.courseId, placementId: l.placementId, personId: l.personId,
    attemptId: o.attemptId ?? `attempt-${randomBytes(3).toString('hex')}`, scoreGiven: o.scoreGiven ?? 7, scoreMaximum: o.scoreMaximum ?? 10,
    timestamp: o.at, comment: o.comment ?? 'Growthline mastery by standard — got it: 7.RP.A.1',
  };
}

/** A staff session for records made without a launch. */
async function sessionFor(tenantId: string, courseId: string, placementId: string): Promise<Launched> {
  const teacherId = (await upsertPerson({ tenantId, sub: 'teacher-by-hand' })).id;
  const token = await tool.app.sessions.issue({ tenantId, platformId: 'p', userId: teacherId, roles: ['instructor'], courseId, placementId, kind: 'resource-link', locale: 'en' });
  return { token, auth: { authorization: `Bearer ${token}` }, tenantId, courseId, personId: teacherId, placementId };
}

const lineItemOf = (resourceLinkId: string) => platform.received.lineItems.filter((li) => li.resourceLinkId === resourceLinkId);
const scoresFor = (lineItemId: string, userId: string): ScoreRecord[] => platform.received.scores.filter((s) => s.lineItemId === lineItemId && s.userId === userId);

async function gradesOf(placementId: string, staff: Launched) {
  const r = await api({ auth: staff.auth } as never, 'GET', `/placements/${placementId}/grades`);
  expect(r.status).toBe(200);
  return r.body.grades as Array<{ student: { id: string; displayName: string }; status: string; tries: number; lastError: string | null; sentAt: string | null; scoreGiven: number }>;
}

describe('a submitted attempt reaches the LMS gradebook', () => {
  it('sends the student\'s LMS id, the score, Completed and FullyGraded, the submission time and a per-standard comment', async () => {
    const link = activity(true);
    const staff = await launch(teacher().id, link);
    const assessmentId = await seedAssessment(staff.tenantId);
    expect((await api({ auth: staff.auth } as never, 'PUT', `/placements/${staff.placementId}`, { assessmentId })).status).toBe(200);

    const student = students()[0]!;
    const me = await launch(student.id, link);
    const started = await api({ auth: me.auth } as never, 'POST', '/attempts', {});
    expect(started.status).toBe(201);
    // Everything right on 7.RP.A.1 (positions 1–3), everything wrong on 7.EE.A.1 (4–5).
    for (const p of [1, 2, 3]) await api({ auth: me.auth } as never, 'PUT', `/attempts/${started.body.id}/responses/${p}`, { value: RIGHT[p], seq: 1 });
    for (const p of [4, 5]) await api({ auth: me.auth } as never, 'PUT', `/attempts/${started.body.id}/responses/${p}`, { value: WRONG[p], seq: 1 });
    const submitted = await api({ auth: me.auth } as never, 'POST', `/attempts/${started.body.id}/submit`, {});
    expect(submitted.status).toBe(200);
    const results = submitted.body.results;

    const [column] = lineItemOf(link);
    const [sent] = await waitFor('the score in the gradebook', () => scoresFor(column!.id, student.id).length === 1 && scoresFor(column!.id, student.id));
    expect(sent).toMatchObject({
      userId: student.id, scoreGiven: results.score, scoreMaximum: results.maxScore,
      activityProgress: 'Completed', gradingProgress: 'FullyGraded', ignored: false,
    });
    expect(Date.parse(sent!.timestamp)).toBe(Date.parse(results.submittedAt));
    expect(sent!.comment).toBe('Growthline mastery by standard — got it: 7.RP.A.1; not yet: 7.EE.A.1');
    // Nothing that identifies the student beyond the LMS's own id.
    expect(JSON.stringify(sent)).not.toContain(student.name);

    const grades = await waitFor('sent status', async () => {
      const g = await gradesOf(staff.placementId, staff);
      return g[0]?.status === 'sent' && g;
    });
    expect(grades).toEqual([expect.objectContaining({
      student: { id: me.personId, displayName: student.name }, status: 'sent', tries: 1, lastError: null, scoreGiven: results.score,
    })]);
    expect(Date.parse(grades[0]!.sentAt!)).toBeGreaterThan(0);
  });
});

describe('grade passback independent of the launch', () => {
  it('delivers a score after every ltijs launch record is gone, from the stored registration alone', async () => {
    const link = activity(true);
    const staff = await launch(teacher().id, link);
    const assessmentId = await seedAssessment(staff.tenantId);
    expect((await api({ auth: staff.auth } as never, 'PUT', `/placements/${staff.placementId}`, { assessmentId })).status).toBe(200);
    const student = students()[1]!;
    const me = await launch(student.id, link);
    // The LMS is down at first, so the score is still waiting when the launch records disappear.
    platform.faults.set('scores', [{ status: 503 }, { status: 503 }]);
    const started = await api({ auth: me.auth } as never, 'POST', '/attempts', {});
    for (const p of [1, 2, 3]) await api({ auth: me.auth } as never, 'PUT', `/attempts/${started.body.id}/responses/${p}`, { value: RIGHT[p], seq: 1 });
    expect((await api({ auth: me.auth } as never, 'POST', `/attempts/${started.body.id}/submit`, {})).status).toBe(200);

    // What ltijs keeps of launches (id tokens, context tokens, its access tokens, nonces, states)
    // and our own login states: all gone, as they would be days later.
    const db = mongoose.connection.db!;
    for (const c of ['idtokens', 'contexttokens', 'accesstokens', 'nonces', 'states', 'lti_login_states']) await db.collection(c).deleteMany({});
    expect(await db.collection('idtokens').countDocuments()).toBe(0);

    const [column] = lineItemOf(link);
    const [sent] = await waitFor('the score in the gradebook', () => scoresFor(column!.id, student.id).length === 1 && scoresFor(column!.id, student.id));
    expect(sent).toMatchObject({ userId: student.id, activityProgress: 'Completed', gradingProgress: 'FullyGraded' });
    platform.faults.clear();
  });
});

describe('LMS differences', () => {
  it('takes Canvas\'s answer to a score (200 with a result URL) as delivered', async () => {
    const canvas = createPlatform({ toolUrl: tool.url, productFamily: 'canvas' });
    await canvas.start();
    try {
      const tenantId = await registerByHand(tool, canvas);
      // Canvas launches go through platform storage, which the launch driver does not speak: record
      // what such a launch records, through the same services.
      const column = canvas.received.lineItems[0]!;
      const course = await upsertCourse({ tenantId, contextId: canvas.course.id, title: canvas.course.title });
      const student = canvas.users.find((u) => u.roleLabel === 'Student')!;
      const person = await upsertPerson({ tenantId, sub: student.id, name: student.name });
      const placement = await upsertPlacement({ tenantId, courseId: course.id, resourceLinkId: canvas.placements[0]!.resourceLinkId, lineItemUrl: column.id });
      await queueScore({ tenantId, courseId: course.id, placementId: placement.id, personId: person.id, attemptId: 'c1', scoreGiven: 3, scoreMaximum: 4, timestamp: new Date() });
      await waitFor('the score in Canvas', () => canvas.received.scores.some((s) => s.userId === student.id && s.lineItemId === column.id));
      const staff = await sessionFor(tenantId, course.id, placement.id);
      const grades = await waitFor('sent', async () => {
        const g = await gradesOf(placement.id, staff);
        return g[0]?.status === 'sent' && g;
      });
      expect(grades[0]).toMatchObject({ tries: 1, lastError: null });
    } finally {
      await canvas.stop();
    }
  });
});

describe('gradebook columns', () => {
  it('creates one column for an activity whose launch named none, and sends every student\'s score to it', async () => {
    const link = activity(false);
    const launched = await launchAll(students(), link);
    expect(lineItemOf(link)).toEqual([]);
    const at = new Date();
    await Promise.all(launched.map((l, i) => queueScore(score(l, { at, scoreGiven: i + 1 }))));

    await waitFor('three scores', () => platform.received.scores.filter((s) => lineItemOf(link)[0]?.id === s.lineItemId).length === 3);
    const columns = lineItemOf(link);
    expect(columns).toHaveLength(1);
    expect(columns[0]).toMatchObject({ resourceLinkId: link, tag: 'growthline', label: `Check ${links}`, scoreMaximum: 100 });
    for (const [i, s] of students().entries()) expect(scoresFor(columns[0]!.id, s.id).map((r) => r.scoreGiven)).toEqual([i + 1]);
  });

  it('finds the column it made before, among several for the activity, instead of making another', async () => {
    const link = activity(false);
    const ours = createLineItem(platform.state, { label: 'Check (Growthline)', scoreMaximum: 100, resourceLinkId: link, tag: 'growthline' });
    createLineItem(platform.state, { label: 'Participation', scoreMaximum: 5, resourceLinkId: link, tag: 'participation' });
    const l = await launch(students()[1]!.id, link); // two columns: the launch names neither
    const before = platform.received.lineItems.length;
    await queueScore(score(l, { at: new Date() }));

    await waitFor('the score', () => scoresFor(ours.id, students()[1]!.id).length === 1);
    expect(platform.received.lineItems.length).toBe(before);
  });
});

describe('an unreliable LMS', () => {
  it('rides out 500s, a 429 with Retry-After and a hanging LMS, and every score arrives exactly once', async () => {
    const link = activity(true);
    const launched = await launchAll(students(), link);
    platform.faults.set('scores', [
      { status: 500 }, { status: 503 }, { status: 429, retryAfterSeconds: 1 }, { delayMs: 1500 }, { status: 502 },
      { dropConnection: true }, { delayMs: 1500 }, { status: 500 },
    ]);
    const at = new Date();
    const started = Date.now();
    await Promise.all(launched.map((l) => queueScore(score(l, { at }))));
    const column = lineItemOf(link)[0]!;

    await waitFor('every score', () => students().every((s) => scoresFor(column.id, s.id).length >= 1), 30_000);
    expect(platform.state.faults.get('scores')).toEqual([]);
    // A timed-out request the LMS finishes later must not show up as a second copy.
    await new Promise((r) => setTimeout(r, 1800));
    for (const s of students()) {
      const got = scoresFor(column.id, s.id);
      expect(got).toHaveLength(1);
      expect(got[0]).toMatchObject({ ignored: false, timestamp: at.toISOString() });
    }
    // The 429 asked for a second: at least one score waited that long.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);

    const grades = await gradesOf(launched[0]!.placementId, await launch(teacher().id, link));
    expect(grades.map((g) => g.status)).toEqual(['sent', 'sent', 'sent']);
    expect(grades.reduce((n, g) => n + g.tries, 0)).toBeGreaterThan(3);
  }, 40_000);

  it('keeps the newest score: a newer attempt replaces one still waiting, and an older one arriving late is ignored', async () => {
    const link = activity(true);
    const student = students()[2]!;
    const l = await launch(student.id, link);
    const column = lineItemOf(link)[0]!;
    const t0 = new Date(Date.now() - 60_000);
    const t1 = new Date(Date.now() - 30_000);
    const t2 = new Date();

    platform.faults.set('scores', [{ status: 503 }, { status: 503 }, { status: 503 }]);
    expect(await queueScore(score(l, { at: t1, scoreGiven: 4, attemptId: 'first' }))).toBe('queued');
    expect(await queueScore(score(l, { at: t2, scoreGiven: 9, attemptId: 'second' }))).toBe('queued');
    expect(await queueScore(score(l, { at: t0, scoreGiven: 1, attemptId: 'stale' }))).toBe('kept-newer');
    expect(await queueScore(score(l, { at: t1, scoreGiven: 4, attemptId: 'first' }))).toBe('kept-newer');

    await waitFor('the newest score', () => scoresFor(column.id, student.id).some((s) => s.timestamp === t2.toISOString()));
    await new Promise((r) => setTimeout(r, 200));
    const got = scoresFor(column.id, student.id);
    expect(got.every((s) => !s.ignored)).toBe(true);
    expect(got.map((s) => s.scoreGiven)).not.toContain(1);
    expect(got.at(-1)).toMatchObject({ scoreGiven: 9, timestamp: t2.toISOString() });
    const times = got.map((s) => Date.parse(s.timestamp));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('gets a new access token when the LMS no longer accepts the old one, and the score still goes through', async () => {
    const link = activity(true);
    const student = students()[0]!;
    const l = await launch(student.id, link);
    await queueScore(score(l, { at: new Date(Date.now() - 1000) }));
    const column = lineItemOf(link)[0]!;
    await waitFor('first score', () => scoresFor(column.id, student.id).length === 1);

    const tokensBefore = platform.received.tokenRequests.filter((t) => t.outcome === 'granted').length;
    platform.state.accessTokens.clear(); // the LMS revokes every token
    await queueScore(score(l, { at: new Date(), scoreGiven: 10 }));
    await waitFor('second score', () => scoresFor(column.id, student.id).length === 2);
    expect(platform.received.tokenRequests.filter((t) => t.outcome === 'granted').length).toBe(tokensBefore + 1);
    const grades = await gradesOf(l.placementId, await launch(teacher().id, link));
    expect(grades[0]).toMatchObject({ status: 'sent', tries: 1, lastError: null });
  });

  it('marks a score the LMS refuses for good as failed, tells the teacher why, and resend delivers it once fixed', async () => {
    const link = activity(true);
    const column = lineItemOf(link)[0]!;
    const staff = await launch(teacher().id, link);
    // A student the LMS does not know in this course (e.g. dropped, then re-added later).
    const newcomer = extraStudent(platform, `u-late-${randomBytes(3).toString('hex')}`, 'Ren Ito');
    platform.users.push(newcomer);
    const l = await launch(newcomer.id, link);
    platform.users.splice(platform.users.indexOf(newcomer), 1);
    await queueScore(score(l, { at: new Date() }));

    const [failed] = await waitFor('failed status', async () => {
      const g = await gradesOf(l.placementId, staff);
      return g[0]?.status === 'failed' && g;
    });
    expect(failed).toMatchObject({ student: { id: l.personId, displayName: 'Ren Ito' }, status: 'failed', tries: 1, sentAt: null });
    expect(failed!.lastError).toContain('The LMS refused the request (422)');
    expect(failed!.lastError).toContain('not a member of this course');
    expect(scoresFor(column.id, newcomer.id)).toEqual([]);

    platform.users.push(newcomer);
    const resent = await api({ auth: staff.auth } as never, 'POST', `/placements/${l.placementId}/grades/${l.personId}/resend`, {});
    expect(resent.status).toBe(202);
    expect(resent.body).toMatchObject({ status: 'pending', tries: 0, lastError: null });
    await waitFor('the resent score', () => scoresFor(column.id, newcomer.id).length === 1);
    const after = await waitFor('sent status', async () => {
      const g = await gradesOf(l.placementId, staff);
      return g[0]?.status === 'sent' && g;
    });
    expect(after[0]).toMatchObject({ status: 'sent', tries: 1, lastError: null });

    // A sent score can be sent again too (e.g. someone edited the gradebook by hand); same score, same time.
    expect((await api({ auth: staff.auth } as never, 'POST', `/placements/${l.placementId}/grades/${l.personId}/resend`, {})).status).toBe(202);
    await waitFor('the second copy', () => scoresFor(column.id, newcomer.id).length === 2);
    expect(scoresFor(column.id, newcomer.id).every((s) => !s.ignored)).toBe(true);
  });

  it('gives up after eight tries of a failing LMS and says so in plain words', async () => {
    const link = activity(true);
    const l = await launch(students()[1]!.id, link);
    platform.faults.set('scores', Array.from({ length: 8 }, () => ({ status: 503 })));
    await queueScore(score(l, { at: new Date() }));
    const staff = await launch(teacher().id, link);
    const [g] = await waitFor('failed status', async () => {
      const all = await gradesOf(l.placementId, staff);
      return all[0]?.status === 'failed' && all;
    });
    expect(g).toMatchObject({ status: 'failed', tries: 8, lastError: 'The LMS had a problem of its own (503). The LMS said: "injected fault: 503"' });
    expect(platform.state.faults.get('scores')).toEqual([]);
  });
});

describe('who sees grade passback', () => {
  it('shows it to the course\'s staff only: a student is refused, another course\'s activity does not exist', async () => {
    const link = activity(true);
    const me = await launch(students()[0]!.id, link);
    expect((await api({ auth: me.auth } as never, 'GET', `/placements/${me.placementId}/grades`)).status).toBe(403);
    expect((await api({ auth: me.auth } as never, 'POST', `/placements/${me.placementId}/grades/${me.personId}/resend`, {})).status).toBe(403);
    const ta = await launch(platform.users.find((u) => u.roleLabel === 'Teaching assistant')!.id, link);
    expect((await api({ auth: ta.auth } as never, 'GET', `/placements/${me.placementId}/grades`)).status).toBe(200);
    expect((await api({ auth: ta.auth } as never, 'GET', '/placements/000000000000000000000000/grades')).status).toBe(404);
    expect((await api({ auth: ta.auth } as never, 'GET', '/placements/not-an-id/grades')).status).toBe(400);
    expect((await api({ auth: ta.auth } as never, 'POST', `/placements/${me.placementId}/grades/${me.personId}/resend`, {})).status).toBe(404);
  });
});
