// A student takes the ready-made adaptive diagnostic in Chromium inside the demo LMS's frame, launched for real
// (LTI 1.3 through the platform simulator): answers part 1, loses the network inside it, answers on and presses
// "Finish this part" offline, is told the part will be finished once back online, reconnects, gets part 2, and
// goes on until the results show a level per standard, the chance of mastery and a scale score. axe checks each screen.
import type { FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttemptModel } from '../../server/delivery/attempt.model.js';
import type { RunningTool } from '../../server/main.js';
import type { Platform, Placement } from '../platform/index.js';
import { expectNoAxeViolations, launchBrowser, type TestBrowser } from '../support/browser.js';
import { coursePageUrl, expectText, textOf, toolDocument, stopLaunchTest } from '../support/launch-page.js';
import { startToolWithLms } from '../support/lti.js';

let tool: RunningTool;
let platform: Platform;
let placement: Placement;
let browser: TestBrowser;

beforeAll(async () => {
  ({ tool, lms: platform } = await startToolWithLms({ productFamily: 'moodle' }));
  // As in the demo LMS (scripts/demo.ts): an activity for the ready-made adaptive Grade 7 Ratios diagnostic.
  placement = platform.addPlacement({ title: 'Grade 7 Ratios — Adaptive diagnostic', custom: { growthline_assessment: 'starter-g7-rp-adaptive' } });
  browser = await launchBrowser();
}, 120_000);

afterAll(() => stopLaunchTest(browser, platform, tool));

const launchUrl = (userId: string) => coursePageUrl(platform, userId, placement);

const toolFrame = (page: Page) => toolDocument(page, tool.url);

/** Gives some answer to the question on screen, whatever its type (right or wrong does not matter here). */
async function answerSomething(f: FrameLocator) {
  const q = f.locator('gl-test-runner section[part="question"]');
  await q.waitFor();
  if (await q.getByRole('radio').count()) await q.getByRole('radio').first().check();
  else if (await q.getByRole('checkbox').count()) await q.getByRole('checkbox').first().check();
  else if (await q.getByRole('textbox', { name: 'Your answer' }).count()) await q.getByRole('textbox', { name: 'Your answer' }).fill('1');
  else await q.getByRole('button', { name: 'Use this order as my answer' }).click();
}

/** The part and question the heading names, e.g. "Part 2: question 1 of 3". */
async function where(f: FrameLocator) {
  const m = /Part (\d+): question (\d+) of (\d+)/.exec(await textOf(f.getByRole('heading', { level: 2 })));
  if (!m) throw new Error('not on a question of an adaptive test');
  return { part: Number(m[1]), n: Number(m[2]), total: Number(m[3]) };
}

/** Answers every question of the part on screen, from the current one, and opens the review. */
async function answerRestOfPart(f: FrameLocator) {
  for (;;) {
    const { n, total } = await where(f);
    await answerSomething(f);
    if (n === total) {
      await f.getByRole('button', { name: 'Review answers', exact: true }).last().click();
      await expectText(f.getByRole('heading', { level: 2 }), /Review your answers/);
      return;
    }
    await f.getByRole('button', { name: 'Next', exact: true }).click();
    await expectText(f.getByRole('heading', { level: 2 }), new RegExp(`question ${n + 1} of ${total}`));
  }
}

async function finishPart(f: FrameLocator) {
  await f.getByRole('button', { name: 'Finish this part' }).click();
  await expectText(f.locator('dialog h2'), /Finish this part\?/);
  await f.locator('dialog').getByRole('button', { name: 'Finish this part', exact: true }).click();
}

describe('a student taking an adaptive test inside the LMS', () => {
  it('works through the parts, keeps answers through an outage inside a part, and ends with per-standard results and a scale score', async () => {
    const student = platform.users.find((u) => u.roleLabel === 'Student')!;
    const page = await browser.context.newPage();
    await page.goto(launchUrl(student.id));
    const f = page.frameLocator('#tool-frame');
    const heading = f.getByRole('heading', { level: 2 });
    await expectText(heading, /Part 1: question 1 of 3/, 20_000);
    const frame = await toolFrame(page);
    await expectText(f.locator('gl-test-runner .bar'), /Part 1 of at most \d+/);
    await expectNoAxeViolations(frame, 'adaptive question screen');

    // Part 1: the first question online, then the network goes.
    await answerSomething(f);
    await f.getByRole('button', { name: 'Next', exact: true }).click();
    await expectText(heading, /Part 1: question 2 of 3/);
    await expectText(f.locator('gl-save-status [role="status"]'), /All answers saved/);
    await page.context().setOffline(true);
    await answerRestOfPart(f);
    await expectText(f.locator('gl-save-status [role="status"]'), /Offline: 2 answers kept on this device/);
    await expectNoAxeViolations(frame, 'review of a part');

    // Finishing the part offline keeps the answers and says it will finish once back online (a polite live region).
    await finishPart(f);
    const status = f.locator('gl-test-runner p[role="status"]');
    await expectText(status, /You are offline\. Your answers are safe on this device\. This part will be finished as soon as you are back online\./);
    const stored = async () => (await AttemptModel.findOne({ assessmentId: 'starter-g7-rp-adaptive' }).sort({ startedAt: -1 }).lean())!;
    expect(((await stored()).adaptive as { part: number }).part).toBe(1);
    await page.context().setOffline(false);

    // Back online: the answers are sent, the part is finished, and part 2 arrives with focus on its first question.
    await expectText(heading, /Part 2: question 1 of \d+/, 40_000);
    await expectText(status, /Part 2 is ready\./);
    const a = await stored();
    expect(Object.keys(a.responses as object).sort()).toEqual(['p1', 'p2', 'p3']);
    expect(((a.adaptive as { parts: { scored?: unknown[] }[] }).parts[0]!.scored ?? []).length).toBe(3);
    await expectNoAxeViolations(frame, 'second part');

    // The remaining parts, online, until the results.
    for (let guard = 0; guard < 10; guard++) {
      await answerRestOfPart(f);
      await finishPart(f);
      await expect.poll(async () => /Your results|Part \d+: question 1 of/.test(await textOf(heading).catch(() => '')), { timeout: 20_000 }).toBe(true);
      if (/Your results/.test(await textOf(heading))) break;
    }
    await expectText(heading, /Your results/);
    const cards = f.locator('gl-results li[part="standard"]');
    expect(await cards.count()).toBe(3);
    for (const text of await cards.allInnerTexts()) expect(text).toMatch(/(Not yet|Almost|Got it)[\s\S]*Chance you have mastered it: \d+%[\s\S]*Next step:/);
    await expectText(f.locator('gl-results [part="scale"]'), /Scale score: \d{3} \(give or take \d+\)/);
    await expectText(f.locator('gl-results p').first(), /You showed mastery of \d of 3 skills\. You answered \d+ questions in \d+ parts\./);
    await expectNoAxeViolations(frame, 'adaptive results');

    const done = await stored();
    expect(done.status).toBe('submitted');
    expect((done.result as { scale: { score: number } }).scale.score).toEqual(expect.any(Number));
    expect(await frame.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('growthline.answers.')))).toEqual([]);
    await page.close();
  }, 180_000);
});
