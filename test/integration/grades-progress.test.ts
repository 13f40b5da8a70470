// Progress reports to the LMS gradebook (Moodle flavour of the simulator): with an LMS's progress scores
// on, a student's start reaches the gradebook as Started, the first answer of each opening as InProgress
// (once, not per save), and submission as Completed; a report never replaces a submitted score; a refused
// report never stops the score; off (the default) sends only the score. The administrator's switch: admin
// API and CLI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { setProgressScores } from '../../server/grades/progress.js';
import type { RunningTool } from '../../server/main.js';
import type { Platform, ScoreRecord } from '../platform/index.js';
import { growthlineCli } from '../support/cli.js';
import { apiCaller, RIGHT, seedAssessment } from './delivery.fixtures.js';
import { FAST_GRADES_ENV, launch as launchAs, startToolWithGradebook, waitFor, type Launched } from './grades.fixtures.js';

Object.assign(process.env, FAST_GRADES_ENV);
const ADMIN_TOKEN = randomBytes(16).toString('hex');
process.env.ADMIN_TOKEN = ADMIN_TOKEN;

let tool: RunningTool;
let platform: Platform;
let platformId: string;
const api = apiCaller(() => tool);

/** The command line as an administrator runs it: a child process on the tool's database. */
const growthline = (...args: string[]) => growthlineCli(args, { mongodbUri: tool.db.uri });

beforeAll(async () => {
  ({ tool, lms: platform, platformId } = await startToolWithGradebook('moodle'));
});
afterAll(async () => {
  delete process.env.ADMIN_TOKEN;
  await platform?.stop();
  await tool?.stop();
});

const students = () => platform.users.filter((u) => u.roleLabel === 'Student');
const teacher = () => platform.users.find((u) => u.roleLabel === 'Teacher')!;
const as = (l: Launched) => ({ auth: l.auth }) as never;

let links = 0;
/** A graded activity with an assessment; returns the link and the teacher's launch. */
async function gradedActivity(settings: { attemptsAllowed?: number } = {}) {
  const link = platform.addPlacement({ title: `Progress ${++links}`, resourceLinkId: `progress-link-${links}`, lineItem: { scoreMaximum: 100 } }).resourceLinkId;
  const staff = await launchAs(platform, teacher().id, link);
  const assessmentId = await seedAssessment(staff.tenantId, settings);
  expect((await api(as(staff), 'PUT', `/placements/${staff.placementId}`, { assessmentId })).status).toBe(200);
  const column = platform.received.lineItems.find((li) => li.resourceLinkId === link)!;
  return { link, column };
}

const scoresFor = (lineItemId: string, userId: string): ScoreRecord[] =>
  platform.received.scores.filter((s) => s.lineItemId === lineItemId && s.userId === userId);
const progressOf = (lineItemId: string, userId: string) => scoresFor(lineItemId, userId).map((s) => s.activityProgress);
const save = (me: Launched, attemptId: string, position: number) =>
  api(as(me), 'PUT', `/attempts/${attemptId}/responses/${position}`, { value: RIGHT[position], seq: 1 });

describe('with progress scores on', () => {
  beforeAll(async () => { await setProgressScores(platformId, true); });
  afterAll(async () => { await setProgressScores(platformId, null); });

  it('shows the LMS Started, then InProgress once per opening (not per answer), then the Completed score', async () => {
    const { link, column } = await gradedActivity();
    const student = students()[0]!;
    const me = await launchAs(platform, student.id, link);
    const started = await api(as(me), 'POST', '/attempts', {});
    expect(started.status).toBe(201);
    const [first] = await waitFor('Started in the gradebook', () => scoresFor(column.id, student.id).length === 1 && scoresFor(column.id, student.id));
    expect(first).toMatchObject({ userId: student.id, activityProgress: 'Started', gradingProgress: 'NotReady', ignored: false });
    expect(first).not.toHaveProperty('scoreGiven');
    expect(first).not.toHaveProperty('scoreMaximum');
    expect(Date.parse(first!.timestamp)).toBe(Date.parse(started.body.startedAt));

    expect((await save(me, started.body.id, 1)).status).toBe(200);
    await waitFor('InProgress', () => progressOf(column.id, student.id).includes('InProgress'));
    expect((await save(me, started.body.id, 2)).status).toBe(200);
    expect((await save(me, started.body.id, 3)).status).toBe(200);

    // Opening the attempt again (a reload, a new launch) starts a new session: its first answer reports again.
    expect((await api(as(me), 'POST', '/attempts', {})).status).toBe(200);
    expect((await save(me, started.body.id, 4)).status).toBe(200);
    await waitFor('the second InProgress', () => progressOf(column.id, student.id).filter((p) => p === 'InProgress').length === 2);

    const submitted = await api(as(me), 'POST', `/attempts/${started.body.id}/submit`, {});
    expect(submitted.status).toBe(200);
    await waitFor('Completed', () => progressOf(column.id, student.id).includes('Completed'));
    expect(progressOf(column.id, student.id)).toEqual(['Started', 'InProgress', 'InProgress', 'Completed']);
    const last = scoresFor(column.id, student.id).at(-1)!;
    expect(last).toMatchObject({ scoreGiven: submitted.body.results.score, gradingProgress: 'FullyGraded', ignored: false });
    expect(scoresFor(column.id, student.id).every((s) => !s.ignored)).toBe(true);
  });

  it('keeps a submitted score in the gradebook while the student retakes: no Started or InProgress over it', async () => {
    const { link, column } = await gradedActivity({ attemptsAllowed: 2 });
    const student = students()[1]!;
    const me = await launchAs(platform, student.id, link);
    const one = await api(as(me), 'POST', '/attempts', {});
    await waitFor('Started', () => progressOf(column.id, student.id).includes('Started'));
    await save(me, one.body.id, 1);
    await api(as(me), 'POST', `/attempts/${one.body.id}/submit`, {});
    await waitFor('the first score', () => progressOf(column.id, student.id).includes('Completed'));
    const before = progressOf(column.id, student.id).length;

    const two = await api(as(me), 'POST', '/attempts', {});
    expect(two.status).toBe(201);
    await save(me, two.body.id, 1);
    await save(me, two.body.id, 2);
    // Reports are fire-and-forget: give them time to (wrongly) arrive.
    await new Promise((r) => setTimeout(r, 1000));
    expect(progressOf(column.id, student.id)).toHaveLength(before);

    const second = await api(as(me), 'POST', `/attempts/${two.body.id}/submit`, {});
    await waitFor('the retake\'s score', () => progressOf(column.id, student.id).length === before + 1);
    expect(scoresFor(column.id, student.id).at(-1)).toMatchObject({ activityProgress: 'Completed', scoreGiven: second.body.results.score, ignored: false });
  });

  it('never troubles the student when the LMS refuses a progress report, and the score still arrives', async () => {
    const { link, column } = await gradedActivity();
    const student = students()[2]!;
    const me = await launchAs(platform, student.id, link);
    platform.faults.set('scores', [{ status: 400 }]);
    const started = await api(as(me), 'POST', '/attempts', {});
    expect(started.status).toBe(201);
    expect((await save(me, started.body.id, 1)).status).toBe(200);
    await waitFor('the refusal used up', () => platform.state.faults.get('scores')?.length === 0);
    const submitted = await api(as(me), 'POST', `/attempts/${started.body.id}/submit`, {});
    expect(submitted.status).toBe(200);
    await waitFor('Completed', () => progressOf(column.id, student.id).includes('Completed'));
    expect(scoresFor(column.id, student.id).at(-1)).toMatchObject({ scoreGiven: submitted.body.results.score, activityProgress: 'Completed' });
    platform.faults.clear();
  });

  it('sends nothing for a teacher\'s preview', async () => {
    const { link, column } = await gradedActivity();
    const staff = await launchAs(platform, teacher().id, link);
    const preview = await api(as(staff), 'POST', '/attempts', {});
    expect(preview.body.preview).toBe(true);
    await save(staff, preview.body.id, 1);
    await new Promise((r) => setTimeout(r, 500));
    expect(scoresFor(column.id, teacher().id)).toEqual([]);
  });
});

describe('with progress scores off (the default for Moodle)', () => {
  it('sends only the submitted score', async () => {
    const { link, column } = await gradedActivity();
    const student = students()[0]!;
    const me = await launchAs(platform, student.id, link);
    const started = await api(as(me), 'POST', '/attempts', {});
    await save(me, started.body.id, 1);
    await api(as(me), 'POST', `/attempts/${started.body.id}/submit`, {});
    await waitFor('Completed', () => progressOf(column.id, student.id).includes('Completed'));
    await new Promise((r) => setTimeout(r, 300));
    expect(progressOf(column.id, student.id)).toEqual(['Completed']);
  });
});

describe('the administrator\'s switch', () => {
  const admin = (method: string, path: string, body?: unknown) => fetch(`${tool.url}/api/admin${path}`, {
    method, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });

  it('is set at registration through the admin API, changed later, and cleared back to the LMS\'s default', async () => {
    const issuer = `https://lms-${randomBytes(3).toString('hex')}.example.edu`;
    const created = await admin('POST', '/platforms', {
      issuer, clientId: 'c1', deploymentIds: ['d1'], authEndpoint: `${issuer}/auth`, tokenEndpoint: `${issuer}/token`, jwksUrl: `${issuer}/jwks`,
      productFamily: 'schoology', progressScores: true,
    });
    expect(created.status).toBe(201);
    const p = await created.json();
    expect(p.progressScores).toBe(true);
    const off = await admin('PUT', `/platforms/${p.id}/progress-scores`, { progressScores: false });
    expect(await off.json()).toEqual({ progressScores: false, source: 'setting' });
    const reset = await admin('PUT', `/platforms/${p.id}/progress-scores`, { progressScores: null });
    expect(await reset.json()).toEqual({ progressScores: false, source: 'default' });
    expect((await admin('PUT', `/platforms/${p.id}/progress-scores`, { progressScores: 'yes' })).status).toBe(400);
  });

  it('is deleted with the LMS when the administrator removes it', async () => {
    const issuer = `https://lms-${randomBytes(3).toString('hex')}.example.edu`;
    const created = await admin('POST', '/platforms', {
      issuer, clientId: 'c3', deploymentIds: ['d1'], authEndpoint: `${issuer}/auth`, tokenEndpoint: `${issuer}/token`, jwksUrl: `${issuer}/jwks`,
      productFamily: 'moodle', progressScores: true,
    });
    const p = await created.json();
    const removed = await admin('DELETE', `/platforms/${p.id}?confirm=c3`);
    expect(removed.status).toBe(200);
    expect((await removed.json()).deleted.grade_platform_settings).toBe(1);
    expect(await mongoose.connection.db!.collection('grade_platform_settings').countDocuments({ _id: p.id } as Record<string, unknown>)).toBe(0);
  });

  it('is set with the command line: platform add --progress-scores, platform progress-scores, and shown by platform list', async () => {
    const issuer = `https://cli-${randomBytes(3).toString('hex')}.example.edu`;
    const added = await growthline('platform', 'add', '--issuer', issuer, '--client-id', 'c2', '--deployment-id', 'd2', '--auth-url', `${issuer}/a`,
      '--token-url', `${issuer}/t`, '--jwks-url', `${issuer}/j`, '--family', 'canvas', '--progress-scores');
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    const listed = await growthline('platform', 'list');
    const ours = listed.stdout.slice(listed.stdout.indexOf(issuer));
    expect(ours).toMatch(/^[^\n]*\n(?:.*\n)*?\s+progress scores: on\n/);
    const reset = await growthline('platform', 'progress-scores', issuer, 'c2', 'default');
    expect(reset.code).toBe(0);
    expect(reset.stdout).toMatch(/off \(the default for this LMS\)/);
    expect((await growthline('platform', 'progress-scores', issuer, 'c2', 'maybe')).code).toBe(2);
  }, 60_000);
});
