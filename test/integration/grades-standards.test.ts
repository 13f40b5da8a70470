// Mastery by standard in the LMS gradebook (teacher opt-in), against the simulator as Schoology with a
// manual registration: once the teacher turns it on, each standard the test measures gets one gradebook
// column for the whole class (tag growthline-standard, resourceId = the code, maximum 4), every student's
// level arrives there once, and turning it off stops new ones while the activity's own score goes on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningTool } from '../../server/main.js';
import type { Platform, ScoreRecord } from '../platform/index.js';
import { apiCaller, EE, RIGHT, RP, seedAssessment, WRONG } from './delivery.fixtures.js';
import { FAST_GRADES_ENV, launch as launchAs, startToolWithGradebook, waitFor, type Launched } from './grades.fixtures.js';

Object.assign(process.env, FAST_GRADES_ENV);

let tool: RunningTool;
let platform: Platform;
const api = apiCaller(() => tool);

beforeAll(async () => {
  ({ tool, lms: platform } = await startToolWithGradebook('schoology'));
});
afterAll(async () => {
  await platform?.stop();
  await tool?.stop();
});

const students = () => platform.users.filter((u) => u.roleLabel === 'Student');
const teacher = () => platform.users.find((u) => u.roleLabel === 'Teacher')!;
const as = (l: Launched) => ({ auth: l.auth }) as never;
const LEVEL_SCORE: Record<string, number> = { beginning: 1, developing: 2, proficient: 3, mastered: 4 };

let links = 0;
async function activity(settings: { attemptsAllowed?: number } = {}) {
  const link = platform.addPlacement({ title: `Unit check ${++links}`, resourceLinkId: `standards-link-${links}`, lineItem: { scoreMaximum: 100 } }).resourceLinkId;
  const staff = await launchAs(platform, teacher().id, link);
  const assessmentId = await seedAssessment(staff.tenantId, settings);
  const assigned = await api(as(staff), 'PUT', `/placements/${staff.placementId}`, { assessmentId });
  expect(assigned.status).toBe(200);
  const title = (await api(as(staff), 'GET', `/placements/${staff.placementId}/dashboard`)).body.assessment.title as string;
  return { link, staff, title };
}

/** Takes the test: `right` positions answered correctly, the rest wrongly; returns the results. */
async function takeTest(me: Launched, right: number[]) {
  const started = await api(as(me), 'POST', '/attempts', {});
  expect(started.status).toBe(201);
  for (const p of [1, 2, 3, 4, 5]) await api(as(me), 'PUT', `/attempts/${started.body.id}/responses/${p}`, { value: right.includes(p) ? RIGHT[p] : WRONG[p], seq: 1 });
  const submitted = await api(as(me), 'POST', `/attempts/${started.body.id}/submit`, {});
  expect(submitted.status).toBe(200);
  return submitted.body.results;
}

const standardColumns = (link: string) => platform.received.lineItems.filter((li) => li.resourceLinkId === link && li.tag === 'growthline-standard');
const scoresIn = (lineItemId: string, userId?: string): ScoreRecord[] =>
  platform.received.scores.filter((s) => s.lineItemId === lineItemId && (!userId || s.userId === userId));

describe('mastery columns in the LMS gradebook', () => {
  it('are off until the teacher turns them on: the activity\'s score alone reaches the gradebook', async () => {
    const { link, staff } = await activity();
    expect((await api(as(staff), 'GET', `/placements/${staff.placementId}/grade-settings`)).body).toEqual({ standardLineItems: false, progressScores: false });
    const student = students()[0]!;
    await takeTest(await launchAs(platform, student.id, link), [1, 2, 3]);
    const column = platform.received.lineItems.find((li) => li.resourceLinkId === link && li.tag !== 'growthline-standard')!;
    await waitFor('the activity score', () => scoresIn(column.id, student.id).length === 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(standardColumns(link)).toEqual([]);
  });

  it('make one column per standard for the whole class, and each student\'s level arrives there once', async () => {
    const { link, staff, title } = await activity();
    const on = await api(as(staff), 'PUT', `/placements/${staff.placementId}/grade-settings`, { standardLineItems: true });
    expect(on.status).toBe(200);
    expect(on.body).toEqual({ standardLineItems: true, progressScores: false });

    // Three students submit at the same moment: still one column per standard.
    const launched = await Promise.all(students().map((s) => launchAs(platform, s.id, link)));
    const answers = [[1, 2, 3, 4, 5], [1, 2, 3], []];
    await Promise.all(launched.map((me, i) => takeTest(me, answers[i]!)));

    await waitFor('a level for every student in both columns', () => {
      const cols = standardColumns(link);
      return cols.length === 2 && cols.every((c) => students().every((s) => scoresIn(c.id, s.id).length === 1));
    });
    const cols = standardColumns(link);
    expect(cols.map((c) => c.resourceId).sort()).toEqual([EE, RP].sort());
    for (const c of cols) {
      expect(c).toMatchObject({ label: `${c.resourceId} mastery — ${title}`, scoreMaximum: 4, resourceLinkId: link, tag: 'growthline-standard' });
    }

    // The level in the gradebook is the one the teacher's mastery map shows.
    const dash = (await api(as(staff), 'GET', `/placements/${staff.placementId}/dashboard`)).body;
    for (const [i, s] of students().entries()) {
      const row = dash.mastery.students.find((r: { personId: string }) => r.personId === launched[i]!.personId);
      for (const c of cols) {
        const [sent] = scoresIn(c.id, s.id);
        expect(sent).toMatchObject({ scoreGiven: LEVEL_SCORE[row.cells[c.resourceId!].level], scoreMaximum: 4, activityProgress: 'Completed', gradingProgress: 'FullyGraded', ignored: false });
        expect(sent!.comment).toMatch(new RegExp(`^Growthline mastery of ${c.resourceId!.replace(/\./g, '\\.')}: (Beginning|Developing|Proficient|Mastered)$`));
      }
    }
    // All right on both standards ranks at least as high as all wrong.
    const rpCol = cols.find((c) => c.resourceId === RP)!;
    expect(scoresIn(rpCol.id, students()[0]!.id)[0]!.scoreGiven!).toBeGreaterThan(scoresIn(rpCol.id, students()[2]!.id)[0]!.scoreGiven!);

    // The teacher's grade list is about the activity's score: one row per student, not one per column.
    const grades = await waitFor('sent', async () => {
      const g = (await api(as(staff), 'GET', `/placements/${staff.placementId}/grades`)).body.grades as Array<{ status: string }>;
      return g.length === 3 && g.every((x) => x.status === 'sent') && g;
    });
    expect(grades).toHaveLength(3);
  });

  it('finds the columns it made before instead of making them again (a new process, a forgotten column record)', async () => {
    const { link, staff } = await activity({ attemptsAllowed: 2 });
    await api(as(staff), 'PUT', `/placements/${staff.placementId}/grade-settings`, { standardLineItems: true });
    const student = students()[1]!;
    const me = await launchAs(platform, student.id, link);
    await takeTest(me, [4, 5]);
    await waitFor('both columns', () => standardColumns(link).length === 2 && standardColumns(link).every((c) => scoresIn(c.id, student.id).length === 1));
    const { StandardColumnModel } = await import('../../server/grades/outbox.model.js');
    await StandardColumnModel.deleteMany({ placementId: staff.placementId });

    await takeTest(me, [1, 2, 3, 4, 5]);
    await waitFor('the retake\'s levels', () => standardColumns(link).every((c) => scoresIn(c.id, student.id).length === 2));
    expect(standardColumns(link)).toHaveLength(2);
    const ee = standardColumns(link).find((c) => c.resourceId === EE)!;
    const [before, after] = scoresIn(ee.id, student.id);
    expect(Date.parse(after!.timestamp)).toBeGreaterThan(Date.parse(before!.timestamp));
  });

  it('stop when the teacher turns them off: a later submission sends only the activity\'s score', async () => {
    const { link, staff } = await activity({ attemptsAllowed: 2 });
    await api(as(staff), 'PUT', `/placements/${staff.placementId}/grade-settings`, { standardLineItems: true });
    const student = students()[2]!;
    const me = await launchAs(platform, student.id, link);
    await takeTest(me, [1]);
    await waitFor('the levels', () => standardColumns(link).length === 2 && standardColumns(link).every((c) => scoresIn(c.id, student.id).length === 1));

    const off = await api(as(staff), 'PUT', `/placements/${staff.placementId}/grade-settings`, { standardLineItems: false });
    expect(off.body).toEqual({ standardLineItems: false, progressScores: false });
    const retake = await takeTest(me, [1, 2, 3, 4, 5]);
    const column = platform.received.lineItems.find((li) => li.resourceLinkId === link && li.tag !== 'growthline-standard')!;
    await waitFor('the retake\'s score', () => scoresIn(column.id, student.id).some((s) => s.scoreGiven === retake.score && scoresIn(column.id, student.id).length === 2));
    await new Promise((r) => setTimeout(r, 500));
    for (const c of standardColumns(link)) expect(scoresIn(c.id, student.id)).toHaveLength(1);
  });

  it('are the course staff\'s to change: a student is refused, input is checked, another course\'s activity does not exist', async () => {
    const { link, staff } = await activity();
    const me = await launchAs(platform, students()[0]!.id, link);
    expect((await api(as(me), 'PUT', `/placements/${staff.placementId}/grade-settings`, { standardLineItems: true })).status).toBe(403);
    expect((await api(as(me), 'GET', `/placements/${staff.placementId}/grade-settings`)).status).toBe(403);
    expect((await api(as(staff), 'PUT', `/placements/${staff.placementId}/grade-settings`, { standardLineItems: 'yes' })).status).toBe(400);
    expect((await api(as(staff), 'PUT', `/placements/${staff.placementId}/grade-settings`, { standardLineItems: true, extra: 1 })).status).toBe(400);
    expect((await api(as(staff), 'PUT', '/placements/000000000000000000000000/grade-settings', { standardLineItems: true })).status).toBe(404);
    expect((await api(as(staff), 'GET', `/placements/${staff.placementId}/grade-settings`)).body.standardLineItems).toBe(false);
  });
});
