// Acceptance: a teacher, launched from the demo LMS into its course frame, writes an item, previews and
// saves it, builds a two-standard pre/post assessment, and then adds it to the course through a deep
// linking launch. axe-core finds nothing on the item bank, the editor and the builder.
import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningTool } from '../../server/main.js';
import type { Platform } from '../platform/index.js';
import { expectNoAxeViolations, type TestBrowser } from '../support/browser.js';
import { toolFrame as launchedFrame, openDesktopTab, stopLaunchTest } from '../support/launch-page.js';
import { startToolWithLms } from '../support/lti.js';

let tool: RunningTool;
let lms: Platform;
let browser: TestBrowser;
let page: Page;

const STEM = 'What is \\( \\frac{3}{4} \\) of 12 apples?';
const TITLE = 'Ratios and expressions check';

beforeAll(async () => {
  ({ tool, lms } = await startToolWithLms({ productFamily: 'moodle' }));
  ({ browser, page } = await openDesktopTab());
}, 120_000);

afterAll(() => stopLaunchTest(browser, lms, tool));

const toolFrame = (tag: string) => launchedFrame(page, tag);
/** axe on the tool's own element only (`include`, e.g. gl-teacher-page), not the LMS around it. */
const expectNoAxeViolationsIn = (frame: Frame, include: string) => expectNoAxeViolations(frame, include, { include });

describe('authoring through a real teacher launch', () => {
  it('a teacher writes an item, previews it, saves two versions, and finds it in the bank', async () => {
    await page.goto(`${lms.url}/`);
    await page.getByRole('button', { name: /Launch as Maya Okafor \(Teacher\)/ }).first().click();
    const { frame, ui } = await toolFrame('gl-teacher-page');

    const bankTab = ui.getByRole('tab', { name: 'Item bank' });
    await bankTab.click();
    const bank = ui.locator('gl-item-bank');
    await expect.poll(() => bank.getByRole('status').first().textContent(), { timeout: 15_000 }).toMatch(/Showing 1–20 of \d+ items/);
    await expect.poll(() => bank.getByRole('button', { name: 'Duplicate to edit' }).count()).toBeGreaterThan(0);
    await expectNoAxeViolationsIn(frame, 'gl-teacher-page');

    await bank.getByRole('button', { name: 'New item' }).click();
    const editor = ui.locator('gl-item-editor');
    await editor.getByRole('heading', { name: 'New item' }).waitFor();

    // Saving an empty item names what is missing, next to each field, and announces it.
    await editor.getByRole('button', { name: 'Save item' }).click();
    await expect.poll(() => editor.getByRole('alert').textContent()).toContain('Write the question.');
    const stem = editor.getByLabel('Question (what the student reads)');
    expect(await stem.getAttribute('aria-invalid')).toBe('true');
    expect(await stem.getAttribute('aria-describedby')).toContain('err-stem');
    await expectNoAxeViolationsIn(frame, 'gl-teacher-page');

    await stem.fill(STEM);
    await editor.getByLabel('Choice 1', { exact: true }).fill('9');
    await editor.getByLabel('Choice 2', { exact: true }).fill('8');
    await editor.getByRole('button', { name: 'Add a choice' }).click();
    await editor.getByLabel('Choice 3', { exact: true }).fill('16');
    await editor.getByRole('radio', { name: /^Correct answer\W+Choice 1$/ }).check();
    await editor.getByLabel('Why a student might choose Choice 2').fill('Subtracted 4 instead of finding three quarters.');
    await editor.getByLabel('Grade', { exact: true }).selectOption('7');
    await editor.getByRole('checkbox', { name: /^7\.RP\.A\.1 —/ }).check();
    await editor.getByLabel('Explanation', { exact: true }).fill('One quarter of 12 is 3, so three quarters is 9.');

    // The preview is the server's student view: MathML for the fraction, the choices, no problems.
    const preview = editor.locator('gl-item-preview');
    await expect.poll(() => preview.getByRole('status').textContent(), { timeout: 10_000 }).toContain('No problems found.');
    expect(await preview.locator('.stem math').count()).toBe(1);
    expect(await preview.getByRole('radio').count()).toBe(3);
    expect(await editor.getByRole('alert').count()).toBe(0);
    await expectNoAxeViolationsIn(frame, 'gl-teacher-page');

    await editor.getByRole('button', { name: 'Save item' }).click();
    await expect.poll(() => editor.locator('.status').textContent(), { timeout: 10_000 }).toBe('Saved. This is version 1.');

    await editor.getByLabel('Choice 3', { exact: true }).fill('12');
    await editor.getByRole('button', { name: 'Save item' }).click();
    await expect.poll(() => editor.locator('.status').textContent(), { timeout: 10_000 }).toBe('Saved. This is version 2.');

    await editor.getByRole('button', { name: 'Back to the item bank' }).click();
    await bank.getByLabel('From', { exact: true }).selectOption('mine');
    await bank.getByLabel('Words in the question').fill('apples');
    await bank.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => bank.getByRole('status').first().textContent(), { timeout: 10_000 }).toBe('Showing the only matching item.');
    const mine = bank.locator('ul.items > li').first();
    expect(await mine.textContent()).toMatch(/This course[\s\S]*Version\s*2/);
    expect(await mine.getByRole('button', { name: 'Edit' }).count()).toBe(1);
  }, 120_000);

  it('the teacher builds a two-standard pre/post assessment and sees how evenly difficult the tests are', async () => {
    const { frame, ui } = await toolFrame('gl-teacher-page');
    await ui.getByRole('tab', { name: 'Build an assessment' }).click();
    const builder = ui.locator('gl-assessment-builder');
    await builder.getByLabel('Title').fill(TITLE);
    await builder.getByLabel('Grade', { exact: true }).selectOption('7');
    await builder.getByLabel('Standard 1').selectOption('7.RP.A.1');
    await builder.getByRole('button', { name: 'Add a standard' }).click();
    await builder.getByLabel('Standard 2').selectOption('7.EE.A.1');
    await expectNoAxeViolationsIn(frame, 'gl-teacher-page');

    await builder.getByRole('button', { name: 'Build assessment' }).click();
    await builder.getByRole('heading', { name: 'Built 2 assessments' }).waitFor({ timeout: 15_000 });
    const report = await builder.locator('table').textContent();
    expect(report).toMatch(/Pre-test[\s\S]*Post-test[\s\S]*Balance/);
    expect(report).toMatch(/7\.RP\.A\.1[\s\S]*7\.EE\.A\.1/);
    expect(await builder.locator('tbody tr').count()).toBe(2);
    await expectNoAxeViolationsIn(frame, 'gl-teacher-page');
  }, 60_000);

  it('the new assessment appears in the deep-linking picker and is added to the course', async () => {
    await page.goto(`${lms.url}/`);
    await page.getByRole('button', { name: 'Add Growthline activity (Deep Linking)' }).click();
    const { frame, ui } = await toolFrame('gl-picker-page');
    const list = ui.locator('gl-assessment-list');
    await list.getByLabel('Grade', { exact: true }).selectOption('7');
    // The demo LMS's "add activity" screen accepts several activities, so the list offers checkboxes.
    const pre = list.getByRole('checkbox', { name: `${TITLE} — Pre-test` });
    await pre.waitFor({ timeout: 15_000 });
    expect(await list.getByRole('radio').count()).toBe(0);
    await pre.check();
    const id = await pre.getAttribute('value');
    await expectNoAxeViolationsIn(frame, 'gl-picker-page');

    await ui.getByRole('button', { name: 'Add to course' }).click();
    await expect.poll(() => lms.received.deepLinks.length, { timeout: 15_000 }).toBe(1);
    const [returned] = lms.received.deepLinks;
    expect(returned!.contentItems).toHaveLength(1);
    expect(returned!.contentItems[0]).toMatchObject({ type: 'ltiResourceLink', title: `${TITLE} — Pre-test`, custom: { growthline_assessment: id } });
    await ui.getByRole('heading', { name: 'Added 1 item' }).waitFor({ timeout: 10_000 });
  }, 60_000);
});
