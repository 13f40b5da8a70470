// Acceptance: three students of the demo course launch for real (LTI 1.3 through the platform simulator) and take a
// pre-test and its post-test through the API; a fourth never opens it. The teacher then launches the post-test in
// Chromium inside the LMS frame and lands on the dashboard: completion from the LMS roster (NRPS), the mastery map
// (colour grid and numbers, sorted by a standard), growth in plain words, suggested groups edited with the keyboard
// and saved, one student's answers, and a CSV whose numbers match the API. axe-core finds nothing on any of these
// views, nor on a student's own progress.
import { readFileSync } from 'node:fs';
import type { Frame, FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssessmentModel } from '../../server/content/content.model.js';
import { importBank } from '../../server/content/content.service.js';
import { ItemSchema, type Item } from '../../server/content/item.schema.js';
import { TOOL_SCOPES } from '../../server/lti/registration.js';
import type { RunningTool } from '../../server/main.js';
import { parseCsv } from '../../server/mastery/csv.js';
import type { DemoUser, Placement, Platform } from '../platform/index.js';
import { sessionApi } from '../support/api.js';
import { expectNoAxeViolations, type TestBrowser } from '../support/browser.js';
import { openToolPage, pageSession, openDesktopTab, stopLaunchTest } from '../support/launch-page.js';
import { launchSessionToken, startToolWithLms } from '../support/lti.js';

const RP = '7.RP.A.1';
const EE = '7.EE.A.1';
const MISCONCEPTION = 'Multiplied instead of dividing.';

let tool: RunningTool;
let lms: Platform;
let browser: TestBrowser;
let page: Page;
let prePlacement: Placement;
let postPlacement: Placement;

const NIA: DemoUser = {
  id: 'u2099', name: 'Nia Patel', givenName: 'Nia', familyName: 'Patel', email: 'nia.patel@example.edu',
  roles: ['http://purl.imsglobal.org/vocab/lis/v2/membership#Learner'], roleLabel: 'Student',
};

function item(id: string, standard: string, difficulty = 0): Item {
  return ItemSchema.parse({
    id, standards: [standard], difficulty, stem: `(${id}) A snail crawls \\( \\frac{1}{2} \\) meter in \\( \\frac{1}{4} \\) hour. How many meters per hour?`,
    interaction: { type: 'single', choices: [{ id: 'a', content: '1/8' }, { id: 'b', content: '2' }, { id: 'c', content: '3/4' }], key: { correct: 'b' } },
    feedback: { explanation: 'Divide the distance by the time.', choices: { a: MISCONCEPTION, c: 'Added the distance and the time.' } },
  });
}
const PRE = ['bd-pre-rp1', 'bd-pre-rp2', 'bd-pre-ee1', 'bd-pre-ee2'];
const POST = ['bd-post-rp1', 'bd-post-rp2', 'bd-post-ee1', 'bd-post-ee2'];

type Answers = [string, string, string, string];
const RIGHT: Answers = ['b', 'b', 'b', 'b'];
const WRONG: Answers = ['a', 'a', 'a', 'a'];

/** A real launch of the student, then the whole test through the API with the session that launch gave. */
async function takeTest(userId: string, placement: Placement, answers: Answers): Promise<void> {
  const call = sessionApi(tool.url, await launchSessionToken(lms, userId, placement.resourceLinkId));
  const attempt = await call('POST', '/attempts', {});
  for (const [n, choice] of answers.entries()) await call('PUT', `/attempts/${attempt.id}/responses/${n + 1}`, { value: { type: 'single', choice }, seq: 1 });
  await call('POST', `/attempts/${attempt.id}/submit`, {});
}

beforeAll(async () => {
  // Moodle: its login initiation carries no platform-storage target, so the students' launches can run without a browser.
  let tenantId: string;
  ({ tool, lms, tenantId } = await startToolWithLms({ productFamily: 'moodle', users: [NIA], scopes: TOOL_SCOPES }));
  const bank = [...PRE, ...POST].map((id, i) => item(id, i % 4 < 2 ? RP : EE));
  const practice = ['bd-practice-rp1', 'bd-practice-rp2', 'bd-practice-ee1', 'bd-practice-ee2'].map((id, i) => item(id, i < 2 ? RP : EE, i - 1));
  const imported = await importBank(tenantId, [...bank, ...practice], [
    { id: 'bd-pre', title: 'Rates — Pre-test', itemIds: PRE }, { id: 'bd-post', title: 'Rates — Post-test', itemIds: POST },
  ]);
  if (imported.problems.length) throw new Error(JSON.stringify(imported.problems));
  const [preId, postId] = imported.assessments as [string, string];
  await AssessmentModel.updateOne({ _id: preId }, { $set: { kind: 'pre', pairedWith: postId } });
  await AssessmentModel.updateOne({ _id: postId }, { $set: { kind: 'post', pairedWith: preId } });
  prePlacement = lms.addPlacement({ title: 'Rates — Pre-test', custom: { growthline_assessment: preId } });
  postPlacement = lms.addPlacement({ title: 'Rates — Post-test', custom: { growthline_assessment: postId } });

  // Aiyana: nothing right, then everything. Diego: ratios only, then everything. Lin: nothing, then ratios only.
  await takeTest('u2001', prePlacement, WRONG);
  await takeTest('u2002', prePlacement, ['b', 'b', 'c', 'c']);
  await takeTest('u2003', prePlacement, WRONG);
  await takeTest('u2001', postPlacement, RIGHT);
  await takeTest('u2002', postPlacement, RIGHT);
  await takeTest('u2003', postPlacement, ['b', 'b', 'a', 'c']);

  ({ browser, page } = await openDesktopTab());
}, 180_000);

afterAll(() => stopLaunchTest(browser, lms, tool));

let teacherToken = '';
const api = async (path: string) => {
  const res = await fetch(`${tool.url}/api${path}`, { headers: { authorization: `Bearer ${teacherToken}` } });
  expect(res.status).toBe(200);
  return res.json();
};
const pct = (share: number) => `${Math.round(share * 100)}%`;

describe('the teacher dashboard through a real teacher launch', () => {
  let frame: Frame;
  let ui: FrameLocator;
  let placementId = '';

  it('opens on the dashboard and lists the whole roster with each student\'s status', async () => {
    ({ frame, ui } = await openToolPage(page, lms, 'u1001', postPlacement));
    teacherToken = await pageSession(frame);
    placementId = (await api('/session')).placement.id;

    const tab = ui.getByRole('tab', { name: 'Dashboard' });
    expect(await tab.getAttribute('aria-selected')).toBe('true');
    expect(await ui.getByRole('tab').first().textContent()).toBe('Dashboard');
    const completion = ui.locator('gl-completion');
    await completion.getByRole('heading', { name: 'Who has taken it' }).waitFor({ timeout: 20_000 });
    expect(await completion.locator('p').first().textContent()).toBe('3 submitted, 0 in progress, 1 not started (4 students).');
    const rows = await completion.locator('li').allTextContents();
    expect(rows.find((r) => r.includes('Nia Patel'))).toMatch(/Not started/);
    expect(rows.find((r) => r.includes('Lin Zhou'))).toMatch(/Submitted: 2 of 4 correct \(50%\)/);
    expect(rows.some((r) => r.includes('Maya Okafor'))).toBe(false); // the teacher is not a student
    await expectNoAxeViolations(frame, 'dashboard');
  }, 90_000);

  it('shows the mastery map as a colour grid with words and as numbers, sortable by a standard', async () => {
    const dash = await api(`/placements/${placementId}/dashboard`);
    const map = ui.locator('gl-mastery-map');
    const table = map.locator('table');
    expect(await table.locator('caption').textContent()).toContain('Mastery of 2 standards by 4 students.');
    const codes: string[] = dash.standards.map((s: { code: string }) => s.code);
    expect(codes).toEqual([RP, EE]);
    expect((await table.locator('th[scope="col"]').allTextContents()).map((h) => h.replace(/[↕▲▼\s]/g, ''))).toEqual(['Student', RP, EE]);
    expect(await table.locator('th[scope="row"]').count()).toBe(4);
    const words: Record<string, string> = { beginning: 'Beginning', developing: 'Developing', proficient: 'Proficient', mastered: 'Mastered' };
    const lin = dash.mastery.students.find((s: { displayName: string }) => s.displayName === 'Lin Zhou');
    const linRow = table.locator('tbody tr', { hasText: 'Lin Zhou' });
    for (const [i, code] of codes.entries()) expect(await linRow.locator('td').nth(i).textContent()).toContain(words[lin.cells[code].level]);
    expect(await table.locator('tbody tr', { hasText: 'Nia Patel' }).locator('td').first().textContent()).toContain('No evidence yet');

    // Sort by the expressions standard: the header says so and Lin (Beginning there) comes first.
    await map.getByRole('button', { name: EE, exact: false }).first().click();
    expect(await table.locator('th[scope="col"]').nth(codes.indexOf(EE) + 1).getAttribute('aria-sort')).toBe('ascending');
    expect(await table.locator('tbody th[scope="row"]').first().textContent()).toContain('Lin Zhou');
    expect(await map.getByRole('status').textContent()).toBe(`Sorted by ${EE}, lowest level first.`);
    await expectNoAxeViolations(frame, 'mastery map, grid');

    await map.getByRole('button', { name: 'Numbers' }).click();
    expect(await map.getByRole('button', { name: 'Numbers' }).getAttribute('aria-pressed')).toBe('true');
    const cellText = await linRow.locator('td').nth(codes.indexOf(RP)).textContent();
    expect(cellText).toContain(`${pct(lin.cells[RP].pMastery)} likely mastered`);
    expect(cellText).toContain(`based on ${new Intl.NumberFormat('en', { maximumFractionDigits: 1 }).format(lin.cells[RP].evidence)} questions`);
    await expectNoAxeViolations(frame, 'mastery map, numbers');
  }, 60_000);

  it('states the class\'s growth with its confidence interval in plain words, and each student before and after', async () => {
    const { growth } = await api(`/placements/${placementId}/dashboard`);
    const g = ui.locator('gl-growth');
    const sentences = await g.locator('ul.sentences li').allTextContents();
    expect(sentences[0]).toBe('3 students took both tests.');
    expect(sentences[1]).toBe(`The average score went from ${pct(growth.overall.meanPre)} to ${pct(growth.overall.meanPost)}: a change of +${Math.round(growth.overall.meanGain * 100)} percentage points.`);
    expect(sentences[2]).toMatch(/^We are 95% confident that the true average change is between −5 and \+138 points\. That range includes zero/);
    expect(sentences[3]).toMatch(/^Effect size 2\.31: a large change/);
    const aiyana = g.locator('tbody tr', { hasText: 'Aiyana Brooks' });
    expect(await aiyana.locator('td').last().textContent()).toBe('0% → 100% (+100 points)');
    await expectNoAxeViolations(frame, 'growth');
  }, 60_000);

  it('suggests groups, moves a student to another group with the keyboard, and saves', async () => {
    const groups = ui.locator('gl-groups');
    await groups.getByLabel('Number of groups', { exact: true }).check();
    await groups.getByRole('spinbutton').fill('2');
    await groups.getByRole('button', { name: 'Suggest groups' }).click();
    await expect.poll(() => groups.getByRole('status').textContent(), { timeout: 15_000 }).toBe('2 groups suggested. Move students with the lists, then save.');
    const cards = groups.locator('li.group');
    expect(await cards.count()).toBe(2);
    const first = await cards.first().textContent();
    expect(first).toMatch(/Reteach:|Nothing to reteach/);
    expect(first).toMatch(/Practice items:/);
    await expectNoAxeViolations(frame, 'groups suggested');

    // Lin is in one of the groups; move Lin to the other one using the keyboard on the select.
    const select = groups.getByLabel('Group for Lin Zhou');
    const from = await select.inputValue();
    const to = from === '1' ? '2' : '1';
    await select.focus();
    await page.keyboard.press(from === '1' ? 'ArrowDown' : 'ArrowUp');
    await expect.poll(() => groups.getByRole('status').textContent()).toBe(`Lin Zhou moved to Group ${to}.`);
    expect(await groups.getByLabel('Group for Lin Zhou').inputValue()).toBe(to);
    expect(await cards.nth(Number(to) - 1).textContent()).toContain('Lin Zhou');
    expect(await groups.getByText('You have changes that are not saved.').count()).toBe(1);

    await groups.getByRole('button', { name: 'Save groups' }).click();
    await expect.poll(() => groups.getByRole('status').textContent(), { timeout: 15_000 }).toBe('Groups saved.');
    const saved = (await api(`/placements/${placementId}/dashboard`)).groups;
    expect(saved.saved).toBe(true);
    expect(saved.groups[Number(to) - 1].students.map((s: { displayName: string }) => s.displayName)).toContain('Lin Zhou');
    await expectNoAxeViolations(frame, 'groups saved');
  }, 60_000);

  it('opens one student\'s answers with the misconception behind a wrong choice, and goes back', async () => {
    await ui.locator('gl-completion').getByRole('button', { name: 'See answers: Lin Zhou' }).click();
    const drill = ui.locator('gl-student-drilldown');
    await drill.getByRole('heading', { name: 'Answers of Lin Zhou' }).waitFor({ timeout: 15_000 });
    const rows = drill.locator('tbody tr');
    expect(await rows.count()).toBe(4);
    expect(await rows.nth(2).textContent()).toMatch(/A\. 1\/8[\s\S]*Incorrect[\s\S]*B\. 2[\s\S]*Multiplied instead of dividing\./);
    expect(await rows.nth(0).textContent()).toMatch(/Correct/);
    await expectNoAxeViolations(frame, 'student drill-down');
    await drill.getByRole('button', { name: 'Back to the class' }).click();
    await ui.locator('gl-completion').getByRole('heading', { name: 'Who has taken it' }).waitFor();
  }, 60_000);

  it('downloads a CSV (with the session header, no cookies) whose numbers match the API', async () => {
    const dash = await api(`/placements/${placementId}/dashboard`);
    const csv = ui.locator('gl-csv-download');
    const request = page.waitForRequest((r) => r.url().endsWith(`/api/placements/${placementId}/export.csv`));
    await csv.getByRole('button', { name: 'Prepare the CSV file' }).click();
    const headers = await (await request).allHeaders();
    expect(headers.authorization).toBe(`Bearer ${teacherToken}`);
    expect(headers.cookie).toBeUndefined();
    const link = csv.getByRole('link', { name: /^Download growthline-rates-post-test-\d{4}-\d{2}-\d{2}\.csv$/ });
    await link.waitFor({ timeout: 15_000 });
    await expect.poll(() => frame.evaluate(() => {
      let a: Element | null = document.activeElement;
      while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
      return a?.tagName;
    })).toBe('A'); // the link takes the focus, so a keyboard user presses Enter next
    expect(await link.getAttribute('href')).toMatch(/^blob:/);
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 20_000 }), link.click()]);
    expect(download.suggestedFilename()).toMatch(/^growthline-rates-post-test-\d{4}-\d{2}-\d{2}\.csv$/);
    const rows = parseCsv(readFileSync((await download.path())!, 'utf8'));
    expect(rows[0]).toEqual(['section', 'student_id', 'student', 'standard', 'item_id', 'choice', 'measure', 'value']);
    const value = (section: string, student: string, standard: string, measure: string, itemId = '', choice = '') =>
      rows.filter((r) => r[0] === section && r[1] === student && r[3] === standard && r[4] === itemId && r[5] === choice && r[6] === measure).map((r) => r[7]);
    let compared = 0;
    for (const s of dash.mastery.students) {
      for (const std of dash.standards) {
        const c = s.cells[std.code];
        expect(value('mastery', s.personId ?? '', std.code, 'level')).toEqual([c ? c.level : 'no-evidence']);
        if (c) { expect(value('mastery', s.personId, std.code, 'p_mastery')).toEqual([String(c.pMastery)]); compared++; }
      }
    }
    for (const s of dash.growth.students) expect(value('growth', s.personId, '(all)', 'change')).toEqual([String(s.change)]);
    expect(value('growth_class', '', '(all)', 'mean_change')).toEqual([String(dash.growth.overall.meanGain)]);
    expect(value('growth_class', '', '(all)', 'change_ci_high')).toEqual([String(dash.growth.overall.gainInterval.value[1])]);
    for (const it of dash.itemAnalysis.items) expect(value('items', '', it.standard, 'percent_correct', it.itemId)).toEqual([String(it.percentCorrect)]);
    expect(value('items', '', EE, 'misconception', POST[2], 'a')).toEqual([MISCONCEPTION]);
    const lin = dash.completion.students.find((s: { displayName: string }) => s.displayName === 'Lin Zhou');
    expect(value('groups', lin.personId, '', 'group')).toHaveLength(1);
    expect(compared).toBe(6); // three students × two standards
    await expectNoAxeViolations(frame, 'export');
  }, 60_000);
});

describe('a student\'s own progress', () => {
  it('shows after the results and as its own view, only for that student, with no axe violations', async () => {
    const { frame, ui } = await openToolPage(page, lms, 'u2003', postPlacement, 'gl-student-page');
    const progress = ui.locator('gl-my-progress');
    await progress.getByRole('heading', { name: 'My progress' }).waitFor({ timeout: 20_000 });
    expect(await ui.locator('gl-results').count()).toBe(1);
    const text = await progress.locator('section').textContent();
    expect(text).toMatch(/Next step:/);
    expect(text).toMatch(/How you grew from “Rates — Pre-test” to “Rates — Post-test”/);
    expect(text).not.toMatch(/Aiyana|Diego/);
    await expectNoAxeViolations(frame, 'results and progress');

    await ui.getByRole('button', { name: 'My progress' }).click();
    expect(await ui.getByRole('button', { name: 'My progress' }).getAttribute('aria-pressed')).toBe('true');
    expect(await ui.locator('gl-results').count()).toBe(0);
    await progress.getByRole('heading', { name: 'My progress' }).waitFor();
    await expectNoAxeViolations(frame, 'my progress');
  }, 60_000);
});
