// Acceptance: a district's LMS administrator (institution Administrator, no course role) launches Growthline from a
// course in Chromium inside the LMS frame, opens the "District" tab and reads the roll-up: a table per standard
// with the level spread in words, "fewer than 5" for small groups, the class breakdown chosen by keyboard, and a CSV.
// A teacher's launch has no District tab. axe-core finds nothing on any of these views.
import { readFileSync } from 'node:fs';
import type { Frame, FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertCourse, upsertPerson } from '../../server/courses/course.service.js';
import { TOOL_SCOPES } from '../../server/lti/registration.js';
import type { RunningTool } from '../../server/main.js';
import { MasteryEstimateModel, masteryKey } from '../../server/mastery/mastery.model.js';
import type { Level } from '../../server/mastery/model.js';
import type { DemoUser, Placement, Platform } from '../platform/index.js';
import { expectNoAxeViolations, type TestBrowser } from '../support/browser.js';
import { openToolPage, openDesktopTab, stopLaunchTest } from '../support/launch-page.js';
import { startToolWithLms } from '../support/lti.js';

let tool: RunningTool;
let lms: Platform;
let browser: TestBrowser;
let page: Page;
let placement: Placement;

const ADMIN: DemoUser = {
  id: 'u3001', name: 'Rosa Admin', givenName: 'Rosa', familyName: 'Admin', email: 'rosa.admin@example.edu',
  roles: ['http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator'], roleLabel: 'Teacher',
};

async function seedClass(tenantId: string, contextId: string, title: string, levels: Level[], codes: string[]): Promise<void> {
  const course = await upsertCourse({ tenantId, contextId, title });
  for (const [i, level] of levels.entries()) {
    const person = await upsertPerson({ tenantId, sub: `${contextId}-student-${i}`, name: `Seeded Pupil ${contextId} ${i}` });
    for (const code of codes) {
      await MasteryEstimateModel.create({
        _id: masteryKey(tenantId, course.id, person.id, 'CCSS.Math', code), tenantId, courseId: course.id, personId: person.id,
        framework: 'CCSS.Math', code, model: 'rasch-grid', state: { model: 'rasch-grid', version: 1 },
        pMastery: { beginning: 0.1, developing: 0.4, proficient: 0.75, mastered: 0.95 }[level], level, evidence: 3,
        attempts: [{ attemptId: `a-${person.id}`, placementId: 'p', assessmentId: 'diag', kind: 'diagnostic', at: new Date('2026-09-01'), points: 2, maxPoints: 3, items: [] }],
        appliedAttemptIds: [`a-${person.id}`], rev: 1,
      });
    }
  }
}

beforeAll(async () => {
  let tenantId: string;
  ({ tool, lms, tenantId } = await startToolWithLms({ productFamily: 'moodle', users: [ADMIN], scopes: TOOL_SCOPES }));
  // Period 1: 7 students on two standards; period 2: 3 students on one (a small class: suppressed).
  await seedClass(tenantId, 'period-1', 'Math 7 Period 1', ['beginning', 'developing', 'developing', 'proficient', 'proficient', 'mastered', 'mastered'], ['7.RP.A.1', '7.RP.A.2']);
  await seedClass(tenantId, 'period-2', 'Math 7 Period 2', ['mastered', 'mastered', 'proficient'], ['7.RP.A.1']);
  placement = lms.addPlacement({ title: 'Ratios check' });
  ({ browser, page } = await openDesktopTab());
}, 180_000);

afterAll(() => stopLaunchTest(browser, lms, tool));

const launchAs = (user: string) => openToolPage(page, lms, user, placement);

describe('the district roll-up in the teacher page', () => {
  it('has no District tab for a teacher', async () => {
    const { ui } = await launchAs('u1001');
    await ui.getByRole('tab', { name: 'Dashboard' }).waitFor();
    expect(await ui.getByRole('tab', { name: 'District' }).count()).toBe(0);
  }, 60_000);

  let frame: Frame;
  let ui: FrameLocator;

  it('shows an administrator the district\'s mastery per standard, with small groups as "fewer than 5"', async () => {
    ({ frame, ui } = await launchAs(ADMIN.id));
    const tab = ui.getByRole('tab', { name: 'District' });
    await tab.click();
    expect(await tab.getAttribute('aria-selected')).toBe('true');
    const rollup = ui.locator('gl-district-rollup');
    const table = rollup.getByRole('table', { name: 'Mastery by standard, district-wide' });
    await table.waitFor({ timeout: 20_000 });
    expect(await rollup.getByText('10 students with evidence, in 2 classes.').count()).toBe(1);
    const rp1 = table.locator('tbody tr', { hasText: '7.RP.A.1' });
    const cells = await rp1.locator('td').allTextContents();
    // 10 students: B 1, D 2, P 3, M 4 → 70% Proficient or above
    expect(cells[0]).toBe('10');
    expect(cells[1]).toContain('Beginning: 1');
    expect(cells[1]).toContain('Developing: 2');
    expect(cells[1]).toContain('Proficient: 3');
    expect(cells[1]).toContain('Mastered: 4');
    expect(cells[2]).toBe('70%');
    expect(await table.locator('th[scope="row"]').count()).toBe(2);
    expect(await rollup.locator('section').first().textContent()).not.toContain('Seeded Pupil');
    await expectNoAxeViolations(frame, 'district roll-up');
  }, 60_000);

  it('breaks the roll-up down by class from the keyboard, suppressing the small class', async () => {
    const rollup = ui.locator('gl-district-rollup');
    const byClass = rollup.getByRole('radio', { name: 'Class' });
    await rollup.getByRole('radio', { name: 'District only' }).focus();
    await page.keyboard.press('ArrowRight');
    expect(await byClass.isChecked()).toBe(true);
    const small = rollup.locator('summary', { hasText: 'Math 7 Period 2' });
    await small.waitFor({ timeout: 20_000 });
    expect((await small.textContent())?.trim()).toBe('Math 7 Period 2: fewer than 5 students');
    const big = rollup.locator('summary', { hasText: 'Math 7 Period 1' });
    await big.focus();
    await page.keyboard.press('Enter');
    const classTable = rollup.getByRole('table', { name: 'Mastery by standard in Math 7 Period 1' });
    await classTable.waitFor();
    expect(await classTable.locator('tbody tr', { hasText: '7.RP.A.1' }).locator('td').first().textContent()).toBe('7');
    await small.click();
    const smallTable = rollup.getByRole('table', { name: 'Mastery by standard in Math 7 Period 2' });
    expect(await smallTable.locator('tbody tr').first().locator('td').first().textContent()).toBe('fewer than 5');
    await expectNoAxeViolations(frame, 'district roll-up by class');
  }, 60_000);

  it('offers the roll-up as a CSV file', async () => {
    const rollup = ui.locator('gl-district-rollup');
    await rollup.getByRole('button', { name: 'Download the roll-up as CSV' }).click();
    const link = rollup.getByRole('link', { name: /^Download growthline-district-roll-up-/ });
    await link.waitFor({ timeout: 15_000 });
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 20_000 }), link.click()]);
    expect(download.suggestedFilename()).toMatch(/^growthline-district-roll-up-\d{4}-\d{2}-\d{2}\.csv$/);
    const text = readFileSync((await download.path())!, 'utf8');
    expect(text).toContain('course,Math 7 Period 2,,7.RP.A.1');
    expect(text).toContain('fewer than 5');
    expect(text).not.toContain('Seeded Pupil');
  }, 60_000);
});
