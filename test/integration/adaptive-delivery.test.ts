// Adaptive (multistage) tests end to end through the API: a student gets one part at a time, routing happens only
// when a part is submitted, strong and weak students go different ways, parts are spread over parallel modules,
// a retried submit never routes twice, nothing secret reaches the browser before a part is submitted, and a fixed
// pre-test with an adaptive post-test still gives growth on one scale.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssessmentModel } from '../../server/content/content.model.js';
import { getItemVersions } from '../../server/content/content.service.js';
import type { Item, ResponseValue } from '../../server/content/item.schema.js';
import { AttemptModel } from '../../server/delivery/attempt.model.js';
import { onAttemptSubmitted, type SubmittedAttempt } from '../../server/delivery/events.js';
import type { RunningTool } from '../../server/main.js';
import { answerFor } from '../support/answers.js';
import { createTestTenant, sessionFor, type TestSession, type TestTenant } from '../support/session.js';
import { startTestTool } from '../support/tool.js';
import { apiCaller, backdateAttempt, leakedSecrets, propertyNames, type ApiAnswer } from './delivery.fixtures.js';

const ADAPTIVE = 'starter-g7-rp-adaptive';
const STANDARDS = ['7.RP.A.1', '7.RP.A.2', '7.RP.A.3'];

let tool: RunningTool;
let home: TestTenant;
let away: TestTenant;
const api = apiCaller(() => tool);
const submitted: SubmittedAttempt[] = [];
const listen = async (e: SubmittedAttempt) => { submitted.push(e); };

beforeAll(async () => {
  tool = await startTestTool();
  home = await createTestTenant();
  away = await createTestTenant();
  onAttemptSubmitted.push(listen);
});
afterAll(async () => {
  onAttemptSubmitted.splice(onAttemptSubmitted.indexOf(listen), 1);
  await tool?.stop();
});

// ---------------------------------------------------------------------------------------------------------------
// A simulated student: answers from the item's key (right) or against it (wrong).

async function itemsOf(tenantId: string, view: { items: { itemId: string; version: number }[] }): Promise<Map<string, Item>> {
  const found = await getItemVersions(tenantId, view.items.map((i) => ({ id: i.itemId, version: i.version })));
  return new Map(found.map((i) => [i.id, i]));
}

let linkCount = 0;
async function classWith(assessmentId: string, tenant = home, students = 1) {
  const link = { resourceLinkId: `adaptive-${++linkCount}-${randomBytes(3).toString('hex')}`, contextId: 'course-1' };
  const teacher = await sessionFor(tool, { tenant, roles: ['instructor'], assessmentId, ...link });
  const learners: TestSession[] = [];
  for (let n = 0; n < students; n++) learners.push(await sessionFor(tool, { tenant, roles: ['learner'], ...link }));
  return { teacher, learners, link };
}

/** Answers every question of the open part (right or wrong by `rightFor`), recording every body the student got. */
async function answerPart(s: TestSession, view: any, rightFor: (item: Item) => boolean, seen: ApiAnswer[] = []): Promise<void> {
  const items = await itemsOf(s.ctx.tenantId, view);
  for (const it of view.items) {
    const r = await api(s, 'PUT', `/attempts/${view.id}/responses/${it.position}`, { value: answerFor(items.get(it.itemId)!, rightFor(items.get(it.itemId)!)), seq: 1 });
    expect(r.status, r.text).toBe(200);
    seen.push(r);
  }
}

/** Takes the whole test; returns the results and the difficulties of each part's items. */
async function takeTest(s: TestSession, rightFor: (item: Item) => boolean, seen: ApiAnswer[] = []) {
  const start = await api(s, 'POST', '/attempts', {});
  expect(start.status, start.text).toBe(201);
  seen.push(start);
  let view = start.body;
  const parts: { difficulties: number[]; itemIds: string[] }[] = [];
  for (let guard = 0; guard < 20; guard++) {
    const items = await itemsOf(s.ctx.tenantId, view);
    parts.push({ difficulties: view.items.map((i: any) => items.get(i.itemId)!.difficulty), itemIds: view.items.map((i: any) => i.itemId) });
    await answerPart(s, view, rightFor, seen);
    const r = await api(s, 'POST', `/attempts/${view.id}/parts/${view.adaptive.part}/submit`, {});
    expect(r.status, r.text).toBe(200);
    if (r.body.results) return { attemptId: view.id as string, results: r.body.results, parts, seen };
    seen.push(r);
    view = r.body.attempt;
  }
  throw new Error('the adaptive test did not end');
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

// ---------------------------------------------------------------------------------------------------------------

describe('an adaptive test, part by part', () => {
  it('gives one part at a time and routes only when the part is submitted', async () => {
    const { learners: [s] } = await classWith(ADAPTIVE);
    const start = await api(s!, 'POST', '/attempts', {});
    expect(start.status).toBe(201);
    const first = start.body;
    expect(first.adaptive).toEqual({ part: 1, maxParts: expect.any(Number) });
    expect(first.adaptive.maxParts).toBeGreaterThanOrEqual(2);
    // The routing part: one question per standard, numbered from 1.
    expect(first.items.map((i: any) => i.position)).toEqual([1, 2, 3]);

    // Answering (even all of it) changes nothing about the route: the same part, no new questions.
    await answerPart(s!, first, () => true);
    const again = await api(s!, 'GET', `/attempts/${first.id}`);
    expect(again.body.adaptive.part).toBe(1);
    expect(again.body.items.map((i: any) => i.itemId)).toEqual(first.items.map((i: any) => i.itemId));
    const stored = await AttemptModel.findById(first.id).lean();
    expect((stored!.adaptive as any).parts).toHaveLength(1);
    expect(stored!.items).toHaveLength(3);

    // Submitting the part routes: part 2 has new questions at new positions, and a reload shows it.
    const next = await api(s!, 'POST', `/attempts/${first.id}/parts/1/submit`, {});
    expect(next.status).toBe(200);
    expect(next.body.attempt.adaptive.part).toBe(2);
    expect(next.body.attempt.items.length).toBeGreaterThan(0);
    expect(Math.min(...next.body.attempt.items.map((i: any) => i.position))).toBe(4);
    expect(next.body.attempt.items.map((i: any) => i.itemId)).not.toContain(first.items[0].itemId);
    expect(next.body.attempt.responses).toEqual({});
    const reload = await api(s!, 'POST', '/attempts', {});
    expect(reload.status).toBe(200);
    expect(reload.body.adaptive.part).toBe(2);
    expect(reload.body.items).toEqual(next.body.attempt.items);
  });

  it('sends a strong student on to harder questions than a weak one, and reports per-standard results on the scale', async () => {
    const { learners: [strongS, weakS] } = await classWith(ADAPTIVE, home, 2);
    const strong = await takeTest(strongS!, () => true);
    const weak = await takeTest(weakS!, () => false);
    expect(mean(strong.parts[1]!.difficulties)).toBeGreaterThan(mean(weak.parts[1]!.difficulties) + 1);

    expect(strong.results.scale.score).toBeGreaterThan(weak.results.scale.score + 100);
    for (const r of [strong.results, weak.results]) {
      expect(r.scale.se).toBeGreaterThan(0);
      expect(r.standards.map((x: any) => x.code)).toEqual(STANDARDS);
      expect(r.scale.standards.map((x: any) => x.code)).toEqual(STANDARDS);
      expect(r.adaptive.parts).toBeGreaterThanOrEqual(2);
    }
    expect(strong.results.standards.map((x: any) => x.level)).toEqual(['got-it', 'got-it', 'got-it']);
    expect(weak.results.standards.map((x: any) => x.level)).toEqual(['not-yet', 'not-yet', 'not-yet']);
    expect(strong.results.scale.standards.every((x: any) => x.pMastery > 0.8)).toBe(true);
    expect(weak.results.scale.standards.every((x: any) => x.pMastery < 0.2)).toBe(true);
    // The gradebook score counts standards mastered.
    expect([strong.results.score, strong.results.maxScore, weak.results.score]).toEqual([3, 3, 0]);

    // The submission feeds mastery and grades like a fixed attempt, with the scale.
    const event = submitted.find((e) => e.attemptId === strong.attemptId)!;
    expect(event).toMatchObject({ score: 3, maxScore: 3, percent: 100, scale: { score: strong.results.scale.score } });
    expect(event.items.length).toBe(strong.parts.flatMap((p) => p.itemIds).length);
  });

  it('gives every standard at least its minimum of questions, whatever the answers', async () => {
    const { learners } = await classWith(ADAPTIVE, home, 3);
    const rules = [() => true, () => false, (it: Item) => it.difficulty < 0];
    for (const [n, s] of learners.entries()) {
      const { results } = await takeTest(s, rules[n]!);
      // The ready-made adaptive diagnostic asks for at least 2 questions per standard.
      for (const st of results.standards) expect(st.total, `${st.code}`).toBeGreaterThanOrEqual(2);
    }
  });

  it('spreads students over parallel modules, so neighbours do not all see the same questions', async () => {
    const { learners } = await classWith(ADAPTIVE, home, 6);
    const firstParts = new Set<string>();
    for (const s of learners) {
      const r = await api(s, 'POST', '/attempts', {});
      firstParts.add(r.body.items.map((i: any) => i.itemId).sort().join(','));
    }
    expect(firstParts.size).toBeGreaterThan(1);
  });
});

describe('submitting a part', () => {
  it('is idempotent: a retried or doubled submit returns the same next part and routes once', async () => {
    const { learners: [s] } = await classWith(ADAPTIVE);
    const start = (await api(s!, 'POST', '/attempts', {})).body;
    await answerPart(s!, start, (it) => it.difficulty < 0.5);
    const [a, b] = await Promise.all([
      api(s!, 'POST', `/attempts/${start.id}/parts/1/submit`, {}),
      api(s!, 'POST', `/attempts/${start.id}/parts/1/submit`, {}),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(b.body.attempt.items).toEqual(a.body.attempt.items);
    const retry = await api(s!, 'POST', `/attempts/${start.id}/parts/1/submit`, {});
    expect(retry.body.attempt.items).toEqual(a.body.attempt.items);
    expect(retry.body.attempt.adaptive.part).toBe(2);
    const stored = await AttemptModel.findById(start.id).lean();
    expect((stored!.adaptive as any).parts.map((p: any) => p.part)).toEqual([1, 2]);

    // A part not yet given cannot be submitted; a finished part's answers cannot change; the whole test is not submitted at once.
    expect((await api(s!, 'POST', `/attempts/${start.id}/parts/3/submit`, {})).status).toBe(409);
    const p1 = (stored!.responses as Record<string, { value: ResponseValue }>).p1!.value;
    const late = await api(s!, 'PUT', `/attempts/${start.id}/responses/1`, { value: p1, seq: 5 });
    expect(late.status).toBe(409);
    expect(late.body.detail).toMatch(/part you have already finished/);
    expect((await api(s!, 'POST', `/attempts/${start.id}/submit`, {})).status).toBe(409);
    expect((await api(s!, 'POST', `/attempts/${start.id}/parts/0/submit`, {})).status).toBe(400);
  });

  it('is refused to anyone but the student: another student or LMS gets 404, their teacher 403', async () => {
    const { teacher, learners: [owner, classmate] } = await classWith(ADAPTIVE, home, 2);
    const start = (await api(owner!, 'POST', '/attempts', {})).body;
    const { learners: [stranger] } = await classWith(ADAPTIVE, away);
    expect((await api(classmate!, 'POST', `/attempts/${start.id}/parts/1/submit`, {})).status).toBe(404);
    expect((await api(stranger!, 'POST', `/attempts/${start.id}/parts/1/submit`, {})).status).toBe(404);
    expect((await api(teacher, 'POST', `/attempts/${start.id}/parts/1/submit`, {})).status).toBe(403);
    expect((await api(stranger!, 'GET', `/attempts/${start.id}`)).status).toBe(404);
    const stored = await AttemptModel.findById(start.id).lean();
    expect((stored!.adaptive as any).part).toBe(1);
  });

  it('sends no answer key, correctness, rationale or difficulty to the student before a part is submitted', async () => {
    const { learners: [s] } = await classWith(ADAPTIVE);
    const seen: ApiAnswer[] = [];
    const { attemptId } = await takeTest(s!, (it) => it.difficulty < 0, seen);
    expect(seen.length).toBeGreaterThan(6);
    expect(leakedSecrets(seen)).toEqual([]);
    const names = new Set<string>();
    for (const r of seen) propertyNames(r.body, names);
    for (const secret of ['difficulty', 'rationale', 'score', 'scored', 'credit', 'pMastery', 'stageId', 'moduleId', 'plan', 'level', 'scale']) {
      expect(names.has(secret), secret).toBe(false);
    }
    for (const r of seen) expect(r.text).not.toMatch(/routing-|easy-|hard-|medium-/);
    // Once submitted, the results are there to read.
    expect((await api(s!, 'GET', `/attempts/${attemptId}/results`)).body.scale.score).toEqual(expect.any(Number));
  });
});

describe('an adaptive test with a time limit', () => {
  it('ends when time runs out, scoring the open part with the answers it has, and feeds the mastery map', async () => {
    const { teacher } = await classWith(ADAPTIVE);
    const made = await api(teacher, 'POST', '/assessments', {
      title: 'Timed adaptive', grade: '7', kind: 'diagnostic', blueprint: STANDARDS.map((standard) => ({ standard, items: 3 })),
      settings: { mode: 'adaptive', timeLimitMinutes: 10, adaptive: { upper: 0.8, lower: 0.2, minItemsPerStandard: 2 } },
    });
    expect(made.status, made.text).toBe(201);
    const { teacher: own, learners: [s] } = await classWith(made.body.assessments[0].id);
    const start = (await api(s!, 'POST', '/attempts', {})).body;
    expect(start.deadline).not.toBeNull();
    await answerPart(s!, start, () => true);
    await backdateAttempt(start.id, 20);

    const late = await api(s!, 'GET', `/attempts/${start.id}`);
    expect(late.body.status).toBe('submitted');
    const results = (await api(s!, 'GET', `/attempts/${start.id}/results`)).body;
    expect(results.adaptive).toEqual({ parts: 1, items: 3 });
    expect(results.standards.map((x: any) => x.correct)).toEqual([1, 1, 1]);
    expect(results.scale.score).toBeGreaterThan(500);
    // Submitting the part now changes nothing: the answer is the results.
    const again = await api(s!, 'POST', `/attempts/${start.id}/parts/1/submit`, {});
    expect(again.body.results.scale.score).toBe(results.scale.score);
    const event = submitted.find((e) => e.attemptId === start.id)!;
    expect(event.autoSubmitted).toBe(true);

    const dash = await api(own, 'GET', `/placements/${own.ctx.placementId}/dashboard`);
    const row = dash.body.mastery.students.find((x: any) => x.personId === s!.ctx.userId);
    for (const code of STANDARDS) expect(row.cells[code], code).toMatchObject({ evidence: expect.any(Number), pMastery: expect.any(Number) });
  });
});

describe('authoring an adaptive test', () => {
  it('builds an adaptive diagnostic from a blueprint through the content API, which a student can then take', async () => {
    const { teacher } = await classWith(ADAPTIVE);
    const settings = { mode: 'adaptive', adaptive: { upper: 0.75, lower: 0.25, minItemsPerStandard: 2, maxItemsPerStandard: 4 } };
    const made = await api(teacher, 'POST', '/assessments', { title: 'Ratios, adaptively', grade: '7', kind: 'diagnostic', blueprint: [{ standard: '7.RP.A.2', items: 3 }], settings });
    expect(made.status, made.text).toBe(201);
    const id = made.body.assessments[0].id;
    const detail = await api(teacher, 'GET', `/assessments/${id}`);
    expect(detail.body.settings).toMatchObject(settings);
    expect(detail.body.adaptivePool.length).toBeGreaterThanOrEqual(4);

    const { learners: [s] } = await classWith(id);
    const { results } = await takeTest(s!, (it) => it.difficulty < 0.5);
    expect(results.standards).toHaveLength(1);
    expect(results.standards[0].total).toBeGreaterThanOrEqual(2);
    expect(results.standards[0].total).toBeLessThanOrEqual(4);

    // Bounds the wrong way round are refused at the edge, with the field named.
    const bad = await api(teacher, 'POST', '/assessments', { title: 'Bad', grade: '7', kind: 'diagnostic', blueprint: [{ standard: '7.RP.A.2', items: 3 }], settings: { mode: 'adaptive', adaptive: { upper: 0.4, lower: 0.6 } } });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/settings\.adaptive\.upper/);
  });
});

describe('one scale for fixed and adaptive tests', () => {
  it('gives growth from a fixed pre-test to an adaptive post-test', async () => {
    // An adaptive post-test paired with the ready-made fixed Grade 7 Ratios pre-test, in this tenant.
    const template = await AssessmentModel.findById(ADAPTIVE).lean();
    const postId = `adaptive-post-${randomBytes(4).toString('hex')}`;
    await AssessmentModel.create({
      ...template, _id: postId, tenantId: home.tenantId, title: 'Ratios — adaptive post-test', kind: 'post', pairedWith: 'starter-g7-rp-pre', source: 'blueprint',
    });
    const pre = await classWith('starter-g7-rp-pre', home, 3);
    const post = await classWith(postId, home, 0);
    for (const [n, s] of pre.learners.entries()) {
      const start = (await api(s, 'POST', '/attempts', {})).body;
      expect(start.adaptive).toBeUndefined();
      await answerPart(s, start, (it) => (n === 0 ? it.difficulty < -1 : it.difficulty < 0));
      const r = await api(s, 'POST', `/attempts/${start.id}/submit`, {});
      expect(r.status).toBe(200);
      // A fixed form reports the scale score too.
      expect(r.body.results.scale).toMatchObject({ score: expect.any(Number), se: expect.any(Number) });
      expect(r.body.results.scale.standards.map((x: any) => x.code)).toEqual(STANDARDS);
    }
    // The same students sit the adaptive post-test in the same course, after learning.
    for (const s of pre.learners) {
      const again = await sessionFor(tool, { tenant: home, roles: ['learner'], userSub: await subOf(s), ...post.link });
      await takeTest(again, () => true);
    }
    const dash = await api(post.teacher, 'GET', `/placements/${post.teacher.ctx.placementId}/dashboard`);
    expect(dash.status, dash.text).toBe(200);
    const growth = dash.body.growth;
    expect(growth.scale.students).toBe(3);
    expect(growth.scale.meanChange).toBeGreaterThan(50);
    expect(growth.scale.changeInterval.value[0]).toBeGreaterThan(0);
    expect(growth.students.every((x: any) => x.scale.change > 0)).toBe(true);
    expect(growth.overall.students).toBe(3);
  });
});

/** The LTI subject of a session's person, so a second session is the same student. */
async function subOf(s: TestSession): Promise<string> {
  const { PersonModel } = await import('../../server/courses/course.model.js');
  const p = await PersonModel.findById(s.ctx.userId).lean();
  return (p as { sub: string }).sub;
}
