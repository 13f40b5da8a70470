// Acceptance: three students of the demo course launch for real (LTI 1.3 through the platform simulator), take the
// fixed Grade 7 Ratios pre-test and then an adaptive post-test paired with it through the API. The teacher launches
// the post-test in Chromium inside the LMS frame: the growth view says in words how far the class moved on the
// common scale, with its 95% interval; item analysis says how many students were given each question; a student's
// drill-down shows their own questions part by part with the scale score. Building an adaptive assessment from a
// thin bank shows the plan's notes as a warning list. axe-core finds nothing on these views.
import type { Frame, FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssessmentModel } from '../../server/content/content.model.js';
import { getItemVersions } from '../../server/content/content.service.js';
import type { Item } from '../../server/content/item.schema.js';
import { TOOL_SCOPES } from '../../server/lti/registration.js';
import type { RunningTool } from '../../server/main.js';
import type { Placement, Platform } from '../platform/index.js';
import { answerFor } from '../support/answers.js';
import { sessionApi } from '../support/api.js';
import { expectNoAxeViolations, type TestBrowser } from '../support/browser.js';
import { openToolPage, pageSession, openDesktopTab, stopLaunchTest } from '../support/launch-page.js';
import { launchSessionToken, startToolWithLms } from '../support/lti.js';

let tool: RunningTool;
let lms: Platform;
let browser: TestBrowser;
let page: Page;
let tenantId = '';
let postPlacement: Placement;

/** A real launch of the student, then the whole test (part by part when adaptive) through the API. */
async function takeTest(userId: string, placement: Placement, rightFor: (item: Item) => boolean): Promise<void> {
  const call = sessionApi(tool.url, await launchSessionToken(lms, userId, placement.resourceLinkId));
  let view = await call('POST', '/attempts', {});
  for (let guard = 0; guard < 20; guard++) {
    const items = new Map((await getItemVersions(tenantId, view.items.map((i: any) => ({ id: i.itemId, version: i.version })))).map((i) => [i.id, i]));
    for (const it of view.items) await call('PUT', `/attempts/${view.id}/responses/${it.position}`, { value: answerFor(items.get(it.itemId)!, rightFor(items.get(it.itemId)!)), seq: 1 });
    if (!view.adaptive) {
      await call('POST', `/attempts/${view.id}/submit`, {});
      return;
    }
    const r = await call('POST', `/attempts/${view.id}/parts/${view.adaptive.part}/submit`, {});
    if (r.results) return;
    view = r.attempt;
  }
  throw new Error('the test did not end');
}

beforeAll(async () => {
  ({ tool, lms, tenantId } = await startToolWithLms({ productFamily: 'moodle', scopes: TOOL_SCOPES }));
  // An adaptive post-test paired with the ready-made fixed Grade 7 Ratios pre-test, in this district.
  const template = await AssessmentModel.findById('starter-g7-rp-adaptive').lean();
  await AssessmentModel.create({ ...template, _id: 'bad-post', tenantId, title: 'Ratios — adaptive post-test', kind: 'post', pairedWith: 'starter-g7-rp-pre', source: 'blueprint' });
  const prePlacement = lms.addPlacement({ title: 'Ratios — Pre-test', custom: { growthline_assessment: 'starter-g7-rp-pre' } });
  postPlacement = lms.addPlacement({ title: 'Ratios — Adaptive post-test', custom: { growthline_assessment: 'bad-post' } });

  // Before teaching only the easiest questions come out right; after it, most or all of them.
  await takeTest('u2001', prePlacement, (it) => it.difficulty < -1);
  await takeTest('u2002', prePlacement, () => false);
  await takeTest('u2003', prePlacement, (it) => it.difficulty < -0.5);
  await takeTest('u2001', postPlacement, () => true);
  await takeTest('u2002', postPlacement, (it) => it.difficulty < 0);
  await takeTest('u2003', postPlacement, () => true);

  ({ browser, page } = await openDesktopTab());
}, 180_000);

afterAll(() => stopLaunchTest(browser, lms, tool));

const whole = (x: number) => (Math.round(x) < 0 ? `−${Math.abs(Math.round(x))}` : String(Math.round(x)));

describe('the teacher dashboard of an adaptive post-test', () => {
  let frame: Frame;
  let ui: FrameLocator;
  let token = '';
  const api = async (path: string) => {
    const res = await fetch(`${tool.url}/api${path}`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    return res.json();
  };

  it('says in words how far the class moved on the common scale, with its 95% interval', async () => {
    ({ frame, ui } = await openToolPage(page, lms, 'u1001', postPlacement));
    token = await pageSession(frame);
    const placementId = (await api('/session')).placement.id;
    const { growth } = await api(`/placements/${placementId}/dashboard`);
    const s = growth.scale;
    expect(s.students).toBe(3);
    expect(s.meanChange).toBeGreaterThan(0);

    const g = ui.locator('gl-growth');
    await g.getByRole('heading', { name: 'On the common scale' }).waitFor({ timeout: 20_000 });
    const sentences = await g.locator('ul.scale-summary li').allTextContents();
    const [low, high] = s.changeInterval.value as [number, number];
    expect(sentences[0]).toContain(`On the common scale, the class moved up ${whole(s.meanChange)} points (95% CI ${whole(low)} to ${whole(high)}).`);
    expect(sentences[1]).toBe(`Average scale score: ${whole(s.meanPre)} before, ${whole(s.meanPost)} after.`);
    expect(sentences[2]).toBe('3 students have a scale score on both tests.');
    // Each student's scale scores are in the table too, as text.
    const first = growth.students[0];
    const row = g.locator('tbody tr', { hasText: first.displayName });
    // The scale column comes just before the overall one.
    const cells = row.locator('td');
    expect(await cells.nth((await cells.count()) - 2).textContent()).toBe(`${whole(first.scale.pre)} → ${whole(first.scale.post)} (${first.scale.change > 0 ? '+' : ''}${whole(first.scale.change)} points)`);
    await expectNoAxeViolations(frame, 'growth with the scale summary');
  }, 90_000);

  it('says how many students were given each question, and shows a student\'s own questions part by part', async () => {
    const placementId = (await api('/session')).placement.id;
    const { itemAnalysis, growth } = await api(`/placements/${placementId}/dashboard`);
    const items = ui.locator('gl-item-analysis');
    expect(await items.locator('p').first().textContent()).toContain('This test is adaptive');
    const firstItem = items.locator('ol.items > li').first();
    expect(await firstItem.textContent()).toContain(`Given to ${itemAnalysis.items[0].students} of 3 students`);

    const name = growth.students[0].displayName;
    await ui.locator('gl-completion').getByRole('button', { name: `See answers: ${name}` }).click();
    const drill = ui.locator('gl-student-drilldown');
    await drill.getByRole('heading', { level: 2 }).waitFor({ timeout: 15_000 });
    const view = await api(`/placements/${placementId}/students/${growth.students[0].personId}`);
    expect(await drill.getByText(`Scale score ${view.attempt.scale.score}`).count()).toBe(1);
    const captions = await drill.locator('caption').allTextContents();
    expect(captions).toEqual(view.attempt.parts.map((p: { part: number }) => `Part ${p.part}: each answer of ${name}`));
    await expectNoAxeViolations(frame, 'adaptive drill-down');
  }, 60_000);

  it('warns the author, in a status list, about a standard the bank cannot fill as the adaptive plan wants', async () => {
    // One question of the course's own on a standard the starter bank does not cover.
    const made = await fetch(`${tool.url}/api/items`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        standards: ['7.G.A.1'], difficulty: 0, stem: 'A map uses 1 cm for 5 km. How far is 3 cm?', shared: false,
        interaction: { type: 'single', choices: [{ id: 'a', content: '15 km' }, { id: 'b', content: '8 km' }], key: { correct: 'a' } },
        feedback: { explanation: 'Multiply by the scale.' },
      }),
    });
    expect(made.status).toBe(201);
    await ui.getByRole('tab', { name: 'Build an assessment' }).click();
    const builder = ui.locator('gl-assessment-builder');
    await builder.getByLabel('Title').fill('Scale drawings, adaptively');
    await builder.getByLabel('Grade', { exact: true }).selectOption('7');
    await builder.getByRole('radio', { name: /Diagnostic/ }).check();
    await builder.getByLabel('Standard 1').selectOption('7.G.A.1');
    await builder.getByLabel('Items per test').fill('1');
    await builder.getByRole('checkbox', { name: /Adaptive/ }).check();
    await builder.getByRole('button', { name: 'Build assessment' }).click();
    await builder.getByRole('heading', { name: 'Built 1 assessment' }).waitFor({ timeout: 15_000 });
    const notes = builder.getByRole('status').filter({ hasText: 'Notes on the adaptive plan' });
    expect(await notes.locator('li').allTextContents()).toEqual([
      '7.G.A.1: the bank has medium-difficulty questions for only 1 version of the first part (wanted 2), so every student sees the same first question. Add questions of medium difficulty for this standard.',
    ]);
    await expectNoAxeViolations(frame, 'builder with plan notes');
  }, 60_000);
});
