// The teacher's and the author's views of an adaptive test, through the API: three students sit a fixed pre-test and
// then an adaptive post-test; item analysis counts each item over the students who were given it, the drill-down shows
// each student's own items part by part with the scale score, growth on the one scale agrees between the API and the
// CSV; and saving an adaptive assessment answers with its plan's notes.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssessmentModel } from '../../server/content/content.model.js';
import { getItemVersions } from '../../server/content/content.service.js';
import type { Item } from '../../server/content/item.schema.js';
import { PersonModel } from '../../server/courses/course.model.js';
import { AttemptModel } from '../../server/delivery/attempt.model.js';
import type { RunningTool } from '../../server/main.js';
import { parseCsv } from '../../server/mastery/csv.js';
import { answerFor } from '../support/answers.js';
import { createTestTenant, sessionFor, type TestSession, type TestTenant } from '../support/session.js';
import { startTestTool } from '../support/tool.js';
import { apiCaller } from './delivery.fixtures.js';

let tool: RunningTool;
let home: TestTenant;
const api = apiCaller(() => tool);

beforeAll(async () => {
  tool = await startTestTool();
  home = await createTestTenant();
});
afterAll(async () => {
  await tool?.stop();
});

async function answerAll(s: TestSession, view: any, rightFor: (item: Item) => boolean): Promise<void> {
  const found = await getItemVersions(s.ctx.tenantId, view.items.map((i: any) => ({ id: i.itemId, version: i.version })));
  const items = new Map(found.map((i) => [i.id, i]));
  for (const it of view.items) {
    const r = await api(s, 'PUT', `/attempts/${view.id}/responses/${it.position}`, { value: answerFor(items.get(it.itemId)!, rightFor(items.get(it.itemId)!)), seq: 1 });
    expect(r.status, r.text).toBe(200);
  }
}

async function takeAdaptive(s: TestSession, rightFor: (item: Item) => boolean): Promise<{ attemptId: string; results: any }> {
  let view = (await api(s, 'POST', '/attempts', {})).body;
  for (let guard = 0; guard < 20; guard++) {
    await answerAll(s, view, rightFor);
    const r = await api(s, 'POST', `/attempts/${view.id}/parts/${view.adaptive.part}/submit`, {});
    expect(r.status, r.text).toBe(200);
    if (r.body.results) return { attemptId: view.id, results: r.body.results };
    view = r.body.attempt;
  }
  throw new Error('the adaptive test did not end');
}

let link = 0;
async function classWith(assessmentId: string, students: number) {
  const l = { resourceLinkId: `adaptive-dash-${++link}-${randomBytes(3).toString('hex')}`, contextId: 'course-1' };
  const teacher = await sessionFor(tool, { tenant: home, roles: ['instructor'], assessmentId, ...l });
  const learners: TestSession[] = [];
  for (let n = 0; n < students; n++) learners.push(await sessionFor(tool, { tenant: home, roles: ['learner'], ...l }));
  return { teacher, learners, link: l };
}

const subOf = async (s: TestSession) => ((await PersonModel.findById(s.ctx.userId).lean()) as { sub: string }).sub;

describe('teacher views of an adaptive post-test taken by three students', () => {
  // Strong, weak and middling students: the adaptive test gives each of them different items after the first part.
  const pre = [(it: Item) => it.difficulty < -1, () => false, (it: Item) => it.difficulty < -0.5];
  const post = [() => true, () => false, (it: Item) => it.difficulty < 0];
  let teacher: TestSession;
  let preTeacher: TestSession;
  let placementId: string;
  let students: TestSession[];
  const attempts: { attemptId: string; results: any }[] = [];

  beforeAll(async () => {
    const template = await AssessmentModel.findById('starter-g7-rp-adaptive').lean();
    const postId = `adaptive-dash-post-${randomBytes(4).toString('hex')}`;
    await AssessmentModel.create({ ...template, _id: postId, tenantId: home.tenantId, title: 'Ratios — adaptive post-test', kind: 'post', pairedWith: 'starter-g7-rp-pre', source: 'blueprint' });
    const preClass = await classWith('starter-g7-rp-pre', 3);
    const postClass = await classWith(postId, 0);
    teacher = postClass.teacher;
    preTeacher = preClass.teacher;
    placementId = postClass.teacher.ctx.placementId!;
    students = preClass.learners;
    for (const [n, s] of students.entries()) {
      const start = (await api(s, 'POST', '/attempts', {})).body;
      await answerAll(s, start, pre[n]!);
      expect((await api(s, 'POST', `/attempts/${start.id}/submit`, {})).status).toBe(200);
    }
    for (const [n, s] of students.entries()) {
      const again = await sessionFor(tool, { tenant: home, roles: ['learner'], userSub: await subOf(s), ...postClass.link });
      attempts.push(await takeAdaptive(again, post[n]!));
    }
  });

  it('counts each question over the students who were given it, and lists no question nobody got', async () => {
    const dash = await api(teacher, 'GET', `/placements/${placementId}/dashboard`);
    expect(dash.status, dash.text).toBe(200);
    const ia = dash.body.itemAnalysis;
    expect(ia.design).toBe('adaptive');
    expect(ia.students).toBe(3);

    // What each student was actually given, from the stored attempts.
    const given = new Map<string, number>();
    for (const a of attempts) {
      const doc = await AttemptModel.findById(a.attemptId).lean();
      for (const i of doc!.items) given.set(`${i.itemId}@${i.version}`, (given.get(`${i.itemId}@${i.version}`) ?? 0) + 1);
    }
    expect(new Set(ia.items.map((i: any) => `${i.itemId}@${i.version}`))).toEqual(new Set(given.keys()));
    for (const it of ia.items) {
      expect(it.students, it.itemId).toBe(given.get(`${it.itemId}@${it.version}`));
      // Every student answered every question they were given: nothing is "not answered".
      expect(it.omitted, it.itemId).toBe(0);
      expect(it.answered).toBe(it.students);
    }
    // The strong and the weak student went different ways, so some question was given to fewer than all three.
    expect(ia.items.some((i: any) => i.students < 3)).toBe(true);
    expect(ia.items.map((i: any) => i.position)).toEqual(ia.items.map((_: unknown, n: number) => n + 1));
    expect(ia.items.map((i: any) => i.standard)).toEqual([...ia.items.map((i: any) => i.standard)].sort());

    // The fixed pre-test still reads as one form.
    const preDash = await api(preTeacher, 'GET', `/placements/${preTeacher.ctx.placementId}/dashboard`);
    expect(preDash.status, preDash.text).toBe(200);
    expect(preDash.body.itemAnalysis.design).toBe('fixed');
  });

  it('shows each student the questions they got, part by part, with their scale score', async () => {
    for (const [n, s] of students.entries()) {
      const r = await api(teacher, 'GET', `/placements/${placementId}/students/${s.ctx.userId}`);
      expect(r.status, r.text).toBe(200);
      const a = r.body.attempt;
      const doc = await AttemptModel.findById(attempts[n]!.attemptId).lean();
      expect(a.design).toBe('adaptive');
      expect(a.items.map((i: any) => i.itemId)).toEqual(doc!.items.map((i) => i.itemId));
      const parts = (doc!.adaptive as { parts: { part: number; positions: number[] }[] }).parts;
      expect(a.parts).toEqual(parts.map((p) => ({ part: p.part, positions: p.positions })));
      for (const p of parts) for (const pos of p.positions) expect(a.items.find((i: any) => i.position === pos).part).toBe(p.part);
      expect(a.scale).toEqual({ score: attempts[n]!.results.scale.score, se: attempts[n]!.results.scale.se, extreme: attempts[n]!.results.scale.extreme, range: attempts[n]!.results.scale.range });
      expect(a.score).toBe(attempts[n]!.results.score);
      expect(a.standards.map((x: any) => x.pMastery)).toEqual(attempts[n]!.results.scale.standards.map((x: any) => x.pMastery));
      expect(a.items.every((i: any) => i.answered)).toBe(true);
    }
    // The strong student got the questions for strong students, not the weak student's.
    const [strong, weak] = await Promise.all(students.slice(0, 2).map((s) => api(teacher, 'GET', `/placements/${placementId}/students/${s.ctx.userId}`)));
    const later = (d: any) => d.body.attempt.items.filter((i: any) => i.part > 1).map((i: any) => i.itemId);
    expect(later(strong!).some((id: string) => later(weak!).includes(id))).toBe(false);
  });

  it('reports growth on the one scale in the API and the same numbers in the CSV', async () => {
    const dash = (await api(teacher, 'GET', `/placements/${placementId}/dashboard`)).body;
    const scale = dash.growth.scale;
    expect(scale.students).toBe(3);
    expect(scale.changeInterval.value).toHaveLength(2);
    const csv = await fetch(`${tool.url}/api/placements/${placementId}/export.csv`, { headers: teacher.auth });
    expect(csv.status).toBe(200);
    const rows = parseCsv(await csv.text());
    const [header, ...body] = rows;
    const col = (name: string) => header!.indexOf(name);
    const value = (section: string, measure: string, student = '') =>
      body.find((r) => r[col('section')] === section && r[col('measure')] === measure && r[col('student_id')] === student)?.[col('value')];
    expect(value('growth_scale_class', 'students')).toBe('3');
    expect(Number(value('growth_scale_class', 'mean_before'))).toBe(scale.meanPre);
    expect(Number(value('growth_scale_class', 'mean_after'))).toBe(scale.meanPost);
    expect(Number(value('growth_scale_class', 'mean_change'))).toBe(scale.meanChange);
    expect(Number(value('growth_scale_class', 'change_ci_low'))).toBe(scale.changeInterval.value[0]);
    expect(Number(value('growth_scale_class', 'change_ci_high'))).toBe(scale.changeInterval.value[1]);
    for (const s of dash.growth.students) {
      expect(Number(value('growth_scale', 'before', s.personId))).toBe(s.scale.pre);
      expect(Number(value('growth_scale', 'after', s.personId))).toBe(s.scale.post);
      expect(Number(value('growth_scale', 'change', s.personId))).toBe(s.scale.change);
    }
    // Item rows carry the per-item n the dashboard shows.
    for (const it of dash.itemAnalysis.items) {
      const n = body.find((r) => r[col('section')] === 'items' && r[col('item_id')] === it.itemId && r[col('measure')] === 'students')?.[col('value')];
      expect(Number(n)).toBe(it.students);
    }
  });
});

describe('saving an adaptive assessment', () => {
  it('answers with the plan\'s notes, per standard, and a fixed one with none', async () => {
    const { teacher } = await classWith('starter-g7-rp-pre', 0);
    // One question on a standard the starter bank does not cover: too few for two parallel routing modules.
    const item = await api(teacher, 'POST', '/items', {
      standards: ['7.G.A.1'], difficulty: 0, stem: 'A map uses 1 cm for 5 km. How far is 3 cm?', shared: false,
      interaction: { type: 'single', choices: [{ id: 'a', content: '15 km' }, { id: 'b', content: '8 km' }], key: { correct: 'a' } },
      feedback: { explanation: 'Multiply by the scale.' },
    });
    expect(item.status, item.text).toBe(201);
    const blueprint = [{ standard: '7.G.A.1', items: 1 }, { standard: '7.RP.A.1', items: 2 }];
    const made = await api(teacher, 'POST', '/assessments', { title: 'Scale drawings, adaptively', grade: '7', kind: 'diagnostic', blueprint, settings: { mode: 'adaptive' } });
    expect(made.status, made.text).toBe(201);
    expect(made.body.planNotes).toEqual([
      { kind: 'few-routing-modules', standard: '7.G.A.1', count: 1, wanted: 2, message: expect.stringContaining('7.G.A.1') },
    ]);
    const fixed = await api(teacher, 'POST', '/assessments', { title: 'Scale drawings', grade: '7', kind: 'diagnostic', blueprint });
    expect(fixed.status, fixed.text).toBe(201);
    expect(fixed.body.planNotes).toBeUndefined();
  });
});
