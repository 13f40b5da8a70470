// A thousand queued scores (a district's worth of one activity, or a backlog after an LMS outage) all
// reach the gradebook, each exactly once, and the teacher's list says so. Its own file, so it starts on
// an empty database and runs beside the other tests. GL_GRADES_VOLUME changes the count.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { queueSyntheticScores } from '../../server/grades/synthetic.js';
import type { RunningTool } from '../../server/main.js';
import type { Platform } from '../platform/index.js';
import { apiCaller } from './delivery.fixtures.js';
import { extraStudent, FAST_GRADES_ENV, launch, startToolWithGradebook, waitFor } from './grades.fixtures.js';

Object.assign(process.env, FAST_GRADES_ENV);
// 200 by default keeps the suite quick; `npm run bench` times 1,000 (GL_GRADES_VOLUME=1000 here too).
const COUNT = Number(process.env.GL_GRADES_VOLUME ?? 200);

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

it(`delivers ${COUNT} queued scores, each exactly once`, async () => {
  const link = platform.addPlacement({ title: 'District check-in', lineItem: { scoreMaximum: 100 } }).resourceLinkId;
  const staff = await launch(platform, platform.users.find((u) => u.roleLabel === 'Teacher')!.id, link);
  const column = platform.received.lineItems.find((li) => li.resourceLinkId === link)!;
  const prefix = `bulk-${randomBytes(3).toString('hex')}-`;
  for (let i = 0; i < COUNT; i++) platform.users.push(extraStudent(platform, `${prefix}${i}`));

  const started = Date.now();
  const { subs } = await queueSyntheticScores({ tenantId: staff.tenantId, courseId: staff.courseId, placementId: staff.placementId, count: COUNT, subPrefix: prefix });
  const inColumn = () => platform.received.scores.filter((s) => s.lineItemId === column.id);
  await waitFor(`${COUNT} scores`, () => inColumn().length >= COUNT, 590_000);
  const elapsed = Date.now() - started;

  const perUser = new Map<string, number>();
  for (const s of inColumn()) perUser.set(s.userId, (perUser.get(s.userId) ?? 0) + 1);
  expect(perUser.size).toBe(COUNT);
  expect(subs.every((sub) => perUser.get(sub) === 1)).toBe(true);
  expect(inColumn().every((s) => !s.ignored && s.activityProgress === 'Completed' && s.gradingProgress === 'FullyGraded')).toBe(true);

  const grades = await waitFor('every score marked sent', async () => {
    const r = await api({ auth: staff.auth } as never, 'GET', `/placements/${staff.placementId}/grades`);
    return r.status === 200 && (r.body.grades as Array<{ status: string }>).every((g) => g.status === 'sent') && r.body.grades;
  });
  expect(grades).toHaveLength(COUNT);
  process.stderr.write(`grades-volume: ${COUNT} scores delivered in ${elapsed} ms (${Math.round((COUNT * 1000) / elapsed)}/s)\n`);
}, 600_000);
