// Acceptance: a district's students have taken a diagnostic (simulated: test/integration/calibration.fixtures.ts),
// one question of which has a wrong choice that strong students pick. A teacher launches Growthline for real in
// Chromium inside the LMS frame, opens the "Item quality" tab, recalculates, and finds that question among the flagged ones
// with the reason in words; sorting works from the keyboard; axe-core finds nothing.
import type { Frame, FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CalibrationRunModel } from '../../server/adaptive/calibration.model.js';
import { AttemptModel } from '../../server/delivery/attempt.model.js';
import { TOOL_SCOPES } from '../../server/lti/registration.js';
import type { RunningTool } from '../../server/main.js';
import { seedCalibrationAssessment, simulateStudents, type CalibrationFixture } from '../integration/calibration.fixtures.js';
import type { Platform } from '../platform/index.js';
import { expectNoAxeViolations, type TestBrowser } from '../support/browser.js';
import { openToolPage, openDesktopTab, stopLaunchTest } from '../support/launch-page.js';
import { startToolWithLms } from '../support/lti.js';

let tool: RunningTool;
let lms: Platform;
let browser: TestBrowser;
let page: Page;
let tenantId: string;
let fixture: CalibrationFixture;

beforeAll(async () => {
  ({ tool, lms, tenantId } = await startToolWithLms({ productFamily: 'moodle', scopes: TOOL_SCOPES }));
  fixture = await seedCalibrationAssessment(tenantId);
  await simulateStudents(tenantId, fixture, 90, 5, 2);
  lms.addPlacement({ title: 'Ratios check', custom: { growthline_assessment: fixture.assessmentId } });
  ({ browser, page } = await openDesktopTab());
}, 180_000);

afterAll(() => stopLaunchTest(browser, lms, tool));

describe('the item-quality report through a real teacher launch', () => {
  let frame: Frame;
  let ui: FrameLocator;

  it('lists the question strong students get wrong among the flagged, with the reason in words, after "Recalculate"', async () => {
    const placement = lms.placements.find((p) => p.title === 'Ratios check')!;
    ({ frame, ui } = await openToolPage(page, lms, 'u1001', placement));

    const tab = ui.getByRole('tab', { name: 'Item quality' });
    await tab.focus();
    await page.keyboard.press('Enter');
    expect(await tab.getAttribute('aria-selected')).toBe('true');
    const report = ui.locator('gl-calibration-report');
    await report.getByText('No calibration has been calculated yet.').waitFor({ timeout: 20_000 });
    await expectNoAxeViolations(frame, 'item quality, before any calibration');

    const before = JSON.stringify(await AttemptModel.find({ tenantId }).sort({ _id: 1 }).lean());
    await report.getByRole('button', { name: 'Recalculate' }).click();
    await report.getByRole('status').getByText('Recalculated: the report below is new.').waitFor({ timeout: 30_000 });
    expect(await CalibrationRunModel.countDocuments({ tenantId, trigger: 'staff' })).toBe(1);
    expect(JSON.stringify(await AttemptModel.find({ tenantId }).sort({ _id: 1 }).lean())).toBe(before);

    const table = report.getByRole('table', { name: 'Questions by quality, CCSS.Math' });
    expect(await table.locator('tbody tr').count()).toBe(10);
    // Flagged questions come first; which flagged one leads depends on the simulated answers, so find the trap by name.
    expect(await table.locator('tbody tr').first().textContent()).not.toContain('No problem found');
    const trap = table.locator('tbody tr').filter({ hasText: `${fixture.trap.id} v1` });
    expect(await trap.locator('th[scope="row"]').textContent()).toContain('Which ratio is equivalent to 3 : 4?');
    expect(await trap.textContent()).toMatch(/Wrong choice "c" is picked by more of the strongest students \(\d+%\) than of the weakest \(\d+%\)/);
    expect(await table.locator('thead th[scope="col"]').last().getAttribute('aria-sort')).toBe('ascending');
    await expectNoAxeViolations(frame, 'item quality report');
  }, 120_000);

  it('sorts by a column from the keyboard and says so in the header', async () => {
    const report = ui.locator('gl-calibration-report');
    const table = report.getByRole('table');
    await report.getByRole('button', { name: 'Sort by Author\'s difficulty' }).focus();
    await page.keyboard.press('Enter');
    const header = table.locator('thead th[scope="col"]').nth(2);
    expect(await header.getAttribute('aria-sort')).toBe('ascending');
    const authored = (await table.locator('tbody tr td:nth-of-type(2)').allTextContents()).map((s) => Number(s.replace('−', '-')));
    expect(authored).toEqual([...authored].sort((a, b) => a - b));
    expect(authored[0]).toBe(-1.6);
    await page.keyboard.press('Enter');
    expect(await header.getAttribute('aria-sort')).toBe('descending');
    expect(Number((await table.locator('tbody tr td:nth-of-type(2)').first().textContent())!.replace('−', '-'))).toBe(1.6);
  }, 60_000);

  it('tells the teacher when nothing new was submitted since the last calculation', async () => {
    const report = ui.locator('gl-calibration-report');
    await report.getByRole('button', { name: 'Recalculate' }).click();
    await report.getByRole('status').getByText('No test was submitted since the last calculation, so the report is unchanged.').waitFor({ timeout: 30_000 });
    expect(await CalibrationRunModel.countDocuments({ tenantId })).toBe(1);
  }, 60_000);
});
